"""Mirroring a topic to the partners' inboxes: one job per partner, exactly one mirror each."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from app.domain.errors import ChannelUnreachable, ClosedToCercle, InstallationGone, MessageGone
from app.domain.models import Mirror, MirrorStatus, Organisation, Place, SkipReason, Topic
from app.usecases.context import Context
from app.usecases.jobs import CloseMirror, PostMirror, RefreshTopic
from app.usecases.ledger import note_mirror

REFRESH_DELAY_S = 1.0


async def fan_out(*, topic: Topic, ctx: Context) -> int:
    """Queue one mirror job per partner, all partners at once (fifty partners wait on no one's turn);
    returns how many partners the question goes to."""
    partner_keys = await ctx.partners.partner_keys(org_key=topic.place.org_key)

    async def ask(key: str) -> None:
        if await ctx.relay.mirror(topic_id=topic.id, partner=key) is None:
            partner = await ctx.partners.organisation(org_key=key)
            name = partner.name if partner else key
            await ctx.relay.save_mirror(mirror=Mirror(topic.id, key, name, MirrorStatus.PENDING))
        await ctx.jobs.enqueue(PostMirror(topic_id=topic.id, partner=key))

    await asyncio.gather(*(ask(key) for key in partner_keys))
    return len(partner_keys)


async def _skip(*, ctx: Context, mirror: Mirror, reason: str) -> Mirror:
    skipped = replace(mirror, status=MirrorStatus.SKIPPED, reason=reason)
    await ctx.relay.save_mirror(mirror=skipped)
    await schedule_refresh(ctx=ctx, topic_id=mirror.topic_id)
    return skipped


async def schedule_refresh(*, ctx: Context, topic_id: str) -> None:
    """Coalesced: many mirror results within a second give one re-render of the live root."""
    await ctx.jobs.schedule(RefreshTopic(topic_id=topic_id), at=ctx.clock() + REFRESH_DELAY_S)


async def post_mirror(job: PostMirror, ctx: Context) -> Mirror | None:
    """Idempotent: run again after a crash, it finishes the job without posting twice."""
    mirror, topic, partner = await asyncio.gather(
        ctx.relay.mirror(topic_id=job.topic_id, partner=job.partner),
        ctx.topics.get_topic(topic_id=job.topic_id),
        ctx.partners.organisation(org_key=job.partner),
    )
    if mirror is None or topic is None or mirror.status in (MirrorStatus.POSTED, MirrorStatus.SKIPPED):
        return mirror
    asker_org, still_partners = await asyncio.gather(
        ctx.partners.organisation(org_key=topic.place.org_key),
        ctx.partners.are_partners(a=topic.place.org_key, b=job.partner),
    )
    if partner is None or not still_partners:
        return await _skip(ctx=ctx, mirror=mirror, reason=SkipReason.NO_LONGER_PARTNER)
    chat = await ctx.directory.chat_for(platform=partner.platform, tenant=partner.tenant)
    if chat is None:  # first: removing Cercle also forgets the inbox, and this is the reason to show
        return await _skip(ctx=ctx, mirror=mirror, reason=SkipReason.REMOVED)
    inbox = partner.inbox_place
    if inbox is None:
        return await _skip(ctx=ctx, mirror=mirror, reason=SkipReason.NO_INBOX)

    if mirror.status is MirrorStatus.POSTING:  # a previous attempt died after, or while, posting
        found = await chat.find_mirror(topic_id=topic.id, inbox=inbox, since=mirror.started_at)
        if found:
            return await _posted(ctx=ctx, mirror=mirror, inbox_thread=inbox.in_thread(found))
    if not topic.is_open:  # closed while the question waited (a 429 storm, a busy worker): too late to ask
        return await _skip(ctx=ctx, mirror=mirror, reason=SkipReason.CLOSED)
    await ctx.limiter.acquire(channel_key=inbox.channel_key)  # first: a job told to come back has posted nothing
    posting = replace(mirror, status=MirrorStatus.POSTING, started_at=ctx.clock(), place=inbox)
    await ctx.relay.save_mirror(mirror=posting)
    try:
        posted = await chat.post_mirror(
            topic=topic, inbox=inbox, asker_org=_name(asker_org, topic), show_asker=topic.share_asker
        )
    except InstallationGone:
        return await _skip(ctx=ctx, mirror=mirror, reason=SkipReason.REMOVED)
    except ChannelUnreachable as error:
        return await _skip(ctx=ctx, mirror=mirror, reason=f"inbox unavailable ({error.detail})")
    # anything else is worth another try: the job stays pending
    return await _posted(ctx=ctx, mirror=posting, inbox_thread=posted.place)


def _name(org: Organisation | None, topic: Topic) -> str:
    return org.name if org else topic.place.tenant


async def _posted(*, ctx: Context, mirror: Mirror, inbox_thread: Place) -> Mirror:
    done = replace(mirror, status=MirrorStatus.POSTED, place=inbox_thread, reason="")
    await ctx.relay.save_mirror(mirror=done)
    await schedule_refresh(ctx=ctx, topic_id=mirror.topic_id)
    # Closing tells the mirrors posted by then; one that was still being posted is told here. Saved
    # first, read second, on both sides: at least one of them sees the other.
    topic = await ctx.topics.get_topic(topic_id=mirror.topic_id)
    if topic is not None:
        await note_mirror(mirror=done, topic=topic, ctx=ctx)
    if topic is not None and not topic.is_open:
        await ctx.jobs.enqueue(CloseMirror(topic_id=topic.id, partner=mirror.partner))
    return done


async def refresh_topic(job: RefreshTopic, ctx: Context) -> None:
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    if topic is None:
        return
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return
    await chat.update_topic(topic=topic, place=topic.place, mirrors=await ctx.relay.mirrors(topic_id=topic.id))


async def close_mirrors(*, topic: Topic, ctx: Context) -> int:
    posted = [m for m in await ctx.relay.mirrors(topic_id=topic.id) if m.status is MirrorStatus.POSTED]
    for mirror in posted:
        await ctx.jobs.enqueue(CloseMirror(topic_id=topic.id, partner=mirror.partner))
    return len(posted)


async def close_mirror(job: CloseMirror, ctx: Context) -> None:
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    mirror = await ctx.relay.mirror(topic_id=job.topic_id, partner=job.partner)
    partner = await ctx.partners.organisation(org_key=job.partner)
    if topic is None or mirror is None or mirror.place is None or partner is None:
        return
    chat = await ctx.directory.chat_for(platform=partner.platform, tenant=partner.tenant)
    if chat is None:
        return
    asker_org = await ctx.partners.organisation(org_key=topic.place.org_key)
    try:
        await chat.close_mirror(topic=topic, mirror=mirror.place, asker_org=_name(asker_org, topic))
    except (ClosedToCercle, MessageGone):
        pass  # the mirror is out of reach: nothing to close
