"""Composition root: builds the services of one process from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from app.domain.models import Platform
from app.domain.ports import ChatDirectory, PartnerRepository, RelayRepository, TopicRepository, VoteRepository
from app.relevance.reading import TextRelevance
from app.runtime.config import Settings
from app.runtime.crypto import TokenCipher, development_secret
from app.runtime.directory import Directories
from app.runtime.guard import ConnectionGuard
from app.runtime.inflight import InFlight
from app.runtime.jobs import job_handlers
from app.runtime.logs import get_logger
from app.runtime.metrics import Metrics
from app.runtime.networks import ConnectedNetworks, connect_networks
from app.store.connection import RedisClient, Replication, connect
from app.store.counters import Counters
from app.store.languages import RedisLanguages
from app.store.ledger import RedisLedger
from app.store.networks import RedisNetworkLog
from app.store.partners import RedisPartnerRepository
from app.store.queue import JobQueue, Worker
from app.store.ratelimit import ChannelRateLimiter
from app.store.relay import RedisRelayRepository
from app.store.topics import Deduplicator, RedisTopicRepository
from app.store.votes import RedisVoteRepository
from app.usecases.context import Context
from integrations.slack.client import new_session
from integrations.slack.directory import SlackDirectory
from integrations.slack.stores import RedisInstallationStore
from integrations.teams.directory import TeamsDirectory

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from app.runtime.web import TeamsEndpoint

log = get_logger("app.runtime.services")

WORKER_MAX_WAIT_S = 1.0  # a longer wait for a channel's rate limit sends the job back to the queue


@dataclass
class Runtime:
    settings: Settings
    redis: RedisClient
    ctx: Context  # the ports every use case reaches, on this Redis
    queue: JobQueue
    dedupe: Deduplicator
    metrics: Metrics
    counters: Counters
    slack_app: AsyncApp | None = None
    slack_directory: SlackDirectory | None = None
    teams_directory: TeamsDirectory | None = None
    matcher: TextRelevance | None = None  # the optional text models (CERCLE_RELEVANCE_MODEL)
    inflight: InFlight = field(default_factory=InFlight)  # listeners still at work after their ack
    _session: aiohttp.ClientSession | None = None
    _runner: web.AppRunner | None = None
    _listener: asyncio.Server | None = None
    _guard: ConnectionGuard | None = None
    _socket_handler: Any = None

    @property
    def topics(self) -> TopicRepository:
        return self.ctx.topics

    @property
    def partners(self) -> PartnerRepository:
        return self.ctx.partners

    @property
    def relay(self) -> RelayRepository:
        return self.ctx.relay

    @property
    def votes(self) -> VoteRepository:
        return self.ctx.votes

    def _open_session(self) -> None:
        """One pooled HTTP session for every Slack call of this process (Bolt copies the app
        client's session into each request's client), created inside the running loop."""
        if self._session is not None:
            return
        self._session = new_session()
        if self.slack_app is not None:
            self.slack_app.client.session = self._session
        if self.slack_directory is not None:
            self.slack_directory.use_session(self._session)

    async def start_web(self, *, host: str = "0.0.0.0", guard: ConnectionGuard | None = None) -> int:
        """Serve HTTP; returns the bound port (useful when PORT=0). ``guard``: the timeouts and the
        connection cap against slow clients (the defaults when None)."""
        from app.runtime.web import build_web_app  # Bolt's HTTP adapter: a worker alone never loads it

        self._open_session()
        self._guard = guard or ConnectionGuard()
        teams = self._teams_endpoint(guard=self._guard)
        app = build_web_app(
            teams=teams,
            guard=self._guard,
            metrics=self.metrics,
            redis=self.redis,
            queue=self.queue,
            counters=self.counters,
            slack_app=self.slack_app,
            slack_signing_secret=self.settings.slack.signing_secret,  # unsigned HTTP is never accepted
        )
        # Bounded graceful stop: keep-alive clients must not hold a deploy for a minute.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=False, shutdown_timeout=5.0)
        await self._runner.setup()
        server = self._runner.server
        assert server is not None
        factory = self._guard.factory(server)
        self._listener = await asyncio.get_running_loop().create_server(factory, host, self.settings.port, backlog=1024)
        port = int(self._listener.sockets[0].getsockname()[1])
        log.info("web.started", port=port, slack=self.settings.slack.describe(), teams=self.settings.teams.describe())
        if self.settings.teams.emulator:
            log.warning("teams.emulator_mode", platform="teams", detail=self.settings.teams.describe())
        if self.slack_app is not None and self.settings.slack.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket_handler = AsyncSocketModeHandler(self.slack_app, self.settings.slack.app_token)
            await self._socket_handler.connect_async()
            log.info("slack.socket_mode_connected")
        return port

    def _teams_endpoint(self, *, guard: ConnectionGuard) -> TeamsEndpoint | None:
        """POST /api/messages with the SDK's JWT check, when Teams is on (credentials, or the emulator mode)."""
        if self.teams_directory is None:
            return None
        from app.runtime.web import TeamsEndpoint
        from handlers.teams.http import teams_messages
        from handlers.teams.turns import TeamsServices
        from integrations.teams.auth import auth_configuration

        services = TeamsServices(
            ctx=self.ctx, directory=self.teams_directory, inflight=self.inflight, dedupe=self.dedupe
        )
        handler = teams_messages(services=services, emulator=self.settings.teams.emulator, read_body=guard.read_body)
        return TeamsEndpoint(handler=handler, auth=auth_configuration(self.settings.teams))

    def worker(self, *, concurrency: int = 8) -> Worker:
        self._open_session()
        # A job that would wait more than a second for a busy channel stands aside instead; the text
        # models read replies in the worker only.
        limiter = ChannelRateLimiter(redis=self.redis, max_wait_s=WORKER_MAX_WAIT_S)
        ctx = replace(self.ctx, limiter=limiter, matcher=self.matcher)
        handlers = job_handlers(ctx=ctx, counters=self.counters)
        return Worker(queue=self.queue, handlers=handlers, clock=time.time, concurrency=concurrency)

    async def close(self) -> None:
        """Stop serving and release connections; calling it twice is harmless."""
        if self._socket_handler is not None:
            with contextlib.suppress(Exception):
                await self._socket_handler.close_async()
            self._socket_handler = None
        if self._listener is not None:
            self._listener.close()  # no new connection from here on
            self._listener = None
        if self._runner is not None:
            await self._runner.cleanup()  # the requests under way finish (5 s at most), then no more
            self._runner = None
        if self.inflight.running:
            log.info("web.draining", listeners=self.inflight.running)
            left = await self.inflight.drain()
            if left:
                log.warning("web.drain_timed_out", listeners=left)
        if self._session is not None and not self._session.closed:
            await self._session.close()
        if self.teams_directory is not None:
            await self.teams_directory.close()
        if isinstance(self.ctx.networks, ConnectedNetworks):
            await self.ctx.networks.close()
        await self.redis.aclose()
        await asyncio.sleep(0)


