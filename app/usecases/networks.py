"""The public networks: a question the asker sends beyond the partners is published on each connected
network, its replies are read on a schedule and take the partners' path (relevance, sanitising,
attribution, delivery), and the meeting's outcome is answered under it.

A network is one more kind of mirror: a ``Mirror`` whose place is the published post, so the live
root says where the question went and the summary counts the network's helpers. Reading replies is a
``PollNetwork`` job that schedules itself again: one per topic and network (the queue keeps one job
per id), so any number of workers poll each question once per period."""

from __future__ import annotations

from dataclasses import replace

from app.domain.errors import PlatformError, RateLimited, RetryLater
from app.domain.models import Mirror, MirrorStatus, Organisation, Reach, SkipReason, Topic, person_key
from app.domain.networks import NetworkMode, NetworkPost, NetworkReply, NetworkState
from app.domain.ports import Network
from app.domain.summary import outcome_for, summarise_topic
from app.usecases.context import Context
from app.usecases.incoming import IncomingReply
from app.usecases.jobs import CountReaction, PollNetwork, PublishQuestion, ThankPartner
from app.usecases.language import organisation_language
from app.usecases.mirroring import schedule_refresh
from app.usecases.relay import accept_reply
from app.usecases.reply_changes import accept_deletion, accept_edit
from app.usecases.votes import accept_reaction

AFTER_MEETING_FACTOR = 15  # once the topic is closed, replies are read this many times less often
STOP_AFTER_CLOSE_S = 24 * 3600
BACKOFF_CAP_S = 15 * 60
READS_SHARE = 0.8  # of an account's budget, for reading replies: the rest posts questions and outcomes


def reach_of(*, public: bool | None, ctx: Context) -> Reach:
    """The asker's choice for one question, else the organisation's default."""
    if public is None:
        return ctx.default_reach
    return Reach.PUBLIC if public else Reach.PARTNERS


async def publish_everywhere(*, topic: Topic, ctx: Context) -> int:
    """Queue one publication per connected network when the asker chose the public reach; returns how
    many networks the question goes to (0: nothing leaves the organisation)."""
    if topic.reach is not Reach.PUBLIC:
        return 0
    networks = list(ctx.networks.networks())
    for network in networks:
        key = _key(network)
        if await ctx.relay.mirror(topic_id=topic.id, partner=key) is None:
            await ctx.relay.save_mirror(mirror=Mirror(topic.id, key, network.name, MirrorStatus.PENDING))
        await ctx.jobs.enqueue(PublishQuestion(topic_id=topic.id, network=key))
    return len(networks)


def _key(network: Network) -> str:
    return f"{network.platform}:{network.instance}"


async def publish_question(job: PublishQuestion, ctx: Context) -> Mirror | None:
    """Publish once, however often the job runs (the network's idempotency key), then start reading."""
    mirror = await ctx.relay.mirror(topic_id=job.topic_id, partner=job.network)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    network = ctx.networks.network(key=job.network)
    if mirror is None or topic is None or mirror.status in (MirrorStatus.POSTED, MirrorStatus.SKIPPED):
        return mirror
    if network is None:
        return await _skipped(mirror=mirror, reason=SkipReason.DISCONNECTED, ctx=ctx)
    if not topic.is_open:
        return await _skipped(mirror=mirror, reason=SkipReason.CLOSED, ctx=ctx)
    try:
        post = await network.publish(question=topic.question, key=f"cercle-{topic.id}")
    except RateLimited as limited:
        raise RetryLater(limited.delay_s) from limited  # stands aside until the network's window has passed
    except PlatformError as error:
        await _failed(key=job.network, error=error, ctx=ctx)
        return await _skipped(mirror=mirror, reason=f"{network.name} failed ({error.detail or 'error'})", ctx=ctx)
    # The network is an organisation of its own for the answers' attribution and the summary's helpers.
    await ctx.partners.save_organisation(org=Organisation(network.platform, network.instance, network.name))
    posted = replace(mirror, status=MirrorStatus.POSTED, place=post.place, reason="")
    await ctx.relay.save_mirror(mirror=posted)
    if ctx.network_log is not None:
        await ctx.network_log.record_success(key=job.network, readable=True, at=ctx.clock())
    await schedule_refresh(ctx=ctx, topic_id=topic.id)
    await ctx.jobs.schedule(PollNetwork(topic_id=topic.id, network=job.network), at=ctx.clock() + ctx.poll_s)
    return posted


async def _skipped(*, mirror: Mirror, reason: str, ctx: Context) -> Mirror:
    skipped = replace(mirror, status=MirrorStatus.SKIPPED, reason=reason)
    await ctx.relay.save_mirror(mirror=skipped)
    await schedule_refresh(ctx=ctx, topic_id=mirror.topic_id)
    return skipped


async def _failed(*, key: str, error: PlatformError, ctx: Context) -> int:
    if ctx.network_log is None:
        return 1
    return await ctx.network_log.record_failure(key=key, error=error.detail or type(error).__name__, at=ctx.clock())


