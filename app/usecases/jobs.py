"""Every kind of job the worker runs, each a typed payload that knows its id.

A job's id says what makes it unique: the same mirror, delivery or summary asked for twice runs once
(the queue keeps one job per id). Ids are built here and nowhere else. The handlers that run them
are listed in app/usecases/registry.py."""

from __future__ import annotations

import dataclasses
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Self

from app.domain.models import Place, place_fields, place_from_fields


@dataclass(frozen=True, slots=True)
class Job(ABC):
    """A job's payload travels as JSON: strings, numbers, booleans, and Places written down once."""

    kind: ClassVar[str]

    @property
    @abstractmethod
    def job_id(self) -> str:
        """What makes this job unique: the queue runs one job per id."""

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in ((f.name, getattr(self, f.name)) for f in dataclasses.fields(self)):
            if isinstance(value, Place):
                out.update(place_fields(value, prefix=f"{name}."))
            else:
                out[name] = value
        return out

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self:
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            kind = _field_types(cls)[field.name]
            if kind is Place:
                values[field.name] = place_from_fields(payload, prefix=f"{field.name}.")
            elif field.name in payload:
                values[field.name] = (
                    kind(payload[field.name]) if kind in (str, float, int, bool) else payload[field.name]
                )
        return cls(**values)


