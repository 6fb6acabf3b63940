"""The small interfaces the core talks to; integrations and stores implement them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar, Literal, Protocol

from app.domain.asking import AskOutcome, Hint
from app.domain.home import HomeView
from app.domain.ledger import LedgerField
from app.domain.models import (
    Answer,
    AnswerStatus,
    Meeting,
    Mirror,
    Organisation,
    Place,
    Platform,
    PostedMessage,
    Topic,
)
from app.domain.networks import NetworkPost, NetworkState, RepliesPage
from app.domain.relevance import SemanticReading
from app.domain.summary import MeetingSummary, Outcome
from app.domain.votes import Reaction


class TopicThreads(Protocol):
    """Topic roots in the live channel and answers in their threads."""

    async def post_topic(self, *, topic: Topic) -> PostedMessage:
        """Post the root of a topic thread in the topic's channel."""

    async def update_topic(self, *, topic: Topic, place: Place, mirrors: Sequence[Mirror] = ()) -> None:
        """Re-render a topic root: its status and where the question went."""

    async def find_topic(self, *, topic_id: str, place: Place, since: float) -> str | None:
        """The id of a topic root posted in ``place`` since ``since``, found by its marker: a
        process that died after posting it could not say."""

    async def post_answer(self, *, answer: Answer, topic: Topic, votes: int = 0) -> str:
        """Inject an answer into the topic's live thread; returns the new message id. ``votes``: cast
        before it went out (on the original in the partner's thread), shown from the start."""

    async def find_answer(self, *, answer_id: str, live: Place, since: float) -> str | None: ...

    async def update_answer(self, *, answer: Answer, topic: Topic, votes: int | None = None) -> None: ...

    async def delete_message(self, *, place: Place, message_id: str) -> None: ...

    async def permalink(self, *, place: Place, message_id: str) -> str: ...

    @property
    def digest_capacity(self) -> int:
        """How many answers one digest message can carry on this platform."""

    async def post_digest(self, *, answers: Sequence[Answer], topic: Topic, marker: str) -> str:
        """One message in the live thread carrying several answers, best first."""

    async def find_marker(self, *, marker_id: str, live: Place, since: float) -> str | None: ...

    async def post_summary(
        self, *, summary: MeetingSummary, place: Place, marker: str, resume_since: float | None = None
    ) -> list[str]:
        """Post the summary in the channel (as several messages when it is long). ``resume_since``:
        an earlier attempt started then; post only the parts that are not in the channel yet."""


class MirrorThreads(Protocol):
    """A partner's copy of a question, in its inbox."""

    async def post_mirror(self, *, topic: Topic, inbox: Place, asker_org: str, show_asker: bool) -> PostedMessage:
        """Post a partner's question as a thread root in this organisation's inbox."""

    async def find_mirror(self, *, topic_id: str, inbox: Place, since: float) -> str | None:
        """The id of a mirror root already posted (a crash between posting and recording)."""

    async def close_mirror(self, *, topic: Topic, mirror: Place, asker_org: str) -> None: ...

    async def post_thanks(self, *, outcome: Outcome, mirror: Place, asker_org: str, share: bool) -> None:
        """Thank a partner in its mirror thread, with the outcome unless sharing is off."""


class PrivateWords(Protocol):
    """What one person alone is told, and short notices. ``language``: the reader's own (see
    app/usecases/language.py); None: the organisation's."""

    async def tell_asker(
        self, *, place: Place, asker_id: str, reply_to: str, outcome: AskOutcome, language: str | None = None
    ) -> None:
        """Tell the asker, and only them, what became of their question. ``reply_to``: the platform's
        own way back to that request (Slack: the command's response_url), else a private message."""

    async def ask_review(self, *, answer: Answer, topic: Topic, language: str | None = None) -> None:
        """Show the asker, and only the asker, an answer to approve or skip."""

    async def explain_digest_vote(self, *, place: Place, person: str, language: str | None = None) -> None:
        """Someone reacted on a digest, which carries several answers: show them its buttons."""

    async def show_hint(self, *, place: Place, person: str, hint: Hint, language: str | None = None) -> None: ...

    async def announce_partnership(self, *, place: Place, org_name: str, partner_name: str, linked: bool) -> None:
        """In an inbox: the organisation and a partner are now linked (or no longer)."""

    async def publish_home(self, *, person: str, home: HomeView, language: str | None = None) -> None:
        """The person's own view of Cercle (Slack's App Home): the help, the organisation's give and
        take with its partners, its networks."""


