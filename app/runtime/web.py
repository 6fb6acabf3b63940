"""The aiohttp application of the `web` process."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from redis.exceptions import RedisError
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from app.runtime.guard import ConnectionGuard
from app.runtime.logs import get_logger
from app.runtime.metrics import Metrics
from app.store.counters import Counters
from app.store.queue import JobQueue
from handlers.slack.http import slack_events

log = get_logger("app.runtime.web")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class TeamsEndpoint:
    """POST /api/messages, and what the Agents SDK's JWT check reads from the app."""

    handler: Handler
    auth: Any  # the SDK's AgentAuthConfiguration


def _metrics_middleware(metrics: Metrics) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
        try:
            response = await handler(request)
        except web.HTTPException as error:
            metrics.requests.labels(route, str(error.status)).inc()
            raise
        except Exception:
            metrics.requests.labels(route, "500").inc()
            metrics.errors.labels("http").inc()
            log.exception("http.unhandled_error", route=route)
            raise
        metrics.requests.labels(route, str(response.status)).inc()
        return response

    return middleware


def build_web_app(
    *,
    metrics: Metrics,
    redis: object,
    queue: JobQueue,
    counters: Counters,
    slack_app: AsyncApp | None,
    guard: ConnectionGuard,
    teams: TeamsEndpoint | None = None,
    slack_signing_secret: str | None = None,
    started_at: float | None = None,
) -> web.Application:
    app = web.Application(middlewares=[guard.middleware(), _metrics_middleware(metrics)], client_max_size=1024**2)
    started = started_at or time.time()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "uptime_s": round(time.time() - started, 1)})

    async def readyz(_: web.Request) -> web.Response:
        try:
            await redis.ping()  # type: ignore[attr-defined]
        except (RedisError, OSError) as error:
            return web.json_response({"status": "unavailable", "redis": str(error)[:200]}, status=503)
        return web.json_response({"status": "ready", "redis": "ok"})

    async def metrics_endpoint(_: web.Request) -> web.Response:
        try:
            metrics.queue_depth.set(await queue.depth())
            metrics.scheduled.set(await queue.scheduled_count())
            metrics.pending.set(await queue.pending())
            metrics.dead.set(await queue.dead_count())
            metrics.asks.shared = await counters.read(name="asks")
            metrics.errors.shared = await counters.read(name="errors")
        except (RedisError, OSError):
            metrics.errors.labels("redis").inc()
        return web.Response(body=metrics.render(), headers={"Content-Type": metrics.content_type})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    _add_teams(app, teams)

    if slack_app is None or not slack_signing_secret:
        hint = (
            "set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN"
            if slack_app is None
            else "Socket Mode is on; set SLACK_SIGNING_SECRET to also accept signed HTTP requests"
        )

        async def slack_not_configured(_: web.Request) -> web.Response:
            return web.json_response(
                {"ok": False, "error": "slack_not_configured", "hint": hint},
                status=503,
            )

        app.router.add_post("/slack/events", slack_not_configured)
        return app

    handler = slack_events(app=slack_app, signing_secret=slack_signing_secret, read_body=guard.read_body)
    app.router.add_post("/slack/events", handler)
    flow = slack_app.oauth_flow
    if flow is not None:

        async def slack_install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def slack_oauth_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        app.router.add_get(flow.install_path, slack_install)
        app.router.add_get(flow.redirect_uri_path, slack_oauth_redirect)
    return app


def _add_teams(app: web.Application, teams: TeamsEndpoint | None) -> None:
    if teams is not None:
        app["agent_configuration"] = teams.auth  # the key the SDK's JWT check reads
        app.router.add_post("/api/messages", teams.handler)
        return

    async def teams_not_configured(_: web.Request) -> web.Response:
        hint = "set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (CERCLE_ENV=production has no emulator mode)"
        return web.json_response({"error": "teams_not_configured", "hint": hint}, status=503)

    app.router.add_post("/api/messages", teams_not_configured)
