"""Replies written in a mirror thread become answers in the live thread."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Collection
from dataclasses import replace

from app.domain.delivery import DeliveryRules, Route, same_content
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
from app.domain.ports import (
    CLOSED_CODES,
    AnswerField,
    ChatDirectory,
    ChatPlatform,
    Jobs,
    PartnerRepository,
    PlatformError,
    RateLimiter,
    RelayRepository,
    SemanticMatcher,
    TopicRepository,
    VoteRepository,
)
from app.domain.relevance import ReplyKind, reply_kind
from app.usecases.incoming import IncomingReply, reply_to_payload
from app.usecases.judging import judge_reply
from app.usecases.votes import adopt_parked, agree_by_reply

REPLY_JOB = "reply.received"
DELIVER_JOB = "answer.deliver"
UPDATE_JOB = "answer.update"
DELETE_JOB = "answer.delete"
RESCORE_JOB = "answer.rescore"


async def accept_reply(*, reply: IncomingReply, relay: RelayRepository, jobs: Jobs) -> bool:
    """The web side of a reply: one lookup and one durable enqueue, so a process dying after
    Slack's acknowledgement loses nothing; the worker does the rest (names, links, scoring)."""
    if reply.from_a_bot or not reply.text.strip():
        return False
    if await relay.topic_for_mirror_thread(place=reply.place) is None:
        return False
    await jobs.enqueue(
        kind=REPLY_JOB,
        payload=reply_to_payload(reply),
        job_id=f"reply:{reply.place.channel_key}:{reply.message_id}",
    )
    return True


async def receive_reply(
    *,
    reply: IncomingReply,
    topics: TopicRepository,
    partners: PartnerRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    rules: DeliveryRules,
    now: float,
    matcher: SemanticMatcher | None = None,
) -> Answer | None:
    """Turn a human reply in a mirror thread into an Answer, a vote, or nothing."""
    if reply.from_a_bot or not reply.text.strip():
        return None  # loop prevention: neither our own mirrors nor another bot's messages are answers
    topic_id = await relay.topic_for_mirror_thread(place=reply.place)
    if topic_id is None:
        return None
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None:
        return None
    asking_org = f"{topic.place.platform}:{topic.place.tenant}"
    replying_org = f"{reply.place.platform}:{reply.place.tenant}"
    if replying_org != asking_org and not await partners.are_partners(a=asking_org, b=replying_org):
        return None  # the partnership ended: its old mirror threads no longer reach the meeting
    # Who wrote it, its link and the people it names, asked of Slack before taking the question: a
    # slow answer (a 429 wait) then holds up this reply only, not every other reply and edit of it.
    # A "+1" or thanks needs none of it: not even the installation's lookup.
    worth_naming = _may_be_an_answer(reply.text)
    chat = await directory.chat_for(tenant=reply.place.tenant) if worth_naming else None
    reply = await with_names(reply, chat=chat)
    signed = await _signature(reply=reply, chat=chat) if worth_naming else None
    async with relay.holding_topic(topic_id=topic.id):  # replies read in one batch must see each other
        latest = await relay.latest_text(place=reply.place, message_id=reply.message_id)
        if latest is not None:  # edited, or deleted (empty), since it was queued
            if not latest.strip():
                return None
            chat = chat or await directory.chat_for(tenant=reply.place.tenant)
            reply = await with_names(replace(reply, text=latest), chat=chat)
        return await _weigh_reply(
            reply=reply,
            topic=topic,
            partners=partners,
            relay=relay,
            votes=votes,
            directory=directory,
            jobs=jobs,
            rules=rules,
            now=now,
            matcher=matcher,
            signed=signed,
        )


def _may_be_an_answer(text: str) -> bool:
    """Worth a name and a link: "+1", thanks and emoji never become answers."""
    return reply_kind(text) not in (ReplyKind.AGREEMENT, ReplyKind.THANKS, ReplyKind.EMPTY)


async def with_names(reply: IncomingReply, *, chat: ChatPlatform | None) -> IncomingReply:
    """The reply with the colleagues it mentions named: the meeting cannot resolve their ids."""
    return replace(reply, text=await chat.with_names(text=reply.text)) if chat is not None else reply