@cache
def _field_types(cls: type[Job]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


# --- opening and mirroring ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OpenTopic(Job):
    """A question someone asked: the worker posts its root, stores it and asks the partners."""

    kind: ClassVar[str] = "topic.open"
    topic_id: str
    place: Place
    question: str
    asker_id: str
    asker_name: str
    created_at: float
    reach: str = "partners"
    share_asker: bool = False
    reply_to: str = ""  # the platform's private way back to the asker (Slack: the command's response_url)

    @property
    def job_id(self) -> str:
        return f"opening:{self.topic_id}"


@dataclass(frozen=True, slots=True)
class PostMirror(Job):
    kind: ClassVar[str] = "mirror.post"
    topic_id: str
    partner: str

    @property
    def job_id(self) -> str:
        return f"mirror:{self.topic_id}:{self.partner}"


@dataclass(frozen=True, slots=True)
class CloseMirror(Job):
    kind: ClassVar[str] = "mirror.close"
    topic_id: str
    partner: str

    @property
    def job_id(self) -> str:
        return f"mirror-close:{self.topic_id}:{self.partner}"


@dataclass(frozen=True, slots=True)
class CloseTopic(Job):
    """A topic closed by hand: tell its partners, re-render its root."""

    kind: ClassVar[str] = "topic.close"
    topic_id: str

    @property
    def job_id(self) -> str:
        return f"close:{self.topic_id}"


@dataclass(frozen=True, slots=True)
class RefreshTopic(Job):
    """Re-render a topic root (where the question went); coalesced by its id."""

    kind: ClassVar[str] = "topic.refresh"
    topic_id: str

    @property
    def job_id(self) -> str:
        return f"refresh:{self.topic_id}"


# --- replies and their changes --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReceiveReply(Job):
    """A reply seen in a thread; ``version`` tells a reply taken again (edited back into an answer)."""

    kind: ClassVar[str] = "reply.received"
    place: Place
    message_id: str
    user_id: str
    text: str
    at: float
    version: str = ""
    author_name: str = ""  # a network's reply names its author and links itself
    link: str = ""

    @property
    def job_id(self) -> str:
        suffix = f":{self.version}" if self.version else ""
        return f"reply:{self.place.channel_key}:{self.message_id}{suffix}"


@dataclass(frozen=True, slots=True)
class EditReply(Job):
    kind: ClassVar[str] = "reply.edited"
    place: Place
    message_id: str
    user_id: str
    text: str
    at: float
    version: int = 0  # the platform's order of edits (Slack: edited.ts in microseconds)
    text_version: str = ""
    author_name: str = ""
    link: str = ""

    @property
    def job_id(self) -> str:
        return f"edit:{self.place.channel_key}:{self.message_id}:{self.version}:{self.text_version}"


@dataclass(frozen=True, slots=True)
class DeleteReply(Job):
    kind: ClassVar[str] = "reply.deleted"
    place: Place
    message_id: str

    @property
    def job_id(self) -> str:
        return f"deletion:{self.place.channel_key}:{self.message_id}"


@dataclass(frozen=True, slots=True)
class CountReaction(Job):
    """A vote emoji added or removed on a message (an injected answer, or a reply in a partner's
    thread). ``event_id``: the platform's id of the event, so that a redelivery counts once."""

    kind: ClassVar[str] = "reaction"
    place: Place
    message_id: str
    voter: str  # a person key (app/domain/models.person_key)
    user_id: str  # the same person as the platform names them, to tell them something privately
    emoji: str
    added: bool
    at: float
    event_id: str

    @property
    def job_id(self) -> str:
        return f"reaction:{self.place.org_key}:{self.event_id}"


@dataclass(frozen=True, slots=True)
class ShowHint(Job):
    """A short private pointer for one person (someone who mentioned the bot instead of asking)."""

    kind: ClassVar[str] = "hint"
    place: Place
    user_id: str
    hint: str  # one of app/domain/asking.Hint
    event_id: str

    @property
    def job_id(self) -> str:
        return f"hint:{self.place.org_key}:{self.event_id}"


@dataclass(frozen=True, slots=True)
class PublishHome(Job):
    """Someone opened Cercle's home tab: show it, from the worker."""

    kind: ClassVar[str] = "home"
    platform: str
    tenant: str
    user_id: str
    event_id: str

    @property
    def job_id(self) -> str:
        return f"home:{self.platform}:{self.tenant}:{self.event_id}"


# --- answers in the live thread ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeliverAnswer(Job):
    """``why``: empty for the first try; "released" (review off) or "edited" start a new attempt."""

    kind: ClassVar[str] = "answer.deliver"
    topic_id: str
    answer_id: str
    why: str = ""

    @property
    def job_id(self) -> str:
        return f"deliver:{self.answer_id}:{self.why}" if self.why else f"deliver:{self.answer_id}"


@dataclass(frozen=True, slots=True)
class UpdateAnswer(Job):
    """Bring the injected copy in line with the answer; ``change`` names the change it follows."""

    kind: ClassVar[str] = "answer.update"
    topic_id: str
    answer_id: str
    change: str = ""

    @property
    def job_id(self) -> str:
        return f"answer-update:{self.answer_id}:{self.change}"


@dataclass(frozen=True, slots=True)
class DeleteAnswer(Job):
    kind: ClassVar[str] = "answer.delete"
    topic_id: str
    answer_id: str

    @property
    def job_id(self) -> str:
        return f"answer-delete:{self.answer_id}"


@dataclass(frozen=True, slots=True)
class RescoreAnswer(Job):
    kind: ClassVar[str] = "answer.rescore"
    topic_id: str
    answer_id: str
    text_version: str = ""

    @property
    def job_id(self) -> str:
        return f"answer-rescore:{self.answer_id}:{self.text_version}"


@dataclass(frozen=True, slots=True)
class ShowScore(Job):
    kind: ClassVar[str] = "answer.score"
    topic_id: str
    answer_id: str

    @property
    def job_id(self) -> str:
        return f"score:{self.answer_id}"


@dataclass(frozen=True, slots=True)
class PostDigest(Job):
    kind: ClassVar[str] = "topic.digest"
    topic_id: str
    due: int = 0  # the second it is due: one digest per window

    @property
    def job_id(self) -> str:
        return f"digest:{self.topic_id}:{self.due}"


@dataclass(frozen=True, slots=True)
class LateDigest(Job):
    """Replies that came after the meeting ended, posted once together."""

    kind: ClassVar[str] = "topic.late_digest"
    topic_id: str

    @property
    def job_id(self) -> str:
        return f"late:{self.topic_id}"


# --- the end of a meeting ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EndMeeting(Job):
    """Someone ended the meeting (the command or the button)."""

    kind: ClassVar[str] = "meeting.end"
    meeting_id: str
    by: str

    @property
    def job_id(self) -> str:
        return f"end:{self.meeting_id}"


@dataclass(frozen=True, slots=True)
class EndIfIdle(Job):
    kind: ClassVar[str] = "meeting.idle"
    meeting_id: str

    @property
    def job_id(self) -> str:
        return f"idle:{self.meeting_id}"


@dataclass(frozen=True, slots=True)
class CheckEnding(Job):
    """Finishes an ending whose process died on the way; cancelled once the ending is done."""

    kind: ClassVar[str] = "meeting.ending"
    meeting_id: str
    by: str = ""

    @property
    def job_id(self) -> str:
        return f"ending:{self.meeting_id}"


@dataclass(frozen=True, slots=True)
class PostSummary(Job):
    kind: ClassVar[str] = "meeting.summary"
    meeting_id: str

    @property
    def job_id(self) -> str:
        return f"summary:{self.meeting_id}"


@dataclass(frozen=True, slots=True)
class ThankPartner(Job):
    kind: ClassVar[str] = "mirror.thanks"
    meeting_id: str
    topic_id: str
    partner: str

    @property
    def job_id(self) -> str:
        return f"thanks:{self.topic_id}:{self.partner}"


# --- the public networks ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PublishQuestion(Job):
    """Publish a topic's question on one network (``network``: its platform:instance key)."""

    kind: ClassVar[str] = "network.publish"
    topic_id: str
    network: str

    @property
    def job_id(self) -> str:
        return f"publish:{self.topic_id}:{self.network}"


@dataclass(frozen=True, slots=True)
class PollNetwork(Job):
    """Read the replies under a published question; scheduled again by itself, one per topic and
    network however many workers run (the queue keeps one job per id)."""

    kind: ClassVar[str] = "network.poll"
    topic_id: str
    network: str

    @property
    def job_id(self) -> str:
        return f"poll:{self.topic_id}:{self.network}"


JOB_TYPES: tuple[type[Job], ...] = (
    OpenTopic,
    PostMirror,
    CloseMirror,
    RefreshTopic,
    CloseTopic,
    ReceiveReply,
    EditReply,
    DeleteReply,
    CountReaction,
    ShowHint,
    PublishHome,
    DeliverAnswer,
    UpdateAnswer,
    DeleteAnswer,
    RescoreAnswer,
    ShowScore,
    PostDigest,
    LateDigest,
    EndMeeting,
    EndIfIdle,
    CheckEnding,
    PostSummary,
    ThankPartner,
    PublishQuestion,
    PollNetwork,
)
