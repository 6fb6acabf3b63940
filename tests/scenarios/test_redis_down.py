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


async def test_a_teams_activity_gets_503_while_redis_is_away_and_its_retry_is_taken(
    start_cercle, slack, workspace, teams, own_redis
):
    """Teams sends an activity again when it gets no 200: a 503 (never a 500) while Redis is away, and
    the retry, once Redis is back, opens the topic once."""
    from tests.standins.teams_activities import bot_added, channel_message, person

    cercle = await start_cercle()
    teams.messages_url = f"{cercle.url}/api/messages"
    team = teams.add_team("tenant-redis-down", "Contoso", channels={"19:meeting@thread.tacv2": "meeting"})
    assert (await teams.deliver(bot_added(teams, team, by=person("grace")))).status == 200
    asked = channel_message(teams, team, "19:meeting@thread.tacv2", "ask Is anyone there?", by=person("ada"))
    own_redis.stop()
    try:
        assert (await teams.deliver(asked)).status == 503
    finally:
        own_redis.start()
    assert (await teams.deliver(asked)).status == 200
    await eventually(lambda: [p for p in teams.in_conversation("19:meeting@thread.tacv2") if p.card], timeout=15)
    await eventually(lambda: [p for p in teams.posted if p.reply_to == asked["id"]], timeout=15)
    assert len([p for p in teams.in_conversation("19:meeting@thread.tacv2") if p.card]) == 1
