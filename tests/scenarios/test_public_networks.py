"""Public networks, with Mastodon: `/ask --public` publishes the question alone, replies under it
come back into the meeting's thread (once, however often they are read), a deleted one leaves, the
outcome is answered under the question at the end, and `/ask networks` says how each network does."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tests.flows import command
from tests.standins.mastodon import MastodonStandIn
from tests.waiting import eventually

TEAM, MEET = "TALPHA0001", "C0MEET0001"


@pytest.fixture
async def mastodon():
    standin = await MastodonStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == [], "requests Mastodon would refuse:\n" + "\n".join(standin.violations)


@pytest.fixture
async def cercle_with_mastodon(start_cercle, mastodon, workspace):
    return await start_cercle(
        MASTODON_BASE_URL=mastodon.base_url,
        MASTODON_ACCESS_TOKEN=mastodon.token,
        CERCLE_POLL_SECONDS="0.3",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )


def thread(slack, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if m.get("thread_ts") == ts]


def roots(slack) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and m.get("blocks")]


async def test_a_public_question_goes_to_mastodon_and_its_replies_come_back(cercle_with_mastodon, slack, mastodon):
    cercle = cercle_with_mastodon
    told = await command(
        cercle, slack, "--public How do we price a pilot for a bank?", team_id=TEAM, channel=MEET, user="U0ASKER"
    )
    assert "published on 1 public network" in told
    [question] = await eventually(lambda: mastodon.published())
    assert question.params["status"] == "How do we price a pilot for a bank?"  # alone: no asker, no link
    assert question.params["visibility"] == "public"
    live = roots(slack)[0]
    await eventually(lambda: "Mastodon" in json.dumps(roots(slack)[0]["blocks"]))

    reply = mastodon.reply(
        question.id, acct="alice@example.social", name="Alice", html="<p>@cercle Start with a <b>paid</b> pilot.</p>"
    )
    injected = (await eventually(lambda: thread(slack, live["ts"]), timeout=10))[0]
    assert injected["text"] == f"Alice (Mastodon (127.0.0.1:{mastodon.port})): Start with a paid pilot."
    assert f"/@alice@example.social/{reply.id}" in json.dumps(injected["blocks"])
    await asyncio.sleep(1.0)  # read again three times since: still one answer
    assert len(thread(slack, live["ts"])) == 1

    mastodon.delete(reply.id)
    await eventually(lambda: thread(slack, live["ts"]) == [], timeout=10)

    mastodon.reply(question.id, acct="bob@other.social", name="Bob", html="<p>Price it at cost, then convert.</p>")
    await eventually(lambda: thread(slack, live["ts"]), timeout=10)
    await command(cercle, slack, "end", team_id=TEAM, channel=MEET, user="U0ASKER")
    outcome = await eventually(lambda: [s for s in mastodon.published() if s.in_reply_to_id == question.id], timeout=15)
    assert "meeting has ended" in outcome[0].params["status"] and "Bob" in outcome[0].params["status"]
    summary = json.dumps(
        [m.get("blocks") for m in slack.channel_messages(TEAM, MEET) if "Meeting summary" in m["text"]]
    )
    assert f"Mastodon (127.0.0.1:{mastodon.port})" in summary and "Bob" in summary  # the network's helpers
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert f"Mastodon (127.0.0.1:{mastodon.port}): working" in listed


async def test_nothing_leaves_without_the_public_reach(start_cercle, slack, mastodon, workspace):
    cercle = await start_cercle(
        MASTODON_BASE_URL=mastodon.base_url, MASTODON_ACCESS_TOKEN=mastodon.token, CERCLE_DEFAULT_REACH="public"
    )
    told = await command(
        cercle, slack, "--partners-only Who audits our cloud costs?", team_id=TEAM, channel=MEET, user="U0ASKER"
    )
    assert "public network" not in told
    await asyncio.sleep(0.5)
    assert mastodon.published() == []
    told = await command(
        cercle, slack, "Who has a good pilot contract template?", team_id=TEAM, channel=MEET, user="U0ASKER"
    )
    assert "published on 1 public network" in told  # the default reach is public here
    await eventually(lambda: mastodon.published())


async def test_no_network_connected_keeps_questions_home(start_cercle, slack, workspace):
    cercle = await start_cercle()
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert listed.startswith("No public network is connected")
    told = await command(cercle, slack, "--public Anyone?", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "public network" not in told


async def test_a_failing_network_is_said_so_and_holds_up_nothing(cercle_with_mastodon, slack, mastodon):
    cercle = cercle_with_mastodon
    mastodon.fail_next = [401]
    await command(cercle, slack, "--public How do we onboard a bank?", team_id=TEAM, channel=MEET, user="U0ASKER")
    await eventually(
        lambda: (
            "Mastodon" in json.dumps(roots(slack)[0]["blocks"]) and "not sent" in json.dumps(roots(slack)[0]["blocks"])
        )
    )
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "failing since" in listed and "access token was refused" in listed
    assert mastodon.published() == []


async def test_the_rate_limit_is_waited_out_and_the_question_still_goes_out_once(start_cercle, slack, workspace):
    """A budget of 3 requests per 3 seconds, spent by another app on the same account: the publication
    gets 429, stands aside until the reset the headers give, then goes, once; the questions after it
    are held back by Mastodon.py's own reading of the headers, without a 429."""
    mastodon = await MastodonStandIn(budget=3, window_s=3.0).start()
    try:
        cercle = await start_cercle(
            MASTODON_BASE_URL=mastodon.base_url, MASTODON_ACCESS_TOKEN=mastodon.token, CERCLE_POLL_SECONDS="0.2"
        )
        mastodon.spend(3)
        started = time.monotonic()
        for question in ("First question about pilots?", "Second question about audits?"):
            await command(cercle, slack, f"--public {question}", team_id=TEAM, channel=MEET, user="U0ASKER")
        await eventually(lambda: len(mastodon.published()) == 2, timeout=20)
        assert time.monotonic() - started >= 2.0  # after the window's reset
        texts = sorted(s.params["status"] for s in mastodon.published())
        assert texts == ["First question about pilots?", "Second question about audits?"]
        assert mastodon.refused_with_429 >= 1
    finally:
        await mastodon.stop()
    assert mastodon.violations == []


async def test_a_failing_network_does_not_hold_up_another(start_cercle, slack, workspace, mastodon):
    from tests.standins.x_api import XStandIn

    x = await XStandIn().start()
    try:
        cercle = await start_cercle(
            MASTODON_BASE_URL=mastodon.base_url,
            MASTODON_ACCESS_TOKEN=mastodon.token,
            X_API_URL=x.api_url,
            X_ACCESS_TOKEN=x.user_token,
        )
        mastodon.fail_next = [502, 502, 502, 502, 502, 502]
        told = await command(
            cercle, slack, "--public Who knows a good auditor?", team_id=TEAM, channel=MEET, user="U0ASKER"
        )
        assert "published on 2 public networks" in told
        await eventually(lambda: x.posted(), timeout=10)
        listed = await eventually(lambda: _failing(cercle, slack), timeout=10)
        assert "- X: working" in listed
    finally:
        await x.stop()
    assert x.violations == []


async def _failing(cercle, slack) -> str | None:
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    return listed if "failing since" in listed else None
