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
