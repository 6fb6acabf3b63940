"""Which reactions are votes. One vote per person per answer; the latest direction wins."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_UP = ("+1", "thumbsup", "star", "fire", "heavy_plus_sign")
DEFAULT_DOWN = ("-1", "thumbsdown")


@dataclass(frozen=True, slots=True)
class VoteRules:
    up: frozenset[str] = frozenset(DEFAULT_UP)
    down: frozenset[str] = frozenset(DEFAULT_DOWN)

    def direction(self, emoji: str) -> int:
        """+1, -1, or 0 when the emoji is not a vote. Skin tones (`+1::skin-tone-2`) count as the emoji."""
        base = emoji.split("::", 1)[0]
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


def parse_emoji_list(text: str) -> frozenset[str]:
    return frozenset(e.strip().strip(":") for e in text.split(",") if e.strip().strip(":"))