async def _signature(*, reply: IncomingReply, chat: ChatPlatform | None) -> tuple[str, str]:
    """The author's display name and the reply's permalink (the user id and no link without a chat)."""
    if chat is None:
        return reply.user_id, ""
    name, link = await asyncio.gather(
        chat.user_name(user_id=reply.user_id), chat.permalink(place=reply.place, message_id=reply.message_id)
    )
    return name, link


async def _weigh_reply(
    *,
    reply: IncomingReply,
    topic: Topic,
    partners: PartnerRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    rules: DeliveryRules,
    now: float,
    matcher: SemanticMatcher | None,
    signed: tuple[str, str] | None,
) -> Answer | None:
    """Against the topic's earlier answers: a vote, a merge into one of them, or a new answer."""
    by_asker = reply.place.tenant == topic.place.tenant and reply.user_id == topic.asker.id
    earlier = await relay.answers(topic_id=topic.id)
    author = person_key(platform=str(reply.place.platform), tenant=reply.place.tenant, user=reply.user_id)
    relevance, decision = await judge_reply(
        topic=topic,
        text=reply.text,
        author=author,
        source_kind=str(reply.place.platform),
        at=reply.at,
        by_asker=by_asker,
        earlier=earlier,
        votes=votes,
        rules=rules,
        matcher=matcher,
    )
    if decision is Route.DROP:
        return None
    if decision is Route.VOTE:
        above = {a.id: _said_in(a, reply) for a in earlier if a.status is not AnswerStatus.DELETED}
        shown = {answer_id: at for answer_id, at in above.items() if at is not None}
        if shown:  # "+1" agrees with the latest answer above it in this thread, even a merged copy
            agreed = next(a for a in earlier if a.id == max(shown, key=lambda answer_id: shown[answer_id]))
            await relay.remember_vote(place=reply.place, message_id=reply.message_id, answer=agreed, voter=author)
            await agree_by_reply(
                answer=agreed,
                voter=author,
                place=reply.place,
                message_id=reply.message_id,
                added=True,
                votes=votes,
                jobs=jobs,
                now=now,
            )
        return None
    org = await partners.organisation(org_key=f"{reply.place.platform}:{reply.place.tenant}")
    if signed is None:  # edited into an answer meanwhile
        signed = await _signature(reply=reply, chat=await directory.chat_for(tenant=reply.place.tenant))
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
            await save_change(answer=merged, fields={"also_from"}, change=change, topic=topic, relay=relay, jobs=jobs)
        await relay.map_source(place=reply.place, message_id=reply.message_id, answer=duplicate)
        await adopt_parked(
            answer=duplicate,
            place=reply.place,
            message_id=reply.message_id,
            relay=relay,
            votes=votes,
            jobs=jobs,
            now=now,
        )
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
    added = await relay.add_answer(answer=answer)
    # Votes cast on the reply while it waited count now; a retried job (the same message again) may
    # have crashed before they did.
    stored = answer if added else await relay.answer_for_source(place=reply.place, message_id=reply.message_id)
    if stored is not None:
        await adopt_parked(
            answer=stored, place=reply.place, message_id=reply.message_id, relay=relay, votes=votes, jobs=jobs, now=now
        )
    if not added:
        return None
    if answer.status is AnswerStatus.NEW:
        await jobs.enqueue(
            kind=DELIVER_JOB, payload={"topic_id": topic.id, "answer_id": answer.id}, job_id=f"deliver:{answer.id}"
        )
    return answer


async def save_change(
    *,
    answer: Answer,
    fields: Collection[AnswerField],
    change: str,
    topic: Topic,
    relay: RelayRepository,
    jobs: Jobs,
) -> Answer:
    """Store the change; an answer already in the live thread is brought up to date there (a digest
    keeps what it said when it went out). ``change`` names the event, so that each one syncs once."""
    await relay.update_answer(answer=answer, live=topic.place, fields=fields)
    # Read after the write: an answer being posted from the older copy is recorded either before
    # this read (seen injected here) or after the write (its poster sees the change, _injected).
    stored = await relay.answer(topic_id=answer.topic_id, answer_id=answer.id)
    if stored is not None and stored.status is AnswerStatus.INJECTED and stored.injected_id:
        await jobs.enqueue(
            kind=UPDATE_JOB,
            payload={"topic_id": topic.id, "answer_id": answer.id},
            job_id=f"answer-update:{answer.id}:{change}",
        )
    return answer


