"""What happens to a reply on its way to the live thread: pure rules, no I/O.

A meeting absorbs a few good answers, not a flood: replies below the relevance threshold wait
for the summary, at most ``max_per_window`` answers per topic go in per window and the rest
leave together as one digest when the window ends, and in review mode the asker decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.relevance import ReplyKind, fold, tokens


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    max_per_window: int = 3
    window_s: float = 300.0
    threshold: float = 0.3


class Route(StrEnum):
    DROP = "drop"  # thanks, emoji, the asker's own words: never an answer
    VOTE = "vote"  # "+1", "same here": a vote for the reply it agrees with
    BELOW = "below"  # kept and counted, never injected
    DELIVER = "deliver"  # on its way: review, injection now, or the window's digest


def route(*, kind: ReplyKind, score: float, by_asker: bool, rules: DeliveryRules) -> Route:
    if by_asker or kind in (ReplyKind.THANKS, ReplyKind.EMPTY):
        return Route.DROP
    if kind is ReplyKind.AGREEMENT:
        return Route.VOTE
    if score < rules.threshold:
        return Route.BELOW
    return Route.DELIVER


def digest_time(*, injected_at: Sequence[float], rules: DeliveryRules) -> float:
    """When the current window closes: the oldest injection in it plus the window."""
    return min(injected_at) + rules.window_s


# Negations are stop words for relevance, but "use X" and "don't use X" are opposite advice.
NEGATION = re.compile(r"\b(not|no|never|cannot|nothing|none|pas|ne|jamais|rien|aucun|aucune|sans)\b|n'?t\b")


def _negated(text: str) -> bool:
    return NEGATION.search(fold(text).replace("\u2019", "'")) is not None


def same_content(a: str, b: str, *, threshold: float = 0.8) -> bool:
    """Exact or near-duplicate replies (the same advice pasted in several places); a reply that
    negates and one that does not are never the same, however many words they share."""
    if _negated(a) != _negated(b):
        return False
    words_a, words_b = set(tokens(a)), set(tokens(b))
    if not words_a or not words_b:
        return " ".join(a.lower().split()) == " ".join(b.lower().split())
    return len(words_a & words_b) / len(words_a | words_b) >= threshold


def parse_window(text: str) -> float:
    """'300', '300s', '5m', '1h' → seconds."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600}
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)
