"""The domain objects of DESIGN.md. Pure Python: no SDK, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"


class TopicStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MeetingStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Reach(StrEnum):
    """How far a question may travel: the asker's consent."""

    PARTNERS = "partners"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a message lives; ``thread`` is the thread root id when it is a thread."""

    platform: Platform
    tenant: str
    channel: str
    thread: str | None = None

    @property
    def channel_key(self) -> str:
        return f"{self.platform}:{self.tenant}:{self.channel}"

    def in_thread(self, thread: str) -> Place:
        return replace(self, thread=thread)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Meeting:
    """One live channel's session, opened by its first question."""

    id: str
    place: Place
    started_at: float
    status: MeetingStatus = MeetingStatus.OPEN
    ended_at: float | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    meeting_id: str
    question: str
    asker: Person
    place: Place
    created_at: float
    status: TopicStatus = TopicStatus.OPEN
    reach: Reach = Reach.PARTNERS
    permalink: str = ""
    closed_at: float | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is TopicStatus.OPEN

    def closed(self, *, by: str, at: float) -> Topic:
        return replace(self, status=TopicStatus.CLOSED, closed_by=by, closed_at=at)


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """What a platform answers when a message is posted: enough to find it again."""

    place: Place
    message_id: str
    permalink: str = ""


@dataclass(frozen=True, slots=True)
class TopicView:
    """What a platform needs to render a topic root; kept apart from storage concerns."""

    topic: Topic
    notes: tuple[str, ...] = field(default_factory=tuple)
