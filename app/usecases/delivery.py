"""Delivering answers into the live thread: the window's quota, its digest, and review mode."""

from __future__ import annotations

from dataclasses import replace

from app.domain.delivery import DIGEST_MAX_ANSWERS, DeliveryRules, Route, digest_time, same_content
from app.domain.models import Answer, AnswerStatus, Topic
from app.domain.ports import (
    CLOSED_CODES,
    ChatDirectory,
    ChatPlatform,
    Jobs,
    PlatformError,
    RateLimiter,
    RelayRepository,
    SemanticMatcher,
    TopicRepository,
    VoteRepository,
)
from app.usecases.judging import author_key, judge_reply
from app.usecases.relay import DELIVER_JOB, inject_answer
from app.usecases.votes import adopt_parked

DIGEST_JOB = "topic.digest"
ASKER_UNREACHABLE_CODES = CLOSED_CODES | {"user_not_in_channel"}
REVIEW_CLAIM_S = 30.0  # longer than one post, rate limit waits included


async def deliver_answer(
    *,
    topic_id: str,
    answer_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    limiter: RateLimiter,
    jobs: Jobs,
    votes: VoteRepository,
    rules: DeliveryRules,
    now: float,
) -> Answer | None:
    answer = await relay.answer(topic_id=topic_id, answer_id=answer_id)
    topic = await topics.get_topic(topic_id=topic_id)
    if answer is None or topic is None:
        return answer
    if answer.status is AnswerStatus.INJECTED and answer.injected_id:  # this job again, after a crash
        await adopt_parked(
            answer=answer,
            place=topic.place,
            message_id=answer.injected_id,
            relay=relay,
            votes=votes,
            jobs=jobs,
            now=now,
        )
    if answer.status is AnswerStatus.DELETED and answer.posting_since:
        return await _take_back(answer=answer, topic=topic, directory=directory)
    if answer.status is not AnswerStatus.NEW:
        return answer
    if not topic.is_open:
        return await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.LATE)
    if topic.review:
        chat = await directory.chat_for(tenant=topic.place.tenant)
        if chat is None:
            return answer
        return await _to_review(answer=answer, topic=topic, chat=chat, relay=relay)
    granted, oldest = await relay.reserve_slot(
        topic_id=topic.id, answer_id=answer.id, now=now, window_s=rules.window_s, limit=rules.max_per_window
    )
    if granted:
        return await inject_answer(
            answer=answer,
            topic=topic,
            relay=relay,
            votes=votes,
            directory=directory,
            limiter=limiter,
            jobs=jobs,
            now=now,
        )
    waiting = await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.WAITING)
    digest_at = digest_time(injected_at=[oldest], rules=rules)
    await jobs.schedule(
        kind=DIGEST_JOB,
        payload={"topic_id": topic.id},
        at=digest_at,
        job_id=f"digest:{topic.id}:{int(digest_at)}",
    )
    return waiting


async def _to_review(*, answer: Answer, topic: Topic, chat: ChatPlatform, relay: RelayRepository) -> Answer:
    try:
        await chat.ask_review(answer=answer, topic=topic)
    except PlatformError as error:
        if error.code not in ASKER_UNREACHABLE_CODES:
            raise
        # The asker left the channel: nobody else may approve, so the answer waits, shown in the
        # summary, and goes on if review mode is switched off.
    return await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.IN_REVIEW)


async def _set(*, relay: RelayRepository, answer: Answer, topic: Topic, status: AnswerStatus) -> Answer:
    updated = replace(answer, status=status)
    await relay.update_answer(answer=updated, live=topic.place, fields={"status"})
    return updated


async def post_digest(
    *,
    topic_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    limiter: RateLimiter,
    now: float,
    status: AnswerStatus = AnswerStatus.WAITING,
) -> int:
    """The answers that waited (for the window, or for the meeting's end when they came late),
    as one message, best first; each exactly once, also when an attempt crashed after posting."""
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None:
        return 0
    waiting = [a for a in await relay.answers(topic_id=topic_id) if a.status is status]
    if not waiting:
        return 0
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return 0
    if topic.review and topic.is_open and status is AnswerStatus.WAITING:
        # Review mode was switched on while these waited for the window: the asker decides on each.
        for answer in [a for a in waiting if not a.posting_since]:
            await _to_review(answer=answer, topic=topic, chat=chat, relay=relay)
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
    for part, start in enumerate(range(0, len(fresh), DIGEST_MAX_ANSWERS)):  # a message holds only so many
        answers = fresh[start : start + DIGEST_MAX_ANSWERS]
        stamp = now + part / 1000  # each message its own marker (they are to the millisecond)
        await limiter.acquire(channel_key=topic.place.channel_key)  # first: a job told to come back has posted nothing
        for answer in answers:
            await relay.mark_posting(answer=answer, now=stamp)
        try:
            message_id = await chat.post_digest(answers=answers, topic=topic, marker=_digest_marker(topic_id, stamp))
        except PlatformError as error:
            if error.code in CLOSED_CODES:
                return delivered  # the live channel is closed to Cercle: the answers wait for the summary
            raise
        delivered += await _digested(relay=relay, answers=answers, topic=topic, message_id=message_id)
    return delivered


def _digest_marker(topic_id: str, attempt: float) -> str:
    """One marker per attempt, whichever job made it: what a crashed attempt posted is found again,
    and answers that came after it are not taken for posted."""
    return f"digest-{topic_id}-{int(attempt * 1000)}"


