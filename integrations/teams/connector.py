"""The Bot Connector, through the Agents SDK's ConnectorClient: paced to Teams' limits, retried as
Teams asks, and its refusals told in the core's words.

Teams' limits (FACTS #24): per bot per conversation (a 1:1 chat, a group chat, or a channel with all
its threads) 7 sends a second, 8 in two, 60 in thirty; 30 requests a second per app per tenant. A
token bucket per conversation of 1.75 a second with a burst of 2 stays under the first three, with
room for sends that reach Teams later than they left (a busy machine bunches them); one
per tenant of 15 a second with a burst of 15 under the last. 429, 412, 502 and 504 are retried with
exponential backoff and jitter (Retry-After first)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import aiohttp
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from app.domain.errors import (
    BotNotInChannel,
    ChannelUnreachable,
    InstallationGone,
    MessageGone,
    PlatformError,
    RateLimited,
    RetryLater,
    TooLong,
)
from app.runtime.logs import get_logger
from app.store.connection import RedisClient
from app.store.ratelimit import ChannelRateLimiter

log = get_logger("integrations.teams.connector")

T = TypeVar("T")
RETRIED = frozenset({429, 412, 502, 504})
ATTEMPTS = 5
BACKOFF_S = 0.5
BACKOFF_CAP_S = 8.0
STALE_GRANT_S = 0.25  # a token that took longer to come back may be seconds old when the send leaves
STALE_RETRIES = 3  # a Redis that is itself slow to answer still lets the send go
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"


class TokenSource(Protocol):
    async def token(self) -> str:
        """A bearer token for the Bot Connector ("" in the local emulator mode: none is sent)."""


class NoToken:
    async def token(self) -> str:
        return ""


class Connector:
    """One per process: a ConnectorClient per serviceUrl (Teams answers each tenant from its region)."""

    def __init__(
        self, *, redis: RedisClient, tokens: TokenSource, sleep: Callable[[float], Awaitable[None]] | None = None
    ) -> None:
        self._tokens = tokens
        self._clients: dict[str, ConnectorClient] = {}
        # max_wait_s=0: a slot is taken only when it is free now, never reserved ahead; a reserved slot
        # would go out late on a busy worker (its loop wakes sleepers late) and bunch with the next ones.
        self._conversation_pace = ChannelRateLimiter(redis=redis, per_second=1.75, burst=2, max_wait_s=0)
        self._tenant_pace = ChannelRateLimiter(redis=redis, per_second=15, burst=15, max_wait_s=0)
        self._sleep = sleep or asyncio.sleep

    async def _client(self, service_url: str) -> ConnectorClient:
        token = await self._tokens.token()
        client = self._clients.get(service_url)
        if client is None:
            base = service_url if service_url.endswith("/") else service_url + "/"
            session = aiohttp.ClientSession(base_url=base, timeout=aiohttp.ClientTimeout(total=15))
            client = ConnectorClient(base, token, session=session)
            self._clients[service_url] = client
        elif token:
            client.client.headers["Authorization"] = f"Bearer {token}"
        return client

    async def close(self) -> None:
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                await client.close()
        self._clients.clear()

    async def send(self, *, service_url: str, tenant: str, conversation: str, activity: Activity) -> str:
        """Post in a conversation (a channel: a new thread; ``channel;messageid=root``: in that thread)."""

        async def call(client: ConnectorClient) -> str:
            return str((await client.conversations.send_to_conversation(conversation, activity)).id or "")

        return await self._call(call, service_url=service_url, tenant=tenant, conversation=conversation)

    async def reply(
        self, *, service_url: str, tenant: str, conversation: str, reply_to: str, activity: Activity
    ) -> str:
        async def call(client: ConnectorClient) -> str:
            return str((await client.conversations.reply_to_activity(conversation, reply_to, activity)).id or "")

        return await self._call(call, service_url=service_url, tenant=tenant, conversation=conversation)

    async def update(
        self, *, service_url: str, tenant: str, conversation: str, activity_id: str, activity: Activity
    ) -> None:
        async def call(client: ConnectorClient) -> None:
            await client.conversations.update_activity(conversation, activity_id, activity)

        await self._call(call, service_url=service_url, tenant=tenant, conversation=conversation, gone=MessageGone)

    async def delete(self, *, service_url: str, tenant: str, conversation: str, activity_id: str) -> None:
        async def call(client: ConnectorClient) -> None:
            await client.conversations.delete_activity(conversation, activity_id)

        await self._call(call, service_url=service_url, tenant=tenant, conversation=conversation, gone=MessageGone)

    async def _pace(self, limiter: ChannelRateLimiter, key: str) -> None:
        """Wait until the bucket has a token now, and take it. A token granted while this process was
        stalled (a niced worker starved of CPU by a burst) is not used: the sends granted over the
        stall would all leave together when it ends, as Teams would count them. A fresh one is taken."""
        stale = 0
        while True:
            asked = time.monotonic()
            try:
                await limiter.acquire(channel_key=key)
            except RetryLater as later:
                await asyncio.sleep(max(later.delay_s, 0.005))
                continue
            if time.monotonic() - asked < STALE_GRANT_S or stale == STALE_RETRIES:
                return
            stale += 1

    async def _call(
        self,
        call: Callable[[ConnectorClient], Awaitable[T]],
        *,
        service_url: str,
        tenant: str,
        conversation: str,
        gone: type[PlatformError] = ChannelUnreachable,
    ) -> T:
        bound = log.bind(platform="teams", tenant=tenant, conversation=conversation[:80])
        for attempt in range(1, ATTEMPTS + 1):
            await self._pace(self._tenant_pace, f"teams-tenant:{tenant}")  # the core paces its own keys
            # Teams counts a channel's threads together ("a conversation is … a channel in a team").
            channel = conversation.split(";", 1)[0]
            await self._pace(self._conversation_pace, f"teams-conversation:{tenant}:{channel}")
            try:
                return await call(await self._client(service_url))
            except aiohttp.ClientResponseError as error:
                if error.status not in RETRIED:
                    bound.error("teams.call_refused", status=error.status, detail=str(error.message)[:200])
                    raise _refusal(error, gone=gone) from error
                delay = _delay(error, attempt)
                if attempt == ATTEMPTS:
                    bound.error("teams.retries_exhausted", status=error.status, attempts=attempt)
                    raise RateLimited(f"http {error.status}", delay_s=delay) from error
                bound.warning("teams.retrying", status=error.status, attempt=attempt, delay_s=round(delay, 2))
                await self._sleep(delay)
            except (aiohttp.ClientConnectionError, TimeoutError) as error:
                bound.error("teams.unreachable", error=type(error).__name__)
                raise PlatformError(f"connector unreachable: {type(error).__name__}") from error
        raise AssertionError("unreachable")


def _delay(error: aiohttp.ClientResponseError, attempt: int) -> float:
    """Retry-After when Teams gives one, else exponential backoff; with jitter, so that many workers
    told to wait do not all come back in the same instant."""
    header = error.headers.get("Retry-After") if error.headers is not None else None
    try:
        base = float(header) if header else BACKOFF_S * 2 ** (attempt - 1)
    except ValueError:
        base = BACKOFF_S * 2 ** (attempt - 1)
    return min(BACKOFF_CAP_S, base) * (1 + random.random() * 0.25)


def _refusal(error: aiohttp.ClientResponseError, *, gone: type[PlatformError]) -> PlatformError:
    detail = f"http {error.status}"
    if error.status == 401:
        return InstallationGone(detail)
    if error.status == 403:  # the bot is not (or no longer) in that team or chat
        return BotNotInChannel(detail)
    if error.status == 404:
        return gone(detail)
    if error.status == 413 or (error.status == 400 and "too large" in str(error.message).lower()):
        return TooLong(detail)
    return PlatformError(detail)
