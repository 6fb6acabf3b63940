"""Delivering answers into the live thread: the window's quota, its digest, and review mode."""

from __future__ import annotations

from dataclasses import replace

from app.domain.delivery import Route, digest_time, same_content
from app.domain.errors import ClosedToCercle, MessageGone, PersonUnreachable
from app.domain.models import Answer, AnswerStatus, Topic
from app.domain.ports import ChatPlatform, RelayRepository
from app.usecases.context import Context
from app.usecases.jobs import DeliverAnswer, LateDigest, PostDigest, RefreshTopic, RescoreAnswer
from app.usecases.judging import author_key, judge_reply
from app.usecases.language import reader_language
from app.usecases.relay import inject_answer
from app.usecases.votes import adopt_parked

REVIEW_CLAIM_S = 30.0  # longer than one post, rate limit waits included


APPROVED = "approved"  # DeliverAnswer.why for an answer the asker approved: it skips the window's quota


async def deliver_answer(job: DeliverAnswer, ctx: Context) -> Answer | None:
    answer = await ctx.relay.answer(topic_id=job.topic_id, answer_id=job.answer_id)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    if answer is None or topic is None:
        return answer
    if answer.status is AnswerStatus.INJECTED and answer.injected_id:  # this job again, after a crash
        await adopt_parked(answer=answer, place=topic.place, message_id=answer.injected_id, ctx=ctx)
    if answer.status is AnswerStatus.DELETED and answer.posting_since:
        return await _take_back(answer=answer, topic=topic, ctx=ctx)
    if job.why == APPROVED:
        return await _approved(answer=answer, topic=topic, ctx=ctx)
    if answer.status is not AnswerStatus.NEW:
        return answer
    if not topic.is_open:
        return await _set(relay=ctx.relay, answer=answer, topic=topic, status=AnswerStatus.LATE)
    if topic.review:
        chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
        if chat is None:
            return answer
        return await _to_review(answer=answer, topic=topic, chat=chat, ctx=ctx)
    rules = ctx.rules
    granted, oldest = await ctx.relay.reserve_slot(
        topic_id=topic.id, answer_id=answer.id, now=ctx.clock(), window_s=rules.window_s, limit=rules.max_per_window
    )
    if granted:
        return await inject_answer(answer=answer, topic=topic, ctx=ctx)
    waiting = await _set(relay=ctx.relay, answer=answer, topic=topic, status=AnswerStatus.WAITING)
    digest_at = digest_time(injected_at=[oldest], rules=rules)
    await ctx.jobs.schedule(PostDigest(topic_id=topic.id, due=int(digest_at)), at=digest_at)
    return waiting


async def _approved(*, answer: Answer, topic: Topic, ctx: Context) -> Answer | None:
    """The asker approved it: posted now, whatever the window's quota (the claim on the decision,
    taken by the click, is released once it is in the thread or skipped)."""
    try:
        if answer.status is not AnswerStatus.IN_REVIEW:
            return answer  # posted by an earlier run of this job, or deleted meanwhile
        return await inject_answer(answer=answer, topic=topic, ctx=ctx)
    finally:
        await ctx.relay.release_review(topic_id=topic.id, answer_id=answer.id)


async def _to_review(*, answer: Answer, topic: Topic, chat: ChatPlatform, ctx: Context) -> Answer:
    relay = ctx.relay
    try:
        language = await reader_language(chat=chat, user_id=topic.asker.id, ctx=ctx)
        await chat.ask_review(answer=answer, topic=topic, language=language)
    except (ClosedToCercle, PersonUnreachable):
        # The asker left the channel: nobody else may approve, so the answer waits, shown in the
        # summary, and goes on if review mode is switched off.
        pass
    return await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.IN_REVIEW)


async def _set(*, relay: RelayRepository, answer: Answer, topic: Topic, status: AnswerStatus) -> Answer:
    updated = replace(answer, status=status)
    await relay.update_answer(answer=updated, live=topic.place, fields={"status"})
    return updated


