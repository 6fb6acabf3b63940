"""Replies written in a mirror thread become answers in the live thread."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Collection
from dataclasses import replace

from app.domain.delivery import Route, same_content
from app.domain.errors import ClosedToCercle, MessageGone
from app.domain.models import (
    Answer,
    AnswerStatus,
    Credit,
    Person,
    Place,
    Topic,
    answer_id_for,
    person_key,
)
from app.domain.networks import is_network
from app.domain.ports import AnswerField, ChatPlatform
from app.domain.relevance import ReplyKind, reply_kind
from app.usecases.context import Context
from app.usecases.incoming import IncomingReply, reply_fields, reply_of
from app.usecases.jobs import DeleteAnswer, DeliverAnswer, ReceiveReply, UpdateAnswer
from app.usecases.judging import judge_reply
from app.usecases.ledger import note_answer
from app.usecases.meeting import note_activity
from app.usecases.votes import adopt_parked, agree_by_reply


async def accept_reply(*, reply: IncomingReply, ctx: Context) -> bool:
    """The web side of a reply: one lookup and one durable enqueue, so a process dying after the
    platform's acknowledgement loses nothing; the worker does the rest (names, links, scoring)."""
    if reply.from_a_bot or not reply.text.strip():
        return False
    if await ctx.relay.topic_for_mirror_thread(place=reply.place) is None:
        return False
    await ctx.jobs.enqueue(reply_job(reply))
    return True


def reply_job(reply: IncomingReply, *, version: str = "") -> ReceiveReply:
    return ReceiveReply(**reply_fields(reply), version=version)


async def receive_reply(job: ReceiveReply, ctx: Context) -> Answer | None:
    """Turn a human reply in a mirror thread into an Answer, a vote, or nothing."""
    answer = await _receive(reply=reply_of(job), ctx=ctx)
    if answer is not None:
        topic = await ctx.topics.get_topic(topic_id=answer.topic_id)
        if topic is not None:
            await note_activity(meeting_id=topic.meeting_id, ctx=ctx)
    return answer


async def _receive(*, reply: IncomingReply, ctx: Context) -> Answer | None:
    if reply.from_a_bot or not reply.text.strip():
        return None  # loop prevention: neither our own mirrors nor another bot's messages are answers
    topic_id = await ctx.relay.topic_for_mirror_thread(place=reply.place)
    if topic_id is None:
        return None
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None:
        return None
    asking_org = topic.place.org_key
    replying_org = reply.place.org_key
    # A network post is the topic's own (its thread is mapped only once published); a partner's
    # thread reaches the meeting while the partnership lasts.
    partner_reply = replying_org != asking_org and not is_network(reply.place.platform)
    if partner_reply and not await ctx.partners.are_partners(a=asking_org, b=replying_org):
        return None  # the partnership ended: its old mirror threads no longer reach the meeting
    # Its words in Cercle's own form, who wrote it and its link, asked of the platform before taking
    # the question: a slow answer (a 429 wait) then holds up this reply only, not every other reply
    # and edit of it. A "+1" or thanks needs no name nor link.
    chat = await ctx.directory.chat_for(platform=reply.place.platform, tenant=reply.place.tenant)
    reply = await readable(reply, chat=chat)
    signed = await _signature(reply=reply, chat=chat) if _may_be_an_answer(reply.text) else None
    async with ctx.relay.holding_topic(topic_id=topic.id):  # replies read in one batch must see each other
        latest = await ctx.relay.latest_text(place=reply.place, message_id=reply.message_id)
        if latest is not None:  # edited, or deleted (empty), since it was queued
            if not latest.strip():
                return None
            reply = await readable(replace(reply, text=latest), chat=chat)
        return await _weigh_reply(reply=reply, topic=topic, ctx=ctx, signed=signed)


def _may_be_an_answer(text: str) -> bool:
    """Worth a name and a link: "+1", thanks and emoji never become answers."""
    return reply_kind(text) not in (ReplyKind.AGREEMENT, ReplyKind.THANKS, ReplyKind.EMPTY)


async def readable(reply: IncomingReply, *, chat: ChatPlatform | None) -> IncomingReply:
    """The reply in Cercle's neutral form (its platform's markup read, the colleagues it mentions
    named: another organisation cannot resolve their ids)."""
    return replace(reply, text=await chat.readable(text=reply.text)) if chat is not None else reply


