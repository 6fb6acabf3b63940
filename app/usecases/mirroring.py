"""Mirroring a topic to the partners' inboxes: one job per partner, exactly one mirror each."""

from __future__ import annotations

from dataclasses import replace

from app.domain.models import Mirror, MirrorStatus, Organisation, Place, Topic
from app.domain.ports import (
    CLOSED_CODES,
    REVOKED_CODES,
    UNREACHABLE_CODES,
    ChatDirectory,
    Jobs,
    PartnerRepository,
    PlatformError,
    RateLimiter,
    RelayRepository,
    TopicRepository,
)

MIRROR_JOB = "mirror.post"
CLOSE_MIRROR_JOB = "mirror.close"
REFRESH_JOB = "topic.refresh"
REFRESH_DELAY_S = 1.0


def org_key_of(topic: Topic) -> str:
    return f"{topic.place.platform}:{topic.place.tenant}"


async def fan_out(*, topic: Topic, partners: PartnerRepository, relay: RelayRepository, jobs: Jobs) -> int:
    """Queue one mirror job per partner; returns how many partners the question goes to."""
    partner_keys = await partners.partner_keys(org_key=org_key_of(topic))
    for key in partner_keys:
        partner = await partners.organisation(org_key=key)
        name = partner.name if partner else key
        if await relay.mirror(topic_id=topic.id, partner=key) is None:
            await relay.save_mirror(mirror=Mirror(topic.id, key, name, MirrorStatus.PENDING))
        await jobs.enqueue(
            kind=MIRROR_JOB, payload={"topic_id": topic.id, "partner": key}, job_id=f"mirror:{topic.id}:{key}"
        )
    return len(partner_keys)


async def _skip(*, relay: RelayRepository, jobs: Jobs, mirror: Mirror, reason: str, now: float) -> Mirror:
    skipped = replace(mirror, status=MirrorStatus.SKIPPED, reason=reason)
    await relay.save_mirror(mirror=skipped)
    await schedule_refresh(jobs=jobs, topic_id=mirror.topic_id, now=now)
    return skipped


async def schedule_refresh(*, jobs: Jobs, topic_id: str, now: float) -> None:
    """Coalesced: many mirror results within a second give one re-render of the live root."""
    await jobs.schedule(
        kind=REFRESH_JOB, payload={"topic_id": topic_id}, at=now + REFRESH_DELAY_S, job_id=f"refresh:{topic_id}"
    )


async def post_mirror(
    *,
    topic_id: str,
    partner_key: str,
    topics: TopicRepository,
    partners: PartnerRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    limiter: RateLimiter,
    jobs: Jobs,
    now: float,
) -> Mirror | None:
    """Idempotent: run again after a crash, it finishes the job without posting twice."""
    mirror = await relay.mirror(topic_id=topic_id, partner=partner_key)
    topic = await topics.get_topic(topic_id=topic_id)
    if mirror is None or topic is None or mirror.status in (MirrorStatus.POSTED, MirrorStatus.SKIPPED):
        return mirror
    partner = await partners.organisation(org_key=partner_key)
    asker_org = await partners.organisation(org_key=org_key_of(topic))
    if partner is None or not await partners.are_partners(a=org_key_of(topic), b=partner_key):
        return await _skip(relay=relay, jobs=jobs, mirror=mirror, reason="no longer a partner", now=now)
    inbox = partner.inbox_place
    if inbox is None:
        return await _skip(relay=relay, jobs=jobs, mirror=mirror, reason="no inbox", now=now)
    chat = await directory.chat_for(tenant=partner.tenant)
    if chat is None:
        return await _skip(relay=relay, jobs=jobs, mirror=mirror, reason="Cercle removed", now=now)

    if mirror.status is MirrorStatus.POSTING:  # a previous attempt died after, or while, posting
        found = await chat.find_mirror(topic_id=topic.id, inbox=inbox, since=mirror.started_at)
        if found:
            return await _posted(
                relay=relay, topics=topics, jobs=jobs, mirror=mirror, inbox_thread=inbox.in_thread(found), now=now
            )
    if not topic.is_open:  # closed while the question waited (a 429 storm, a busy worker): too late to ask
        return await _skip(relay=relay, jobs=jobs, mirror=mirror, reason="closed before it was sent", now=now)
    await limiter.acquire(channel_key=inbox.channel_key)  # first: a job told to come back has posted nothing
    posting = replace(mirror, status=MirrorStatus.POSTING, started_at=now, place=inbox)
    await relay.save_mirror(mirror=posting)
    try:
        posted = await chat.post_mirror(
            topic=topic, inbox=inbox, asker_org=_name(asker_org, topic), show_asker=topic.share_asker
        )
    except PlatformError as error:
        if error.code in REVOKED_CODES:
            return await _skip(relay=relay, jobs=jobs, mirror=mirror, reason="Cercle removed", now=now)
        if error.code in UNREACHABLE_CODES:
            return await _skip(
                relay=relay, jobs=jobs, mirror=mirror, reason=f"inbox unavailable ({error.code})", now=now
            )
        raise  # anything else is worth another try: the job stays pending
    return await _posted(relay=relay, topics=topics, jobs=jobs, mirror=posting, inbox_thread=posted.place, now=now)


