"""Scenario: a worker is killed (SIGKILL) in the middle of a fan-out. Every partner still gets
exactly one mirror: the job stays pending, another worker re-claims it and finds what was posted."""

from __future__ import annotations

import asyncio
import re
import signal

import pytest

from app.domain.models import MirrorStatus, Place, Platform
from tests.conftest import ON_BOTH, cercle_env
from tests.flows import command, install, organisation
from tests.processes import clean_env, start_app, stop
from tests.waiting import eventually

pytestmark = pytest.mark.slow

ALPHA = "TALPHA0001"
PARTNERS = 10


def mirrors_in(slack, team: str) -> list[dict]:
    return [m for m in slack.channel_messages(team, "C0INBOX001") if "stuck on" in m.get("text", "")]


@ON_BOTH  # on a Redis Cluster too
async def test_sigkill_mid_fan_out_leaves_each_partner_exactly_one_mirror(start_cercle, slack, redis_env, tmp_path):
    organisation(slack, ALPHA, "Alpha Corp")
    others = [organisation(slack, f"TPART{i:05d}", f"Partner {i}") for i in range(PARTNERS)]
    cercle = await start_cercle(oauth=True, worker=False)  # web only: the workers are real processes below
    await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")
    for ws in others:
        await install(cercle, slack, team_id=ws.team_id, user_id="U0ADMIN")
        await command(cercle, slack, "inbox", team_id=ws.team_id, channel="C0INBOX001", user="U0ADMIN")
        invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN")
        code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
        await command(
            cercle, slack, f"partners accept {code}", team_id=ws.team_id, channel="C0MEET0001", user="U0ADMIN"
        )

    # Slack posts each mirror at once but answers slowly: a killed worker never learns the ts.
    slack.latency_after_s["chat.postMessage"] = 0.6
    env = clean_env(**{**cercle_env(slack, data_dir=tmp_path, oauth=True), **redis_env, "LOG_FORMAT": "json"})
    first = start_app("worker", env=env, log=tmp_path / "worker-1.log")
    await command(
        cercle, slack, "Who can review our pricing page?", team_id=ALPHA, channel="C0MEET0001", user="U0MEMBER"
    )
    await eventually(lambda: sum(len(mirrors_in(slack, ws.team_id)) for ws in others) >= 2, timeout=30)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    posted_before_kill = sum(len(mirrors_in(slack, ws.team_id)) for ws in others)
    assert posted_before_kill < PARTNERS, "the kill came too late to test anything"

    second = start_app("worker", env=env, log=tmp_path / "worker-2.log")
    try:
        await eventually(lambda: all(mirrors_in(slack, ws.team_id) for ws in others), timeout=60)
        topic = (await cercle.runtime.topics.open_topics(place=_meeting_place()))[0]

        async def all_recorded() -> bool:
            mirrors = await cercle.runtime.relay.mirrors(topic_id=topic.id)
            return len(mirrors) == PARTNERS and all(m.status is MirrorStatus.POSTED for m in mirrors)

        await eventually(all_recorded, timeout=60)
        await asyncio.sleep(2)  # anything still pending would post a duplicate now
    finally:
        stop(second)
    assert [len(mirrors_in(slack, ws.team_id)) for ws in others] == [1] * PARTNERS
    recovered = [c for c in slack.calls_to("conversations.history")]
    assert recovered, "the second worker looked for mirrors the first one had already posted"


def _meeting_place() -> Place:
    return Place(Platform.SLACK, ALPHA, "C0MEET0001")
