"""What became of a question someone asked, as the asker is told it (each platform in its words)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import PlatformError
from app.domain.models import Topic


@dataclass(frozen=True, slots=True)
class Opened:
    topic: Topic
    partners: int  # how many partner organisations the question is on its way to
    networks: int = 0  # how many public networks it is being published on


@dataclass(frozen=True, slots=True)
class AlreadyAsked:
    """The same question by the same person is open here (``topic``), or being opened right now."""

    topic: Topic | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """The platform would not take the topic's root: nothing was posted or stored."""

    error: PlatformError


AskOutcome = Opened | AlreadyAsked | Refused


class Hint(StrEnum):
    """A pointer Cercle gives one person privately."""

    MENTION = "mention"  # they mentioned the bot in a channel: show them how to ask
