"""Slack's message text read into Cercle's neutral form, the one the core reads whatever the platform:
people as "@name", channels as "#name", links as "[label](address)", emoji as Unicode characters (a
custom emoji stays ":name:"), and plain "&", "<", ">"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import emoji

# <@U0BOB>, <@U0BOB|bob>, <#C0PRICE|pricing>, <!subteam^S0OPS|@ops>, <!here>, <https://x|label>,
# <mailto:a@b.c|a@b.c>: Slack's markup, the only place "<" and ">" appear unescaped.
_MARKUP = re.compile(r"<([^<>]*)>")
UNNAMED_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
_SHORTCODE = re.compile(r"(?<![\w:]):([a-z0-9_+'-]+):(?::skin-tone-[2-6]:)?(?!\w)")
_SKIN_TONE = re.compile(r"::skin-tone-[2-6]$")


@lru_cache(maxsize=4096)  # a few dozen names in use; each lookup scans the emoji library's table
def emoji_named(name: str) -> str:
    """A Slack emoji name ("+1", "thumbsup::skin-tone-2") as its Unicode character; a custom emoji
    Slack alone knows stays ":name:". Skin tones count as the emoji itself."""
    name = _SKIN_TONE.sub("", name.strip().strip(":"))
    found = emoji.emojize(f":{name}:", language="alias")
    return found.replace("\ufe0f", "") if found != f":{name}:" else found


def _words(match: re.Match[str], names: Mapping[str, str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):
        return "@" + (label or names.get(target[1:]) or "someone").lstrip("@").split()[0]
    if target.startswith("#"):
        return "#" + (label or "channel").lstrip("#")
    if target.startswith("!subteam^"):
        return "@" + ((label or "group").lstrip("@").split() or ["group"])[0]
    if target.startswith("!"):
        return "@" + target[1:].split("^", 1)[0].split("|", 1)[0]
    if label and label.strip() != target.strip():
        return f"[{label}]({target})"
    return target


def neutral(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """``names``: user id → display name, for the mentions Slack sent without one."""
    known = names or {}
    text = _MARKUP.sub(lambda m: _words(m, known), text)
    text = _SHORTCODE.sub(lambda m: emoji_named(m.group(1)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
