"""Scenario: people vote on answers with reactions, in the meeting and in the partner thread."""

from __future__ import annotations

import asyncio
import json
import secrets

import aiohttp
import pytest

from app.runtime.embedded_redis import free_port
from tests.conftest import ON_BOTH, SIGNING_SECRET, cercle_env
from tests.processes import clean_env, start_app, stop, wait_http
from tests.scenarios.test_delivery import GOOD, click, setup
from tests.scenarios.test_partner_relay import ALPHA, BETA, INBOX, MEET, asked, mirror_roots, settled_answers, thread
from tests.slack_signing import signed_headers
from tests.waiting import eventually

pytestmark = ON_BOTH

SECOND = "Run a fixed-price pilot of six weeks with success criteria agreed up front, then convert to the annual plan."
THIRD = "Offer thirty days free, with a signed order form that starts the annual plan if the criteria are met."


async def answered(cercle, slack):
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    original = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"])))[0]
    topic_id = live["blocks"][2]["elements"][0]["value"]
    (answer,) = await settled_answers(cercle, topic_id, count=1)
    return injected, original, topic_id, answer


async def test_vote_rules_through_reactions(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    injected, original, topic_id, answer = await answered(cercle, slack)

    async def tally() -> int:
        return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id)

    async def tally_after(*reactions) -> int:
        """Slack is acknowledged before the vote is counted: wait until every reaction was handled."""
        for team, channel, ts, user, emoji, added in reactions:
            before = len(handled)
            slack.user_react(team, channel, ts, user, emoji, added=added)
            await slack.settle()
            await eventually(lambda b=before: len(handled) > b)
        return await tally()

    handled: list[str] = []
    original_react = cercle.runtime.votes.react

    async def counting_react(**kwargs):
        result = await original_react(**kwargs)
        handled.append(kwargs["reaction"].emoji)  # in the core's form: the emoji itself
        return result

    cercle.runtime.votes.react = counting_react  # observe, not replace: the real script still runs

    live = (ALPHA, MEET, injected["ts"])
    assert await tally_after((*live, "U0MEMBER", "+1", True)) == 1
    assert await tally_after((*live, "U0MEMBER", "fire", True)) == 1  # one vote per person
    assert await tally_after((*live, "U0MEMBER", "+1", False)) == 1  # fire still there
    assert await tally_after((*live, "U0MEMBER", "fire", False)) == 0
    assert await tally_after((*live, "U0MEMBER", "thumbsup", True), (*live, "U0MEMBER", "thumbsdown", True)) == -1
    assert await tally_after((*live, "U0MEMBER", "thumbsdown", False)) == 1  # the up emoji remains
    assert await tally_after((*live, "U0MEMBER", "thumbsup", False)) == 0
    slack.user_react(*live, "U0MEMBER", "tada")  # not a vote emoji
    slack.user_react(*live, slack.workspaces[ALPHA].bot_user_id, "star")  # the bot's own reactions never count
    assert await tally_after((*live, "U0MEMBER", "+1::skin-tone-3", True)) == 1
    assert handled[-1] == "👍"  # neither of the two before it was taken for a vote; skin tones count as 👍
    # The original reply in the partner's thread counts toward the same tally.
    assert await tally_after((BETA, INBOX, original, "U0MEMBER", "star", True)) == 2
    # A retried delivery of the same event counts once.
    event_id = slack.user_react(ALPHA, MEET, injected["ts"], "U0ADMIN", "heavy_plus_sign")
    await slack.settle()
    event = {
        "type": "reaction_added",
        "user": "U0ADMIN",
        "reaction": "heavy_plus_sign",
        "item": {"type": "message", "channel": MEET, "ts": injected["ts"]},
        "event_ts": "1.2",
    }
    await eventually(lambda: handled[-1] == "➕")
    slack.deliver_event(ALPHA, event, event_id=event_id)
    await slack.settle()
    await asyncio.sleep(0.3)
    assert handled.count("➕") == 1
    assert await tally() == 3

    # The injected message shows its score, updated a few seconds later, not on every reaction.
    await eventually(
        lambda: (
            "+3 votes" in json.dumps(slack.channel_messages(ALPHA, MEET)[-1].get("blocks", []))
            or any(
                "+3 votes" in json.dumps(m.get("blocks", [])) for m in thread(slack, ALPHA, MEET, injected["thread_ts"])
            )
        ),
        timeout=10,
    )
    updates = [c for c in slack.calls_to("chat.update") if c.params.get("ts") == injected["ts"]]
    assert 1 <= len(updates) <= 3


