"""The Teams app package: a manifest valid for Teams' own schema (v1.29) that asks for what the
product needs, icons of the sizes Teams requires, and `make teams-package`'s zip with all three at
its root."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import jsonschema

from app.domain.commands import FRENCH_WORDS
from handlers.teams.activities import ASK_WORDS
from integrations.catalog import ENGLISH, say_in
from integrations.teams.words import help_usages

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "manifests/teams"
SPECS = ROOT / "tests/specs/teams"
SCHEMA = json.loads((SPECS / "MicrosoftTeams.schema.json").read_text())
APP_ID = "4f3c1a52-8c1e-4a8b-9d3e-2b6f0c9e7a11"


def pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG with unfiltered rows (as tools/teams_package.py writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6), "8-bit RGBA"
    chunks, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(chunks)
    stride = 1 + width * 4
    found = []
    for y in range(height):
        row = raw[y * stride : (y + 1) * stride]
        assert row[0] == 0, "unfiltered rows"
        found += [tuple(row[1 + x * 4 : 5 + x * 4]) for x in range(width)]
    return width, height, found  # type: ignore[return-value]


def test_the_manifest_is_valid_for_teams_schema() -> None:
    manifest = json.loads((MANIFEST / "manifest.json").read_text())
    errors = [f"{e.json_path}: {e.message}" for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(manifest)]
    assert errors == []


def test_the_manifest_asks_for_what_cercle_needs() -> None:
    manifest = json.loads((MANIFEST / "manifest.json").read_text())
    [bot] = manifest["bots"]
    assert set(bot["scopes"]) == {"team", "groupChat", "personal"}
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    usages = [usage for usage, _ in help_usages(say=ENGLISH)]
    assert titles == [usage.split(" <")[0].split(" fr|")[0] for usage in usages if not usage.startswith("ask --")]
    permissions = {p["name"] for p in manifest["authorization"]["permissions"]["resourceSpecific"]}
    assert permissions == {
        "ChannelMessage.Read.Group",
        "ChatMessage.Read.Chat",
        "OnlineMeeting.ReadBasic.Chat",
        "ChannelMeeting.ReadBasic.Group",
    }


def test_icons_have_teams_sizes_and_the_outline_is_white_on_transparent() -> None:
    width, height, _ = pixels((MANIFEST / "color.png").read_bytes())
    assert (width, height) == (192, 192)
    width, height, outline = pixels((MANIFEST / "outline.png").read_bytes())
    assert (width, height) == (32, 32)
    assert all(p == (255, 255, 255, 255) or p[3] == 0 for p in outline)
    assert any(p[3] == 0 for p in outline) and any(p[3] == 255 for p in outline)


def test_make_teams_package_writes_the_zip_with_the_app_id(tmp_path: Path) -> None:
    output = tmp_path / "cercle-teams.zip"
    env = {"MICROSOFT_APP_ID": APP_ID, "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(ROOT / "tools/teams_package.py"), str(output)], check=True, env=env)
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "fr-fr.json", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (MANIFEST / "color.png").read_bytes()
    assert manifest["id"] == manifest["bots"][0]["botId"] == manifest["webApplicationInfo"]["id"] == APP_ID
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(manifest)) == []


def test_a_wrong_app_id_is_refused(tmp_path: Path) -> None:
    env = {"MICROSOFT_APP_ID": "not-a-guid", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools/teams_package.py"), str(tmp_path / "x.zip")], env=env, capture_output=True
    )
    assert done.returncode != 0 and b"must be the bot's app id" in done.stderr


def test_the_french_strings_are_valid_and_match_the_french_help() -> None:
    """Teams shows French speakers the commands in French: the words Cercle reads, as its help says them."""
    manifest = json.loads((MANIFEST / "manifest.json").read_text())
    [french] = manifest["localizationInfo"]["additionalLanguages"]
    strings = json.loads((MANIFEST / french["file"]).read_text())
    schema = json.loads((SPECS / "MicrosoftTeams.Localization.schema.json").read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(strings)) == []
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    titles = [strings[f"bots[0].commandLists[0].commands[{n}].title"] for n in range(len(commands))]
    usages = [usage for usage, _ in help_usages(say=say_in("fr")) if not usage.startswith("demande --")]
    assert titles == [usage.split(" <")[0].split(" fr|")[0] for usage in usages]
    assert all(title.split()[0] in {*FRENCH_WORDS, *ASK_WORDS} for title in titles)  # words Cercle reads
