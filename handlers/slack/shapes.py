"""One validated shape per kind of Slack request, checked before any listener runs: a signed
request with a missing or mistyped field gets a 400 and one warning line naming the field, never a
traceback in a listener or a 5xx."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeGuard

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from app.runtime.logs import get_logger

log = get_logger("handlers.slack.shapes")

_TS = re.compile(r"^\d{1,12}(\.\d{1,9})?$")  # Slack's message timestamps: "1665102362.000100"
MAX_COMMAND_TEXT = 8000  # what Slack lets a person type after a command, with room to spare


def _str(value: object, *, ts: bool = False, empty: bool = False) -> bool:
    if not isinstance(value, str) or (not value and not empty):
        return False
    return not ts or bool(_TS.match(value))


def _dict(value: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict)


def _command(body: Mapping[str, Any]) -> str | None:
    for field in ("team_id", "channel_id", "user_id"):
        if not _str(body.get(field)):
            return field
    text = body.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_COMMAND_TEXT:
        return "text"
    return None


def _actions(body: Mapping[str, Any]) -> str | None:
    user, actions, team = body.get("user"), body.get("actions"), body.get("team")
    if not _dict(user) or not _str(user.get("id")):
        return "user"
    if not isinstance(actions, list) or not actions or not all(_dict(a) for a in actions):
        return "actions"
    if not _str(actions[0].get("action_id")) or not isinstance(actions[0].get("value", ""), str):
        return "actions"
    if team is not None and (not _dict(team) or not _str(team.get("id"))):
        return "team"
    return None


def _event(body: Mapping[str, Any]) -> str | None:
    event = body.get("event")
    if not _dict(event) or not _str(event.get("type")):
        return "event"
    kind, subtype = event["type"], event.get("subtype")
    if kind == "message":
        if not _str(event.get("channel")):
            return "event.channel"
        if subtype == "message_changed":
            message = event.get("message")
            if not _dict(message) or not _str(message.get("ts"), ts=True):
                return "event.message"
        elif subtype == "message_deleted":
            if not _str(event.get("deleted_ts"), ts=True):
                return "event.deleted_ts"
        elif not _str(event.get("ts"), ts=True) or not isinstance(event.get("user", ""), str):
            return "event.ts"
        if event.get("thread_ts") is not None and not _str(event.get("thread_ts"), ts=True):
            return "event.thread_ts"
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item")
        if not _dict(item) or not _str(event.get("user")) or not _str(event.get("reaction")):
            return "event.item"
        if item.get("type") == "message" and (not _str(item.get("channel")) or not _str(item.get("ts"), ts=True)):
            return "event.item"
    if kind == "app_home_opened" and not _str(event.get("user")):
        return "event.user"
    return None


def problem(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(kind, field) of the first thing wrong with a request Slack would never send; None when fine."""
    if "command" in body:
        field = _command(body)
        return ("command", field) if field else None
    if body.get("type") == "block_actions" or "actions" in body:  # a click
        field = _actions(body)
        return ("block_actions", field) if field else None
    if body.get("type") == "event_callback":
        field = _event(body)
        return ("event_callback", field) if field else None
    return None


def refused(body: Mapping[str, Any]) -> str | None:
    """The field that makes Slack's request unreadable, logged once with the request's id; None when fine."""
    found = problem(body)
    if found is None:
        return None
    kind, field = found
    request = str(body.get("event_id") or body.get("trigger_id") or "-")[:40]
    log.warning("slack.payload_refused", platform="slack", kind=kind, field=field, request=request)
    return field


def register(*, app: AsyncApp) -> None:
    """For Socket Mode, whose requests do not pass the HTTP gate (handlers/slack/http.py)."""

    @app.middleware
    async def validated_shape(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        field = refused(req.body)
        return await next() if field is None else BoltResponse(status=400, body=f"malformed request: {field}")
