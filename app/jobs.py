"""The worker's job kinds, each a call to one use case."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.delivery import DeliveryRules
from app.domain.ports import ChatDirectory, RateLimiter
from app.partners_store import RedisPartnerRepository
from app.queue import Job, JobHandler, JobQueue
from app.relay_store import RedisRelayRepository
from app.store import RedisTopicRepository
from app.usecases import delivery, mirroring, relay, votes
from app.votes_store import RedisVoteRepository


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

    async def deliver(job: Job) -> None:
        await delivery.deliver_answer(
            topic_id=job.payload["topic_id"],
            answer_id=job.payload["answer_id"],
            topics=deps.topics,
            relay=deps.relay,
            directory=deps.directory,
            limiter=deps.limiter,
            jobs=deps.queue,
            rules=deps.rules,
            now=deps.clock(),
        )

    async def digest(job: Job) -> None:
        await delivery.post_digest(
            topic_id=job.payload["topic_id"],
            digest_id=job.payload["digest_id"],
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

    return {
        mirroring.MIRROR_JOB: post_mirror,
        mirroring.REFRESH_JOB: refresh_topic,
        mirroring.CLOSE_MIRROR_JOB: close_mirror,
        relay.DELIVER_JOB: deliver,
        delivery.DIGEST_JOB: digest,
        relay.UPDATE_JOB: sync,
        relay.DELETE_JOB: sync,
        votes.SCORE_JOB: score,
    }