class People(Protocol):
    """The organisation, its people and channels, and their words in Cercle's neutral form."""

    platform: Platform
    tenant: str
    language: str  # what its channels read (app/usecases/language.py sets it when the chat is found)

    async def user_locale(self, *, user_id: str) -> str | None:
        """The person's locale as the platform tells it ("fr-FR"), or None where it cannot."""

    async def user_name(self, *, user_id: str) -> str: ...

    async def readable(self, *, text: str) -> str:
        """A message's text in Cercle's neutral form (app/domain/relevance.py): the platform's markup
        read, the people it mentions named, so that another organisation sees "@bob"."""

    async def is_admin(self, *, user_id: str) -> bool: ...

    async def join(self, *, channel: str) -> None:
        """Join a channel; raises BotNotInChannel where the bot must be invited."""

    async def organisation_name(self) -> str: ...


class ChatPlatform(TopicThreads, MirrorThreads, PrivateWords, People, Protocol):
    """One installation of Cercle on a chat platform (a Slack workspace, a Teams tenant)."""


class Network(Protocol):
    """One public network account Cercle publishes questions with (integrations/networks/<name>)."""

    platform: Platform
    instance: str
    name: str  # as people see it: "Mastodon (mastodon.social)"
    reads_per_hour: int | None  # what the account may spend reading replies (None: no budget to keep)

    async def publish(self, *, question: str, key: str) -> NetworkPost:
        """Publish the question alone (no asker, no internal link), fitted to the network's length;
        ``key`` makes a publish retried after a crash post once where the network allows it."""

    async def replies(self, *, post: NetworkPost, cursor: str) -> RepliesPage:
        """The replies since ``cursor`` ("" the first time), as plain text, and the next cursor."""

    async def answer(
        self, *, post: NetworkPost, outcome: Outcome, asker_org: str, share: bool, language: str = "en"
    ) -> None:
        """The meeting's outcome, as a reply under the question."""


class NetworkDirectory(Protocol):
    """The networks this Cercle is connected to (none: nothing ever leaves the organisation)."""

    def networks(self) -> Sequence[Network]: ...

    def network(self, *, key: str) -> Network | None: ...


class NetworkLog(Protocol):
    """How each network is doing, and how far each question's replies were read."""

    async def record_success(self, *, key: str, readable: bool, at: float) -> None: ...

    async def record_failure(self, *, key: str, error: str, at: float) -> int:
        """Returns how many failures in a row, for the backoff."""

    async def state(self, *, key: str, name: str) -> NetworkState: ...

    async def reading(self, *, key: str, topic_id: str, until: float, now: float) -> int:
        """Note that this topic's replies are read on this network until ``until``; returns how many
        topics are being read there now, this one included (they share the account's budget)."""

    async def cursor(self, *, topic_id: str, key: str) -> str: ...

    async def save_cursor(self, *, topic_id: str, key: str, cursor: str) -> None: ...


class Ledger(Protocol):
    """The give and take between partners, by day (app/domain/ledger.py)."""

    async def record(self, *, org: str, partner: str, field: LedgerField, event: str, at: float) -> None:
        """Count one event once (``event`` names it: a job run again counts nothing more)."""

    async def totals(self, *, org: str, days: int, now: float) -> dict[str, dict[LedgerField, int]]:
        """partner key → field → count, over the last ``days`` days."""


class Languages(Protocol):
    """Which language an organisation's channels read, and each person's own, as last told."""

    async def organisation(self, *, org_key: str) -> str | None: ...

    async def set_organisation(self, *, org_key: str, language: str) -> None: ...

    async def person(self, *, org_key: str, user_id: str) -> str | None:
        """None: not known; "": the platform said a language Cercle does not speak."""

    async def remember_person(self, *, org_key: str, user_id: str, language: str, seconds: float) -> None: ...


class ChatDirectory(Protocol):
    """Finds the installation of an organisation; None when Cercle is not (or no longer) there."""

    async def chat_for(self, *, platform: Platform, tenant: str) -> ChatPlatform | None: ...


