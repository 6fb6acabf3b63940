"""A reply edited or deleted in a partner's thread: the live thread follows, and whose words an
answer shows stays true, whether the message was the answer, a copy merged into it, or not read yet."""

from __future__ import annotations

from dataclasses import replace

from app.domain.delivery import same_content
from app.domain.models import Answer, AnswerStatus, Credit, Person, Place, Topic
from app.domain.ports import AnswerField, ChatDirectory, Jobs, RelayRepository, TopicRepository, VoteRepository
from app.domain.relevance import ReplyKind, reply_kind
from app.usecases.incoming import IncomingReply, place_to_payload, reply_to_payload
from app.usecases.relay import (
    DELETE_JOB,
    REPLY_JOB,
    RESCORE_JOB,
    message_label,
    save_change,
    text_version,
    with_names,
)
from app.usecases.votes import agree_by_reply

EDIT_JOB = "reply.edited"
DELETION_JOB = "reply.deleted"


async def accept_edit(*, reply: IncomingReply, version: int, relay: RelayRepository, jobs: Jobs) -> bool:
    """The web side of an edit, as of a reply: a lookup, the latest words, a durable enqueue; no
    wait on the question's lock, which a worker may hold for seconds (Slack's rate limits) while a
    dying web process would lose the edit. ``version`` orders edits (Slack's ``edited.ts``, in µs;
    0 when unknown)."""
    if reply.from_a_bot or await relay.topic_for_mirror_thread(place=reply.place) is None:
        return False
    # First the words, for a worker that has yet to read the reply (it may be behind): it must show
    # the fixed words at once, whichever of the two jobs it runs first.
    await relay.remember_change(place=reply.place, message_id=reply.message_id, text=reply.text, version=version)
    await jobs.enqueue(
        kind=EDIT_JOB,
        payload={**reply_to_payload(reply), "version": version},
        job_id=f"edit:{reply.place.channel_key}:{reply.message_id}:{version}:{text_version(reply.text)}",
    )
    return True


async def accept_deletion(*, place: Place, message_id: str, relay: RelayRepository, jobs: Jobs) -> bool:
    if await relay.topic_for_mirror_thread(place=place) is None:
        return False
    await relay.remember_change(place=place, message_id=message_id, text="")  # never posted, if not read yet
    await jobs.enqueue(
        kind=DELETION_JOB,
        payload={**place_to_payload(place), "message_id": message_id},
        job_id=f"deletion:{place.channel_key}:{message_id}",
    )
    return True


async def edit_reply(
    *,
    reply: IncomingReply,
    version: int,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    now: float,
) -> Answer | None:
    """``reply`` carries the message's new words; an edit older than one already applied is
    ignored (two quick edits may be handled side by side, or one retried later)."""
    if reply.from_a_bot:
        return None
    topic_id = await relay.topic_for_mirror_thread(place=reply.place)
    if topic_id is None:
        return None
    reply = await with_names(reply, chat=await directory.chat_for(tenant=reply.place.tenant))
    async with relay.holding_topic(topic_id=topic_id):  # a worker may be weighing this very reply
        if not await relay.claim_edit(place=reply.place, message_id=reply.message_id, version=version):
            return None
        answer = await relay.answer_for_source(place=reply.place, message_id=reply.message_id)
        if answer is not None and answer.status is not AnswerStatus.DELETED:
            topic = await topics.get_topic(topic_id=answer.topic_id)
            if topic is None:
                return None
            if answer.written_at(place=reply.place, message_id=reply.message_id):
                return await _edit_answer(answer=answer, text=reply.text, topic=topic, relay=relay, jobs=jobs)
            still_a_copy = await _edit_copy(answer=answer, reply=reply, topic=topic, relay=relay, jobs=jobs)
            if still_a_copy:
                return None
        elif answer is not None:
            return None
        # Not read yet, or read as chatter ("thanks" edited into an answer) or as a vote, or a copy
        # that now says something else: the worker judges the message as it reads now.
        if reply_kind(reply.text) is not ReplyKind.AGREEMENT:
            await _take_vote_back(
                place=reply.place, message_id=reply.message_id, relay=relay, votes=votes, jobs=jobs, now=now
            )
        await relay.remember_change(place=reply.place, message_id=reply.message_id, text=reply.text, version=version)
        await jobs.enqueue(
            kind=REPLY_JOB,
            payload=reply_to_payload(reply),
            job_id=f"reply:{reply.place.channel_key}:{reply.message_id}:{text_version(reply.text)}",
        )
        return None


