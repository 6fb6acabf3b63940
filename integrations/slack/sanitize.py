"""Make untrusted text safe to post in Slack mrkdwn.

Slack's own escaping rule is only ``&``, ``<``, ``>`` (FACTS #15): with those escaped no
``<!channel>``, ``<@U…>``, ``<!subteam^…>``, ``<#C…>`` or ``<url|label>`` can be forged. Markup that
arrives already formed (the text of a message in another workspace) is first turned into
plain words, so a disguised link shows its real address and a mention reads as a name.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 1500
CUT_SUFFIX = " […]"  # the same in every language; the answer links to its original beside it

_MARKUP = re.compile(r"<([^<>]*)>")
_BROADCAST_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def _strip_invisible(text: str) -> str:
    """Zero-width, bidirectional and other format characters can hide or reorder what is read."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc") or ch in "\n\t")


def _markup_to_words(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:]).lstrip("@")
    if target.startswith("#"):
        return "#" + (label or target[1:]).lstrip("#")
    if target.startswith("!subteam^"):
        return "@" + (label or "group").lstrip("@")
    if target.startswith("!"):
        word = target[1:].split("^", 1)[0]
        return "@" + (label or word).lstrip("@")
    if label and label.strip() != target.strip():
        return f"{label} ({target})"
    return target


# A link in Cercle's neutral form, "[label](address)": shown with its real address.
_NEUTRAL_LINK = re.compile(r"\[([^\]\n]*)\]\(((?:https?://|mailto:|tel:)[^)\s]+)\)")


def plain_text(text: str) -> str:
    """Remove Slack markup and invisible characters; the result is plain, unescaped text."""
    text = _strip_invisible(unicodedata.normalize("NFC", text))
    text = _MARKUP.sub(_markup_to_words, text)
    return _NEUTRAL_LINK.sub(
        lambda m: m.group(2) if m.group(1) in ("", m.group(2)) else f"{m.group(1)} ({m.group(2)})", text
    )


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise_broadcasts(text: str) -> str:
    """`@channel` written out is inert without link_names, but a full-width @ keeps it so everywhere."""
    return _BROADCAST_WORDS.sub(lambda m: "＠" + m.group(1), text)


def cap(text: str, *, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_SUFFIX)].rstrip() + CUT_SUFFIX


def sanitise(text: str, *, limit: int = MAX_CHARS) -> str:
    """Outside text → safe mrkdwn: plain words, no active mention, broadcast or link label."""
    cleaned = neutralise_broadcasts(plain_text(text)).strip()
    # Cap before escaping so an entity such as &amp; is never cut in half.
    return escape(cap(cleaned, limit=limit))
