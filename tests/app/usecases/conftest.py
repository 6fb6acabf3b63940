"""What the use-case tests share: a real Redis and the real Slack client against the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
import redis.asyncio as aioredis

from app.runtime.config import load_settings
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
