"""Scenario: on a Redis Cluster, the master holding the meeting's topic is killed (SIGKILL) in the
middle of the meeting. Its replica takes over; Cercle's web and worker reconnect and go on: the
partner's reply, sent while the master was down, is acknowledged to Slack and injected once; the
votes count; the meeting ends with one summary and one thanks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import keys
from tests.flows import command
from tests.redis_cluster import LocalCluster
from tests.scenarios.test_delivery import GOOD
from tests.scenarios.test_meeting_end import summaries
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    INBOX,
    MEET,
    asked,
    mirror_roots,
    network,
    settled_answers,
    thread,
)
from tests.waiting import eventually

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    """A cluster of its own: this scenario leaves one node dead."""
    cluster = LocalCluster(data_dir=tmp_path / "cluster").start()
    yield cluster
    cluster.stop()


@pytest.fixture
def redis_env(cluster: LocalCluster) -> dict[str, str]:
    return {"REDIS_CLUSTER": "true", "REDIS_CLUSTER_NODES": cluster.node_list}


async def test_a_master_killed_mid_meeting_loses_nothing(start_cercle, slack, cluster):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]

    doomed = cluster.master_of(keys.topic(topic_id))
    cluster.kill(doomed)
    killed_at = time.monotonic()
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])  # while the topic's slots are down

    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]), timeout=60))[0]
    recovered_s = time.monotonic() - killed_at
    assert cluster.master_of(keys.topic(topic_id)) is not doomed  # its replica took over
    assert [d["status"] for d in slack.deliveries if d["status"] != 200] == []  # every event acknowledged
    (answer,) = await settled_answers(cercle, topic_id, count=1)
    slack.user_react(ALPHA, MEET, injected["ts"], "U0MEMBER", "+1")
    slack.user_react(ALPHA, MEET, injected["ts"], "U0ADMIN", "+1")

    async def voted() -> bool:
        return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id) == 2

    await eventually(voted, timeout=30)
    assert "Ending the meeting" in await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    (summary,) = await eventually(lambda: summaries(slack), timeout=30)
    assert "+2 votes" in json.dumps(summary["blocks"])
    thanks = await eventually(
        lambda: [m for m in thread(slack, BETA, INBOX, mirror["ts"]) if "Thank you" in m["text"]], timeout=30
    )
    assert len(thanks) == 1 and len(thread(slack, ALPHA, MEET, live["ts"])) == 1 and len(summaries(slack)) == 1
    assert recovered_s < 60