async def _signature(*, reply: IncomingReply, chat: ChatPlatform | None) -> tuple[str, str]:
    """The author's display name and the reply's permalink (the user id and no link without a chat)."""
    if reply.author_name:  # a network's reply says both itself
        return reply.author_name, reply.link
    if chat is None:
        return reply.user_id, ""
    name, link = await asyncio.gather(
        chat.user_name(user_id=reply.user_id), chat.permalink(place=reply.place, message_id=reply.message_id)
    )
    return name, link


async def _weigh_reply(
    *, reply: IncomingReply, topic: Topic, ctx: Context, signed: tuple[str, str] | None
) -> Answer | None:
    """Against the topic's earlier answers: a vote, a merge into one of them, or a new answer."""
    by_asker = reply.place.tenant == topic.place.tenant and reply.user_id == topic.asker.id
    earlier = await ctx.relay.answers(topic_id=topic.id)
    author = person_key(platform=str(reply.place.platform), tenant=reply.place.tenant, user=reply.user_id)
    relevance, decision = await judge_reply(
        topic=topic,
        text=reply.text,
        author=author,
        source_kind=str(reply.place.platform),
        at=reply.at,
        by_asker=by_asker,
        earlier=earlier,
        votes=ctx.votes,
        rules=ctx.rules,
        matcher=ctx.matcher,
    )
    if decision is Route.DROP:
        return None
    if decision is Route.VOTE:
        above = {a.id: _said_in(a, reply) for a in earlier if a.status is not AnswerStatus.DELETED}
        shown = {answer_id: at for answer_id, at in above.items() if at is not None}
        if shown:  # "+1" agrees with the latest answer above it in this thread, even a merged copy
            agreed = next(a for a in earlier if a.id == max(shown, key=lambda answer_id: shown[answer_id]))
            await ctx.relay.remember_vote(place=reply.place, message_id=reply.message_id, answer=agreed, voter=author)
            await agree_by_reply(
                answer=agreed, voter=author, place=reply.place, message_id=reply.message_id, added=True, ctx=ctx
            )
        return None
    org = await ctx.partners.organisation(org_key=reply.place.org_key)
    if signed is None:  # edited into an answer meanwhile
        signed = await _signature(
            reply=reply, chat=await ctx.directory.chat_for(platform=reply.place.platform, tenant=reply.place.tenant)
        )
    name, link = signed
    organisation = org.name if org else reply.place.tenant
    duplicate = next(
        (a for a in earlier if a.status is not AnswerStatus.DELETED and same_content(a.text, reply.text)), None
    )
    if duplicate is not None:
        copy = Credit(
            name,
            organisation,
            user_id=reply.user_id,
            source=reply.place,
            message_id=reply.message_id,
            link=link,
            text=reply.text,
            at=reply.at,
        )
        credited = {c.label() for c in duplicate.also_from} | {f"{duplicate.author.name} ({duplicate.organisation})"}
        if copy.label() not in credited:
            merged = replace(duplicate, also_from=(*duplicate.also_from, copy))
            change = f"credit:{message_label(reply.place, reply.message_id)}"
            await save_change(answer=merged, fields={"also_from"}, change=change, topic=topic, ctx=ctx)
        await ctx.relay.map_source(place=reply.place, message_id=reply.message_id, answer=duplicate)
        await adopt_parked(answer=duplicate, place=reply.place, message_id=reply.message_id, ctx=ctx)
        return duplicate
    status = AnswerStatus.BELOW if decision is Route.BELOW else AnswerStatus.NEW
    answer = Answer(
        id=answer_id_for(reply.place, reply.message_id),
        topic_id=topic.id,
        source=reply.place,
        source_message_id=reply.message_id,
        author=Person(reply.user_id, name),
        organisation=organisation,
        text=reply.text,
        created_at=reply.at,
        link=link,
        status=status if topic.is_open else AnswerStatus.LATE,
        score=relevance.score,
        reasons=relevance.reasons,
    )
    added = await ctx.relay.add_answer(answer=answer)
    # Votes cast on the reply while it waited count now; a retried job (the same message again) may
    # have crashed before they did.
    stored = answer if added else await ctx.relay.answer_for_source(place=reply.place, message_id=reply.message_id)
    if stored is not None:
        await adopt_parked(answer=stored, place=reply.place, message_id=reply.message_id, ctx=ctx)
    if not added:
        return None
    await note_answer(answer=answer, topic=topic, ctx=ctx)
    if answer.status is AnswerStatus.NEW:
        await ctx.jobs.enqueue(DeliverAnswer(topic_id=topic.id, answer_id=answer.id))
    return answer


