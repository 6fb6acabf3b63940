"""Slack's HTTP endpoint: every request's signature is checked on its raw bytes before anything is
decoded or parsed, and what is not Slack's, or not readable, is refused with a 4xx and at most one
warning line a second, never a 5xx or a traceback. What passes goes to Bolt as it came."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from app.runtime.inflight import first_failure, listeners_of_this_request
from app.runtime.logs import EverySecond, get_logger
from handlers.slack.shapes import refused

log = get_logger("handlers.slack.http")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
EVENT_RECORD_S = 2.5  # within Slack's 3 s: past it, the 200 goes and the listener finishes on its own
SIGNATURE_WINDOW_S = 300  # Slack's rule: a request older (or newer) than five minutes is a replay


def slack_events(
    *, app: AsyncApp, signing_secret: str, read_body: Callable[[web.Request], Awaitable[bytes]]
) -> Handler:
    """``read_body``: the request's raw bytes, within the server's body timeout and size limit."""
    secret = signing_secret.encode()
    warnings = EverySecond(log, platform="slack")

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await read_body(request)  # too slow: 408; over the app's 1 MiB: 413
        headers = request.headers
        if not _signed(secret, raw, headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")):
            warnings.warn("slack.signature_refused", remote=request.remote, bytes=len(raw))
            return web.json_response({"ok": False, "error": "invalid_signature"}, status=401)
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers={k.lower(): [v] for k, v in headers.items()},
            )
            if not isinstance(bolt_request.body, dict):  # "null", a list: no event, command or click
                raise ValueError(f"a {type(bolt_request.body).__name__} body")
        except (UnicodeDecodeError, ValueError, TypeError, AttributeError) as error:  # signed, not a body Slack sends
            warnings.warn("slack.request_unreadable", error=type(error).__name__, detail=str(error)[:80])
            return web.json_response({"ok": False, "error": "unreadable_request"}, status=400)
        field = refused(bolt_request.body)  # before Bolt itself reads the body's fields
        if field is not None:
            return web.json_response({"ok": False, "error": "malformed_request", "field": field}, status=400)
        if bolt_request.body.get("type") != "event_callback":
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))
        # Bolt acknowledges an event before its listener runs, and an event's listener only records it
        # (a job): wait for that write, so that a 200 means recorded. When it failed (Redis away, or
        # failing over), 503: Slack sends the event again, and its job id keeps it from running twice.
        with listeners_of_this_request() as listeners:
            response = await app.async_dispatch(bolt_request)
        failure = await first_failure(listeners, within_s=EVENT_RECORD_S)
        if failure is not None:
            log.warning("slack.event_not_recorded", platform="slack", error=failure)
            return web.Response(status=503)
        return await to_aiohttp_response(response)

    return handle


def _signed(secret: bytes, raw: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Slack's v0 signature over the raw bytes, within five minutes. slack_sdk's SignatureVerifier
    decodes the body as UTF-8 first, so bytes that are not UTF-8 would fail there, before the check."""
    if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW_S:
        return False
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)
