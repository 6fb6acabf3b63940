"""What an organisation's own page shows (Slack's App Home, Teams' personal card): its open topics,
the reader's own questions, its partners and its give and take with each, and how its public
networks are doing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.ledger import Reciprocity
from app.domain.models import Topic
from app.domain.networks import NetworkState

OPEN_TOPICS_SHOWN = 15
OWN_QUESTIONS_SHOWN = 10


class PartnerState(StrEnum):
    ACTIVE = "active"
    NO_INBOX = "no_inbox"  # the partner has not chosen the channel that receives questions
    REMOVED = "removed"  # Cercle was removed from the partner's organisation


@dataclass(frozen=True, slots=True)
class OwnQuestion:
    topic: Topic
    answers: int  # how many reached the meeting (posted or in a digest)


@dataclass(frozen=True, slots=True)
class HomeView:
    organisation: str
    partners: tuple[Reciprocity, ...] = ()
    networks: tuple[NetworkState, ...] = ()
    open_topics: tuple[Topic, ...] = ()
    own_questions: tuple[OwnQuestion, ...] = ()
    partner_states: tuple[tuple[str, PartnerState], ...] = ()
