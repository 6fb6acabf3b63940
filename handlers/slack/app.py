"""Builds the Bolt AsyncApp for the configured Slack mode and registers the listeners."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.models import Platform
from app.runtime.config import SlackSettings
from app.runtime.inflight import InFlight
from app.runtime.logs import get_logger
from app.runtime.metrics import Metrics
from app.store.topics import Deduplicator
from app.usecases.context import Context
from app.usecases.language import organisation_language, reader_language
from handlers.slack import installs, shapes
from integrations.catalog import ENGLISH, Say, say_in
from integrations.slack.chat import SlackChat
from integrations.slack.client import build_client
from integrations.slack.stores import RedisOAuthStateStore

log = get_logger("handlers.slack")

# Every bot scope the whole product needs (the manifest lists the same).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "channels:history",
    "groups:history",
    "reactions:read",
    "users:read",
    "team:read",
)


@dataclass
class SlackServices:
    """What the listeners need; built once per process by the runtime."""

    ctx: Context
    dedupe: Deduplicator
    metrics: Metrics
    multi_workspace: bool = False
    inflight: InFlight = field(default_factory=InFlight)  # listeners still at work after their ack

    def chat(self, *, client: AsyncWebClient, team_id: str) -> SlackChat:
        """The workspace as the request's own client reaches it (Bolt chose its token)."""
        return SlackChat(client=client, team_id=team_id, multi_workspace=self.multi_workspace, rules=self.ctx.rules)

    async def reader(self, *, client: AsyncWebClient, team_id: str, user_id: str) -> Say:
        """The words of the person who typed or clicked: their Slack language, else their organisation's."""
        chat = self.chat(client=client, team_id=team_id)
        chat.language = await organisation_language(platform=Platform.SLACK, tenant=team_id, ctx=self.ctx)
        return say_in(await reader_language(chat=chat, user_id=user_id, ctx=self.ctx))


def _delivery_key(body: dict[str, Any]) -> str | None:
    """What makes a button's click unique: its trigger id. Commands and events need no claim of their
    own: each becomes a job whose id says what it is (the reply, the edit, the reaction event), and the
    queue keeps one job per id; a claim would cost them a second Redis round trip."""
    if body.get("actions") and body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


def build_slack_app(
    *,
    settings: SlackSettings,
    services: SlackServices,
    installation_store: AsyncInstallationStore | None,
    redis: Any,
) -> AsyncApp:
    client = build_client(settings=settings, token=None if settings.oauth else settings.bot_token)
    if settings.oauth:
        assert settings.client_id and settings.client_secret and settings.state_secret and installation_store
        oauth = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=installation_store,
            state_store=RedisOAuthStateStore(redis=redis, state_secret=settings.state_secret),
            authorization_url=settings.authorize_url,
            callback_options=installs.callback_options(ctx=services.ctx),
        )
        # Bolt builds its token rotator with a default client: point it at SLACK_API_URL too.
        oauth.authorize.token_rotator = AsyncTokenRotator(  # type: ignore[attr-defined]
            client_id=settings.client_id, client_secret=settings.client_secret, client=client
        )
        app = AsyncApp(
            signing_secret=settings.signing_secret or "",
            client=client,
            oauth_settings=oauth,
            request_verification_enabled=False,  # the HTTP gate checked it on the raw bytes (http.py)
        )
        installs.register(app=app, installation_store=installation_store, ctx=services.ctx)
    else:
        app = AsyncApp(
            signing_secret=settings.signing_secret or "",
            client=client,
            request_verification_enabled=False,  # the HTTP gate checked it on the raw bytes (http.py)
        )
    if settings.socket_mode:  # over HTTP the gate checked the shape already (handlers/slack/http.py)
        shapes.register(app=app)  # first: no listener, and no claim, for a request Slack would never send
    _register_exactly_once(app=app, services=services)
    _register_error_reply(app=app, services=services)
    from handlers.slack import actions, commands, events

    commands.register(app=app, services=services)
    actions.register(app=app, services=services)
    events.register(app=app, services=services)
    return app


def _register_exactly_once(*, app: AsyncApp, services: SlackServices) -> None:
    @app.middleware
    async def exactly_once(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        key = _delivery_key(req.body)
        if key is None:
            return await next()
        team = req.context.team_id or req.context.enterprise_id or "-"
        if await services.dedupe.claim(scope=f"slack:{team}", key=key):
            return await next()
        retry = req.headers.get("x-slack-retry-num", [None])[0]
        log.info("slack.duplicate_ignored", platform="slack", team=team, key=key, retry=retry)
        return BoltResponse(status=200, body="")


UNAVAILABLE = ENGLISH("slack-internal-error")  # said when Redis, where the languages are, may be away


def _register_error_reply(*, app: AsyncApp, services: SlackServices) -> None:
    """Whatever fails after Slack's acknowledgement (Redis gone, say), the person who typed the
    command or clicked the button is told, instead of waiting for an answer that never comes."""

    @app.error
    async def unhandled(error: Exception, body: dict[str, Any], respond: AsyncRespond | None) -> None:
        team = (body.get("team") or {}).get("id") if isinstance(body.get("team"), dict) else body.get("team_id")
        log.error("slack.listener_failed", platform="slack", team=team, error=repr(error), exc_info=error)
        services.metrics.errors.labels("listener").inc()
        if respond is None:  # an event: nobody is waiting on screen
            return
        try:
            await respond(text=UNAVAILABLE, response_type="ephemeral", replace_original=False)
        except Exception as failure:  # telling the person is best effort
            log.warning("slack.error_reply_failed", platform="slack", team=team, error=repr(failure))
