"""Which reactions are votes. One vote per person per answer; the latest direction wins.

Reactions reach the core as Unicode emoji (each integration translates its own names: Slack's
"thumbsup", Teams' "like"); a custom emoji only one platform knows stays ":name:"."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_UP = ("👍", "⭐", "🔥", "➕", "❤")  # ❤: a heart, like Teams' second reaction
DEFAULT_DOWN = ("👎",)
# Skin tones, the emoji-style selector and joiners: "👍🏽" is a "👍".
_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]")


def base_emoji(emoji: str) -> str:
    return _MODIFIERS.sub("", emoji.strip())


@dataclass(frozen=True, slots=True)
class VoteRules:
    up: frozenset[str] = frozenset(DEFAULT_UP)
    down: frozenset[str] = frozenset(DEFAULT_DOWN)

    def direction(self, emoji: str) -> int:
        """+1, -1, or 0 when the emoji is not a vote."""
        base = base_emoji(emoji)
        if base in self.up:
            return 1
        if base in self.down:
            return -1
        return 0


@dataclass(frozen=True, slots=True)
class Reaction:
    """A vote reaction as it arrived, kept aside while its message is not yet known as an answer."""

    voter: str
    emoji: str
    direction: int
    added: bool
    at: float = 0.0  # when the platform saw it: changes of one emoji apply in this order (0: unknown)
