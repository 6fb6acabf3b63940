"""A long summary goes out part by part, exactly once each, even when posting fails half-way:
real Redis, real Slack client against the stand-in."""

from __future__ import annotations

import json
import re
import time

import pytest
import redis.asyncio as aioredis

from app.domain.errors import PlatformError
from app.domain.models import Answer, AnswerStatus, Person, Place, Platform, Topic
from app.store.relay import RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.usecases.jobs import PostSummary
from app.usecases.meeting import post_summary
from tests.app.usecases.conftest import context

LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")
TOPICS = 30  # two blocks each: more than one message of 50 blocks


@pytest.fixture
async def long_meeting(connected):
    redis = connected.redis
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
            PostSummary(meeting_id=meeting.id), context(redis=redis, directory=connected.directory, topics=topics)
        )

    yield post


def summary_parts(slack) -> list[str]:
    return [m["text"] for m in slack.channel_messages("TALPHA0001", "C0MEET0001") if "Meeting summary" in m["text"]]


def questions_posted(slack) -> list[str]:
    """Every question the summary messages in the channel show, as often as they show it."""
    return [
        found
        for message in slack.channel_messages("TALPHA0001", "C0MEET0001")
        for block in message.get("blocks") or []
        for found in re.findall(r"Question number \d+\?", json.dumps(block))
        if "*Nobody answered:*" not in json.dumps(block)  # the closing list names them again
    ]


async def test_a_retry_posts_only_the_parts_that_are_missing(long_meeting, slack):
    slack.fail_next("chat.postMessage", "internal_error", when=lambda p: "Meeting summary (2/" in str(p.get("text")))
    with pytest.raises(PlatformError):
        await long_meeting()  # the job fails after part 1 reached the channel
    assert [t[:21] for t in summary_parts(slack)] == ["Meeting summary (1/2)"]

    await long_meeting()  # the queue retries the job
    parts = summary_parts(slack)
    assert parts[0].startswith("Meeting summary (1/2)") and parts[1].startswith("Meeting summary, continued")
    assert len(parts) == 2
    assert sorted(questions_posted(slack)) == sorted(f"Question number {n}?" for n in range(TOPICS))

    await long_meeting()  # a late duplicate of the job: everything is there already
    assert len(summary_parts(slack)) == 2


async def test_a_summary_that_grew_between_attempts_still_posts_each_question_once(long_meeting, slack, redis_url):
    """Answers recorded after the first attempt make the early questions longer: the questions the
    first message held no longer fit in it. Each must still appear once, none lost."""
    slack.fail_next("chat.postMessage", "internal_error", when=lambda p: "Meeting summary (2/" in str(p.get("text")))
    with pytest.raises(PlatformError):
        await long_meeting()
    first_message = len(questions_posted(slack))

    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    for n in range(10):
        await relay.add_answer(
            answer=Answer(
                id=f"late{n}",
                topic_id=f"t{n}",
                source=Place(Platform.SLACK, "TBETA00001", "C0INBOX001", "1.0"),
                source_message_id=f"9{n}.000100",
                author=Person("U0GRACE", "grace"),
                organisation="Beta Org",
                text=f"Answer to question {n}",
                created_at=time.time(),
                status=AnswerStatus.INJECTED,
            )
        )
    await redis.aclose()

    await long_meeting()
    posted = questions_posted(slack)
    assert first_message > 16  # the early questions now take 3 blocks: the first message would hold only 16
    assert sorted(posted) == sorted(set(posted)) and len(posted) == TOPICS


async def test_a_summary_posted_in_one_go_reads_no_history(long_meeting, slack):
    await long_meeting()
    assert len(summary_parts(slack)) == 2
    assert slack.calls_to("conversations.history") == []


async def test_a_retry_after_a_busy_hour_pages_back_to_the_first_part(long_meeting, slack):
    """The channel moved on by more than one page of history before the retry: the first part is
    still found, by paging with the cursor, and not posted again."""
    slack.fail_next("chat.postMessage", "internal_error", when=lambda p: "Meeting summary (2/" in str(p.get("text")))
    with pytest.raises(PlatformError):
        await long_meeting()
    for n in range(450):
        slack.user_post("TALPHA0001", "C0MEET0001", "U0ASKER", f"chatter {n}")

    await long_meeting()
    assert sorted(questions_posted(slack)) == sorted(f"Question number {n}?" for n in range(TOPICS))
    assert len(slack.calls_to("conversations.history")) == 3  # 200 + 200 + the rest, cursor to cursor
