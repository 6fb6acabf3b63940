"""A long summary goes out part by part, exactly once each, even when posting fails half-way:
real Redis, real Slack client against the stand-in."""

from __future__ import annotations

import time

import aiohttp
import pytest
import redis.asyncio as aioredis

from app.config import load_settings
from app.domain.models import Person, Place, Platform, Topic
from app.domain.ports import PlatformError
from app.queue import JobQueue
from app.relay_store import RedisRelayRepository
from app.store import RedisTopicRepository
from app.usecases.meeting import post_summary
from app.votes_store import RedisVoteRepository
from integrations.slack.directory import SlackDirectory
from tests.conftest import cercle_env

LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")
TOPICS = 30  # two blocks each: more than one message of 50 blocks


@pytest.fixture
async def long_meeting(redis_url, slack, workspace, tmp_path):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    session = aiohttp.ClientSession()
    settings = load_settings(cercle_env(slack, data_dir=tmp_path))
    topics = RedisTopicRepository(redis=redis)
    now = time.time()
    meeting = await topics.ensure_meeting(place=LIVE, now=now)
    for n in range(TOPICS):
        await topics.add_topic(
            topic=Topic(
                id=f"t{n}",
                meeting_id=meeting.id,
                question=f"Question number {n}?",
                asker=Person("U0ASKER", "ada"),
                place=LIVE.in_thread(f"{now + n:.6f}"),
                created_at=now + n,
            )
        )
    assert await topics.end_meeting(meeting=meeting, by="U0ASKER", at=now + 60)

    async def post() -> None:
        await post_summary(
            meeting_id=meeting.id,
            topics=topics,
            relay=RedisRelayRepository(redis=redis),
            votes=RedisVoteRepository(redis=redis),
            directory=SlackDirectory(settings=settings.slack, installation_store=None, session=session),
            jobs=JobQueue(redis=redis),
            now=time.time(),
        )

    yield post
    await session.close()
    await redis.aclose()


def summary_parts(slack) -> list[str]:
    return [m["text"] for m in slack.channel_messages("TALPHA0001", "C0MEET0001") if "Meeting summary" in m["text"]]


async def test_a_retry_posts_only_the_parts_that_are_missing(long_meeting, slack):
    slack.fail_next("chat.postMessage", "internal_error", when=lambda p: "Meeting summary (2/" in str(p.get("text")))
    with pytest.raises(PlatformError):
        await long_meeting()  # the job fails after part 1 reached the channel
    assert [t[:21] for t in summary_parts(slack)] == ["Meeting summary (1/2)"]

    await long_meeting()  # the queue retries the job
    parts = summary_parts(slack)
    assert [t[:21] for t in parts] == ["Meeting summary (1/2)", "Meeting summary (2/2)"]  # no part twice, none lost

    await long_meeting()  # a late duplicate of the job: everything is there already
    assert len(summary_parts(slack)) == 2


async def test_a_summary_posted_in_one_go_reads_no_history(long_meeting, slack):
    await long_meeting()
    assert len(summary_parts(slack)) == 2
    assert slack.calls_to("conversations.history") == []
