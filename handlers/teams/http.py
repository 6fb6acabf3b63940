"""Teams' endpoint, POST /api/messages: the Agents SDK's JWT check first (with credentials, a missing,
``Basic`` or forged token gets 401 and nothing is read), then the activity is read with the SDK's own
model and handed to one use case, which records it; a worker acts. What is not an activity gets a 4xx
and at most one warning line a second, never a 5xx or a traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator
from pydantic import ValidationError
from redis.exceptions import RedisError

from app.runtime.logs import EverySecond, get_logger
from handlers.teams.activities import CARD_ACTION, Turn
from handlers.teams.buttons import pressed
from handlers.teams.turns import TeamsServices, TeamsTurns

log = get_logger("handlers.teams.http")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHANNELS = frozenset({"msteams"})
# Fields Cercle never reads, which the SDK's model refuses when malformed: the 2023 documentation's own
# meeting-end sample has "localTimestamp": "…07.478-8". They are dropped rather than the activity refused.
UNREAD = ("localTimestamp", "localTimezone")
# The SDK logs a refused activity with its traceback; Cercle logs one warning line of its own instead.
logging.getLogger("microsoft_agents.activity").setLevel(logging.CRITICAL)
EMULATOR_CHANNELS = frozenset({"msteams", "emulator"})


def teams_messages(
    *, services: TeamsServices, emulator: bool, read_body: Callable[[web.Request], Awaitable[bytes]]
) -> Handler:
    """The handler of POST /api/messages; the web app carries the SDK's ``agent_configuration``."""
    turns = TeamsTurns(services=services)
    warnings = EverySecond(log, platform="teams")
    channels = EMULATOR_CHANNELS if emulator else CHANNELS

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await read_body(request)  # too slow: 408; over the app's 1 MiB: 413
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError(f"a {type(body).__name__} body")
            for field in UNREAD:
                body.pop(field, None)
            activity = Activity.model_validate(body)
        except (UnicodeDecodeError, ValueError, ValidationError) as error:
            warnings.warn("teams.request_unreadable", error=type(error).__name__, detail=str(error)[:120])
            return web.json_response({"error": "unreadable_activity"}, status=400)
        turn = Turn(activity)
        if str(activity.channel_id or "") not in channels or not activity.type:
            warnings.warn("teams.activity_refused", channel=str(activity.channel_id)[:40], type=str(activity.type)[:40])
            return web.json_response({"error": "not_a_teams_activity"}, status=400)
        try:
            if activity.type == "invoke":
                if turn.event_name != CARD_ACTION:
                    return web.json_response({"status": 200}, status=200)
                return web.json_response(await pressed(turn, ctx=services.ctx), status=200)
            await turns.handle(turn)
        except (RedisError, OSError) as error:
            # Not recorded: 503, and the Bot Connector sends the activity again (its id dedupes it).
            log.warning("teams.activity_not_recorded", platform="teams", tenant=turn.tenant, error=repr(error)[:200])
            return web.Response(status=503)
        return web.Response(status=200)

    return jwt_authorization_decorator(handle)  # type: ignore[no-any-return,no-untyped-call]