def _cipher(settings: Settings) -> TokenCipher:
    return TokenCipher(secret=settings.secret_key or development_secret(data_dir=settings.data_dir))


def _teams_directory(*, settings: Settings, redis: RedisClient) -> TeamsDirectory | None:
    if not settings.teams.enabled:
        return None
    from integrations.teams.auth import token_source
    from integrations.teams.connector import Connector

    connector = Connector(redis=redis, tokens=token_source(settings.teams))
    return TeamsDirectory(redis=redis, connector=connector, rules=settings.delivery)


def build_runtime(
    *, settings: Settings, redis_url: str | None = None, worker: bool = True, web: bool = True
) -> Runtime:
    """``worker``: this process runs jobs, so it loads the text models (the web never does); ``web``:
    it serves HTTP, so it builds the Bolt app (a worker alone does without: some 10 MB less)."""
    redis = connect(target=settings.redis_target(url=redis_url))
    store = RedisInstallationStore(redis=redis, cipher=_cipher(settings)) if settings.slack.oauth else None
    slack_directory = (
        SlackDirectory(settings=settings.slack, installation_store=store, rules=settings.delivery)
        if settings.slack.enabled
        else None
    )
    teams_directory = _teams_directory(settings=settings, redis=redis)
    by_platform: dict[Platform, ChatDirectory] = {}
    if slack_directory is not None:
        by_platform[Platform.SLACK] = slack_directory
    if teams_directory is not None:
        by_platform[Platform.TEAMS] = teams_directory
    languages = RedisLanguages(redis=redis)
    directories = Directories(by_platform, languages=languages, default_language=settings.default_language)
    queue = JobQueue(
        redis=redis,
        streams=settings.job_streams,
        replication=Replication(replicas=settings.replica_acks),
        claim_idle_ms=int(settings.job_retry_seconds * 1000),
    )
    ctx = Context(
        topics=RedisTopicRepository(redis=redis),
        partners=RedisPartnerRepository(redis=redis),
        relay=RedisRelayRepository(redis=redis),
        votes=RedisVoteRepository(redis=redis),
        directory=directories,
        jobs=queue,
        limiter=ChannelRateLimiter(redis=redis),
        rules=settings.delivery,
        vote_rules=settings.votes,
        timings=settings.timings,
        admins=settings.admins,
        networks=connect_networks(settings.networks),
        network_log=RedisNetworkLog(redis=redis),
        ledger=RedisLedger(redis=redis),
        languages=languages,
        default_language=settings.default_language,
        default_reach=settings.networks.default_reach,
        poll_s=settings.networks.poll_seconds,
    )
    runtime = Runtime(
        settings=settings,
        redis=redis,
        ctx=ctx,
        queue=queue,
        dedupe=Deduplicator(redis=redis),
        metrics=Metrics(),
        counters=Counters(redis=redis),
        slack_directory=slack_directory,
        teams_directory=teams_directory,
        matcher=TextRelevance(models=settings.text_models) if worker and settings.text_models != "pure" else None,
    )
    if settings.slack.enabled and web:
        from handlers.slack import SlackServices, build_slack_app

        services = SlackServices(
            ctx=ctx,
            dedupe=runtime.dedupe,
            metrics=runtime.metrics,
            multi_workspace=settings.slack.oauth,
            inflight=runtime.inflight,
        )
        runtime.slack_app = build_slack_app(
            settings=settings.slack, services=services, installation_store=store, redis=redis
        )
    return runtime