def text_version(text: str) -> str:
    """A short fingerprint of some words, for job ids that must differ when the words do."""
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def _shown(answer: Answer) -> str:
    """What the live thread shows of an answer, besides its votes."""
    return "\n".join((answer.author.name, answer.organisation, answer.text, *(c.label() for c in answer.also_from)))


def message_label(place: Place, message_id: str) -> str:
    return f"{place.channel_key}:{message_id}"


async def inject_answer(
    *,
    answer: Answer,
    topic: Topic,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    limiter: RateLimiter,
    jobs: Jobs,
    now: float,
) -> Answer:
    """Post the answer in the live thread once, even when the job runs again after a crash."""
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return answer
    if answer.posting_since:
        found = await chat.find_answer(answer_id=answer.id, live=topic.place, since=answer.posting_since)
        if found:
            return await _injected(
                answer=answer, topic=topic, message_id=found, relay=relay, votes=votes, jobs=jobs, now=now
            )
    await limiter.acquire(channel_key=topic.place.channel_key)  # first: a job told to come back has posted nothing
    answer = await relay.mark_posting(answer=answer, now=now)
    try:
        earlier_votes = await votes.tally(topic_id=answer.topic_id, answer_id=answer.id)  # on the original, say
        message_id = await chat.post_answer(answer=answer, topic=topic, votes=earlier_votes)
    except PlatformError as error:
        if error.code in CLOSED_CODES:
            return answer  # the live channel is closed to Cercle: the answer waits for the summary
        raise
    return await _injected(
        answer=answer, topic=topic, message_id=message_id, relay=relay, votes=votes, jobs=jobs, now=now
    )


async def _injected(
    *,
    answer: Answer,
    topic: Topic,
    message_id: str,
    relay: RelayRepository,
    votes: VoteRepository,
    jobs: Jobs,
    now: float,
) -> Answer:
    done = replace(answer, status=AnswerStatus.INJECTED, injected_id=message_id)
    if not await relay.record_posted(answer=done, live=topic.place):  # deleted while it was being posted
        await jobs.enqueue(
            kind=DELETE_JOB, payload={"topic_id": topic.id, "answer_id": answer.id}, job_id=f"answer-delete:{answer.id}"
        )
        return replace(done, status=AnswerStatus.DELETED)
    stored = await relay.answer(topic_id=answer.topic_id, answer_id=answer.id)
    if stored is not None and _shown(stored) != _shown(answer):  # edited, or credited, while being posted
        await jobs.enqueue(
            kind=UPDATE_JOB,
            payload={"topic_id": topic.id, "answer_id": answer.id},
            job_id=f"answer-update:{answer.id}:posted:{text_version(_shown(stored))}",
        )
    await adopt_parked(
        answer=done, place=topic.place, message_id=message_id, relay=relay, votes=votes, jobs=jobs, now=now
    )
    return done


async def sync_injected(
    *,
    topic_id: str,
    answer_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
) -> None:
    """Make the live copy match the answer: updated text, or gone when the reply was deleted."""
    answer = await relay.answer(topic_id=topic_id, answer_id=answer_id)
    topic = await topics.get_topic(topic_id=topic_id)
    if answer is None or topic is None or not answer.injected_id:
        return
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return
    try:
        if answer.status is AnswerStatus.DELETED:
            await chat.delete_message(place=topic.place, message_id=answer.injected_id)
        else:
            tally = await votes.tally(topic_id=topic_id, answer_id=answer_id)
            await chat.update_answer(answer=answer, topic=topic, votes=tally)
    except PlatformError as error:
        if error.code not in CLOSED_CODES | {"message_not_found"}:
            raise


def _said_in(answer: Answer, reply: IncomingReply) -> float | None:
    """When the answer, or a copy merged into it, was written in the reply's thread before it."""
    here = reply.place

    def same_thread(place: Place | None) -> bool:
        return place is not None and place.channel_key == here.channel_key and place.thread == here.thread

    times = [answer.created_at] if same_thread(answer.source) else []
    times += [c.at for c in answer.also_from if same_thread(c.source)]
    earlier = [t for t in times if t <= reply.at]
    return max(earlier) if earlier else None
