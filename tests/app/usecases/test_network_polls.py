"""Reading a network's replies: each topic on its own schedule, and all of an account's topics within
its budget (Mastodon: 3,600 requests an hour), against the Mastodon stand-in and a real Redis."""

from __future__ import annotations

import json

import pytest

from app.domain.models import Mirror, MirrorStatus, Person, Place, Platform, Topic
from app.runtime.networks import ConnectedNetworks
from app.store import keys
from app.store.networks import RedisNetworkLog
from app.usecases.jobs import PollNetwork
from app.usecases.networks import READS_SHARE, poll_network
from integrations.networks.mastodon import MastodonNetwork
from tests.app.usecases.conftest import context
from tests.standins.mastodon import MastodonStandIn

NOW = 1_800_000_000.0


@pytest.fixture
async def mastodon():
    standin = await MastodonStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == []


async def open_topics(ctx, network: MastodonNetwork, count: int) -> list[Topic]:
    topics = []
    for n in range(count):
        place = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001", f"{n}.0")
        topic = Topic(f"t{n}", "m1", f"Question {n}?", Person("U0ASKER", "ada"), place, created_at=NOW)
        await ctx.topics.add_topic(topic=topic)
        post = await network.publish(question=topic.question, key=f"k{n}")
        key = f"{network.platform}:{network.instance}"
        await ctx.relay.save_mirror(mirror=Mirror(topic.id, key, network.name, MirrorStatus.POSTED, place=post.place))
        topics.append(topic)
    return topics


async def next_poll(redis, topic_id: str, key: str) -> float:
    for member, score in await redis.zrange(keys.scheduled_jobs(0), 0, -1, withscores=True):
        if json.loads(member)["job_id"] == PollNetwork(topic_id=topic_id, network=key).job_id:
            return float(score)
    raise AssertionError("not scheduled")


async def test_a_few_topics_are_read_on_the_default_schedule_and_many_share_the_budget(connected, mastodon):
    network = MastodonNetwork(base_url=mastodon.base_url, access_token=mastodon.token)
    key = f"{network.platform}:{network.instance}"
    ctx = context(
        redis=connected.redis,
        directory=connected.directory,
        networks=ConnectedNetworks([network]),
        network_log=RedisNetworkLog(redis=connected.redis),
        poll_s=20.0,
        clock=lambda: NOW,
    )
    topics = await open_topics(ctx, network, 80)
    for topic in topics[:3]:
        await poll_network(PollNetwork(topic_id=topic.id, network=key), ctx)
    assert await next_poll(connected.redis, topics[2].id, key) == NOW + 20.0  # few topics: every 20 s
    for topic in topics[3:]:
        await poll_network(PollNetwork(topic_id=topic.id, network=key), ctx)
    spread = await next_poll(connected.redis, topics[-1].id, key) - NOW
    assert spread == pytest.approx(80 * 3600 / (3600 * READS_SHARE))  # 80 topics: 100 s apart each
    reads_per_hour = 80 * 3600 / spread
    assert reads_per_hour <= 3600 * READS_SHARE  # within the account's budget, room left to post
