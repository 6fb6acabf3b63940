"""Ending a meeting survives the process that does it: the check scheduled first finishes an ending
left halfway, and does nothing after one that finished. Real Redis, the real Slack client."""

from __future__ import annotations

import time
from dataclasses import replace

from app.domain.models import Person, Place, Platform, Topic
from app.store import keys
from app.store.topics import RedisTopicRepository
from app.usecases.jobs import CheckEnding, PostSummary
from app.usecases.meeting import end_meeting, finish_ending
from tests.app.usecases.conftest import context

LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")


async def _meeting_with_a_topic(connected):
    topics = RedisTopicRepository(redis=connected.redis)
    chat = await connected.directory.chat_for(platform=LIVE.platform, tenant=LIVE.tenant)
    now = time.time()
    meeting = await topics.ensure_meeting(place=LIVE, now=now)
    draft = Topic("t1", meeting.id, "How do we price a pilot?", Person("U0ASKER", "ada"), LIVE, now)
    posted = await chat.post_topic(topic=draft)
    await topics.add_topic(topic=replace(draft, place=posted.place))
    return topics, meeting


def _ctx(connected, topics):
    return context(redis=connected.redis, directory=connected.directory, topics=topics)


async def _queued_kinds(connected) -> list[str]:
    return [fields["kind"] for _, fields in await connected.redis.xrange(keys.job_stream(0))]


async def test_an_ending_whose_process_died_before_it_began_is_done_by_its_check(connected, slack):
    topics, meeting = await _meeting_with_a_topic(connected)
    # /ask end scheduled the check, then died before it ended anything.
    assert await finish_ending(CheckEnding(meeting_id=meeting.id, by="U0ASKER"), _ctx(connected, topics))

    assert (await topics.meeting(meeting_id=meeting.id)).ended_at is not None
    assert not (await topics.get_topic(topic_id="t1")).is_open
    (root,) = [m for m in slack.channel_messages(LIVE.tenant, LIVE.channel) if "price a pilot" in m["text"]]
    assert "*Closed*" in str(root["blocks"])
    assert (await _queued_kinds(connected)).count(PostSummary.kind) == 1

    assert not await finish_ending(CheckEnding(meeting_id=meeting.id, by="U0ASKER"), _ctx(connected, topics))
    assert (await _queued_kinds(connected)).count(PostSummary.kind) == 1


async def test_an_ending_that_finished_cancels_its_check(connected, slack):
    topics, meeting = await _meeting_with_a_topic(connected)

    assert await end_meeting(meeting=meeting, by="U0ASKER", ctx=_ctx(connected, topics)) == 1
    scheduled = await connected.redis.zrange(keys.scheduled_jobs(0), 0, -1)
    assert not [m for m in scheduled if CheckEnding.kind in m]
    assert not await finish_ending(CheckEnding(meeting_id=meeting.id, by="U0ASKER"), _ctx(connected, topics))

    assert await end_meeting(meeting=meeting, by="U0OTHER", ctx=_ctx(connected, topics)) is None  # ended already
    assert (await _queued_kinds(connected)).count(PostSummary.kind) == 1
