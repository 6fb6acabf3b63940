"""Scenario: a process stops in the middle of its work. Slack does not send again what it saw
acknowledged, so nothing acknowledged may be lost:
- a web process killed (SIGKILL) right after acknowledging an edit or a deletion, while a worker holds
  the question: the change was queued first, the meeting still follows it;
- an /ask acknowledged while no worker runs: it waits in the queue and is opened once one starts;
- a worker killed (SIGKILL) once it posted a topic's root, before it stored the topic: the next
  worker finds that root and finishes with it, posting nothing twice;
- a worker killed while Slack is slow to confirm a closed topic's root: the partners were told first;
- a worker killed while it closes the meeting's topics one by one: the ending's check closes the
  rest, and the summary and the partners' thanks go out once."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

import pytest

from app.domain.models import Place, Platform
from app.runtime.embedded_redis import free_port
from app.usecases.meeting import ENDING_CHECK_S
from tests.conftest import cercle_env
from tests.flows import organisation, partner_up
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


@contextlib.asynccontextmanager
async def worker_in_this_process(cercle):
    worker = cercle.runtime.worker()
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.stop()
        await task


def worker_process(slack, redis_url: str, tmp_path, name: str):
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), "REDIS_URL": redis_url})
    return start_app("worker", env=env, log=tmp_path / f"{name}.log")


async def web_only(start_cercle, slack):
    """Alpha and Beta partners, Cercle's web in this process and no worker running yet."""
    alpha, beta = organisation(slack, ALPHA, "Alpha Corp"), organisation(slack, BETA, "Beta Org")
    cercle = await start_cercle(oauth=True, worker=False)
    await partner_up(cercle, slack, alpha, beta)
    return cercle


async def test_an_ask_acknowledged_while_no_worker_runs_is_opened_once_one_starts(start_cercle, slack):
    cercle = await web_only(start_cercle, slack)
    answered = len(slack.responses)
    response = await cercle.ask("How do we price a pilot?", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER")
    assert response.status == 200 and await response.text() == ""  # acknowledged: recorded in Redis
    await asyncio.sleep(0.5)
    assert roots(slack, ALPHA, MEET) == [] and len(slack.responses) == answered

    async with worker_in_this_process(cercle):
        (topic,) = await eventually(lambda: cercle.runtime.topics.open_topics(place=Place(Platform.SLACK, ALPHA, MEET)))
        await eventually(lambda: mirror_roots(slack, BETA), timeout=20)  # the partner was asked
        await eventually(lambda: len(slack.responses) > answered)
    assert topic.question == "How do we price a pilot?"
    told = [r["text"] for r in slack.responses[answered:]]
    assert len(told) == 1 and told[0].startswith("Your question is open in") and "on its way to 1 partner" in told[0]


async def test_a_worker_killed_once_its_root_is_posted_leaves_one_root_to_the_next(
    start_cercle, slack, redis_url, tmp_path
):
    cercle = await web_only(start_cercle, slack)
    place = Place(Platform.SLACK, ALPHA, MEET)
    answered = len(slack.responses)
    slack.latency_after_s["chat.postMessage"] = 5.0  # the root is posted; Slack is slow to say so
    first = worker_process(slack, redis_url, tmp_path, "worker-1")
    try:
        await cercle.ask("How do we price a pilot?", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER")
        await eventually(lambda: [m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]], timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
        slack.latency_after_s.clear()
    assert await cercle.runtime.topics.open_topics(place=place) == []  # posted, then nothing
    assert mirror_roots(slack, BETA) == []

    async with worker_in_this_process(cercle):  # the job, silent for CERCLE_JOB_RETRY_SECONDS, is taken over
        (topic,) = await eventually(lambda: cercle.runtime.topics.open_topics(place=place), timeout=20)
        (mirror,) = await eventually(lambda: mirror_roots(slack, BETA), timeout=20)  # the partner is asked, once
        await eventually(queue_empty(cercle), timeout=20)
    (root,) = [m for m in roots(slack, ALPHA, MEET) if "price a pilot" in m["text"]]
    assert topic.place.thread == root["ts"] and "price a pilot" in mirror["text"]
    assert len(mirror_roots(slack, BETA)) == 1
    assert slack.calls_to("conversations.history")  # the second run looked for the root before posting
    told = [r["text"] for r in slack.responses[answered:]]
    assert len(told) == 1 and told[0].startswith("Your question is open in")  # the asker is told, once


async def test_an_ending_killed_midway_is_finished_by_its_check(start_cercle, slack, redis_url, tmp_path):
    cercle = await web_only(start_cercle, slack)
    place = Place(Platform.SLACK, ALPHA, MEET)
    async with worker_in_this_process(cercle):
        await asked(cercle, slack, "How do we price a pilot?")
        await asked(cercle, slack, "Who knows a good auditor in Lyon?")
        await eventually(lambda: len(mirror_roots(slack, BETA)) == 2)
        await eventually(queue_empty(cercle), timeout=20)
    worker = worker_process(slack, redis_url, tmp_path, "worker")
    try:
        slack.latency_after_s["chat.update"] = 5.0  # the first root is marked closed; Slack is slow to say so
        response = await cercle.ask("end", team_id=ALPHA, channel_id=MEET, user_id="U0MEMBER")
        assert response.status == 200
        await eventually(
            lambda: sum("*Closed*" in str(m["blocks"]) for m in roots(slack, ALPHA, MEET)) == 1, timeout=30
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        stop(worker)
        slack.latency_after_s.clear()

    assert await cercle.runtime.topics.current_meeting(place=place) is None  # ended, then nothing more
    assert summaries(slack) == []
    await cercle.runtime.queue.promote_due(now=time.time() + ENDING_CHECK_S)  # a minute later
    async with worker_in_this_process(cercle):
        (summary,) = await eventually(lambda: summaries(slack), timeout=20)
        assert "price a pilot" in str(summary["blocks"]) and "auditor in Lyon" in str(summary["blocks"])
        await eventually(
            lambda: sum("*Closed*" in str(m["blocks"]) for m in roots(slack, ALPHA, MEET)) == 2, timeout=20
        )
        await eventually(lambda: all("This topic is closed" in str(m["blocks"]) for m in mirror_roots(slack, BETA)))
        await eventually(queue_empty(cercle), timeout=20)
    assert len(summaries(slack)) == 1


async def test_a_close_killed_while_slack_confirms_it_has_told_the_partners(start_cercle, slack, redis_url, tmp_path):
    cercle = await web_only(start_cercle, slack)
    async with worker_in_this_process(cercle):
        live = await asked(cercle, slack, "How do we price a pilot?")
        await eventually(lambda: mirror_roots(slack, BETA))
        await eventually(queue_empty(cercle), timeout=20)
    topic_id = live["blocks"][2]["elements"][0]["value"]
    worker = worker_process(slack, redis_url, tmp_path, "worker")
    try:
        slack.latency_after_s["chat.update"] = 5.0  # the root is marked closed; Slack is slow to say so
        response = await cercle.interact(click("cercle_close_topic", topic_id, user="U0MEMBER", slack=slack))
        assert response.status == 200
        await eventually(lambda: "*Closed*" in str(roots(slack, ALPHA, MEET)[0]["blocks"]), timeout=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        stop(worker)
        slack.latency_after_s.clear()

    # The mirror's closing was queued before the root's update: the killed worker may have begun it,
    # or the worker that takes its place (as `make run` restarts one) does it.
    async with worker_in_this_process(cercle):
        await eventually(lambda: "This topic is closed" in str(mirror_roots(slack, BETA)[0]["blocks"]), timeout=20)
