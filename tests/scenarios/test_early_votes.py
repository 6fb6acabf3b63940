"""Scenario: people vote before Cercle knows the message is an answer. Slack shows a post before it
answers the API call that made it, and a partner's reply can be liked while the worker still looks up
its author; those votes are kept aside and count once the answer is recorded."""

from __future__ import annotations

import json

from app.domain.models import Place, Platform
from tests.scenarios.test_delivery import GOOD, setup
from tests.scenarios.test_partner_relay import ALPHA, BETA, INBOX, MEET, asked, mirror_roots, settled_answers, thread
from tests.waiting import eventually


async def test_a_vote_on_the_injected_answer_before_slack_answered_the_post_counts(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.latency_after_s["chat.postMessage"] = 3.0  # the answer is in the channel; the worker waits for its ts
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"])))[0]

    (posting,) = await cercle.runtime.relay.answers(topic_id=topic_id)
    assert posting.status == "new" and not posting.injected_id  # Cercle cannot tell this message is an answer
    posting_place = Place(Platform.SLACK, ALPHA, MEET)
    parked = cercle.runtime.relay.parked
    # Slack does not order events; people who change their mind do so a moment later.
    for n, (user, emoji, added) in enumerate(
        [("U0MEMBER", "+1", True), ("U0OTHER", "star", True), ("U0OTHER", "star", False), ("U0THIRD", "fire", True)]
    ):
        slack.user_react(ALPHA, MEET, injected["ts"], user, emoji, added=added)
        await eventually(lambda n=n: _count_is(parked(place=posting_place, message_id=injected["ts"]), n + 1))
    (still_posting,) = await cercle.runtime.relay.answers(topic_id=topic_id)
    assert still_posting.status == "new", "Slack answered too early to test anything"

    (answer,) = await settled_answers(cercle, topic_id, count=1)
    assert (answer.status, answer.injected_id) == ("injected", injected["ts"])
    await eventually(lambda: _tally(cercle, topic_id, answer.id, expected=2))  # counted just after the record
    slack.latency_after_s.clear()
    # The votes kept aside show on the message like any other, and later votes add to them.
    await eventually(lambda: "+2 votes" in json.dumps(_message(slack, injected["ts"]).get("blocks", [])), timeout=10)
    slack.user_react(ALPHA, MEET, injected["ts"], "U0OTHER", "thumbsdown")
    await slack.settle()
    await eventually(lambda: _tally(cercle, topic_id, answer.id, expected=1))


async def test_a_like_on_the_partner_reply_before_the_worker_stored_it_counts(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.latency_after_s["chat.getPermalink"] = 3.0  # the worker is still building the attribution
    original = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    slack.user_react(BETA, INBOX, original, "U0MEMBER", "thumbsup")  # a colleague likes it at once
    await slack.settle()
    assert await cercle.runtime.relay.answers(topic_id=topic_id) == [], "the worker stored it too early"

    (answer,) = await settled_answers(cercle, topic_id, count=1)
    await eventually(lambda: _tally(cercle, topic_id, answer.id, expected=1))
    # The answer goes out showing the vote it already has.
    injected = _message(slack, answer.injected_id)
    assert "+1 vote" in json.dumps(injected["blocks"])
    assert not [c for c in slack.calls_to("chat.update") if c.params.get("ts") == answer.injected_id]
    # Kept aside only until the answer was recorded: nothing stays behind to count twice.
    await eventually(lambda: _none_left(cercle))


async def _count_is(kept, expected: int) -> bool:
    return len(await kept) == expected


def _message(slack, ts: str) -> dict:
    return next(m for m in slack.channel_messages(ALPHA, MEET) if m["ts"] == ts)


async def _none_left(cercle) -> bool:
    return await cercle.runtime.redis.keys("cercle:parked:*") == []


async def _tally(cercle, topic_id: str, answer_id: str, *, expected: int) -> bool:
    return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer_id) == expected
