"""The domain objects of DESIGN.md. Pure Python: no SDK, no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    MATRIX = "matrix"


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


def org_key(*, platform: str, tenant: str) -> str:
    """The one spelling of an organisation's key: a Slack workspace and a Teams tenant may share an
    id, so the platform is part of it."""
    return f"{platform}:{tenant}"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a message lives; ``thread`` is the thread root id when it is a thread."""

    platform: Platform
    tenant: str
    channel: str
    thread: str | None = None

    @property
    def org_key(self) -> str:
        return org_key(platform=self.platform, tenant=self.tenant)

    @property
    def channel_key(self) -> str:
        return f"{self.org_key}:{self.channel}"

    def in_thread(self, thread: str) -> Place:
        return replace(self, thread=thread)


def place_fields(place: Place, *, prefix: str = "") -> dict[str, str]:
    """The one way a Place is written down (Redis hashes, JSON, job payloads); no thread is ""."""
    return {
        f"{prefix}platform": str(place.platform),
        f"{prefix}tenant": place.tenant,
        f"{prefix}channel": place.channel,
        f"{prefix}thread": place.thread or "",
    }


def place_from_fields(data: Mapping[str, object], *, prefix: str = "") -> Place:
    thread = data.get(f"{prefix}thread")
    return Place(
        platform=Platform(str(data[f"{prefix}platform"])),
        tenant=str(data[f"{prefix}tenant"]),
        channel=str(data[f"{prefix}channel"]),
        thread=str(thread) if thread else None,
    )


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
    share_asker: bool = False  # the asker's name travels with the question only if they said so
    review: bool = False  # answers wait for the asker's approval before injection
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
class Organisation:
    """A workspace (or tenant) where Cercle is installed; ``inbox`` receives partners' questions."""

    platform: Platform
    tenant: str
    name: str
    inbox: str | None = None

    @property
    def key(self) -> str:
        return org_key(platform=self.platform, tenant=self.tenant)

    @property
    def inbox_place(self) -> Place | None:
        return Place(self.platform, self.tenant, self.inbox) if self.inbox else None


class MirrorStatus(StrEnum):
    PENDING = "pending"
    POSTING = "posting"
    POSTED = "posted"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Mirror:
    """The copy of a topic in one partner's inbox; ``place.thread`` is the copy's root id."""

    topic_id: str
    partner: str  # Organisation.key
    partner_name: str
    status: MirrorStatus
    place: Place | None = None
    reason: str = ""
    started_at: float = 0.0


class SkipReason(StrEnum):
    """Why a mirror was not sent, as kept with it (renderers word it in the reader's language)."""

    NO_LONGER_PARTNER = "no longer a partner"
    REMOVED = "Cercle removed"
    NO_INBOX = "no inbox"
    CLOSED = "closed before it was sent"
    DISCONNECTED = "not connected any more"


class AnswerStatus(StrEnum):
    NEW = "new"  # on its way to the live thread
    INJECTED = "injected"
    WAITING = "waiting"  # over the window's quota: goes out in the window's digest
    DIGESTED = "digested"  # went out in a digest message
    IN_REVIEW = "in_review"  # the asker has been asked to approve it
    SKIPPED = "skipped"  # the asker skipped it
    BELOW = "below"  # under the relevance threshold: counted and listed on request, never injected
    LATE = "late"  # arrived after the topic closed: kept for the summary, never injected
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Credit:
    """Someone who sent the same answer from another place: the summary and the thanks count them
    for their own organisation."""

    name: str
    organisation: str
    # Where the copy was written, so that it can be followed (edits, deletion, "+1" below it) and
    # can stand for the answer if the first author deletes theirs. Unknown for credits stored
    # before copies kept it.
    user_id: str = ""
    source: Place | None = None
    message_id: str = ""
    link: str = ""
    text: str = ""
    at: float = 0.0

    def label(self) -> str:
        return f"{self.name} ({self.organisation})"

    def wrote(self, *, place: Place, message_id: str) -> bool:
        return (
            self.source is not None and self.source.channel_key == place.channel_key and self.message_id == message_id
        )


@dataclass(frozen=True, slots=True)
class Answer:
    id: str
    topic_id: str
    source: Place  # the mirror thread where it was written
    source_message_id: str
    author: Person
    organisation: str
    text: str  # as written; sanitised when rendered for a platform
    created_at: float
    link: str = ""
    status: AnswerStatus = AnswerStatus.NEW
    injected_id: str = ""  # the message in the live thread, once injected
    posting_since: float = 0.0
    score: float = 0.0
    reasons: tuple[str, ...] = ()
    also_from: tuple[Credit, ...] = ()  # the same content, sent from other places

    def written_at(self, *, place: Place, message_id: str) -> bool:
        """Whether this message is the answer's own source, not a copy merged into it."""
        return self.source.channel_key == place.channel_key and self.source_message_id == message_id


def answer_id_for(source: Place, message_id: str) -> str:
    """Stable id from where the reply was written: the same reply always maps to one answer."""
    return hashlib.sha1(f"{source.channel_key}:{message_id}".encode()).hexdigest()[:16]


def person_key(*, platform: str, tenant: str, user: str) -> str:
    """One person, whatever they do (vote by reaction or by "+1", answer in any channel): a user id
    belongs to one workspace or tenant, so the same id elsewhere is someone else."""
    return f"{platform}:{tenant}:{user}"
