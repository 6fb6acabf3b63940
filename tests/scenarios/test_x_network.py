"""Public networks, with X: the question posted, replies found by recent search on its conversation
and brought into the meeting, the outcome posted as a reply; an account whose plan cannot read is
publish-only and says so; a 429 is waited out and a retried publication does not post twice."""

from __future__ import annotations

import asyncio

import pytest

from tests.flows import command
from tests.standins.x_api import XStandIn
from tests.waiting import eventually

TEAM, MEET = "TALPHA0001", "C0MEET0001"


@pytest.fixture
async def x():
    standin = await XStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == [], "requests X would refuse:\n" + "\n".join(standin.violations)


@pytest.fixture
async def cercle_with_x(start_cercle, x, workspace):
    return await start_cercle(
        X_API_URL=x.api_url,
        X_ACCESS_TOKEN=x.user_token,
        X_BEARER_TOKEN=x.app_token,
        CERCLE_POLL_SECONDS="0.3",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )


def thread(slack, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if m.get("thread_ts") == ts]


async def test_a_question_on_x_and_its_replies_back(cercle_with_x, slack, x) -> None:
    cercle = cercle_with_x
    told = await command(cercle, slack, "--public How do we price a pilot?", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "published on 1 public network" in told
    [question] = await eventually(lambda: x.posted())
    assert question.text == "How do we price a pilot?"
    live = next(m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and m.get("blocks"))
    reply = x.reply(question.id, username="alice_builds", name="Alice", text="Start with a paid pilot.")
    injected = (await eventually(lambda: thread(slack, live["ts"]), timeout=10))[0]
    assert injected["text"] == "Alice (X): Start with a paid pilot."
    assert f"https://x.com/alice_builds/status/{reply.id}" in str(injected["blocks"])
    await asyncio.sleep(1.0)
    assert len(thread(slack, live["ts"])) == 1
    await command(cercle, slack, "end", team_id=TEAM, channel=MEET, user="U0ASKER")
    outcome = await eventually(lambda: [t for t in x.posted() if t.in_reply_to == question.id], timeout=15)
    assert "meeting has ended" in outcome[0].text and len(outcome[0].text) <= 280
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "- X: working" in listed


async def test_an_account_that_cannot_read_is_publish_only(cercle_with_x, slack, x) -> None:
    x.reads_allowed = False
    await command(cercle_with_x, slack, "--public Who audits costs?", team_id=TEAM, channel=MEET, user="U0ASKER")
    await eventually(lambda: x.posted())
    listed = await eventually(lambda: _networks(cercle_with_x, slack), timeout=10)
    assert "X: publish-only" in listed


async def _networks(cercle, slack) -> str | None:
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    return listed if "publish-only" in listed else None


async def test_a_429_is_waited_out_and_the_question_posted_once(cercle_with_x, slack, x) -> None:
    x.throttle_next = 1
    await command(
        cercle_with_x, slack, "--public Who has a pilot contract?", team_id=TEAM, channel=MEET, user="U0ASKER"
    )
    await eventually(lambda: x.posted(), timeout=10)
    await asyncio.sleep(1.0)
    assert [t.text for t in x.posted()] == ["Who has a pilot contract?"]
    assert ("POST", "/2/tweets") in x.calls and x.calls.count(("POST", "/2/tweets")) == 2  # the 429, then the post
