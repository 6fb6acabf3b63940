"""What the use-case tests share: a real Redis and the real Slack client against the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from app.domain.models import Platform
from app.runtime.config import load_settings
from app.runtime.directory import Directories
from app.store.partners import RedisPartnerRepository
from app.store.queue import JobQueue
from app.store.ratelimit import ChannelRateLimiter
from app.store.relay import RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.store.votes import RedisVoteRepository
from app.usecases.context import Context
from integrations.slack.directory import SlackDirectory
from tests.conftest import cercle_env


@dataclass
class Connected:
    redis: aioredis.Redis
    directory: SlackDirectory


@pytest.fixture
async def connected(redis_url, slack, workspace, tmp_path) -> AsyncIterator[Connected]:
    """One workspace (tests/conftest.py's ``workspace``), reached as the worker reaches it."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    session = aiohttp.ClientSession()
    settings = load_settings(cercle_env(slack, data_dir=tmp_path))
    yield Connected(redis, SlackDirectory(settings=settings.slack, installation_store=None, session=session))
    await session.close()
    await redis.aclose()


def context(*, redis: aioredis.Redis, directory: SlackDirectory, **overrides: Any) -> Context:
    """The bundle of ports a use case takes, on the real Redis and the real Slack client;
    ``overrides`` replace any part (a store that fails on purpose, the clock, the rules)."""
    parts: dict[str, Any] = {
        "topics": RedisTopicRepository(redis=redis),
        "partners": RedisPartnerRepository(redis=redis),
        "relay": RedisRelayRepository(redis=redis),
        "votes": RedisVoteRepository(redis=redis),
        "directory": Directories({Platform.SLACK: directory}),
        "jobs": JobQueue(redis=redis),
        "limiter": ChannelRateLimiter(redis=redis, per_second=1000, burst=1000),
    }
    return Context(**{**parts, **overrides})