async def post_digest(job: PostDigest | LateDigest, ctx: Context) -> int:
    """The answers that waited (for the window, or for the meeting's end when they came late),
    as one message, best first; each exactly once, also when an attempt crashed after posting."""
    topic_id, relay, now = job.topic_id, ctx.relay, ctx.clock()
    status = AnswerStatus.LATE if isinstance(job, LateDigest) else AnswerStatus.WAITING
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None:
        return 0
    waiting = [a for a in await relay.answers(topic_id=topic_id) if a.status is status]
    if not waiting:
        return 0
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return 0
    if topic.review and topic.is_open and status is AnswerStatus.WAITING:
        # Review mode was switched on while these waited for the window: the asker decides on each.
        for answer in [a for a in waiting if not a.posting_since]:
            await _to_review(answer=answer, topic=topic, chat=chat, ctx=ctx)
        waiting = [a for a in waiting if a.posting_since]  # a crashed attempt may have posted them
    delivered = 0
    fresh = [a for a in waiting if not a.posting_since]
    for stamp, attempted in _by_attempt(waiting).items():  # a crashed attempt may have posted its digest
        found = await chat.find_marker(marker_id=_digest_marker(topic_id, stamp), live=topic.place, since=stamp)
        if found is None:
            fresh += attempted
        else:
            delivered += await _digested(relay=relay, answers=attempted, topic=topic, message_id=found)
    fresh.sort(key=lambda a: (-a.score, a.created_at))  # best first
    for part, start in enumerate(range(0, len(fresh), chat.digest_capacity)):  # a message holds only so many
        answers = fresh[start : start + chat.digest_capacity]
        stamp = now + part / 1000  # each message its own marker (they are to the millisecond)
        await ctx.limiter.acquire(
            channel_key=topic.place.channel_key
        )  # first: a job told to come back has posted nothing
        for answer in answers:
            await relay.mark_posting(answer=answer, now=stamp)
        try:
            message_id = await chat.post_digest(answers=answers, topic=topic, marker=_digest_marker(topic_id, stamp))
        except ClosedToCercle:
            return delivered  # the live channel is closed to Cercle: the answers wait for the summary
        delivered += await _digested(relay=relay, answers=answers, topic=topic, message_id=message_id)
    return delivered


def _digest_marker(topic_id: str, attempt: float) -> str:
    """One marker per attempt, whichever job made it: what a crashed attempt posted is found again,
    and answers that came after it are not taken for posted."""
    return f"digest-{topic_id}-{int(attempt * 1000)}"


async def _take_back(*, answer: Answer, topic: Topic, ctx: Context) -> Answer:
    """Its author deleted it while this job was posting it, and the job died before it could record
    the post: the post may be in the thread, unknown to Cercle. Find it and remove it."""
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return answer
    posted = answer.injected_id or await chat.find_answer(
        answer_id=answer.id, live=topic.place, since=answer.posting_since
    )
    if posted:
        try:
            await chat.delete_message(place=topic.place, message_id=posted)
        except (ClosedToCercle, MessageGone):
            pass  # nothing left to take back
    return answer


def _by_attempt(answers: list[Answer]) -> dict[float, list[Answer]]:
    attempts: dict[float, list[Answer]] = {}
    for answer in answers:
        if answer.posting_since:
            attempts.setdefault(answer.posting_since, []).append(answer)
    return attempts


async def _digested(*, relay: RelayRepository, answers: list[Answer], topic: Topic, message_id: str) -> int:
    for answer in answers:
        # One deleted while the digest was being posted stays deleted: the summary leaves it out.
        await relay.record_posted(
            answer=replace(answer, status=AnswerStatus.DIGESTED, injected_id=message_id), live=topic.place
        )
    return len(answers)


async def set_review_mode(
    *, topic_id: str, tenant: str, user_id: str, review: bool, ctx: Context
) -> tuple[Topic, int] | None:
    """Only the asker switches review mode; None when someone else tried. Switching it off sends
    the answers still waiting for approval on their way, and says how many there were."""
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None or not _is_asker(topic, tenant=tenant, user_id=user_id):
        return None
    updated = await ctx.topics.set_review(topic_id=topic_id, review=review)
    if updated is None:
        return None
    released = 0 if review else await _release_reviews(topic=updated, ctx=ctx)
    await ctx.jobs.schedule(RefreshTopic(topic_id=topic_id), at=ctx.clock())  # the root's button label
    return updated, released


