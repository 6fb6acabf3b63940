"""Write the Teams app package: the manifest, its two icons and its French strings at the root of a zip,
ready to upload (Teams admin center, or "Upload a custom app"). Also draws the icons when asked.

    python tools/teams_package.py [--icons] [output.zip]

The manifest's app and bot ids are MICROSOFT_APP_ID (the bot's Entra app id); without it the package
keeps the placeholder id and says so."""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "manifests" / "teams"
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
ACCENT = (0x44, 0x64, 0xEE)


def png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    """A PNG (RGBA, 8 bits) from ``pixel(x, y) -> (r, g, b, a)``, with the standard library only."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _ring(size: int, x: int, y: int) -> bool:
    """A circle's ring, Cercle's mark: between 55% and 80% of the half size from the centre."""
    centre = (size - 1) / 2
    distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 / (size / 2)
    return 0.55 <= distance <= 0.8


def draw_icons() -> None:
    (HERE / "color.png").write_bytes(
        png(192, 192, lambda x, y: (255, 255, 255, 255) if _ring(192, x, y) else (*ACCENT, 255))
    )
    (HERE / "outline.png").write_bytes(
        png(32, 32, lambda x, y: (255, 255, 255, 255) if _ring(32, x, y) else (0, 0, 0, 0))
    )


def manifest(app_id: str | None) -> dict[str, object]:
    text = (HERE / "manifest.json").read_text()
    if app_id:
        if not GUID.match(app_id):
            raise SystemExit(f"MICROSOFT_APP_ID must be the bot's app id (a GUID), got {app_id!r}")
        text = text.replace(PLACEHOLDER, app_id)
    return json.loads(text)


def package(output: Path, *, app_id: str | None) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(app_id), indent=2) + "\n")
        for name in ("color.png", "outline.png", "fr-fr.json"):  # the icons, the French strings
            archive.write(HERE / name, name)
    return output


def main(argv: list[str]) -> None:
    if "--icons" in argv:
        draw_icons()
        argv = [a for a in argv if a != "--icons"]
    app_id = os.environ.get("MICROSOFT_APP_ID", "").strip() or None
    written = package(Path(argv[0] if argv else "dist/cercle-teams.zip"), app_id=app_id)
    print(f"wrote {written}")
    if not app_id:
        print("note: MICROSOFT_APP_ID is not set; the package carries a placeholder id: set it and run again")


if __name__ == "__main__":
    main(sys.argv[1:])
