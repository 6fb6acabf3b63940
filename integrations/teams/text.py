"""Teams' text both ways: what people wrote, read into Cercle's neutral form, and outside text made
safe for an Adaptive Card.

Teams sends message text as HTML-ish markup (``<at>Ada</at>`` for a mention, ``<p>``, entities); an
Adaptive Card TextBlock renders a small Markdown subset and never HTML. Outside text must not ping
anyone (a mention only works through the activity's ``entities``, which Cercle never copies), must not
disguise a link, and must stay short."""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,400}>")
_SPACES = re.compile(r"[ \t]+")
# Markdown that would let outside text look like something else: [label](url) hides where a link goes.
_MD_LINK = re.compile(r"\[([^\]]{0,300})\]\(([^)\s]{1,2000})\)")
_MD_SPECIAL = re.compile(r"([\\`*_#>\[\]])")
MAX_TEXT = 2000  # characters of outside text in one card; Teams allows ~28 KB a message


def strip_mentions(text: str, *, names: tuple[str, ...]) -> str:
    """The command as typed after "@Cercle": the bot's own mentions (``names``, from the activity's
    entities) removed, other people's kept as "@Name"; with no names known, a leading mention."""
    if not names:
        return readable(
            re.sub(
                r"^((?:\s*<(?!at\b)[^>]*>)*)\s*<at[^>]*>.*?</at>", r"\1", text, count=1, flags=re.IGNORECASE | re.DOTALL
            )
        )

    def drop(match: re.Match[str]) -> str:
        inner = html.unescape(_TAG.sub("", match.group(1))).strip()
        return "" if inner in names else f"@{inner}"

    return readable(_MENTION.sub(drop, text))


def readable(text: str) -> str:
    """A Teams message in Cercle's neutral form: mentions as "@Name", HTML read, entities decoded."""
    text = _MENTION.sub(lambda m: "@" + html.unescape(_TAG.sub("", m.group(1))).strip(), text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def sanitise(text: str, *, limit: int = MAX_TEXT) -> str:
    """Outside text for a TextBlock: no HTML, no hidden link target, no Markdown of its own, capped."""
    text = readable(text) if "<" in text else text
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("<", "‹").replace(">", "›")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
