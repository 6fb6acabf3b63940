"""The topic store on a real Redis: a topic is stored once, by whichever hand comes first."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import redis.asyncio as aioredis

from app.domain.models import Person, Place, Platform, Topic
from app.store.topics import RedisTopicRepository

LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")


async def test_a_topic_is_stored_once_by_whichever_hand_comes_first(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    topics = RedisTopicRepository(redis=redis)
    meeting = await topics.ensure_meeting(place=LIVE, now=time.time())
    draft = Topic("t1", meeting.id, "How do we price a pilot?", Person("U0ASKER", "ada"), LIVE, time.time())
    first, second = replace(draft, place=LIVE.in_thread("1.000100")), replace(draft, place=LIVE.in_thread("2.000200"))

    added = await asyncio.gather(*(topics.add_topic(topic=t, question_key="price pilot") for t in (first, second)))
    assert sorted(added) == [False, True]
    winner = first if added[0] else second
    assert await topics.get_topic(topic_id="t1") == winner
    assert await topics.topic_for_question(place=LIVE, asker_id="U0ASKER", key="price pilot") == "t1"
    assert [t.id for t in await topics.meeting_topics(meeting_id=meeting.id)] == ["t1"]

    assert not await topics.add_topic(topic=second if winner is first else first)  # later still: refused
    assert await topics.get_topic(topic_id="t1") == winner
    await redis.aclose()
