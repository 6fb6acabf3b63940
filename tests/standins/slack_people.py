"""What people do in the stand-in's Slack, and the signed events Slack sends the app about it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import time
from typing import Any

import aiohttp

from tests.standins.slack_methods import Channel, Workspace


class SlackPeople:
    """Mixed into the stand-in; relies on its workspaces and its Events API settings."""

    workspaces: dict[str, Workspace]
    events_url: str | None
    signing_secret: str
    deliveries: list[dict[str, Any]]
    _delivery_tasks: set[asyncio.Task[None]]
    _event_ids: itertools.count[int]

    def user_post(
        self,
        team_id: str,
        channel_id: str,
        user_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        files: tuple[str, ...] = (),
    ) -> str:
        ws = self.workspaces[team_id]
        channel = ws.channels[channel_id]
        ts = self._new_ts()
        message: dict[str, Any] = {"type": "message", "text": text, "ts": ts, "user": user_id, "team": team_id}
        if thread_ts:
            message["thread_ts"] = thread_ts
        if files:  # as in the file_share sample of tests/specs/slack/payloads/events.bolt-python.json
            message["subtype"] = "file_share"
            message["upload"] = False
            message["files"] = [
                {
                    "id": f"F{secrets.token_hex(4).upper()}",
                    "name": name,
                    "title": name,
                    "mimetype": "application/octet-stream",
                    "user": user_id,
                    "is_public": False,
                    "permalink": f"https://{ws.domain}.slack.com/files/{user_id}/F1/{name}",
                }
                for name in files
            ]
        channel.messages.append(message)
        self._deliver_message(ws, channel, {**message, "client_msg_id": secrets.token_hex(8)})
        return ts

    def user_edit(self, team_id: str, channel_id: str, ts: str, text: str) -> str | None:
        """Someone edits a message; returns the id of the event Slack sends (None: the app is not there)."""
        ws = self.workspaces[team_id]
        channel = ws.channels[channel_id]
        message = next(m for m in channel.messages if m["ts"] == ts)
        previous = dict(message)
        message["text"] = text
        message["edited"] = {"user": message["user"], "ts": self._new_ts()}
        return self._deliver_message(
            ws,
            channel,
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "message": dict(message),
                "previous_message": previous,
                "ts": self._new_ts(),
            },
        )

    def user_delete(self, team_id: str, channel_id: str, ts: str) -> str | None:
        ws = self.workspaces[team_id]
        channel = ws.channels[channel_id]
        previous = next(m for m in channel.messages if m["ts"] == ts)
        channel.messages.remove(previous)
        return self._deliver_message(
            ws,
            channel,
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "deleted_ts": ts,
                "previous_message": previous,
                "ts": self._new_ts(),
            },
        )

    def user_leave(self, team_id: str, channel_id: str, user_id: str) -> None:
        """Someone leaves a channel (Slack's member_left_channel event is not used by Cercle)."""
        self.workspaces[team_id].channels[channel_id].left.add(user_id)

    def user_react(
        self, team_id: str, channel_id: str, ts: str, user_id: str, emoji: str, *, added: bool = True
    ) -> str:
        """Someone adds (or removes) a reaction: Slack sends reaction_added (or reaction_removed)."""
        ws = self.workspaces[team_id]
        message = next(m for m in ws.channels[channel_id].messages if m["ts"] == ts)
        event = {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user_id,
            "reaction": emoji,
            "item": {"type": "message", "channel": channel_id, "ts": ts},
            "item_user": message.get("user", ""),
            "event_ts": self._new_ts(),
        }
        return self.deliver_event(team_id, event)

    def _deliver_message(self, ws: Workspace, channel: Channel, event: dict[str, Any]) -> str | None:
        if ws.bot_user_id not in channel.members:
            return None  # Slack only sends message events for channels the app is in
        event = {**event, "channel": channel.id, "event_ts": event.get("ts") or self._new_ts()}
        event["channel_type"] = "group" if channel.is_private else "channel"
        return self.deliver_event(ws.team_id, event)

    def deliver_event(self, team_id: str, event: dict[str, Any], *, event_id: str | None = None) -> str:
        """Send an event to the app as Slack does: signed, retried on failure (3 retries)."""
        event_id = event_id or f"Ev{next(self._event_ids):09d}"
        if not self.events_url or not self.workspaces[team_id].installed:
            return event_id
        ws = self.workspaces[team_id]
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0CERCLE",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": ws.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        task = asyncio.get_running_loop().create_task(self._post_event(envelope))
        self._delivery_tasks.add(task)
        task.add_done_callback(self._delivery_tasks.discard)
        return event_id

    async def _post_event(self, envelope: dict[str, Any]) -> None:
        body = json.dumps(envelope)
        async with aiohttp.ClientSession() as http:
            for attempt in range(4):
                ts = str(int(time.time()))
                digest = hmac.new(self.signing_secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
                headers = {
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": f"v0={digest}",
                }
                if attempt:
                    headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"})
                try:
                    async with http.post(self.events_url, data=body, headers=headers) as response:  # type: ignore[arg-type]
                        self.deliveries.append({"event_id": envelope["event_id"], "status": response.status})
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    self.deliveries.append({"event_id": envelope["event_id"], "status": 0})
                await asyncio.sleep(0.2 * (attempt + 1))

    async def settle(self, *, timeout: float = 10.0) -> None:
        """Wait until every event sent so far was delivered."""
        if self._delivery_tasks:
            await asyncio.wait(set(self._delivery_tasks), timeout=timeout)
