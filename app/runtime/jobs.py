"""The worker's job kinds, each a call to one use case."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.delivery import DeliveryRules
from app.domain.models import AnswerStatus
from app.domain.ports import ChatDirectory, RateLimiter, SemanticMatcher
from app.domain.timings import MeetingTimings
from app.runtime.logs import get_logger
from app.store.partners import RedisPartnerRepository
from app.store.queue import Job, JobHandler, JobQueue
from app.store.relay import RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.store.votes import RedisVoteRepository
from app.usecases import delivery, incoming, meeting, mirroring, relay, reply_changes, topics, votes

log = get_logger("app.runtime.jobs")


@dataclass
class JobDeps:
    topics: RedisTopicRepository
    partners: RedisPartnerRepository
    relay: RedisRelayRepository
    directory: ChatDirectory
    limiter: RateLimiter
    queue: JobQueue
    votes: RedisVoteRepository
    rules: DeliveryRules
    timings: MeetingTimings
    matcher: SemanticMatcher | None = None
    clock: Callable[[], float] = time.time


def job_handlers(deps: JobDeps) -> dict[str, JobHandler]:
    async def post_mirror(job: Job) -> None:
        await mirroring.post_mirror(
            topic_id=job.payload["topic_id"],
            partner_key=job.payload["partner"],
            topics=deps.topics,
            partners=deps.partners,
            relay=deps.relay,
            directory=deps.directory,
            limiter=deps.limiter,
            jobs=deps.queue,
            now=deps.clock(),
        )

    async def check_opening(job: Job) -> None:
        recovered = await topics.recover_opening(
            payload=job.payload,
            topics=deps.topics,
            directory=deps.directory,
            partners=deps.partners,
            relay=deps.relay,
            jobs=deps.queue,
            timings=deps.timings,
            now=deps.clock(),
        )
        if recovered is not None:  # the process that opened it died on the way: worth knowing
            place = recovered.place
            log.warning("topic.opening_checked", platform=place.platform, team=place.tenant, topic=recovered.id)

    async def refresh_topic(job: Job) -> None:
        await mirroring.refresh_topic(
            topic_id=job.payload["topic_id"], topics=deps.topics, relay=deps.relay, directory=deps.directory
        )

    async def close_mirror(job: Job) -> None:
        await mirroring.close_mirror(
            topic_id=job.payload["topic_id"],
            partner_key=job.payload["partner"],
            topics=deps.topics,
            partners=deps.partners,
            relay=deps.relay,
            directory=deps.directory,
        )

    async def reply_received(job: Job) -> None:
        answer = await relay.receive_reply(
            reply=incoming.reply_from_payload(job.payload),
            topics=deps.topics,
            partners=deps.partners,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
            jobs=deps.queue,
            rules=deps.rules,
            now=deps.clock(),
            matcher=deps.matcher,
        )
        if answer is not None:
            topic = await deps.topics.get_topic(topic_id=answer.topic_id)
            if topic is not None:
                await meeting.note_activity(
                    topics=deps.topics,
                    jobs=deps.queue,
                    meeting_id=topic.meeting_id,
                    now=deps.clock(),
                    timings=deps.timings,
                )

    async def deliver(job: Job) -> None:
        await delivery.deliver_answer(
            topic_id=job.payload["topic_id"],
            answer_id=job.payload["answer_id"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            limiter=deps.limiter,
            jobs=deps.queue,
            votes=deps.votes,
            rules=deps.rules,
            now=deps.clock(),
        )

    async def digest(job: Job) -> None:
        await delivery.post_digest(
            topic_id=job.payload["topic_id"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            limiter=deps.limiter,
            now=deps.clock(),
        )

    async def sync(job: Job) -> None:
        await relay.sync_injected(
            topic_id=job.payload["topic_id"],
            answer_id=job.payload["answer_id"],
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
        )

    async def score(job: Job) -> None:
        await votes.show_score(
            topic_id=job.payload["topic_id"],
            answer_id=job.payload["answer_id"],
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
        )

    async def summary(job: Job) -> None:
        await meeting.post_summary(
            meeting_id=job.payload["meeting_id"],
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
            jobs=deps.queue,
            now=deps.clock(),
        )

    async def thanks(job: Job) -> None:
        await meeting.thank_partner(
            meeting_id=job.payload["meeting_id"],
            topic_id=job.payload["topic_id"],
            partner_key=job.payload["partner"],
            topics=deps.topics,
            partners=deps.partners,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
            timings=deps.timings,
        )

    async def idle(job: Job) -> None:
        await meeting.end_if_idle(
            meeting_id=job.payload["meeting_id"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            jobs=deps.queue,
            timings=deps.timings,
            now=deps.clock(),
        )

    async def check_ending(job: Job) -> None:
        finished = await meeting.finish_ending(
            meeting_id=job.payload["meeting_id"],
            by=job.payload["by"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            jobs=deps.queue,
            timings=deps.timings,
            now=deps.clock(),
        )
        if finished:
            log.warning("meeting.ending_checked", meeting=job.payload["meeting_id"])

    async def late_digest(job: Job) -> None:
        await delivery.post_digest(
            topic_id=job.payload["topic_id"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            limiter=deps.limiter,
            now=deps.clock(),
            status=AnswerStatus.LATE,
        )

    async def reply_edited(job: Job) -> None:
        await reply_changes.edit_reply(
            reply=incoming.reply_from_payload(job.payload),
            version=int(job.payload.get("version") or 0),
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            directory=deps.directory,
            jobs=deps.queue,
            now=deps.clock(),
        )

    async def reply_deleted(job: Job) -> None:
        await reply_changes.delete_reply(
            place=incoming.place_from_payload(job.payload),
            message_id=job.payload["message_id"],
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            jobs=deps.queue,
            now=deps.clock(),
        )

    async def rescore(job: Job) -> None:
        await delivery.rescore_edited(
            topic_id=job.payload["topic_id"],
            answer_id=job.payload["answer_id"],
            topics=deps.topics,
            relay=deps.relay,
            votes=deps.votes,
            jobs=deps.queue,
            rules=deps.rules,
            matcher=deps.matcher,
        )

    return {
        meeting.SUMMARY_JOB: summary,
        meeting.THANKS_JOB: thanks,
        meeting.IDLE_JOB: idle,
        meeting.ENDING_JOB: check_ending,
        meeting.LATE_DIGEST_JOB: late_digest,
        topics.OPENING_JOB: check_opening,
        mirroring.MIRROR_JOB: post_mirror,
        mirroring.REFRESH_JOB: refresh_topic,
        mirroring.CLOSE_MIRROR_JOB: close_mirror,
        relay.REPLY_JOB: reply_received,
        reply_changes.EDIT_JOB: reply_edited,
        reply_changes.DELETION_JOB: reply_deleted,
        relay.DELIVER_JOB: deliver,
        delivery.DIGEST_JOB: digest,
        relay.UPDATE_JOB: sync,
        relay.DELETE_JOB: sync,
        relay.RESCORE_JOB: rescore,
        votes.SCORE_JOB: score,
    }