class TopicRepository(Protocol):
    """Where meetings and topics are kept (Redis in production and in tests)."""

    async def ensure_meeting(self, *, place: Place, now: float) -> Meeting:
        """The channel's open meeting, opened now if there is none."""

    async def add_topic(self, *, topic: Topic, question_key: str = "") -> bool:
        """Store a topic whose root message is already posted, atomically; with ``question_key``,
        also as its asker's latest topic for that question in the channel. False, and nothing
        written, when a topic of that id is stored already (its opening's check came first)."""

    async def get_topic(self, *, topic_id: str) -> Topic | None: ...

    async def recent_topics(self, *, org_key: str, limit: int) -> list[Topic]:
        """The organisation's newest topics, newest first (open or closed)."""

    async def asked_by(self, *, org_key: str, user_id: str, limit: int) -> list[Topic]:
        """The newest topics one person asked, newest first."""

    async def open_topics(self, *, place: Place) -> list[Topic]:
        """The open topics of the channel's current meeting, oldest first."""

    async def close_topic(self, *, topic_id: str, by: str, at: float) -> Topic | None:
        """Close an open topic; None when it was not open (already closed or unknown)."""

    async def set_review(self, *, topic_id: str, review: bool) -> Topic | None: ...

    async def current_meeting(self, *, place: Place) -> Meeting | None: ...

    async def meeting(self, *, meeting_id: str) -> Meeting | None: ...

    async def meeting_topics(self, *, meeting_id: str) -> list[Topic]: ...

    async def end_meeting(self, *, meeting: Meeting, by: str, at: float) -> bool: ...

    async def touch_meeting(self, *, meeting_id: str, at: float) -> None: ...

    async def last_activity(self, *, meeting_id: str) -> float | None: ...

    async def mark_meeting(self, *, meeting_id: str, field: str, value: str) -> None: ...

    async def meeting_mark(self, *, meeting_id: str, field: str) -> str | None: ...

    async def claim_question(self, *, place: Place, asker_id: str, key: str, holder: str, seconds: float) -> bool:
        """True for the first of the same question asked twice at once (a double Enter), and again
        for the same ``holder`` (its job run again after a crash)."""

    async def mark_opening(self, *, topic_id: str, at: float) -> float | None:
        """Note that the topic's root is about to be posted; returns when an earlier attempt did
        the same (it may have posted the root before it died), in one step."""

    async def forget_opening(self, *, topic_id: str) -> None:
        """The attempt is over (the topic is stored, or its root was refused): nothing is left of it."""

    async def release_question(self, *, place: Place, asker_id: str, key: str) -> None: ...

    async def topic_for_question(self, *, place: Place, asker_id: str, key: str) -> str | None:
        """The id of the asker's latest topic for this question in the channel, if any."""


class PartnerRepository(Protocol):
    async def save_organisation(self, *, org: Organisation) -> None: ...

    async def organisation(self, *, org_key: str) -> Organisation | None: ...

    async def set_inbox(self, *, org: Organisation, channel: str) -> None: ...

    async def create_invitation(self, *, org: Organisation, by: str, now: float) -> str: ...

    async def peek_invitation(self, *, code: str) -> dict[str, Any] | None: ...

    async def consume_invitation(self, *, code: str) -> dict[str, Any] | None: ...

    async def wrong_codes(self, *, org_key: str) -> int:
        """How many wrong invitation codes the organisation tried in the current window."""

    async def note_wrong_code(self, *, org_key: str, window_s: float) -> int: ...

    async def link(self, *, a: str, b: str, by: str, now: float) -> None: ...

    async def unlink(self, *, a: str, b: str) -> bool: ...

    async def partner_keys(self, *, org_key: str) -> list[str]: ...

    async def are_partners(self, *, a: str, b: str) -> bool: ...


# What may change after an answer is stored.
AnswerField = Literal[
    "status",
    "injected_id",
    "text",
    "also_from",
    "score",
    "reasons",
    # who wrote it and where: they change when a copy takes over from a deleted first answer
    "source",
    "source_message_id",
    "author_id",
    "author_name",
    "organisation",
    "link",
]


class MirrorRepository(Protocol):
    """Where each partner's copy of a topic is, and which topic a thread belongs to."""

    async def save_mirror(self, *, mirror: Mirror) -> None: ...

    async def mirror(self, *, topic_id: str, partner: str) -> Mirror | None: ...

    async def mirrors(self, *, topic_id: str) -> list[Mirror]: ...

    async def topic_for_mirror_thread(self, *, place: Place) -> str | None: ...


class AnswerRepository(Protocol):
    """The answers of each topic and their way into the live thread."""

    async def add_answer(self, *, answer: Answer) -> bool: ...

    async def answer(self, *, topic_id: str, answer_id: str) -> Answer | None: ...

    async def answer_for_source(self, *, place: Place, message_id: str) -> Answer | None: ...

    async def answers(self, *, topic_id: str) -> list[Answer]: ...

    async def update_answer(self, *, answer: Answer, live: Place, fields: Collection[AnswerField]) -> None:
        """Save the fields the caller changed, and only those: a merge and a delivery of one answer
        may run side by side, each from the copy it read."""
        ...

    async def mark_posting(self, *, answer: Answer, now: float) -> Answer: ...

    async def record_posted(self, *, answer: Answer, live: Place) -> bool:
        """Record the answer as posted (status INJECTED or DIGESTED, ``injected_id`` set); False when
        its author deleted it while it was being posted: it stays deleted."""
        ...

    async def mark_deleted(self, *, answer: Answer) -> AnswerStatus | None:
        """Its author deleted it; returns the status it had, read in the same step as the write."""
        ...

    async def reserve_slot(
        self, *, topic_id: str, answer_id: str, now: float, window_s: float, limit: int
    ) -> tuple[bool, float]: ...

    async def claim_review(self, *, topic_id: str, answer_id: str, seconds: float) -> bool:
        """True for the one click that may decide this answer now; False while another one is at it."""
        ...

    async def release_review(self, *, topic_id: str, answer_id: str) -> None: ...

    def holding_topic(self, *, topic_id: str) -> AbstractAsyncContextManager[None]:
        """Held while a reply is weighed against the topic's earlier answers, so that two copies
        of one answer handled side by side merge instead of both being posted."""
        ...


