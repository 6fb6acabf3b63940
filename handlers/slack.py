"""Slack: the Bolt AsyncApp and its listeners. Thin: ack, translate, call a use case, render."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from app.config import SlackSettings
from app.crypto import TokenCipher
from app.domain.commands import CommandKind, help_text, parse_command
from app.domain.models import Person, Place, Platform
from app.logs import get_logger
from app.metrics import Metrics
from app.store import Deduplicator, RedisTopicRepository
from app.usecases.topics import TopicOpened, close_topic, list_open_topics, open_topic
from integrations.slack.chat import SlackChat
from integrations.slack.render import CLOSE_TOPIC_ACTION, topic_list_text, topic_opened_text
from integrations.slack.stores import RedisInstallationStore, RedisOAuthStateStore

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

_COMING_LATER = {
    CommandKind.END: "Ending a meeting with a summary",
    CommandKind.PARTNERS: "Partner organisations",
    CommandKind.PARTNERS_INVITE: "Partner invitations",
    CommandKind.PARTNERS_ACCEPT: "Partner invitations",
    CommandKind.PARTNERS_REMOVE: "Partner management",
    CommandKind.INBOX: "The partner inbox",
    CommandKind.NETWORKS: "Public networks",
}


@dataclass
class SlackServices:
    repository: RedisTopicRepository
    dedupe: Deduplicator
    metrics: Metrics
    clock: Callable[[], float] = time.time


def _delivery_key(body: dict[str, Any]) -> str | None:
    """What makes a delivery unique: the event id, else the interaction's trigger id."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


def build_client(*, settings: SlackSettings, token: str | None = None) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=settings.api_url)
    # 429: wait Retry-After and try again (FACTS #10), rather than dropping the call.
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_slack_app(
    *,
    settings: SlackSettings,
    services: SlackServices,
    redis: Any,
    cipher: TokenCipher | None,
) -> AsyncApp:
    client = build_client(settings=settings)
    if settings.oauth:
        assert settings.client_id and settings.client_secret and settings.state_secret and cipher
        oauth = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=RedisInstallationStore(redis=redis, cipher=cipher),
            state_store=RedisOAuthStateStore(redis=redis, state_secret=settings.state_secret),
            authorization_url=settings.authorize_url,
        )
        # Bolt builds its token rotator with a default client: point it at SLACK_API_URL too.
        oauth.authorize.token_rotator = AsyncTokenRotator(  # type: ignore[attr-defined]
            client_id=settings.client_id, client_secret=settings.client_secret, client=client
        )
        app = AsyncApp(signing_secret=settings.signing_secret or "", client=client, oauth_settings=oauth)
        app.enable_token_revocation_listeners()
    else:
        client.token = settings.bot_token
        app = AsyncApp(
            signing_secret=settings.signing_secret or "",
            client=client,
            request_verification_enabled=not settings.socket_mode or bool(settings.signing_secret),
        )
    register_listeners(app=app, services=services)
    return app


def register_listeners(*, app: AsyncApp, services: SlackServices) -> None:
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

    @app.command("/ask")
    async def ask(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        parsed = parse_command(command.get("text") or "")
        team_id = command.get("team_id") or ""
        place = Place(Platform.SLACK, team_id, command["channel_id"])
        bound = log.bind(platform="slack", team=team_id, channel=place.channel, command=str(parsed.kind))
        if parsed.kind is CommandKind.HELP:
            await ack(text=help_text(command=command.get("command") or "/ask"))
            return
        if parsed.kind is CommandKind.INVALID:
            await ack(text=parsed.error)
            services.metrics.asks.labels("slack", "invalid").inc()
            return
        if parsed.kind is CommandKind.LIST:
            await ack(text=topic_list_text(await list_open_topics(repository=services.repository, place=place)))
            return
        if parsed.kind in _COMING_LATER:
            await ack(text=f"{_COMING_LATER[parsed.kind]} is not available in this version of Cercle yet.")
            return
        await ack()
        asker = Person(command["user_id"], command.get("user_name") or command["user_id"])
        result = await open_topic(
            repository=services.repository,
            chat=SlackChat(client=client, team_id=team_id),
            place=place,
            asker=asker,
            question=parsed.argument,
            now=services.clock(),
        )
        if isinstance(result, TopicOpened):
            services.metrics.asks.labels("slack", "opened").inc()
            bound.info("topic.opened", topic=result.topic.id, meeting=result.topic.meeting_id)
            await respond(text=topic_opened_text(result.topic), response_type="ephemeral")
        else:
            services.metrics.asks.labels("slack", "refused").inc()
            services.metrics.errors.labels("slack_api").inc()
            bound.warning("topic.refused", code=result.code)
            await respond(text=result.reason, response_type="ephemeral")

    @app.action(CLOSE_TOPIC_ACTION)
    async def close(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        topic_id = str(body["actions"][0].get("value") or "")
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or ""
        topic = await services.repository.get_topic(topic_id=topic_id)
        if topic is None or topic.place.tenant != team_id:
            await respond(text="I do not know this topic any more.", response_type="ephemeral", replace_original=False)
            return
        closed = await close_topic(
            repository=services.repository,
            chat=SlackChat(client=client, team_id=team_id),
            topic_id=topic_id,
            by=user_id,
            now=services.clock(),
        )
        if closed is None:
            await respond(text="This topic is already closed.", response_type="ephemeral", replace_original=False)
            return
        log.info("topic.closed", platform="slack", team=team_id, topic=topic_id, by=user_id)

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home":
            return
        await client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": help_text()}}],
            },
        )

    @app.event("message")
    async def message_seen(event: dict[str, Any]) -> None:
        """Channel messages are acknowledged; relaying mirror-thread replies is the partner network's job."""

    @app.event("reaction_added")
    async def reaction_added(event: dict[str, Any]) -> None:
        """Acknowledged so Slack does not retry; votes are counted by the votes feature."""

    @app.event("reaction_removed")
    async def reaction_removed(event: dict[str, Any]) -> None:
        """Acknowledged so Slack does not retry; votes are counted by the votes feature."""
