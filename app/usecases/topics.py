"""Asking, listing and closing topics: the first use cases of the flow, the same for every platform.

Asking is split where the platform's deadline falls. The web process records the question as one
job (one Redis round trip) and acknowledges; a worker opens it: it posts the topic's root, stores the
topic, asks the partners and tells the asker privately. The job survives the worker that runs it: run
again after a crash, it finds the root the dead worker may have posted before posting one, and asks
no partner twice."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from enum import StrEnum

from app.domain.asking import AlreadyAsked, AskOutcome, Opened, Refused
from app.domain.commands import question_key
from app.domain.errors import PlatformError
from app.domain.models import Person, Place, PostedMessage, Reach, Topic
from app.domain.ports import ChatPlatform
from app.usecases.context import Context
from app.usecases.jobs import CloseTopic, OpenTopic
from app.usecases.language import reader_language
from app.usecases.meeting import note_activity
from app.usecases.mirroring import close_mirrors, fan_out
from app.usecases.networks import publish_everywhere

ASKING_S = 30.0  # a second /ask of a question being opened is told so for this long


@dataclass(frozen=True, slots=True)
class Question:
    """A question as someone asked it, before any topic exists."""

    place: Place
    asker: Person
    text: str
    reach: Reach = Reach.PARTNERS
    share_asker: bool = False
    reply_to: str = ""  # the platform's private way back to the asker (Slack: the command's response_url)
    request_id: str = ""  # the platform's id of the request: the same request sent again records one job


def _topic_id(question: Question) -> str:
    if not question.request_id:
        return secrets.token_hex(6)
    return hashlib.sha1(f"{question.place.channel_key}:{question.request_id}".encode()).hexdigest()[:12]


async def ask(*, question: Question, ctx: Context) -> str:
    """Record the question for a worker to open; returns the topic id it will have."""
    job = OpenTopic(
        topic_id=_topic_id(question),
        place=question.place,
        question=question.text,
        asker_id=question.asker.id,
        asker_name=question.asker.name,
        created_at=ctx.clock(),
        reach=str(question.reach),
        share_asker=question.share_asker,
        reply_to=question.reply_to,
    )
    await ctx.jobs.enqueue(job)
    return job.topic_id


def draft_of(job: OpenTopic) -> Topic:
    """The topic a question will be, before its root is posted."""
    return Topic(
        id=job.topic_id,
        meeting_id="",
        question=job.question,
        asker=Person(job.asker_id, job.asker_name),
        place=job.place,
        created_at=job.created_at,
        reach=Reach(job.reach),
        share_asker=job.share_asker,
    )


async def open_topic(job: OpenTopic, ctx: Context) -> AskOutcome | None:
    """Open the question once, however often its job runs, and tell the asker; None when Cercle was
    removed from the organisation since (nowhere to post, nobody to tell)."""
    draft = draft_of(job)
    chat = await ctx.directory.chat_for(platform=draft.place.platform, tenant=draft.place.tenant)
    if chat is None:
        return None
    topic = await ctx.topics.get_topic(topic_id=draft.id)
    outcome: AskOutcome
    if topic is None:
        outcome = await _post_and_store(draft=draft, chat=chat, ctx=ctx)
        if not isinstance(outcome, Opened):
            await _tell(chat=chat, job=job, outcome=outcome, ctx=ctx)
            return outcome
        topic = outcome.topic
    sent = published = 0
    if topic.is_open:  # run twice, it asks no partner twice: one mirror job per partner (and network)
        sent = await fan_out(topic=topic, ctx=ctx)
        published = await publish_everywhere(topic=topic, ctx=ctx)
        await note_activity(meeting_id=topic.meeting_id, ctx=ctx)
    outcome = Opened(topic=topic, partners=sent, networks=published)
    await _tell(chat=chat, job=job, outcome=outcome, ctx=ctx)
    return outcome


async def _tell(*, chat: ChatPlatform, job: OpenTopic, outcome: AskOutcome, ctx: Context) -> None:
    try:
        language = await reader_language(chat=chat, user_id=job.asker_id, ctx=ctx)
        await chat.tell_asker(
            place=job.place, asker_id=job.asker_id, reply_to=job.reply_to, outcome=outcome, language=language
        )
    except PlatformError:
        pass  # the asker left, or the reply link expired: the topic is open and its partners asked all the same


async def _post_and_store(*, draft: Topic, chat: ChatPlatform, ctx: Context) -> AskOutcome:
    """Post the root first, store the topic only once it exists: no half-written topic. The same
    question sent twice (a double Enter, or again because the first seemed slow) is opened once."""
    place, asker_id, key = draft.place, draft.asker.id, question_key(draft.question)
    if not await ctx.topics.claim_question(place=place, asker_id=asker_id, key=key, holder=draft.id, seconds=ASKING_S):
        return AlreadyAsked()
    try:
        repeated = await _asked_again(ctx=ctx, place=place, asker_id=asker_id, key=key)
        if repeated is not None and repeated.id != draft.id:
            return AlreadyAsked(topic=repeated)
        earlier = await ctx.topics.mark_opening(topic_id=draft.id, at=ctx.clock())
        root = await chat.find_topic(topic_id=draft.id, place=place, since=earlier) if earlier else None
        if root is None:
            try:
                posted = await chat.post_topic(topic=draft)
            except PlatformError:
                await ctx.topics.forget_opening(topic_id=draft.id)  # refused: nothing was posted
                raise
        else:  # an earlier run posted it, then died
            link = await chat.permalink(place=place, message_id=root)
            posted = PostedMessage(place=place.in_thread(root), message_id=root, permalink=link)
        topic = await _store(draft=draft, chat=chat, posted=posted, key=key, ctx=ctx)
        await ctx.topics.forget_opening(topic_id=draft.id)  # stored: a run of the job from now on finds it
        return Opened(topic=topic, partners=0)
    except PlatformError as error:
        return Refused(error=error)
    finally:
        await ctx.topics.release_question(place=place, asker_id=asker_id, key=key)


async def _store(*, draft: Topic, chat: ChatPlatform, posted: PostedMessage, key: str, ctx: Context) -> Topic:
    """Store the topic with its root, unless another run stored it first with a root of its own:
    then this root goes."""
    meeting = await ctx.topics.ensure_meeting(place=draft.place, now=ctx.clock())
    topic = replace(draft, meeting_id=meeting.id, place=posted.place, permalink=posted.permalink)
    while not await ctx.topics.add_topic(topic=topic, question_key=key):
        stored = await ctx.topics.get_topic(topic_id=draft.id)
        if stored is None:
            continue  # stored and removed in between: store ours
        if stored.place.thread != posted.message_id:
            try:
                await chat.delete_message(place=draft.place, message_id=posted.message_id)
            except PlatformError:
                pass  # a spare root with no topic behind it: its buttons say "I do not know this topic"
        return stored
    return topic


async def _asked_again(*, ctx: Context, place: Place, asker_id: str, key: str) -> Topic | None:
    """The same question by the same person, still open here."""
    asked = await ctx.topics.topic_for_question(place=place, asker_id=asker_id, key=key)
    repeated = await ctx.topics.get_topic(topic_id=asked) if asked else None
    return repeated if repeated is not None and repeated.is_open else None


class Closing(StrEnum):
    CLOSED = "closed"
    ALREADY_CLOSED = "already_closed"
    UNKNOWN = "unknown"  # no such topic in this organisation (any more)


async def close_asked(*, topic_id: str, tenant: str, by: str, ctx: Context) -> Closing:
    """Someone pressed *Close topic*: the topic closes now (one step in Redis), and a worker tells
    the partners and re-renders the root."""
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None or topic.place.tenant != tenant:
        return Closing.UNKNOWN
    if await ctx.topics.close_topic(topic_id=topic_id, by=by, at=ctx.clock()) is None:
        return Closing.ALREADY_CLOSED
    await ctx.jobs.enqueue(CloseTopic(topic_id=topic_id))
    return Closing.CLOSED


async def close_topic(job: CloseTopic, ctx: Context) -> Topic | None:
    """Tell the partners a topic closed, then re-render its root. The partners' mirrors are queued
    for closing first, so that a worker killed while the platform is slow to answer has told them."""
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    if topic is None or topic.is_open:
        return None
    await close_mirrors(topic=topic, ctx=ctx)
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is not None:
        try:
            await chat.update_topic(topic=topic, place=topic.place, mirrors=await ctx.relay.mirrors(topic_id=topic.id))
        except PlatformError:
            pass  # closed all the same: the partners are told, and the summary says it
    return topic


async def list_open_topics(*, place: Place, ctx: Context) -> list[Topic]:
    return await ctx.topics.open_topics(place=place)
