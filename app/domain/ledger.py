"""Reciprocity between partners: who asked whom, who answered whom. Networked work lasts only when
the give and the take roughly balance; each organisation sees its own ledger (App Home)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LEDGER_DAYS = (30, 90)
NUDGE_RATIO = 3  # answers received over answers given, past which the organisation is nudged
NUDGE_FLOOR = 3  # answers received below which nobody is nudged


class LedgerField(StrEnum):
    """One organisation's counts with one partner, from the organisation's side."""

    ASKED_THEM = "asked_them"  # our questions sent to the partner
    ASKED_US = "asked_us"  # the partner's questions sent to us
    ANSWERS_FROM_THEM = "answers_from_them"  # the partner's answers to our questions
    ANSWERS_FROM_US = "answers_from_us"  # our answers to the partner's questions


@dataclass(frozen=True, slots=True)
class Reciprocity:
    partner_name: str
    last_30: dict[LedgerField, int]
    last_90: dict[LedgerField, int]

    @property
    def takes_far_more(self) -> bool:
        """Over 90 days, many answers received and few given back."""
        received = self.last_90.get(LedgerField.ANSWERS_FROM_THEM, 0)
        given = self.last_90.get(LedgerField.ANSWERS_FROM_US, 0)
        return received >= NUDGE_FLOOR and received > NUDGE_RATIO * max(given, 0) + given