async def delete_reply(
    *,
    place: Place,
    message_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    jobs: Jobs,
    now: float,
) -> Answer | None:
    topic_id = await relay.topic_for_mirror_thread(place=place)
    if topic_id is None:
        return None
    async with relay.holding_topic(topic_id=topic_id):
        answer = await relay.answer_for_source(place=place, message_id=message_id)
        if answer is None:  # a "+1", or not read yet: the worker must not post what its author took back
            await _take_vote_back(place=place, message_id=message_id, relay=relay, votes=votes, jobs=jobs, now=now)
            await relay.remember_change(place=place, message_id=message_id, text="")
            return None
        topic = await topics.get_topic(topic_id=answer.topic_id)
        if answer.status is AnswerStatus.DELETED or topic is None:
            return None
        if not answer.written_at(place=place, message_id=message_id):
            credit = _credit_for(answer, place=place, message_id=message_id)
            if credit is None:
                return None
            change = f"uncredit:{message_label(place, message_id)}"
            return await save_change(
                answer=_without(answer, credit),
                fields={"also_from"},
                change=change,
                topic=topic,
                relay=relay,
                jobs=jobs,
            )
        successor = next((c for c in answer.also_from if c.source is not None), None)
        if successor is not None:  # the same answer from someone else stays, under their name
            assert successor.source is not None
            change = f"taken-over:{message_label(successor.source, successor.message_id)}"
            return await save_change(
                answer=_taken_over(answer, successor),
                fields=_TAKE_OVER,
                change=change,
                topic=topic,
                relay=relay,
                jobs=jobs,
            )
        previous = await relay.mark_deleted(answer=answer)  # read again in the same step: it may just have been posted
        if previous is AnswerStatus.INJECTED:
            await jobs.enqueue(
                kind=DELETE_JOB,
                payload={"topic_id": topic.id, "answer_id": answer.id},
                job_id=f"answer-delete:{answer.id}",
            )
        return replace(answer, status=AnswerStatus.DELETED)


async def _edit_answer(*, answer: Answer, text: str, topic: Topic, relay: RelayRepository, jobs: Jobs) -> Answer | None:
    if answer.text == text:
        return None
    edited = replace(answer, text=text)
    if edited.status is AnswerStatus.BELOW:  # "checking with finance…" that became the answer
        await relay.update_answer(answer=edited, live=topic.place, fields={"text"})
        await jobs.enqueue(
            kind=RESCORE_JOB,
            payload={"topic_id": topic.id, "answer_id": answer.id},
            job_id=f"answer-rescore:{answer.id}:{text_version(text)}",
        )
        return edited
    return await save_change(
        answer=edited, fields={"text"}, change=f"text:{text_version(text)}", topic=topic, relay=relay, jobs=jobs
    )


async def _edit_copy(*, answer: Answer, reply: IncomingReply, topic: Topic, relay: RelayRepository, jobs: Jobs) -> bool:
    """True while the copy still says the same as the answer (its new words are kept for the day it
    stands for the answer); False once it says something else: it is a reply of its own then."""
    credit = _credit_for(answer, place=reply.place, message_id=reply.message_id)
    if credit is None:
        return True  # credited before copies kept their place: left as it was
    if same_content(answer.text, reply.text):
        updated = replace(
            answer, also_from=tuple(replace(c, text=reply.text) if c == credit else c for c in answer.also_from)
        )
        await relay.update_answer(answer=updated, live=topic.place, fields={"also_from"})
        return True
    change = f"uncredit:{message_label(reply.place, reply.message_id)}"
    await save_change(
        answer=_without(answer, credit), fields={"also_from"}, change=change, topic=topic, relay=relay, jobs=jobs
    )
    await relay.forget_source(place=reply.place, message_id=reply.message_id)
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


async def _take_vote_back(
    *, place: Place, message_id: str, relay: RelayRepository, votes: VoteRepository, jobs: Jobs, now: float
) -> None:
    voted = await relay.vote_at(place=place, message_id=message_id)
    if voted is not None:
        answer, voter = voted
        await agree_by_reply(
            answer=answer, voter=voter, place=place, message_id=message_id, added=False, votes=votes, jobs=jobs, now=now
        )


def _credit_for(answer: Answer, *, place: Place, message_id: str) -> Credit | None:
    return next((c for c in answer.also_from if c.wrote(place=place, message_id=message_id)), None)