async def _take_back(*, answer: Answer, topic: Topic, directory: ChatDirectory) -> Answer:
    """Its author deleted it while this job was posting it, and the job died before it could record
    the post: the post may be in the thread, unknown to Cercle. Find it and remove it."""
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return answer
    posted = answer.injected_id or await chat.find_answer(
        answer_id=answer.id, live=topic.place, since=answer.posting_since
    )
    if posted:
        try:
            await chat.delete_message(place=topic.place, message_id=posted)
        except PlatformError as error:
            if error.code not in CLOSED_CODES | {"message_not_found"}:
                raise
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
    *,
    topic_id: str,
    tenant: str,
    user_id: str,
    review: bool,
    topics: TopicRepository,
    relay: RelayRepository,
    jobs: Jobs,
    directory: ChatDirectory,
) -> tuple[Topic, int] | None:
    """Only the asker switches review mode; None when someone else tried. Switching it off sends
    the answers still waiting for approval on their way, and says how many there were."""
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None or not _is_asker(topic, tenant=tenant, user_id=user_id):
        return None
    updated = await topics.set_review(topic_id=topic_id, review=review)
    if updated is None:
        return None
    released = 0 if review else await _release_reviews(topic=updated, relay=relay, jobs=jobs)
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is not None:
        try:
            await chat.update_topic(topic=updated, place=updated.place)
        except PlatformError:
            pass  # the switch holds; the button label catches up on the next update
    return updated, released


def _is_asker(topic: Topic, *, tenant: str, user_id: str) -> bool:
    """A user id is only unique within its workspace (tenant)."""
    return topic.place.tenant == tenant and topic.asker.id == user_id


async def _release_reviews(*, topic: Topic, relay: RelayRepository, jobs: Jobs) -> int:
    released = 0
    for answer in await relay.answers(topic_id=topic.id):
        if answer.status is not AnswerStatus.IN_REVIEW:
            continue
        if not await relay.claim_review(topic_id=topic.id, answer_id=answer.id, seconds=REVIEW_CLAIM_S):
            continue  # the asker is approving or skipping it right now
        await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.NEW)
        await jobs.enqueue(
            kind=DELIVER_JOB,
            payload={"topic_id": topic.id, "answer_id": answer.id},
            job_id=f"deliver:{answer.id}:released",
        )
        released += 1
    return released


async def review_decision(
    *,
    topic_id: str,
    answer_id: str,
    tenant: str,
    user_id: str,
    approve: bool,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    limiter: RateLimiter,
    jobs: Jobs,
    now: float,
) -> Answer | None:
    """The asker's approve or skip, acted on once: a double click or a click on each button finds
    the answer taken; a click after a crash mid-post finds it again once the claim has expired."""
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None or not _is_asker(topic, tenant=tenant, user_id=user_id):
        return None
    if not await relay.claim_review(topic_id=topic_id, answer_id=answer_id, seconds=REVIEW_CLAIM_S):
        return None
    try:
        answer = await relay.answer(topic_id=topic_id, answer_id=answer_id)
        if answer is None or answer.status is not AnswerStatus.IN_REVIEW:
            return None
        if not approve:
            return await _set(relay=relay, answer=answer, topic=topic, status=AnswerStatus.SKIPPED)
        return await inject_answer(
            answer=answer,
            topic=topic,
            relay=relay,
            votes=votes,
            directory=directory,
            limiter=limiter,
            jobs=jobs,
            now=now,
        )
    except BaseException:
        await relay.release_review(topic_id=topic_id, answer_id=answer_id)  # the next click tries again
        raise


async def other_replies(
    *, topic_id: str, tenant: str, topics: TopicRepository, relay: RelayRepository
) -> list[Answer] | None:
    """Replies under the threshold, best first: never injected, shown on request, and only in the
    workspace (tenant) that asked; None elsewhere."""
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None or topic.place.tenant != tenant:
        return None
    below = [a for a in await relay.answers(topic_id=topic_id) if a.status is AnswerStatus.BELOW]
    return sorted(below, key=lambda a: (-a.score, a.created_at))


async def rescore_edited(
    *,
    topic_id: str,
    answer_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    jobs: Jobs,
    rules: DeliveryRules,
    matcher: SemanticMatcher | None = None,
) -> Answer | None:
    """A reply kept under the threshold was edited: its new words are judged as if they had come
    first, and go on their way when they now deserve the thread (unless they repeat an answer)."""
    topic = await topics.get_topic(topic_id=topic_id)
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
            votes=votes,
            rules=rules,
            matcher=matcher,
        )
        others = [a for a in answers if a.id != answer.id and a.status is not AnswerStatus.DELETED]
        repeats = any(same_content(a.text, answer.text) for a in others)
        status = AnswerStatus.NEW if decision is Route.DELIVER and not repeats else AnswerStatus.BELOW
        rescored = replace(answer, score=relevance.score, reasons=relevance.reasons, status=status)
        await relay.update_answer(answer=rescored, live=topic.place, fields={"score", "reasons", "status"})
    if rescored.status is AnswerStatus.NEW:
        await jobs.enqueue(
            kind=DELIVER_JOB,
            payload={"topic_id": topic.id, "answer_id": answer.id},
            job_id=f"deliver:{answer.id}:edited",
        )
    return rescored