@pytest.mark.slow
async def test_200_concurrent_reactions_over_three_processes_give_the_exact_count(
    start_cercle, slack, redis_env, tmp_path
):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    injected, _, topic_id, answer = await answered(cercle, slack)
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), **redis_env})
    ports = [free_port(), free_port()]
    others = [start_app("web", env={**env, "PORT": str(p)}, log=tmp_path / f"web-{p}.log") for p in ports]
    try:
        for port, process in zip(ports, others, strict=True):
            await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=process)
        urls = [f"{cercle.url}/slack/events", *(f"http://127.0.0.1:{p}/slack/events" for p in ports)]
        bot = slack.workspaces[ALPHA].bot_user_id
        events = [(f"U0UP{i:04d}", "+1") for i in range(120)] + [(f"U0DOWN{i:03d}", "-1") for i in range(40)]
        events += [(f"U0TWO{i:04d}", emoji) for i in range(20) for emoji in ("+1", "star")]  # two emoji, one vote
        assert len(events) == 200

        async def send(http: aiohttp.ClientSession, n: int, user: str, emoji: str) -> int:
            body = json.dumps(
                {
                    "token": "t",
                    "team_id": ALPHA,
                    "api_app_id": "A0CERCLE",
                    "type": "event_callback",
                    "event_id": f"Ev{secrets.token_hex(6).upper()}",
                    "event_time": 1800000000,
                    "event": {
                        "type": "reaction_added",
                        "user": user,
                        "reaction": emoji,
                        "event_ts": f"18000.{n:06d}",
                        "item": {"type": "message", "channel": MEET, "ts": injected["ts"]},
                    },
                    "authorizations": [{"enterprise_id": None, "team_id": ALPHA, "user_id": bot, "is_bot": True}],
                }
            )
            headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/json")
            async with http.post(urls[n % len(urls)], data=body, headers=headers) as response:
                return response.status

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            statuses = await asyncio.gather(*(send(http, n, u, e) for n, (u, e) in enumerate(events)))
        assert set(statuses) == {200}

        async def exact() -> bool:
            return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id) == 120 - 40 + 20

        await eventually(exact, timeout=15)
        await asyncio.sleep(0.5)
        assert await exact()
    finally:
        for process in others:
            stop(process)


async def test_answers_in_a_digest_are_voted_with_their_own_buttons(start_cercle, slack):
    """One reaction on a digest could not say which of its answers it is for."""
    cercle = await setup(
        start_cercle,
        slack,
        (ALPHA, "Alpha Corp"),
        (BETA, "Beta Org"),
        CERCLE_MAX_INJECT="1",
        CERCLE_INJECT_WINDOW="2s",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    for user, text in [("U0ADMIN", GOOD), ("U0MEMBER", SECOND), ("U0ADMIN", THIRD)]:
        slack.user_post(BETA, INBOX, user, text, thread_ts=mirror["ts"])
    digest = await eventually(
        lambda: next((m for m in thread(slack, ALPHA, MEET, live["ts"]) if "more answers" in m["text"]), None),
        timeout=20,
    )
    buttons = [b["accessory"] for b in digest["blocks"] if b.get("accessory", {}).get("type") == "button"]
    assert len(buttons) == 2 and all(b["action_id"] == "cercle_digest_vote" for b in buttons)
    chosen = buttons[0]["value"]
    answer_id = chosen.split("/")[1]
    answers = {a.id: a for a in await settled_answers(cercle, topic_id, count=3)}

    async def recorded() -> bool:  # the digest is seen in the channel just before its answers are marked
        answer = await cercle.runtime.relay.answer(topic_id=topic_id, answer_id=answer_id)
        return answer is not None and answer.status == "digested"

    await eventually(recorded)

    async def press(user: str, *, team: str = ALPHA) -> str:
        before = len(slack.responses)
        payload = click("cercle_digest_vote", chosen, user=user, slack=slack)
        payload["team"]["id"] = payload["user"]["team_id"] = team
        payload["trigger_id"] = f"{payload['trigger_id']}.{before}"  # Slack gives each press its own
        assert (await cercle.interact(payload)).status == 200
        await eventually(lambda: len(slack.responses) > before)
        return slack.responses[before]["text"]

    name = answers[answer_id].author.name
    assert await press("U0MEMBER") == f"Your vote for {name}'s answer counts (+1 in all). Press again to change it."
    assert await press("U0ADMIN") == f"Your vote for {name}'s answer counts (+2 in all). Press again to change it."
    assert await press("U0MEMBER") == (
        f"Your vote for {name}'s answer is taken back (+1 in all). Press again to change it."
    )
    assert await press("U0MEMBER", team=BETA) == "This answer can no longer be voted on."  # not this workspace's topic
    slack.user_react(ALPHA, MEET, digest["ts"], "U0ADMIN", "+1")  # on the digest as a whole: no answer to count for
    (hint,) = await eventually(lambda: slack.calls_to("chat.postEphemeral"))  # but the voter is told why
    assert (hint.params["user"], hint.params["thread_ts"]) == ("U0ADMIN", live["ts"])
    assert "press the *:+1: Helpful* button" in hint.params["text"]
    slack.user_react(ALPHA, MEET, digest["ts"], "U0ADMIN", "+1", added=False)  # taking it back says nothing
    await slack.settle()
    assert await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer_id) == 1
    assert len(slack.calls_to("chat.postEphemeral")) == 1
    # The button's vote is the same vote as a reaction: it ranks the answer in the summary.
    tallies = await cercle.runtime.votes.tallies(topic_id=topic_id, answer_ids=list(answers))
    assert tallies[answer_id] == 1 and sum(tallies.values()) == 1
