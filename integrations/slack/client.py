"""The one way Cercle builds a Slack Web API client: SLACK_API_URL, retries, a shared session."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from app.runtime.config import SlackSettings


def build_client(
    *, settings: SlackSettings, token: str | None = None, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=settings.api_url, session=session)
    # 429: wait Retry-After and try again (FACTS #10), rather than dropping the call.
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=5))
    return client


def new_session() -> aiohttp.ClientSession:
    """One pooled HTTP session per process; without it slack_sdk opens a connection per call."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=200, ttl_dns_cache=300), timeout=aiohttp.ClientTimeout(total=30)
    )
