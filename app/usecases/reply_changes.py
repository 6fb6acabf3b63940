"""A reply edited or deleted in a partner's thread: the live thread follows, and whose words an
answer shows stays true, whether the message was the answer, a copy merged into it, or not read yet."""

from __future__ import annotations

from dataclasses import replace

from app.domain.delivery import same_content
from app.domain.models import Answer, AnswerStatus, Credit, Person, Place, Topic
from app.domain.ports import AnswerField, ChatPlatform
from app.domain.relevance import ReplyKind, reply_kind
from app.usecases.context import Context
from app.usecases.incoming import IncomingReply, reply_fields, reply_of
from app.usecases.jobs import DeleteAnswer, DeleteReply, EditReply, RescoreAnswer
from app.usecases.relay import message_label, readable, reply_job, save_change, text_version
from app.usecases.votes import agree_by_reply


async def accept_edit(*, reply: IncomingReply, version: int, ctx: Context) -> bool:
    """The web side of an edit, as of a reply: a lookup, the latest words, a durable enqueue; no
    wait on the question's lock, which a worker may hold for seconds (a platform's rate limits)
    while a dying web process would lose the edit. ``version`` orders edits (0 when unknown)."""
    if reply.from_a_bot or await ctx.relay.topic_for_mirror_thread(place=reply.place) is None:
        return False
    # First the words, for a worker that has yet to read the reply (it may be behind): it must show
    # the fixed words at once, whichever of the two jobs it runs first.
    await ctx.relay.remember_change(place=reply.place, message_id=reply.message_id, text=reply.text, version=version)
    await ctx.jobs.enqueue(EditReply(**reply_fields(reply), version=version, text_version=text_version(reply.text)))
    return True


async def accept_deletion(*, place: Place, message_id: str, ctx: Context) -> bool:
    if await ctx.relay.topic_for_mirror_thread(place=place) is None:
        return False
    await ctx.relay.remember_change(place=place, message_id=message_id, text="")  # never posted, if not read yet
    await ctx.jobs.enqueue(DeleteReply(place=place, message_id=message_id))
    return True


async def edit_reply(job: EditReply, ctx: Context) -> Answer | None:
    """The job carries the message's new words as the platform sent them; an edit older than one
    already applied is ignored (two quick edits may be handled side by side, or one retried later)."""
    raw = reply_of(job)
    topic_id = await ctx.relay.topic_for_mirror_thread(place=raw.place)
    if topic_id is None:
        return None
    chat: ChatPlatform | None = await ctx.directory.chat_for(platform=raw.place.platform, tenant=raw.place.tenant)
    reply = await readable(raw, chat=chat)
    async with ctx.relay.holding_topic(topic_id=topic_id):  # a worker may be weighing this very reply
        if not await ctx.relay.claim_edit(place=reply.place, message_id=reply.message_id, version=job.version):
            return None
        answer = await ctx.relay.answer_for_source(place=reply.place, message_id=reply.message_id)
        if answer is not None and answer.status is not AnswerStatus.DELETED:
            topic = await ctx.topics.get_topic(topic_id=answer.topic_id)
            if topic is None:
                return None
            if answer.written_at(place=reply.place, message_id=reply.message_id):
                return await _edit_answer(answer=answer, text=reply.text, topic=topic, ctx=ctx)
            if await _edit_copy(answer=answer, reply=reply, topic=topic, ctx=ctx):
                return None
        elif answer is not None:
            return None
        # Not read yet, or read as chatter ("thanks" edited into an answer) or as a vote, or a copy
        # that now says something else: the worker judges the message as it reads now.
        if reply_kind(reply.text) is not ReplyKind.AGREEMENT:
            await _take_vote_back(place=reply.place, message_id=reply.message_id, ctx=ctx)
        await ctx.relay.remember_change(place=raw.place, message_id=raw.message_id, text=raw.text, version=job.version)
        await ctx.jobs.enqueue(reply_job(raw, version=text_version(raw.text)))
        return None


