"""The worker's handlers: each job kind of the registry decoded into its typed payload and run."""

from __future__ import annotations

from app.domain.asking import AlreadyAsked, Opened, Refused
from app.runtime.logs import get_logger
from app.store.counters import Counters
from app.store.queue import Job as QueuedJob
from app.store.queue import JobHandler
from app.usecases.context import Context
from app.usecases.jobs import Job, OpenTopic
from app.usecases.registry import REGISTRY, JobKind

log = get_logger("app.jobs")


def job_handlers(*, ctx: Context, counters: Counters) -> dict[str, JobHandler]:
    def handler(kind: JobKind) -> JobHandler:
        async def run(queued: QueuedJob) -> None:
            job = kind.payload.from_payload(queued.payload)
            result = await kind.run(job, ctx)
            await _note(job=job, result=result, counters=counters)

        return run

    return {name: handler(kind) for name, kind in REGISTRY.items()}


async def _note(*, job: Job, result: object, counters: Counters) -> None:
    """What the operator hears of: how each question ended (logs and /metrics)."""
    if not isinstance(job, OpenTopic):
        return
    bound = log.bind(platform=str(job.place.platform), tenant=job.place.tenant, channel=job.place.channel)
    if isinstance(result, Opened):
        bound.info("topic.opened", topic=result.topic.id, meeting=result.topic.meeting_id, partners=result.partners)
        await counters.incr(name="asks", labels=(str(job.place.platform), "opened"))
    elif isinstance(result, AlreadyAsked):
        bound.info("topic.repeated", topic=job.topic_id)
        await counters.incr(name="asks", labels=(str(job.place.platform), "repeated"))
    elif isinstance(result, Refused):
        bound.warning(
            "topic.refused", topic=job.topic_id, error=type(result.error).__name__, detail=result.error.detail
        )
        await counters.incr(name="asks", labels=(str(job.place.platform), "refused"))
        await counters.incr(name="errors", labels=(f"{job.place.platform}_api",))
