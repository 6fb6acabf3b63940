"""Scenario: a web process stops in the middle of its work. Slack does not send again what it saw
acknowledged, so nothing acknowledged may be lost:
- killed (SIGKILL) right after acknowledging an edit or a deletion, while a worker holds the
  question: the change was queued first, the meeting still follows it;
- stopped for a deploy (SIGTERM) while an /ask waits for Slack to confirm its root: the process
  finishes the /ask before it exits;
- killed (SIGKILL) at that same moment: the root is in the channel, nothing else was done; the check
  the /ask scheduled before posting comes due and a worker finishes it, with that same root;
- killed while Slack is slow to confirm a closed topic's root: the partners were told first;
- killed while `/ask end` closes the meeting's topics one by one: its check closes the rest, and the
  summary and the partners' thanks go out once."""

from __future__ import annotations

import asyncio
import signal
import time
from dataclasses import replace

import pytest

from app.domain.models import Place, Platform
from app.runtime.embedded_redis import free_port
from app.store import keys
from app.usecases.meeting import ENDING_CHECK_S
from app.usecases.topics import ASKING_S, OPENING_CHECK_S
from tests.conftest import cercle_env
from tests.processes import clean_env, start_app, stop, wait_http
from tests.scenarios.test_delivery import click, setup
from tests.scenarios.test_meeting_end import summaries
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    EVERYTHING,
    INBOX,
    MEET,
    asked,
    mirror_roots,
    queue_empty,
    roots,
    thread,
)
from tests.waiting import eventually

pytestmark = pytest.mark.slow


async def _killed_after_ack(slack, web, event_id: str | None) -> None:
    assert event_id is not None
    await eventually(lambda: {"event_id": event_id, "status": 200} in slack.deliveries, timeout=10)
    await asyncio.sleep(0.3)  # acknowledged; the old web process was then still waiting for the question
    web.send_signal(signal.SIGKILL)
    web.wait(10)


@pytest.mark.parametrize("change", ["edit", "deletion"])
async def test_a_change_acknowledged_by_a_web_process_killed_at_once_still_reaches_the_meeting(
    start_cercle, slack, redis_url, tmp_path, change
):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), **EVERYTHING)
    live = await asked(cercle, slack, "How do we price a pilot?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]

    port = free_port()
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True, **EVERYTHING), "REDIS_URL": redis_url})
    web = start_app("web", env={**env, "PORT": str(port)}, log=tmp_path / "web.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=web)
        slack.events_url = f"http://127.0.0.1:{port}/slack/events"
        topic_id = live["blocks"][2]["elements"][0]["value"]
        async with cercle.runtime.relay.holding_topic(topic_id=topic_id):  # as a worker weighing a reply does
            reply = slack.user_post(
                BETA, INBOX, "U0ADMIN", "Run a paid pilot at 20% of list price.", thread_ts=mirror["ts"]
            )
            if change == "edit":
                event_id = slack.user_edit(BETA, INBOX, reply, "Run a paid pilot at 30% of list price.")
            else:
                event_id = slack.user_delete(BETA, INBOX, reply)
            await _killed_after_ack(slack, web, event_id)
    finally:
        stop(web)
        slack.events_url = f"{cercle.url}/slack/events"

    if change == "edit":
        shown = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]), timeout=20)
        await eventually(lambda: "30%" in thread(slack, ALPHA, MEET, live["ts"])[0]["text"], timeout=20)
        assert len(shown) == 1
    else:
        await eventually(queue_empty(cercle), timeout=20)  # the worker has weighed the reply by now
        await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]) == [], timeout=20)


async def test_a_deploy_in_the_middle_of_an_ask_lets_it_finish(start_cercle, slack, redis_url, tmp_path):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    port = free_port()
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), "REDIS_URL": redis_url, "PORT": str(port)})
    web = start_app("web", env=env, log=tmp_path / "web.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=web)
        answered = len(slack.responses)
        slack.latency_after_s["chat.postMessage"] = 2.0  # the root is posted; Slack is slow to say so
        response = await replace(cercle, port=port).ask(
            "How do we price a pilot?", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER"
        )
        assert response.status == 200
        await eventually(lambda: [m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]])
        web.send_signal(signal.SIGTERM)  # a deploy
        assert await asyncio.to_thread(web.wait, 30) == 0
    finally:
        stop(web)
        slack.latency_after_s.clear()

    (topic,) = await cercle.runtime.topics.open_topics(place=Place(Platform.SLACK, ALPHA, MEET))
    assert topic.question == "How do we price a pilot?"
    told = [r["text"] for r in slack.responses[answered:]]
    assert len(told) == 1 and told[0].startswith("Your question is open in") and "on its way to 1 partner" in told[0]
    await eventually(lambda: mirror_roots(slack, BETA), timeout=20)  # the partner was asked
    assert "web.draining" in (tmp_path / "web.log").read_text()


