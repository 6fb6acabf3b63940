"""Asking and opening: the web records a question as one job; a worker opens it once, however often
the job runs (a worker killed mid-opening, the queue handing the job to another), and tells the
asker. Real Redis, the real Slack client against the stand-in."""

from __future__ import annotations

import time

import pytest

from app.domain.asking import AlreadyAsked, Opened, Refused
from app.domain.commands import question_key
from app.domain.errors import BotNotInChannel
from app.domain.models import Person, Place, Platform, Reach
from app.store import keys
from app.usecases.context import Context
from app.usecases.jobs import OpenTopic, PostMirror
from app.usecases.topics import ASKING_S, Question, ask, draft_of, open_topic
from tests.app.usecases.conftest import context

TEAM, MEET = "TALPHA0001", "C0MEET0001"
LIVE = Place(Platform.SLACK, TEAM, MEET)
QUESTION = "How do we price a pilot?"
KEY = question_key(QUESTION)


@pytest.fixture
def ctx(connected) -> Context:
    return context(redis=connected.redis, directory=connected.directory)


def job(topic_id: str = "draft1", *, place: Place = LIVE, reply_to: str = "") -> OpenTopic:
    return OpenTopic(
        topic_id=topic_id,
        place=place,
        question=QUESTION,
        asker_id="U0ASKER",
        asker_name="ada",
        created_at=time.time(),
        share_asker=True,
        reply_to=reply_to,
    )


def roots(slack) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and "price a pilot" in m["text"]]


async def queued(connected) -> list[dict]:
    return [fields for _, fields in await connected.redis.xrange(keys.job_stream(0))]


def test_the_question_travels_whole_in_its_job():
    asked = job(reply_to="https://hooks.example/commands/T1/1/abc")
    assert OpenTopic.from_payload(asked.payload()) == asked
    assert asked.job_id == "opening:draft1"


async def test_asking_records_one_job_and_posts_nothing(ctx, connected, slack):
    question = Question(place=LIVE, asker=Person("U0ASKER", "ada"), text=QUESTION, request_id="trigger-1")
    topic_id = await ask(question=question, ctx=ctx)
    assert await ask(question=question, ctx=ctx) == topic_id  # the same request, delivered twice
    (recorded,) = await queued(connected)
    assert recorded["kind"] == OpenTopic.kind and recorded["job_id"] == f"opening:{topic_id}"
    assert slack.calls_to("chat.postMessage") == []


async def test_the_job_opens_the_topic_once_and_tells_the_asker(ctx, slack):
    # The meeting goes on meanwhile (and the spec's history answer lists at least one message).
    slack.user_post(TEAM, MEET, "U0ADMIN", "Next item on the agenda: the pilot's scope.")
    opened = await open_topic(job(), ctx)
    assert isinstance(opened, Opened) and opened.partners == 0
    topic = opened.topic
    (root,) = roots(slack)
    assert root["ts"] == topic.place.thread and topic.meeting_id and topic.reach is Reach.PARTNERS
    assert await ctx.topics.open_topics(place=LIVE) == [topic]
    (told,) = slack.calls_to("chat.postEphemeral")  # no response_url: a private message in the channel
    assert told.params["user"] == "U0ASKER" and told.params["text"].startswith("Your question is open in")

    again = await open_topic(job(), ctx)  # the job delivered twice
    assert isinstance(again, Opened) and again.topic.place.thread == topic.place.thread
    assert len(roots(slack)) == 1


async def test_the_asker_is_answered_through_the_response_url(ctx, slack):
    await open_topic(job(reply_to=slack.response_url(TEAM)), ctx)
    (response,) = slack.responses
    assert response["response_type"] == "ephemeral" and response["text"].startswith("Your question is open in")
    assert slack.calls_to("chat.postEphemeral") == []


async def test_a_root_posted_by_a_worker_that_died_is_adopted_not_posted_again(ctx, connected, slack):
    dying = job()
    chat = await connected.directory.chat_for(platform=Platform.SLACK, tenant=TEAM)
    await ctx.topics.mark_opening(topic_id=dying.topic_id, at=time.time() - 1)
    posted = await chat.post_topic(topic=draft_of(dying))  # then the worker died before storing it

    opened = await open_topic(dying, ctx)  # the queue hands the job to another worker
    assert isinstance(opened, Opened)
    assert opened.topic.place.thread == posted.message_id and opened.topic.permalink
    assert len(roots(slack)) == 1


async def test_a_question_asked_again_while_open_points_to_the_open_one(ctx, slack):
    first = await open_topic(job("first"), ctx)
    assert isinstance(first, Opened)
    second = await open_topic(job("second"), ctx)
    assert isinstance(second, AlreadyAsked) and second.topic == first.topic
    assert len(roots(slack)) == 1
    assert await ctx.topics.get_topic(topic_id="second") is None


async def test_the_same_question_being_opened_right_now_is_opened_once(ctx, slack):
    assert await ctx.topics.claim_question(place=LIVE, asker_id="U0ASKER", key=KEY, holder="first", seconds=ASKING_S)
    assert isinstance(await open_topic(job("second"), ctx), AlreadyAsked)
    assert roots(slack) == []
    # The first opening's own job, run again after its worker died, holds the claim already.
    assert isinstance(await open_topic(job("first"), ctx), Opened)
    assert len(roots(slack)) == 1


async def test_a_refused_opening_stores_nothing_and_says_why(ctx, slack):
    secret = Place(Platform.SLACK, TEAM, "G0SECRET01")  # private, and the bot is not in it
    refused = await open_topic(job(place=secret, reply_to=slack.response_url(TEAM)), ctx)
    assert isinstance(refused, Refused) and isinstance(refused.error, BotNotInChannel)
    assert await ctx.topics.get_topic(topic_id="draft1") is None
    (told,) = slack.responses  # the command's own way back: a private message could not reach them there
    assert "Invite me with `/invite @Cercle`" in told["text"]


async def test_an_opening_asks_each_partner_once(ctx, connected, slack):
    alpha, beta = "slack:TALPHA0001", "slack:TBETA00001"
    await ctx.partners.link(a=alpha, b=beta, by="U0ADMIN", now=time.time())
    opened = await open_topic(job(), ctx)
    assert isinstance(opened, Opened) and opened.partners == 1
    again = await open_topic(job(), ctx)
    assert isinstance(again, Opened)
    mirrors = [f for f in await queued(connected) if f["kind"] == PostMirror.kind]
    assert [m["job_id"] for m in mirrors] == [f"mirror:{opened.topic.id}:{beta}"]


async def test_nothing_is_posted_for_an_organisation_that_removed_cercle(ctx, slack):
    gone = Place(Platform.SLACK, "TGONE00001", MEET)
    assert await open_topic(job(place=gone), ctx) is None
    assert slack.calls_to("chat.postMessage") == []
