"""The languages Cercle speaks, and how a platform's locale ("fr-FR", "fr_CA", "en-GB") maps onto
them. Which language a reader gets is decided in app/usecases/language.py."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"
_NAMES = {"en": "en", "english": "en", "anglais": "en", "fr": "fr", "french": "fr", "français": "fr", "francais": "fr"}


def language_of(locale: str | None) -> str | None:
    """The language of a platform's locale tag, or None when Cercle does not speak it."""
    if not locale:
        return None
    head = locale.strip().lower().replace("_", "-").split("-", 1)[0]
    return head if head in LANGUAGES else None


def language_named(word: str) -> str | None:
    """What an admin typed after `language`: fr, en, français, english…"""
    return _NAMES.get(word.strip().lower())


def chosen_or_default(chosen: str | None, default: str) -> str:
    """An organisation's language: what an admin chose, if Cercle speaks it, else the default."""
    return chosen if chosen in LANGUAGES else (default if default in LANGUAGES else DEFAULT_LANGUAGE)
