"""Scenario: the meeting ends — by `/ask end`, the button, or idling — and everyone hears how it went."""

from __future__ import annotations

import asyncio
import json

from app.domain.models import Place, Platform
from tests.conftest import ON_BOTH
from tests.flows import command, install, organisation, partner_up
from tests.scenarios.test_delivery import GOOD, click
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    INBOX,
    MEET,
    asked,
    mirror_roots,
    roots,
    settled_answers,
    thread,
)
from tests.waiting import eventually

pytestmark = ON_BOTH


def summaries(slack) -> list[dict]:
    return [m for m in roots(slack, ALPHA, MEET) if m["text"].startswith("Meeting summary")]


async def network(start_cercle, slack, **settings):
    alpha, beta = organisation(slack, ALPHA, "Alpha Corp"), organisation(slack, BETA, "Beta Org")
    cercle = await start_cercle(oauth=True, worker=True, **settings)
    await partner_up(cercle, slack, alpha, beta)
    return cercle


async def test_end_with_no_meeting_says_so(start_cercle, slack):
    cercle = await network(start_cercle, slack)
    reply = await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert "no meeting going on" in reply


async def test_ask_end_closes_topics_posts_the_summary_and_thanks_partners(start_cercle, slack):
    cercle = await network(start_cercle, slack, CERCLE_LATE_DIGEST_MINUTES="0.05")
    answered_live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    await asked(cercle, slack, "Who knows a good auditor in Lyon?")
    mirrors = await eventually(lambda: len(mirror_roots(slack, BETA)) == 2 and mirror_roots(slack, BETA))
    pricing_mirror = next(m for m in mirrors if "price a pilot" in m["text"])
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=pricing_mirror["ts"])
    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, answered_live["ts"])))[0]
    topic_id = answered_live["blocks"][2]["elements"][0]["value"]
    (answer,) = await settled_answers(cercle, topic_id, count=1)
    slack.user_react(ALPHA, MEET, injected["ts"], "U0MEMBER", "+1")
    slack.user_react(ALPHA, MEET, injected["ts"], "U0ADMIN", "star")

    async def voted() -> bool:
        return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id) == 2

    await eventually(voted)
    reply = await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert "Ending the meeting" in reply

    (summary,) = await eventually(lambda: summaries(slack), timeout=10)
    text = json.dumps(summary["blocks"])
    assert "How do we price a pilot" in text and "Who knows a good auditor" in text
    assert "*grace* (Beta Org), +2 votes" in text and "Nobody answered" in text
    assert "Beta Org*: grace" in text  # the helpers, by organisation
    for root in roots(slack, ALPHA, MEET):
        if "Stuck on a topic" in root["text"]:
            assert "*Closed*" in json.dumps(root["blocks"])

    # Partners hear the outcome in their mirror thread; mirror roots say the topic is closed.
    thanks = await eventually(
        lambda: [m for m in thread(slack, BETA, INBOX, pricing_mirror["ts"]) if "Thank you" in m["text"]]
    )
    assert "Best answer (+2 votes), by *grace* (Beta Org)" in thanks[0]["text"]
    await eventually(lambda: all("This topic is closed" in json.dumps(m["blocks"]) for m in mirror_roots(slack, BETA)))

    # A late reply is kept, then sent once as a digest in the topic thread.
    slack.user_post(BETA, INBOX, "U0MEMBER", "Late but useful: ask for a success fee.", thread_ts=pricing_mirror["ts"])
    await eventually(
        lambda: any("more answer" in m["text"] for m in thread(slack, ALPHA, MEET, answered_live["ts"])), timeout=15
    )
    await asyncio.sleep(1.5)
    assert sum("more answer" in m["text"] for m in thread(slack, ALPHA, MEET, answered_live["ts"])) == 1

    again = await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert "no meeting going on" in again
    assert len(summaries(slack)) == 1


