"""Composition root: builds the services of one process from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from app.config import Settings
from app.crypto import TokenCipher, development_secret
from app.logs import get_logger
from app.metrics import Metrics
from app.queue import JobHandler, JobQueue, Worker
from app.store import Deduplicator, RedisTopicRepository
from app.web import build_web_app
from handlers.slack import SlackServices, build_slack_app

log = get_logger("app.runtime")

REDIS_POOL_SIZE = 256


def connect_redis(url: str, *, pool_size: int = REDIS_POOL_SIZE) -> aioredis.Redis:
    """A blocking pool: past ``pool_size`` busy connections callers wait, instead of failing
    (redis-py 8 raises MaxConnectionsError on a plain pool)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url, max_connections=pool_size, timeout=10, decode_responses=True, health_check_interval=30
    )
    return aioredis.Redis(connection_pool=pool)


@dataclass
class Runtime:
    settings: Settings
    redis: aioredis.Redis
    repository: RedisTopicRepository
    dedupe: Deduplicator
    queue: JobQueue
    metrics: Metrics
    slack_app: AsyncApp | None
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _socket_handler: Any = None

    def cipher(self) -> TokenCipher:
        secret = self.settings.secret_key or development_secret(data_dir=self.settings.data_dir)
        return TokenCipher(secret=secret)

    async def start_web(self, *, host: str = "0.0.0.0") -> int:
        """Serve HTTP; returns the bound port (useful when PORT=0)."""
        app = build_web_app(
            metrics=self.metrics,
            redis=self.redis,
            queue=self.queue,
            slack_app=self.slack_app,
            slack_over_http=bool(self.settings.slack.signing_secret),  # unsigned HTTP is never accepted
        )
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, self.settings.port, backlog=1024)
        await site.start()
        port = int(self._runner.addresses[0][1])
        if self.slack_app is not None and self.slack_app.client.session is None:
            # One pooled HTTP session for every Slack call of this process (Bolt copies it into
            # each request's client); without it slack_sdk opens a new connection per call.
            self.slack_app.client.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=30),
            )
        log.info("web.started", port=port, slack=self.settings.slack.describe())
        if self.slack_app is not None and self.settings.slack.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket_handler = AsyncSocketModeHandler(self.slack_app, self.settings.slack.app_token)
            await self._socket_handler.connect_async()
            log.info("slack.socket_mode_connected")
        return port

    def worker(self) -> Worker:
        return Worker(queue=self.queue, handlers=self.job_handlers, clock=time.time)

    async def close(self) -> None:
        if self._socket_handler is not None:
            with contextlib.suppress(Exception):
                await self._socket_handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.slack_app is not None:
            session = self.slack_app.client.session
            if session is not None and not session.closed:
                await session.close()
        await self.redis.aclose()
        await asyncio.sleep(0)


def build_runtime(*, settings: Settings, redis_url: str) -> Runtime:
    redis = connect_redis(redis_url)
    metrics = Metrics()
    repository = RedisTopicRepository(redis=redis)
    dedupe = Deduplicator(redis=redis)
    runtime = Runtime(
        settings=settings,
        redis=redis,
        repository=repository,
        dedupe=dedupe,
        queue=JobQueue(redis=redis),
        metrics=metrics,
        slack_app=None,
    )
    if settings.slack.enabled:
        runtime.slack_app = build_slack_app(
            settings=settings.slack,
            services=SlackServices(repository=repository, dedupe=dedupe, metrics=metrics),
            redis=redis,
            cipher=runtime.cipher() if settings.slack.oauth else None,
        )
    return runtime