class MessageMap(Protocol):
    """The cross-platform map of messages: which message is a copy of which answer, a digest or a
    "+1", and a reply's latest words."""

    async def digest_at(self, *, place: Place, message_id: str) -> tuple[str, str] | None:
        """(topic id, topic thread) when this message is a digest of several answers."""
        ...

    async def map_source(self, *, place: Place, message_id: str, answer: Answer) -> None: ...

    async def forget_source(self, *, place: Place, message_id: str) -> None:
        """The message is no longer a copy of an answer (its author edited it into something else)."""
        ...

    async def remember_change(self, *, place: Place, message_id: str, text: str, version: int = 0) -> None:
        """A reply's latest words (empty: deleted), which the worker reads when it weighs the reply.
        A deletion is final: a later edit does not bring the reply back; nor do the words of an edit
        older (``version``) than one already seen."""
        ...

    async def latest_text(self, *, place: Place, message_id: str) -> str | None: ...

    async def claim_edit(self, *, place: Place, message_id: str, version: int) -> bool:
        """False when a later edit of this message was applied already (0: no version, always True)."""
        ...

    async def remember_vote(self, *, place: Place, message_id: str, answer: Answer, voter: str) -> None:
        """This message (a "+1" reply) is a vote for that answer, until it is deleted or edited."""
        ...

    async def vote_at(self, *, place: Place, message_id: str) -> tuple[Answer, str] | None:
        """The answer and voter of a "+1" reply."""
        ...


class PendingReactions(Protocol):
    """Votes on a message not yet known as an answer's copy, kept aside until it is."""

    async def answer_or_park(self, *, place: Place, message_id: str, reaction: Reaction) -> Answer | None:
        """The answer this message is a copy of; else the reaction is kept aside, in one atomic step."""
        ...

    async def parked(self, *, place: Place, message_id: str) -> list[Reaction]: ...

    async def forget_parked(self, *, place: Place, message_id: str) -> None: ...


class RelayRepository(MirrorRepository, AnswerRepository, MessageMap, PendingReactions, Protocol):
    """Everything the relay keeps in one store (Redis: app/store/relay.py)."""


class VoteRepository(Protocol):
    async def react(self, *, topic_id: str, answer_id: str, reaction: Reaction) -> int:
        """Apply one change of a vote, in the platform's order; returns the answer's new tally."""

    async def toggle_up(self, *, topic_id: str, answer_id: str, voter: str) -> tuple[bool, int]:
        """An up vote, or taken back when it was there: (voted up now, new tally), in one step."""

    async def tally(self, *, topic_id: str, answer_id: str) -> int: ...

    async def tallies(self, *, topic_id: str, answer_ids: list[str]) -> dict[str, int]: ...

    async def record_meeting(self, *, meeting_id: str, record: Mapping[str, tuple[int, int]]) -> bool:
        """Add a meeting's (answers, helpful) per author to their records, once per meeting."""

    async def author_trust(self, *, author: str) -> float:
        """The author's record as the scorer reads it (app/domain/trust.py); 0.5 with no record."""


class JobSpec(Protocol):
    """A typed job (app/usecases/jobs.py): its kind, its id, and its payload as JSON."""

    kind: ClassVar[str]

    @property
    def job_id(self) -> str: ...

    def payload(self) -> dict[str, Any]: ...


class Jobs(Protocol):
    async def enqueue(self, job: JobSpec) -> None:
        """Run the job once, however often it is enqueued while its id is known."""

    async def schedule(self, job: JobSpec, *, at: float, move: bool = True) -> None:
        """Run it at ``at``; scheduling it again moves it, unless ``move`` is False."""

    async def cancel(self, job: JobSpec) -> None: ...


class RateLimiter(Protocol):
    async def acquire(self, *, channel_key: str) -> float: ...


class SemanticMatcher(Protocol):
    """A heavier text model (optional extra) that reads question and reply together.

    Returns its contribution to the relevance logit, already weighted as it was tuned on dev (the
    pure scorer adds it to its own), or that the reply is about something else. May take tens of
    milliseconds: callers await it."""

    async def reading(self, *, question: str, reply: str) -> SemanticReading: ...

    async def off_topic(self, *, question: str, reply: str) -> bool:
        """The check a reading left in doubt (``topic_in_doubt``): whether the reply is about something else."""
        ...
