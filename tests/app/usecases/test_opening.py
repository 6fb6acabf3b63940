"""Opening a topic survives the process that does it: the check a dead /ask leaves behind finds the
root it posted (or posts it), stores the topic once and asks the partners. Real Redis, the real
Slack client against the stand-in."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest

from app.domain.commands import question_key
from app.domain.models import Person, Place, Platform, Topic
from app.domain.ports import RetryLater
from app.domain.timings import MeetingTimings
from app.store import keys
from app.store.partners import RedisPartnerRepository
from app.store.queue import JobQueue
from app.store.relay import RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.usecases.topics import (
    ASKING_S,
    OPENING_CHECK_S,
    OPENING_JOB,
    TopicOpened,
    TopicRefused,
    draft_from_payload,
    draft_to_payload,
    finish_opening,
    open_topic,
    opening_job_id,
    recover_opening,
)

TEAM, MEET = "TALPHA0001", "C0MEET0001"
LIVE = Place(Platform.SLACK, TEAM, MEET)
QUESTION = "How do we price a pilot?"
KEY = question_key(QUESTION)


@pytest.fixture
async def world(connected):
    redis, directory = connected.redis, connected.directory
    return {
        "redis": redis,
        "directory": directory,
        "chat": await directory.chat_for(tenant=TEAM),
        "topics": RedisTopicRepository(redis=redis),
        "partners": RedisPartnerRepository(redis=redis),
        "relay": RedisRelayRepository(redis=redis),
        "queue": JobQueue(redis=redis),
        "timings": MeetingTimings(),
    }


def draft(topic_id: str = "draft1", question: str = QUESTION) -> Topic:
    return Topic(
        id=topic_id,
        meeting_id="",
        question=question,
        asker=Person("U0ASKER", "ada"),
        place=LIVE,
        created_at=time.time(),
        share_asker=True,
    )


def payload(topic: Topic) -> dict[str, object]:
    return draft_to_payload(topic, key=KEY)


async def recover(world, topic: Topic | dict[str, object]):
    return await recover_opening(
        payload=payload(topic) if isinstance(topic, Topic) else topic,
        topics=world["topics"],
        directory=world["directory"],
        partners=world["partners"],
        relay=world["relay"],
        jobs=world["queue"],
        timings=world["timings"],
        now=time.time(),
    )


def roots(slack) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and "price a pilot" in m["text"]]


async def scheduled_check(world, topic_id: str) -> str | None:
    return await world["redis"].get(keys.dedupe("scheduled", opening_job_id(topic_id)))


def test_the_draft_travels_whole_in_the_check():
    topic = draft()
    assert draft_from_payload(payload(topic)) == (topic, KEY)


async def test_a_root_never_posted_is_posted_by_the_check_once(world, slack):
    dead = draft()
    # The meeting goes on meanwhile (and the spec's history answer lists at least one message).
    slack.user_post(TEAM, MEET, "U0ADMIN", "Next item on the agenda: the pilot's scope.")
    topic = await recover(world, dead)
    assert topic is not None and topic.meeting_id and topic.place.thread
    (root,) = roots(slack)
    assert root["ts"] == topic.place.thread
    assert await world["topics"].get_topic(topic_id="draft1") == topic
    assert (await world["topics"].open_topics(place=LIVE)) == [topic]

    (told,) = slack.calls_to("chat.postEphemeral")  # the /ask's own answer never came
    assert told.params["user"] == "U0ASKER" and told.params["text"].startswith("Sorry for the wait")

    again = await recover(world, dead)  # the check delivered twice
    assert again is not None and again.place.thread == topic.place.thread
    assert len(roots(slack)) == 1


async def test_a_root_posted_by_a_process_that_died_is_adopted_not_posted_again(world, slack):
    dead = draft()
    posted = await world["chat"].post_topic(topic=dead)  # then the process died before storing it

    topic = await recover(world, dead)
    assert topic is not None
    assert topic.place.thread == posted.message_id and topic.permalink
    assert len(roots(slack)) == 1


async def test_a_question_asked_again_since_is_not_posted_twice(world, slack):
    dead = draft()
    again = await open_topic(
        repository=world["topics"],
        jobs=world["queue"],
        chat=world["chat"],
        place=LIVE,
        asker=dead.asker,
        question=QUESTION,
        now=time.time(),
    )
    assert isinstance(again, TopicOpened)

    assert await recover(world, dead) is None
    assert len(roots(slack)) == 1
    assert await world["topics"].get_topic(topic_id="draft1") is None


async def test_a_check_that_meets_the_question_being_opened_waits(world, slack):
    topic = draft()
    claimed = await world["topics"].claim_question(place=LIVE, asker_id="U0ASKER", key=KEY, seconds=ASKING_S)
    assert claimed
    with pytest.raises(RetryLater):
        await recover(world, topic)
    assert roots(slack) == []


async def test_an_opening_that_finished_leaves_no_check_behind(world, slack):
    opened = await open_topic(
        repository=world["topics"],
        jobs=world["queue"],
        chat=world["chat"],
        place=LIVE,
        asker=Person("U0ASKER", "ada"),
        question=QUESTION,
        now=time.time(),
    )
    assert isinstance(opened, TopicOpened)
    check = await scheduled_check(world, opened.topic.id)
    assert check is not None and OPENING_JOB in check  # scheduled before the root was posted
    (at,) = [s for m, s in await world["redis"].zrange(world["queue"].scheduled, 0, -1, withscores=True) if m == check]
    assert at == pytest.approx(opened.topic.created_at + OPENING_CHECK_S)

    await finish_opening(
        topic=opened.topic,
        topics=world["topics"],
        partners=world["partners"],
        relay=world["relay"],
        jobs=world["queue"],
        timings=world["timings"],
        now=time.time(),
    )
    assert await scheduled_check(world, opened.topic.id) is None
    assert check not in await world["redis"].zrange(world["queue"].scheduled, 0, -1)


async def test_a_refused_opening_leaves_no_check_behind(world, slack):
    refused = await open_topic(
        repository=world["topics"],
        jobs=world["queue"],
        chat=world["chat"],
        place=Place(Platform.SLACK, TEAM, "C0GONE0001"),
        asker=Person("U0ASKER", "ada"),
        question=QUESTION,
        now=time.time(),
    )
    assert isinstance(refused, TopicRefused)
    assert await world["queue"].scheduled_count() == 0


async def test_a_check_for_a_channel_gone_since_gives_up(world, slack):
    topic = draft()
    gone = replace(topic, place=Place(Platform.SLACK, TEAM, "C0GONE0001"))
    assert await recover(world, gone) is None
    assert await world["topics"].get_topic(topic_id="draft1") is None


async def test_an_ask_slower_than_its_check_still_leaves_one_root(world, slack):
    """Slack slow enough (429 waits) that the check comes due while the /ask is still posting, and
    the claim on the question has expired: both post a root; the second to store deletes its own."""
    slack.user_post(TEAM, MEET, "U0ADMIN", "Next item on the agenda: the pilot's scope.")
    slack.latency_s["chat.postMessage"] = 1.0  # each root is applied a second after it is sent
    asker = Person("U0ASKER", "ada")
    started = time.time()

    async def ask():
        return await open_topic(
            repository=world["topics"],
            jobs=world["queue"],
            chat=world["chat"],
            place=LIVE,
            asker=asker,
            question=QUESTION,
            now=started,
        )

    async def check_too_early():
        await asyncio.sleep(0.3)
        await world["topics"].release_question(place=LIVE, asker_id=asker.id, key=KEY)  # its claim expired
        scheduled = [json.loads(m) for m in await world["redis"].zrange(world["queue"].scheduled, 0, -1)]
        (check,) = [job for job in scheduled if job["kind"] == OPENING_JOB]
        return await recover(world, json.loads(check["payload"]))

    opened, checked = await asyncio.gather(ask(), check_too_early())
    slack.latency_s.clear()
    assert isinstance(opened, TopicOpened) and checked is not None
    (root,) = roots(slack)
    assert opened.topic.place.thread == checked.place.thread == root["ts"]
    assert (await world["topics"].get_topic(topic_id=opened.topic.id)).place.thread == root["ts"]