async def test_an_ask_killed_once_its_root_is_posted_is_finished_by_a_worker(
    start_cercle, slack, redis_url, tmp_path, capsys
):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    place = Place(Platform.SLACK, ALPHA, MEET)
    port = free_port()
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), "REDIS_URL": redis_url, "PORT": str(port)})
    web = start_app("web", env=env, log=tmp_path / "web.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=web)
        slack.latency_after_s["chat.postMessage"] = 5.0  # the root is posted; Slack is slow to say so
        response = await replace(cercle, port=port).ask(
            "How do we price a pilot?", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER"
        )
        assert response.status == 200
        await eventually(lambda: [m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]])
        web.send_signal(signal.SIGKILL)
        web.wait(10)
    finally:
        stop(web)
        slack.latency_after_s.clear()

    assert await cercle.runtime.topics.open_topics(place=place) == []  # posted, then nothing
    await asyncio.sleep(1.0)
    assert mirror_roots(slack, BETA) == []
    # A minute later: the dead process's claim on the question has expired, and the check is due.
    claims = [k async for k in cercle.runtime.redis.scan_iter(match=keys.question("claim", "*", "*", "*"))]
    assert len(claims) == 1 and 0 < await cercle.runtime.redis.pttl(claims[0]) <= ASKING_S * 1000
    await cercle.runtime.redis.delete(*claims)
    await cercle.runtime.queue.promote_due(now=time.time() + OPENING_CHECK_S)

    (topic,) = await eventually(lambda: cercle.runtime.topics.open_topics(place=place), timeout=20)
    (root,) = [m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]]
    assert topic.place.thread == root["ts"] and topic.question == "How do we price a pilot?"
    (mirror,) = await eventually(lambda: mirror_roots(slack, BETA), timeout=20)  # the partner is asked, once
    assert "price a pilot" in mirror["text"]
    await eventually(queue_empty(cercle), timeout=20)
    assert len(mirror_roots(slack, BETA)) == 1
    assert len([m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]]) == 1
    assert "topic.opening_checked" in capsys.readouterr().out  # the operator hears of it
    (told,) = slack.calls_to("chat.postEphemeral")  # and the asker, who never heard back from the /ask
    assert told.params["user"] == "U0MEMBER" and told.params["channel"] == MEET
    assert told.params["text"].startswith("Sorry for the wait: your question is open in")
    assert "on its way to 1 partner" in told.params["text"]


async def test_an_ending_killed_midway_is_finished_by_a_worker(start_cercle, slack, redis_url, tmp_path):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    place = Place(Platform.SLACK, ALPHA, MEET)
    await asked(cercle, slack, "How do we price a pilot?")
    await asked(cercle, slack, "Who knows a good auditor in Lyon?")
    await eventually(lambda: len(mirror_roots(slack, BETA)) == 2)
    await eventually(queue_empty(cercle), timeout=20)
    port = free_port()
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), "REDIS_URL": redis_url, "PORT": str(port)})
    web = start_app("web", env=env, log=tmp_path / "web.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=web)
        slack.latency_after_s["chat.update"] = 5.0  # the first root is marked closed; Slack is slow to say so
        response = await replace(cercle, port=port).ask("end", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER")
        assert response.status == 200
        await eventually(lambda: sum("*Closed*" in str(m["blocks"]) for m in roots(slack, ALPHA, MEET)) == 1)
        web.send_signal(signal.SIGKILL)
        web.wait(10)
    finally:
        stop(web)
        slack.latency_after_s.clear()

    assert await cercle.runtime.topics.current_meeting(place=place) is None  # ended, then nothing more
    assert len(await cercle.runtime.topics.open_topics(place=place)) == 0
    await asyncio.sleep(1.0)
    assert summaries(slack) == []
    await cercle.runtime.queue.promote_due(now=time.time() + ENDING_CHECK_S)  # a minute later

    (summary,) = await eventually(lambda: summaries(slack), timeout=20)
    assert "price a pilot" in str(summary["blocks"]) and "auditor in Lyon" in str(summary["blocks"])
    await eventually(lambda: sum("*Closed*" in str(m["blocks"]) for m in roots(slack, ALPHA, MEET)) == 2, timeout=20)
    await eventually(lambda: all("This topic is closed" in str(m["blocks"]) for m in mirror_roots(slack, BETA)))
    await eventually(queue_empty(cercle), timeout=20)
    assert len(summaries(slack)) == 1


async def test_a_close_killed_while_slack_confirms_it_has_told_the_partners(start_cercle, slack, redis_url, tmp_path):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot?")
    await eventually(lambda: mirror_roots(slack, BETA))
    topic_id = live["blocks"][2]["elements"][0]["value"]
    port = free_port()
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), "REDIS_URL": redis_url, "PORT": str(port)})
    web = start_app("web", env=env, log=tmp_path / "web.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=web)
        slack.latency_after_s["chat.update"] = 5.0  # the root is marked closed; Slack is slow to say so
        response = await replace(cercle, port=port).interact(
            click("cercle_close_topic", topic_id, user="U0MEMBER", slack=slack)
        )
        assert response.status == 200
        await eventually(lambda: "*Closed*" in str(roots(slack, ALPHA, MEET)[0]["blocks"]))
        web.send_signal(signal.SIGKILL)
        web.wait(10)
    finally:
        stop(web)
        slack.latency_after_s.clear()

    await eventually(lambda: "This topic is closed" in str(mirror_roots(slack, BETA)[0]["blocks"]), timeout=20)
