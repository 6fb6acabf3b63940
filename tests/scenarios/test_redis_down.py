"""Scenario: Redis is gone when someone runs a command: they are told, instead of waiting for nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.runtime.embedded_redis import EmbeddedRedis
from handlers.slack.app import UNAVAILABLE
from tests.waiting import eventually


@pytest.fixture
def own_redis(tmp_path) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(data_dir=tmp_path / "redis", persistent=False).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(own_redis: EmbeddedRedis) -> str:
    """This test stops its Redis: not the one the other tests share."""
    return own_redis.url


async def test_a_command_that_fails_after_the_ack_says_so(start_cercle, slack, workspace, own_redis):
    cercle = await start_cercle()
    await cercle.ask("Is anyone there?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    assert "open in" in slack.responses[0]["text"]

    own_redis.stop()
    try:
        await cercle.ask("And now?", team_id="TALPHA0001", channel_id="C0MEET0001")
        await eventually(lambda: len(slack.responses) > 1, timeout=15)
        assert slack.responses[1]["text"] == UNAVAILABLE
        assert slack.responses[1]["response_type"] == "ephemeral"
        assert len(slack.calls_to("chat.postMessage")) == 1  # nothing was posted for the second
    finally:
        own_redis.start()  # the fixture's teardown stops it cleanly


async def test_an_event_is_acknowledged_only_once_recorded_and_slack_sends_it_again(
    start_cercle, slack, workspace, own_redis, capsys
):
    """Bolt acknowledges an event before its listener runs: a 200 sent before the write would lose
    the event if the write then failed. Cercle answers 503 instead, and Slack's retry is recorded."""
    cercle = await start_cercle(worker=False)
    reaction = {
        "type": "reaction_added",
        "user": "U0ASKER",
        "reaction": "+1",
        "event_ts": "1800000000.000200",
        "item": {"type": "message", "channel": "C0MEET0001", "ts": "1800000000.000100"},
    }
    stream = cercle.runtime.queue.streams[0]
    redis = cercle.runtime.redis
    await redis.set(stream, "not a stream")  # the job's write fails (WRONGTYPE), as when Redis fails
    refused = await cercle.event(reaction, team_id="TALPHA0001", event_id="Ev0RETRIED")
    assert refused.status == 503 and await refused.text() == ""
    assert "slack.event_not_recorded" in capsys.readouterr().out

    await redis.delete(stream)
    retried = await cercle.event(reaction, team_id="TALPHA0001", event_id="Ev0RETRIED", **{"X-Slack-Retry-Num": "1"})
    assert retried.status == 200
    again = await cercle.event(reaction, team_id="TALPHA0001", event_id="Ev0RETRIED", **{"X-Slack-Retry-Num": "2"})
    assert again.status == 200
    assert await cercle.runtime.queue.depth() == 1  # recorded, once