async def poll_network(job: PollNetwork, ctx: Context) -> int:
    """Read the replies since the last poll and record each as a reply (or a deletion); returns how
    many were new. A failing network is tried again later, further apart, without holding up anyone."""
    mirror = await ctx.relay.mirror(topic_id=job.topic_id, partner=job.network)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    network = ctx.networks.network(key=job.network)
    if mirror is None or mirror.place is None or not mirror.place.thread or topic is None or network is None:
        return 0
    now = ctx.clock()
    if topic.closed_at is not None and now - topic.closed_at > STOP_AFTER_CLOSE_S:
        return 0  # a day after the question closed, its replies are no longer read
    post = NetworkPost(network.platform, network.instance, mirror.place.thread)
    cursor = await ctx.network_log.cursor(topic_id=topic.id, key=job.network) if ctx.network_log else ""
    period = ctx.poll_s if topic.is_open else ctx.poll_s * AFTER_MEETING_FACTOR
    if ctx.network_log is not None and network.reads_per_hour:
        # Every topic read on this account shares its budget: many of them, each read less often.
        reading = await ctx.network_log.reading(key=job.network, topic_id=topic.id, until=now + 3 * period, now=now)
        period = max(period, reading * 3600 / (network.reads_per_hour * READS_SHARE))
    try:
        page = await network.replies(post=post, cursor=cursor)
    except RateLimited as limited:
        await ctx.jobs.schedule(job, at=now + max(period, limited.delay_s))
        return 0
    except PlatformError as error:
        failures = await _failed(key=job.network, error=error, ctx=ctx)
        await ctx.jobs.schedule(job, at=now + min(BACKOFF_CAP_S, period * 2**failures))
        return 0
    fresh = 0
    for reply in page.replies:
        if reply.deleted:
            await accept_deletion(place=post.place, message_id=reply.reply_id, ctx=ctx)
            continue
        incoming = _incoming(post, reply)
        if reply.edited:
            await accept_edit(reply=incoming, version=int(now * 1_000_000), ctx=ctx)
            continue
        fresh += await accept_reply(reply=incoming, ctx=ctx)  # its job id: each reply once, however often read
    for reaction in page.reactions:
        await accept_reaction(
            job=CountReaction(
                place=post.place,
                message_id=reaction.reply_id,
                voter=person_key(platform=str(post.platform), tenant=post.instance, user=reaction.voter),
                user_id=reaction.voter,
                emoji=reaction.emoji,
                added=reaction.added,
                at=reaction.at,
                event_id=reaction.event_id,
            ),
            ctx=ctx,
        )
    if ctx.network_log is not None:
        await ctx.network_log.save_cursor(topic_id=topic.id, key=job.network, cursor=page.cursor)
        await ctx.network_log.record_success(key=job.network, readable=page.readable, at=now)
    if page.readable:
        await ctx.jobs.schedule(job, at=now + period)
    return fresh


def _incoming(post: NetworkPost, reply: NetworkReply) -> IncomingReply:
    return IncomingReply(
        place=post.place,
        message_id=reply.reply_id,
        user_id=reply.author_id,
        text=reply.text,
        from_a_bot=False,
        at=reply.at,
        author_name=reply.author_name,
        link=reply.url,
    )


async def answer_outcome(job: ThankPartner, ctx: Context) -> bool:
    """At the meeting's end: the outcome under the question on the network (thanks only, when sharing
    the outcome is off), once."""
    mirror = await ctx.relay.mirror(topic_id=job.topic_id, partner=job.partner)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    network = ctx.networks.network(key=job.partner)
    if mirror is None or topic is None or network is None or mirror.place is None or not mirror.place.thread:
        return False
    if topic.meeting_id != job.meeting_id or mirror.reason == "thanked":
        return False
    answers = await ctx.relay.answers(topic_id=topic.id)
    tallies = await ctx.votes.tallies(topic_id=topic.id, answer_ids=[a.id for a in answers])
    summary = summarise_topic(topic, answers, tallies)
    asker = await ctx.partners.organisation(org_key=topic.place.org_key)
    post = NetworkPost(network.platform, network.instance, mirror.place.thread)
    try:
        await network.answer(
            post=post,
            outcome=outcome_for(summary, partner_name=network.name),
            asker_org=asker.name if asker else topic.place.tenant,
            share=ctx.timings.share_outcome,
            language=await organisation_language(platform=topic.place.platform, tenant=topic.place.tenant, ctx=ctx),
        )
    except PlatformError as error:
        await _failed(key=mirror.partner, error=error, ctx=ctx)
        return False
    await ctx.relay.save_mirror(mirror=replace(mirror, reason="thanked"))
    return True


async def network_states(*, ctx: Context) -> list[NetworkState]:
    """Each connected network and how it is doing, for `/ask networks`."""
    states = []
    for network in ctx.networks.networks():
        key = _key(network)
        if ctx.network_log is None:
            states.append(NetworkState(key, network.name, NetworkMode.WORKING))
        else:
            states.append(await ctx.network_log.state(key=key, name=network.name))
    return states
