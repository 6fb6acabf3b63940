"""The Bot Connector client under Teams' refusals, against the stand-in and a real Redis: 429, 412,
502 and 504 retried with backoff (Retry-After first), other refusals in the core's words, and sends
paced under Teams' per-conversation limits (the stand-in records any excess as a violation)."""

from __future__ import annotations

import asyncio
import time

import pytest
from microsoft_agents.activity import Activity

from app.domain.errors import ChannelUnreachable, InstallationGone, RateLimited
from app.store.connection import RedisTarget, connect
from integrations.teams.connector import ATTEMPTS, Connector, NoToken
from tests.standins.bot_connector import BotConnectorStandIn

TENANT = "tenant-1"
CHANNEL = "19:meetingchannel0001@thread.tacv2"


class FixedToken:
    async def token(self) -> str:
        return "a-bot-framework-token"


@pytest.fixture
async def connector(redis_url: str, teams: BotConnectorStandIn):
    teams.add_team(TENANT, "Contoso", channels={CHANNEL: "meeting"})
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(min(seconds, 0.01))

    redis = connect(target=RedisTarget(url=redis_url))
    client = Connector(redis=redis, tokens=NoToken(), sleep=sleep)
    client.slept = slept  # type: ignore[attr-defined]
    yield client
    await client.close()
    await redis.aclose()


def hello(n: int = 0) -> Activity:
    return Activity(type="message", text=f"hello {n}")


async def send(connector: Connector, teams: BotConnectorStandIn, n: int = 0) -> str:
    return await connector.send(service_url=teams.service_url, tenant=TENANT, conversation=CHANNEL, activity=hello(n))


@pytest.mark.parametrize("status", [429, 412, 502, 504])
async def test_retried_statuses_are_tried_again_and_post_once(connector, teams, status: int) -> None:
    teams.fail_next(status, times=2, retry_after="3" if status == 429 else None)
    message_id = await send(connector, teams)
    assert [p.id for p in teams.in_conversation(CHANNEL)] == [message_id]
    assert len(teams.calls) == 3
    if status == 429:
        assert all(3 <= s <= 3 * 1.25 for s in connector.slept)  # Retry-After, with jitter on top
    else:
        assert connector.slept[1] > connector.slept[0]  # exponential backoff


async def test_a_429_storm_ends_in_rate_limited_and_nothing_posted(connector, teams) -> None:
    teams.fail_next(429, times=ATTEMPTS, retry_after="1")
    with pytest.raises(RateLimited):
        await send(connector, teams)
    assert teams.in_conversation(CHANNEL) == []
    assert len(teams.calls) == ATTEMPTS


async def test_refusals_are_told_in_the_core_words(connector, teams) -> None:
    with pytest.raises(ChannelUnreachable):
        await connector.send(
            service_url=teams.service_url, tenant=TENANT, conversation="19:nowhere@thread.tacv2", activity=hello()
        )
    teams.expected_token = "another-token"
    with pytest.raises(InstallationGone):
        await send(connector, teams)


async def test_a_token_is_sent_when_there_is_one(redis_url, teams) -> None:
    teams.add_team(TENANT, "Contoso", channels={CHANNEL: "meeting"})
    teams.expected_token = "a-bot-framework-token"
    redis = connect(target=RedisTarget(url=redis_url))
    client = Connector(redis=redis, tokens=FixedToken())
    try:
        assert await send(client, teams)
    finally:
        await client.close()
        await redis.aclose()


async def test_a_burst_to_one_conversation_keeps_under_teams_limits(connector, teams) -> None:
    started = time.monotonic()
    ids = await asyncio.gather(*(send(connector, teams, n) for n in range(12)))
    assert len(set(ids)) == 12
    assert time.monotonic() - started >= (12 - 2) / 1.75 - 0.5  # paced: a burst of 2, then 1.75 a second