async def test_end_button_and_no_outcome_sharing(start_cercle, slack):
    cercle = await network(start_cercle, slack, CERCLE_SHARE_OUTCOME="false")
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0MEMBER", "lol no idea, why would you do a pilot?", thread_ts=mirror["ts"])
    topic_id = live["blocks"][2]["elements"][0]["value"]
    await settled_answers(cercle, topic_id, count=2)
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    end_button = live["blocks"][2]["elements"][3]
    assert end_button["action_id"] == "cercle_end_meeting"
    await cercle.interact(click("cercle_end_meeting", end_button["value"], user="U0MEMBER", slack=slack))
    (summary,) = await eventually(lambda: summaries(slack), timeout=10)

    # The replies kept under the threshold can still be read, from the summary or the closed topic.
    show = next(b["accessory"] for b in summary["blocks"] if "below the relevance threshold" in json.dumps(b))
    assert (show["action_id"], show["value"]) == ("cercle_other_replies", topic_id)
    closed_root = await eventually(
        lambda: [r for r in roots(slack, ALPHA, MEET) if "*Closed*" in json.dumps(r["blocks"])]
    )
    assert "cercle_other_replies" in json.dumps(closed_root[0]["blocks"])
    before = len(slack.responses)
    await cercle.interact(click("cercle_other_replies", topic_id, user="U0ADMIN", slack=slack))
    await eventually(lambda: len(slack.responses) > before)
    assert (
        "1 other reply" in slack.responses[before]["text"]
        and "why would you do a pilot" in slack.responses[before]["text"]
    )
    elsewhere = click("cercle_other_replies", topic_id, user="U0ADMIN", slack=slack)
    elsewhere["team"] = {"id": BETA, "domain": "betaorg"}  # a signed click from another workspace
    elsewhere["user"]["team_id"] = BETA
    await cercle.interact(elsewhere)
    await eventually(lambda: len(slack.responses) > before + 1)
    assert slack.responses[before + 1]["text"] == "These replies are not available here."
    thanks = await eventually(lambda: [m for m in thread(slack, BETA, INBOX, mirror["ts"]) if "Thank you" in m["text"]])
    assert "2 replies" in thanks[0]["text"] and GOOD not in thanks[0]["text"]  # thanks, without the outcome

    before = len(slack.responses)
    await cercle.interact(click("cercle_end_meeting", end_button["value"], user="U0ADMIN", slack=slack))
    await eventually(lambda: len(slack.responses) > before)
    assert "already ended" in slack.responses[before]["text"]


async def test_idle_meeting_ends_once_with_two_workers(start_cercle, slack):
    organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True, worker=True, CERCLE_MEETING_IDLE_MINUTES="0.04")  # 2.4 s
    second_worker = cercle.runtime.worker()
    task = asyncio.create_task(second_worker.run())
    try:
        await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")
        await asked(cercle, slack, "Anyone there?")
        await asyncio.sleep(1.2)
        await asked(cercle, slack, "Still here?")  # activity moves the idle deadline
        await asyncio.sleep(1.8)
        assert summaries(slack) == []  # 3 s after the first ask, but only 1.8 s after the last
        await eventually(lambda: summaries(slack), timeout=10)
        await asyncio.sleep(2)
        assert len(summaries(slack)) == 1
        assert await cercle.runtime.topics.current_meeting(place=Place(Platform.SLACK, ALPHA, MEET)) is None
    finally:
        second_worker.stop()
        await task


async def test_partners_are_thanked_even_when_the_summary_cannot_be_posted(start_cercle, slack):
    cercle = await network(start_cercle, slack)
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    slack.workspaces[ALPHA].channels[MEET].members.discard(slack.workspaces[ALPHA].bot_user_id)  # removed from it

    def refused() -> list:
        return [
            c for c in slack.calls if c.method == "chat.postMessage" and c.response.get("error") == "not_in_channel"
        ]

    slack.user_post(
        BETA, INBOX, "U0MEMBER", "Also: cap the pilot at eight weeks, with one success metric.", thread_ts=mirror["ts"]
    )
    await eventually(lambda: len(refused()) == 1)  # the second answer cannot be posted...
    await asyncio.sleep(1.5)  # past the job retry delay
    assert len(refused()) == 1  # ... and its job is not tried again
    await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    thanks = await eventually(lambda: [m for m in thread(slack, BETA, INBOX, mirror["ts"]) if "Thank you" in m["text"]])
    assert "Best answer" in thanks[0]["text"] and "2 replies" in thanks[0]["text"]
    assert len(refused()) == 2 and summaries(slack) == []  # the summary cannot be posted either
    await asyncio.sleep(1.5)  # past the job retry delay: neither job is tried again
    assert len(refused()) == 2 and await cercle.runtime.redis.xlen(cercle.runtime.queue.dead) == 0