async def delete_reply(job: DeleteReply, ctx: Context) -> Answer | None:
    place, message_id = job.place, job.message_id
    topic_id = await ctx.relay.topic_for_mirror_thread(place=place)
    if topic_id is None:
        return None
    async with ctx.relay.holding_topic(topic_id=topic_id):
        answer = await ctx.relay.answer_for_source(place=place, message_id=message_id)
        if answer is None:  # a "+1", or not read yet: the worker must not post what its author took back
            await _take_vote_back(place=place, message_id=message_id, ctx=ctx)
            await ctx.relay.remember_change(place=place, message_id=message_id, text="")
            return None
        topic = await ctx.topics.get_topic(topic_id=answer.topic_id)
        if answer.status is AnswerStatus.DELETED or topic is None:
            return None
        if not answer.written_at(place=place, message_id=message_id):
            credit = _credit_for(answer, place=place, message_id=message_id)
            if credit is None:
                return None
            change = f"uncredit:{message_label(place, message_id)}"
            return await save_change(
                answer=_without(answer, credit), fields={"also_from"}, change=change, topic=topic, ctx=ctx
            )
        successor = next((c for c in answer.also_from if c.source is not None), None)
        if successor is not None:  # the same answer from someone else stays, under their name
            assert successor.source is not None
            change = f"taken-over:{message_label(successor.source, successor.message_id)}"
            return await save_change(
                answer=_taken_over(answer, successor), fields=_TAKE_OVER, change=change, topic=topic, ctx=ctx
            )
        previous = await ctx.relay.mark_deleted(
            answer=answer
        )  # read again in the same step: it may just have been posted
        if previous is AnswerStatus.INJECTED:
            await ctx.jobs.enqueue(DeleteAnswer(topic_id=topic.id, answer_id=answer.id))
        return replace(answer, status=AnswerStatus.DELETED)


async def _edit_answer(*, answer: Answer, text: str, topic: Topic, ctx: Context) -> Answer | None:
    if answer.text == text:
        return None
    edited = replace(answer, text=text)
    if edited.status is AnswerStatus.BELOW:  # "checking with finance…" that became the answer
        await ctx.relay.update_answer(answer=edited, live=topic.place, fields={"text"})
        await ctx.jobs.enqueue(RescoreAnswer(topic_id=topic.id, answer_id=answer.id, text_version=text_version(text)))
        return edited
    return await save_change(answer=edited, fields={"text"}, change=f"text:{text_version(text)}", topic=topic, ctx=ctx)


async def _edit_copy(*, answer: Answer, reply: IncomingReply, topic: Topic, ctx: Context) -> bool:
    """True while the copy still says the same as the answer (its new words are kept for the day it
    stands for the answer); False once it says something else: it is a reply of its own then."""
    credit = _credit_for(answer, place=reply.place, message_id=reply.message_id)
    if credit is None:
        return True  # credited before copies kept their place: left as it was
    if same_content(answer.text, reply.text):
        updated = replace(
            answer, also_from=tuple(replace(c, text=reply.text) if c == credit else c for c in answer.also_from)
        )
        await ctx.relay.update_answer(answer=updated, live=topic.place, fields={"also_from"})
        return True
    change = f"uncredit:{message_label(reply.place, reply.message_id)}"
    await save_change(answer=_without(answer, credit), fields={"also_from"}, change=change, topic=topic, ctx=ctx)
    await ctx.relay.forget_source(place=reply.place, message_id=reply.message_id)
    return False


_TAKE_OVER: set[AnswerField] = {
    "source",
    "source_message_id",
    "author_id",
    "author_name",
    "organisation",
    "link",
    "text",
    "also_from",
}


def _taken_over(answer: Answer, successor: Credit) -> Answer:
    assert successor.source is not None
    return replace(
        answer,
        source=successor.source,
        source_message_id=successor.message_id,
        author=Person(successor.user_id, successor.name),
        organisation=successor.organisation,
        link=successor.link,
        text=successor.text or answer.text,
        also_from=tuple(c for c in answer.also_from if c != successor),
    )


def _without(answer: Answer, credit: Credit) -> Answer:
    return replace(answer, also_from=tuple(c for c in answer.also_from if c != credit))


async def _take_vote_back(*, place: Place, message_id: str, ctx: Context) -> None:
    voted = await ctx.relay.vote_at(place=place, message_id=message_id)
    if voted is not None:
        answer, voter = voted
        await agree_by_reply(answer=answer, voter=voter, place=place, message_id=message_id, added=False, ctx=ctx)


def _credit_for(answer: Answer, *, place: Place, message_id: str) -> Credit | None:
    return next((c for c in answer.also_from if c.wrote(place=place, message_id=message_id)), None)
