"""Baseline for the benchmarks: a bare Bolt AsyncApp on the same aiohttp stack as Cercle,
whose listeners only acknowledge. Run as `python bench/bare_bolt_app.py PORT`."""

from __future__ import annotations

import os
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def build() -> web.Application:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    bolt = AsyncApp(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client)

    @bolt.command("/ask")
    async def ask(ack):  # type: ignore[no-untyped-def]
        await ack()

    relay_to = os.environ.get("BARE_RELAY_CHANNEL")

    @bolt.event("message")
    async def message(event, client):  # type: ignore[no-untyped-def]
        """The least a relay can do: repost a thread reply somewhere, no checks, no queue, no store."""
        if relay_to and event.get("thread_ts") and not event.get("bot_id") and not event.get("subtype"):
            await client.chat_postMessage(channel=relay_to, text=f"relay: {event.get('text')}")

    @bolt.event("reaction_added")
    async def reaction_added(ack):  # type: ignore[no-untyped-def]
        await ack()

    @bolt.event("reaction_removed")
    async def reaction_removed(ack):  # type: ignore[no-untyped-def]
        await ack()

    async def endpoint(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", endpoint)
    app.router.add_get("/readyz", healthz)
    return app


if __name__ == "__main__":
    web.run_app(build(), host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None, backlog=1024)