async def save_change(
    *,
    answer: Answer,
    fields: Collection[AnswerField],
    change: str,
    topic: Topic,
    ctx: Context,
) -> Answer:
    """Store the change; an answer already in the live thread is brought up to date there (a digest
    keeps what it said when it went out). ``change`` names the event, so that each one syncs once."""
    await ctx.relay.update_answer(answer=answer, live=topic.place, fields=fields)
    # Read after the write: an answer being posted from the older copy is recorded either before
    # this read (seen injected here) or after the write (its poster sees the change, _injected).
    stored = await ctx.relay.answer(topic_id=answer.topic_id, answer_id=answer.id)
    if stored is not None and stored.status is AnswerStatus.INJECTED and stored.injected_id:
        await ctx.jobs.enqueue(UpdateAnswer(topic_id=topic.id, answer_id=answer.id, change=change))
    return answer


def text_version(text: str) -> str:
    """A short fingerprint of some words, for job ids that must differ when the words do."""
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def _shown(answer: Answer) -> str:
    """What the live thread shows of an answer, besides its votes."""
    return "\n".join((answer.author.name, answer.organisation, answer.text, *(c.label() for c in answer.also_from)))


def message_label(place: Place, message_id: str) -> str:
    return f"{place.channel_key}:{message_id}"


async def inject_answer(*, answer: Answer, topic: Topic, ctx: Context) -> Answer:
    """Post the answer in the live thread once, even when the job runs again after a crash."""
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return answer
    if answer.posting_since:
        found = await chat.find_answer(answer_id=answer.id, live=topic.place, since=answer.posting_since)
        if found:
            return await _injected(answer=answer, topic=topic, message_id=found, ctx=ctx)
    await ctx.limiter.acquire(channel_key=topic.place.channel_key)  # first: a job told to come back has posted nothing
    answer = await ctx.relay.mark_posting(answer=answer, now=ctx.clock())
    try:
        earlier_votes = await ctx.votes.tally(topic_id=answer.topic_id, answer_id=answer.id)  # on the original, say
        message_id = await chat.post_answer(answer=answer, topic=topic, votes=earlier_votes)
    except ClosedToCercle:
        return answer  # the live channel is closed to Cercle: the answer waits for the summary
    return await _injected(answer=answer, topic=topic, message_id=message_id, ctx=ctx)


async def _injected(*, answer: Answer, topic: Topic, message_id: str, ctx: Context) -> Answer:
    done = replace(answer, status=AnswerStatus.INJECTED, injected_id=message_id)
    if not await ctx.relay.record_posted(answer=done, live=topic.place):  # deleted while it was being posted
        await ctx.jobs.enqueue(DeleteAnswer(topic_id=topic.id, answer_id=answer.id))
        return replace(done, status=AnswerStatus.DELETED)
    stored = await ctx.relay.answer(topic_id=answer.topic_id, answer_id=answer.id)
    if stored is not None and _shown(stored) != _shown(answer):  # edited, or credited, while being posted
        change = f"posted:{text_version(_shown(stored))}"
        await ctx.jobs.enqueue(UpdateAnswer(topic_id=topic.id, answer_id=answer.id, change=change))
    await adopt_parked(answer=done, place=topic.place, message_id=message_id, ctx=ctx)
    return done


async def sync_injected(job: UpdateAnswer | DeleteAnswer, ctx: Context) -> None:
    """Make the live copy match the answer: updated text, or gone when the reply was deleted."""
    answer = await ctx.relay.answer(topic_id=job.topic_id, answer_id=job.answer_id)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    if answer is None or topic is None or not answer.injected_id:
        return
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return
    try:
        if answer.status is AnswerStatus.DELETED:
            await chat.delete_message(place=topic.place, message_id=answer.injected_id)
        else:
            tally = await ctx.votes.tally(topic_id=job.topic_id, answer_id=job.answer_id)
            await chat.update_answer(answer=answer, topic=topic, votes=tally)
    except (ClosedToCercle, MessageGone):
        pass  # the copy in the live thread is out of reach: nothing to change


def _said_in(answer: Answer, reply: IncomingReply) -> float | None:
    """When the answer, or a copy merged into it, was written in the reply's thread before it."""
    here = reply.place

    def same_thread(place: Place | None) -> bool:
        return place is not None and place.channel_key == here.channel_key and place.thread == here.thread

    times = [answer.created_at] if same_thread(answer.source) else []
    times += [c.at for c in answer.also_from if same_thread(c.source)]
    earlier = [t for t in times if t <= reply.at]
    return max(earlier) if earlier else None
