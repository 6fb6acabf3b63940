"""Everything Cercle says, in English and French: Fluent message files (``en/*.ftl``,
``fr/*.ftl``) read once per language. Renderers never hold prose; they ask ``Say`` for a message
by its id, with named values. Fluent rather than gettext: plurals and per-language number
formatting (through Babel) live in the catalog, where translators see them, and nothing needs
compiling at install (tests/integrations/test_catalog.py checks both catalogs match).

Not an integration: Slack's, Teams' and the networks' words all read it."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fluent.runtime import FluentBundle, FluentResource

from app.domain.language import DEFAULT_LANGUAGE, LANGUAGES

CATALOG_DIR = Path(__file__).parent


class MissingMessage(LookupError):
    """A renderer asked for a message no catalog holds: a bug, caught by the catalog tests."""


class Say:
    """One language's words: ``say("topic-list-empty", cmd="/ask")``."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._bundle = FluentBundle([self.language], use_isolating=False)
        for path in sorted((CATALOG_DIR / self.language).glob("*.ftl")):
            self._bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))

    def has(self, message_id: str) -> bool:
        return self._bundle.has_message(message_id)

    def __call__(self, message_id: str, /, **values: Any) -> str:
        if not self._bundle.has_message(message_id):
            raise MissingMessage(f"{self.language}: {message_id}")
        pattern = self._bundle.get_message(message_id).value
        if pattern is None:
            raise MissingMessage(f"{self.language}: {message_id} has no value")
        text, errors = self._bundle.format_pattern(pattern, _fluent_values(values))
        if errors:
            raise MissingMessage(f"{self.language}: {message_id}: {errors[0]}")
        return str(text)

    # Formats that Fluent's own functions do not offer, from Babel with the same locale.
    def number(self, number: int) -> str:
        """A count as the language writes it: 1,234 or 1 234."""
        return format_decimal(number, locale=self.language)

    def signed(self, number: int) -> str:
        """A vote count with its sign: +3, −1 (French groups thousands with a narrow space)."""
        return format_decimal(number, format="+#,##0;-#,##0", locale=self.language)

    def day(self, epoch: float) -> str:
        """The date of a meeting: 3 Dec 2026, 3 déc. 2026."""
        return format_date(datetime.fromtimestamp(epoch, UTC).date(), format="d MMM y", locale=self.language)

    def moment(self, epoch: float) -> str:
        """A time of day with its date, in UTC: 3 Dec 14:05, 3 déc. 14:05."""
        when = datetime.fromtimestamp(epoch, UTC)
        return format_datetime(when, "d MMM HH:mm", tzinfo=UTC, locale=self.language) + " UTC"

    def duration(self, seconds: float) -> str:
        """A meeting's or an answer's delay, to the minute: 7 min, 1 h 05 min."""
        hours, minutes = divmod(round(seconds / 60), 60)
        if hours:
            return self("duration-hours", hours=hours, minutes=f"{minutes:02d}")
        return self("duration-minutes", minutes=minutes)


def _fluent_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Fluent takes strings and numbers; anything else is said as its text."""
    return {key: value if isinstance(value, int | float | str) else str(value) for key, value in values.items()}


class Speaks:
    """What a chat platform's adapter says in: its organisation's language in its channels (the
    directory sets ``language``), a reader's own in what only they see."""

    language: str = DEFAULT_LANGUAGE

    @property
    def _say(self) -> Say:
        return say_in(self.language)

    def _reader(self, language: str | None) -> Say:
        return say_in(language or self.language)


@functools.cache
def say_in(language: str) -> Say:
    """The words of ``language`` (an unknown one falls back to the default), built once."""
    return Say(language)


ENGLISH = say_in("en")