def _is_asker(topic: Topic, *, tenant: str, user_id: str) -> bool:
    """A user id is only unique within its workspace (tenant)."""
    return topic.place.tenant == tenant and topic.asker.id == user_id


async def _release_reviews(*, topic: Topic, ctx: Context) -> int:
    released, relay = 0, ctx.relay
    for answer in await relay.answers(topic_id=topic.id):
        if answer.status is not AnswerStatus.IN_REVIEW:
            continue
        if not await relay.claim_review(topic_id=topic.id, answer_id=answer.id, seconds=REVIEW_CLAIM_S):
            continue  # the asker is approving or skipping it right now
        await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.NEW)
        await ctx.jobs.enqueue(DeliverAnswer(topic_id=topic.id, answer_id=answer.id, why="released"))
        released += 1
    return released


async def review_decision(
    *, topic_id: str, answer_id: str, tenant: str, user_id: str, approve: bool, ctx: Context
) -> Answer | None:
    """The asker's approve or skip, acted on once: a double click or a click on each button finds
    the answer taken (the claim lasts until a worker has posted it); a click after a crash mid-post
    finds it again once the claim has expired."""
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None or not _is_asker(topic, tenant=tenant, user_id=user_id):
        return None
    if not await ctx.relay.claim_review(topic_id=topic_id, answer_id=answer_id, seconds=REVIEW_CLAIM_S):
        return None
    answer = await ctx.relay.answer(topic_id=topic_id, answer_id=answer_id)
    if answer is None or answer.status is not AnswerStatus.IN_REVIEW:
        await ctx.relay.release_review(topic_id=topic_id, answer_id=answer_id)
        return None
    if not approve:
        return await _set(relay=ctx.relay, answer=answer, topic=topic, status=AnswerStatus.SKIPPED)
    await ctx.jobs.enqueue(DeliverAnswer(topic_id=topic_id, answer_id=answer_id, why=APPROVED))
    return answer


async def other_replies(*, topic_id: str, tenant: str, ctx: Context) -> list[Answer] | None:
    """Replies under the threshold, best first: never injected, shown on request, and only in the
    workspace (tenant) that asked; None elsewhere."""
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None or topic.place.tenant != tenant:
        return None
    below = [a for a in await ctx.relay.answers(topic_id=topic_id) if a.status is AnswerStatus.BELOW]
    return sorted(below, key=lambda a: (-a.score, a.created_at))


async def rescore_edited(job: RescoreAnswer, ctx: Context) -> Answer | None:
    """A reply kept under the threshold was edited: its new words are judged as if they had come
    first, and go on their way when they now deserve the thread (unless they repeat an answer)."""
    topic_id, answer_id, relay = job.topic_id, job.answer_id, ctx.relay
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if topic is None or not topic.is_open:
        return None
    async with relay.holding_topic(topic_id=topic_id):
        answers = await relay.answers(topic_id=topic_id)
        answer = next((a for a in answers if a.id == answer_id), None)
        if answer is None or answer.status is not AnswerStatus.BELOW:
            return None
        earlier = answers[: answers.index(answer)]  # stored in order of arrival
        relevance, decision = await judge_reply(
            topic=topic,
            text=answer.text,
            author=author_key(answer),
            source_kind=str(answer.source.platform),
            at=answer.created_at,
            by_asker=False,  # the asker's own replies are never stored
            earlier=earlier,
            votes=ctx.votes,
            rules=ctx.rules,
            matcher=ctx.matcher,
        )
        others = [a for a in answers if a.id != answer.id and a.status is not AnswerStatus.DELETED]
        repeats = any(same_content(a.text, answer.text) for a in others)
        status = AnswerStatus.NEW if decision is Route.DELIVER and not repeats else AnswerStatus.BELOW
        rescored = replace(answer, score=relevance.score, reasons=relevance.reasons, status=status)
        await relay.update_answer(answer=rescored, live=topic.place, fields={"score", "reasons", "status"})
    if rescored.status is AnswerStatus.NEW:
        await ctx.jobs.enqueue(DeliverAnswer(topic_id=topic.id, answer_id=answer.id, why="edited"))
    return rescored
