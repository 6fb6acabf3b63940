"""Events API: replies in mirror threads, their edits and deletions, reactions, mentions and the App
Home. Each becomes one neutral event recorded for the worker: parse, call one use case."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from slack_bolt.async_app import AsyncApp

from app.domain.models import Place, Platform, person_key
from app.domain.relevance import with_files
from app.runtime.logs import get_logger
from app.usecases.incoming import IncomingReply
from app.usecases.jobs import CountReaction
from app.usecases.people import open_home, point_to_ask
from app.usecases.relay import accept_reply
from app.usecases.reply_changes import accept_deletion, accept_edit
from app.usecases.votes import accept_reaction
from handlers.slack.app import SlackServices
from integrations.slack.text import emoji_named

log = get_logger("handlers.slack.events")

# Message subtypes written by people that can be answers; all others (joins, bot posts…) are not.
_HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def _from_a_bot(message: dict[str, Any], bot_user_ids: set[str]) -> bool:
    return bool(
        message.get("bot_id")
        or message.get("bot_profile")
        or message.get("subtype") == "bot_message"
        or message.get("user") in bot_user_ids
    )


def _words(message: dict[str, Any]) -> str:
    """The message's text, and the names of the files shared with it: a screenshot alone is a reply too."""
    files = [f for f in message.get("files") or [] if isinstance(f, dict)]
    names = [str(f.get("title") or f.get("name")) for f in files if f.get("title") or f.get("name")]
    return with_files(str(message.get("text") or ""), names)


def _micros(ts: object) -> int:
    """Slack's "1665102362.000100" as an integer of microseconds: exact, unlike a float; 0 if absent."""
    try:
        return int(Decimal(str(ts)) * 1_000_000) if ts else 0
    except InvalidOperation:
        return 0


def _bot_users(body: dict[str, Any]) -> set[str]:
    return {a["user_id"] for a in body.get("authorizations") or [] if a.get("is_bot") and a.get("user_id")}


def _mentions(message: dict[str, Any], bot_user_ids: set[str]) -> bool:
    text = str(message.get("text") or "")
    return any(f"<@{bot}>" in text or f"<@{bot}|" in text for bot in bot_user_ids)


def register(*, app: AsyncApp, services: SlackServices) -> None:
    ctx = services.ctx

    @app.event("message")
    @services.inflight.track
    async def message(event: dict[str, Any], body: dict[str, Any]) -> None:
        team_id = body.get("team_id") or event.get("team") or ""
        subtype = event.get("subtype")
        channel = event.get("channel") or ""
        bound = log.bind(platform="slack", tenant=team_id, channel=channel)
        if subtype == "message_changed":
            changed = event.get("message") or {}
            ts = str(changed.get("ts") or (event.get("previous_message") or {}).get("ts") or "")
            if not ts:
                return
            edited = IncomingReply(
                place=Place(Platform.SLACK, team_id, channel, changed.get("thread_ts")),
                message_id=ts,
                user_id=str(changed.get("user") or ""),
                text=_words(changed),
                from_a_bot=_from_a_bot(changed, _bot_users(body)),
                at=float(ts),
            )
            version = _micros((changed.get("edited") or {}).get("ts"))
            if await accept_edit(reply=edited, version=version, ctx=ctx):
                bound.info("reply.edit_accepted", message=ts)
            return
        if subtype == "message_deleted":
            previous = event.get("previous_message") or {}
            place = Place(Platform.SLACK, team_id, channel, previous.get("thread_ts"))
            deleted = str(event.get("deleted_ts") or previous.get("ts") or "")
            if deleted and await accept_deletion(place=place, message_id=deleted, ctx=ctx):
                bound.info("reply.deletion_accepted", message=deleted)
            return
        thread_ts = event.get("thread_ts")
        if subtype not in _HUMAN_SUBTYPES or _from_a_bot(event, _bot_users(body)):
            return
        if not thread_ts or thread_ts == event.get("ts"):  # only replies inside threads can answer a question
            if _mentions(event, _bot_users(body)):  # "@Cercle how do we…": show the way to /ask
                place = Place(Platform.SLACK, team_id, channel)
                user = str(event.get("user") or "")
                await point_to_ask(place=place, user_id=user, event_id=str(body.get("event_id") or ""), ctx=ctx)
            return
        reply = IncomingReply(
            place=Place(Platform.SLACK, team_id, channel, thread_ts),
            message_id=str(event["ts"]),
            user_id=str(event.get("user") or ""),
            text=_words(event),
            from_a_bot=False,
            at=float(event["ts"]),
        )
        if await accept_reply(reply=reply, ctx=ctx):
            bound.info("reply.accepted", message=reply.message_id)

    @app.event("app_home_opened")
    @services.inflight.track
    async def home(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        team_id = str(body.get("team_id") or "")
        event_id = str(body.get("event_id") or "")
        await open_home(platform=Platform.SLACK, tenant=team_id, user_id=event["user"], event_id=event_id, ctx=ctx)

    async def reaction(event: dict[str, Any], body: dict[str, Any], *, added: bool) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        team_id = str(body.get("team_id") or "")
        user = str(event.get("user") or "")
        if user in _bot_users(body):
            return  # Cercle's own reactions never count
        job = CountReaction(
            place=Place(Platform.SLACK, team_id, str(item.get("channel") or "")),
            message_id=str(item.get("ts") or ""),
            voter=person_key(platform=str(Platform.SLACK), tenant=team_id, user=user),
            user_id=user,
            emoji=emoji_named(str(event.get("reaction") or "")),
            added=added,
            at=_micros(event.get("event_ts")) / 1_000_000,
            event_id=str(body.get("event_id") or ""),
        )
        await accept_reaction(job=job, ctx=ctx)

    @app.event("reaction_added")
    @services.inflight.track
    async def reaction_added(event: dict[str, Any], body: dict[str, Any]) -> None:
        await reaction(event, body, added=True)

    @app.event("reaction_removed")
    @services.inflight.track
    async def reaction_removed(event: dict[str, Any], body: dict[str, Any]) -> None:
        await reaction(event, body, added=False)