def _name(org: Organisation | None, topic: Topic) -> str:
    return org.name if org else topic.place.tenant


async def _posted(
    *, relay: RelayRepository, topics: TopicRepository, jobs: Jobs, mirror: Mirror, inbox_thread: Place, now: float
) -> Mirror:
    done = replace(mirror, status=MirrorStatus.POSTED, place=inbox_thread, reason="")
    await relay.save_mirror(mirror=done)
    await schedule_refresh(jobs=jobs, topic_id=mirror.topic_id, now=now)
    # Closing tells the mirrors posted by then; one that was still being posted is told here. Saved
    # first, read second, on both sides: at least one of them sees the other.
    topic = await topics.get_topic(topic_id=mirror.topic_id)
    if topic is not None and not topic.is_open:
        await _enqueue_close(jobs=jobs, topic_id=topic.id, partner=mirror.partner)
    return done


async def refresh_topic(
    *, topic_id: str, topics: TopicRepository, relay: RelayRepository, directory: ChatDirectory
) -> None:
    topic = await topics.get_topic(topic_id=topic_id)
    if topic is None:
        return
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return
    await chat.update_topic(topic=topic, place=topic.place, mirrors=await relay.mirrors(topic_id=topic_id))


async def close_mirrors(*, topic: Topic, relay: RelayRepository, jobs: Jobs) -> int:
    posted = [m for m in await relay.mirrors(topic_id=topic.id) if m.status is MirrorStatus.POSTED]
    for mirror in posted:
        await _enqueue_close(jobs=jobs, topic_id=topic.id, partner=mirror.partner)
    return len(posted)


async def _enqueue_close(*, jobs: Jobs, topic_id: str, partner: str) -> None:
    await jobs.enqueue(
        kind=CLOSE_MIRROR_JOB,
        payload={"topic_id": topic_id, "partner": partner},
        job_id=f"mirror-close:{topic_id}:{partner}",
    )


async def close_mirror(
    *,
    topic_id: str,
    partner_key: str,
    topics: TopicRepository,
    partners: PartnerRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
) -> None:
    topic = await topics.get_topic(topic_id=topic_id)
    mirror = await relay.mirror(topic_id=topic_id, partner=partner_key)
    partner = await partners.organisation(org_key=partner_key)
    if topic is None or mirror is None or mirror.place is None or partner is None:
        return
    chat = await directory.chat_for(tenant=partner.tenant)
    if chat is None:
        return
    asker_org = await partners.organisation(org_key=org_key_of(topic))
    try:
        await chat.close_mirror(topic=topic, mirror=mirror.place, asker_org=_name(asker_org, topic))
    except PlatformError as error:
        if error.code not in CLOSED_CODES | {"message_not_found"}:
            raise
