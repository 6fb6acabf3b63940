"""The message catalog: both languages hold the same messages with the same placeholders, every
message a renderer asks for exists, and renderers hold no prose of their own."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as fluent_ast
from fluent.syntax.visitor import Visitor

from app.domain.language import LANGUAGES
from integrations.catalog import CATALOG_DIR, MissingMessage, say_in

ROOT = Path(__file__).resolve().parents[2]
# Where people's words are rendered: no sentence may be written here, only asked of the catalog.
RENDERERS = [
    *sorted((ROOT / "integrations").rglob("*.py")),
    *sorted((ROOT / "handlers").rglob("*.py")),
]
# Strings that read like prose but are not said to anyone: log lines, errors the platforms' logs show.
NOT_SAID = {
    "integrations/networks/bluesky.py",
    "integrations/networks/mastodon.py",
    "integrations/networks/x.py",
    "integrations/teams/connector.py",
    "handlers/slack/shapes.py",
    "integrations/catalog/__init__.py",  # the loader: its errors are for developers
}
MESSAGE_ID = re.compile(r"^[a-z]+(?:-[a-z0-9]+)+$")
PROSE = re.compile(r"[A-Za-zÀ-ÿ]{2,}[ ,;:]+[A-Za-zÀ-ÿ]{2,}[ ,;:]+[A-Za-zÀ-ÿ]{2,}")


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: fluent_ast.VariableReference) -> None:
        self.names.add(node.id.name)
        self.generic_visit(node)


def _messages(language: str) -> dict[str, set[str]]:
    """Each message id of a language's catalog and the placeholders it uses."""
    found: dict[str, set[str]] = {}
    for path in sorted((CATALOG_DIR / language).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [entry.content[:80] for entry in resource.body if isinstance(entry, fluent_ast.Junk)]
        assert not junk, f"{path.name} does not parse: {junk}"
        for entry in resource.body:
            if isinstance(entry, fluent_ast.Message):
                assert entry.id.name not in found, f"{language}: {entry.id.name} twice"
                variables = _Variables()
                variables.visit(entry)
                found[entry.id.name] = variables.names
    return found


def test_every_language_has_the_same_messages_and_placeholders() -> None:
    english = _messages("en")
    assert len(english) > 250
    for language in LANGUAGES:
        other = _messages(language)
        assert sorted(set(english) - set(other)) == [], f"{language} misses these messages"
        assert sorted(set(other) - set(english)) == [], f"{language} has messages English lacks"
        differ = {key: (english[key], other[key]) for key in english if english[key] != other[key]}
        assert differ == {}, f"{language}: placeholders differ"


def _constants(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_every_message_a_renderer_asks_for_exists() -> None:
    english = _messages("en")
    asked = {
        (path.relative_to(ROOT).as_posix(), line, value)
        for path in RENDERERS
        for line, value in _constants(path)
        if MESSAGE_ID.match(value) and value.split("-", 1)[0] in {key.split("-", 1)[0] for key in english}
    }
    assert len(asked) > 200
    missing = sorted((where, line, value) for where, line, value in asked if value not in english)
    assert missing == []


def test_renderers_hold_no_prose() -> None:
    prose = sorted(
        (path.relative_to(ROOT).as_posix(), line, value[:60])
        for path in RENDERERS
        if path.relative_to(ROOT).as_posix() not in NOT_SAID
        for line, value in _constants(path)
        if PROSE.search(value)
    )
    assert prose == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plurals_and_numbers_follow_the_language(language: str) -> None:
    say = say_in(language)
    one, many = say("other-replies-title", count=1), say("other-replies-title", count=1234)
    assert one != many
    assert ("1 234" if language == "fr" else "1,234") in many.replace("\u202f", " ").replace("\xa0", " ")
    assert say.signed(3) == "+3" and say.signed(-2) == "-2"


def test_dates_and_durations_in_each_language() -> None:
    moment = 1796292000.0  # 2026-12-03 10:00 UTC
    assert say_in("en").day(moment) == "3 Dec 2026"
    assert say_in("fr").day(moment) == "3 déc. 2026"
    assert say_in("fr").duration(3900) == "1 h 05 min"
    assert say_in("fr")("summary-heading", day="3 déc. 2026", duration="12 min").startswith("Compte rendu")


def test_a_message_nobody_wrote_is_an_error_not_a_blank() -> None:
    with pytest.raises(MissingMessage):
        say_in("fr")("no-such-message")
    assert say_in("de").language == "en"  # a language Cercle does not speak falls back to the default
