"""The Web API methods of the Slack stand-in: what each answers, as Slack documents it."""

from __future__ import annotations

import base64
import itertools
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 40_000


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    left: set[str] = field(default_factory=set)  # people who left: ephemeral messages cannot reach them


@dataclass
class Workspace:
    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    installed: bool = True
    channels: dict[str, Channel] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_token: str | None = None

    def add_channel(self, channel_id: str, name: str, *, private: bool = False, bot_member: bool = True) -> Channel:
        channel = Channel(id=channel_id, name=name, is_private=private)
        if bot_member:
            channel.members.add(self.bot_user_id)
        self.channels[channel_id] = channel
        return channel

    def add_user(
        self, user_id: str, name: str, *, admin: bool = False, owner: bool = False, locale: str = "en-US"
    ) -> None:
        """``locale``: the person's Slack language, told by users.info with include_locale."""
        self.users[user_id] = {"id": user_id, "name": name, "is_admin": admin, "is_owner": owner, "locale": locale}


class SlackMethods:
    """Mixed into the stand-in; relies on its state (workspaces, clock, rate limits, event delivery)."""

    workspaces: dict[str, Workspace]
    channel_rate_per_s: float | None
    _channel_last_post: defaultdict[str, deque[float]]
    _ts: itertools.count[int]
    _codes: dict[str, tuple[str, str]]
    client_id: str
    client_secret: str
    app_token: str
    rotate_tokens: bool
    token_lifetime_s: int
    port: int

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _channel(self, workspace: Workspace, params: dict[str, Any]) -> Channel | dict[str, Any]:
        channel = workspace.channels.get(str(params.get("channel", "")))
        if channel is None or (channel.is_private and workspace.bot_user_id not in channel.members):
            return {"ok": False, "error": "channel_not_found"}
        return channel

    def _m_auth_test(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{ws.domain}.slack.com/",
            "team": ws.name,
            "user": "cercle",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def _m_api_test(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _rate_limited(self, channel_id: str) -> bool:
        if self.channel_rate_per_s is None:
            return False
        now = time.monotonic()
        window = self._channel_last_post[channel_id]
        while window and now - window[0] > 1.0:
            window.popleft()
        if len(window) >= max(1, int(self.channel_rate_per_s)):
            return True
        window.append(now)
        return False

    def _m_chat_postMessage(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        if ws.bot_user_id not in channel.members:
            return {"ok": False, "error": "not_in_channel"}
        text = params.get("text") or ""
        if not text and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if len(text) > MAX_TEXT:
            return {"ok": False, "error": "msg_too_long"}
        if self._rate_limited(channel.id):
            return {"ok": False, "error": "ratelimited"}
        ts = self._new_ts()
        message: dict[str, Any] = {
            "type": "message",
            "text": text,
            "ts": ts,
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "team": ws.team_id,
        }
        if params.get("blocks"):
            message["blocks"] = params["blocks"]
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        channel.messages.append(message)
        # Slack tells the app about its own posts too: Cercle must not take them for answers.
        self._deliver_message(ws, channel, {**message, "bot_profile": {"id": ws.bot_id, "name": "cercle"}})
        return {"ok": True, "channel": channel.id, "ts": ts, "message": message}

    def _m_chat_update(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        message = next((m for m in channel.messages if m["ts"] == params.get("ts")), None)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != ws.bot_user_id:
            return {"ok": False, "error": "cant_update_message"}
        message["text"] = params.get("text") or message["text"]
        if params.get("blocks") is not None:
            message["blocks"] = params["blocks"]
        message["edited"] = {"user": ws.bot_user_id, "ts": self._new_ts()}
        # The 2021 schema types message.blocks as an object, so the echo leaves blocks out.
        echo = {"text": message["text"]}
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "text": message["text"], "message": echo}

    def _m_chat_delete(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        before = len(channel.messages)
        channel.messages = [m for m in channel.messages if m["ts"] != params.get("ts")]
        if len(channel.messages) == before:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel.id, "ts": params["ts"]}

    def _m_chat_getPermalink(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        ts = str(params.get("message_ts", ""))
        if not any(m["ts"] == ts for m in channel.messages):
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{ws.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel.id, "permalink": link}

    def _m_chat_postEphemeral(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        if params.get("user") in channel.left:
            return {"ok": False, "error": "user_not_in_channel"}  # the spec's own example error
        return {"ok": True, "message_ts": self._new_ts()}

    def _conversation(self, channel: Channel) -> dict[str, Any]:
        return {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_private": channel.is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": True,
            "created": 1600000000,
            "creator": "U0CREATOR",
            "name_normalized": channel.name,
            "is_mpim": False,
            "is_ext_shared": False,
            "is_pending_ext_shared": False,
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    def _m_conversations_join(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = ws.channels.get(str(params.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel.members.add(ws.bot_user_id)
        return {"ok": True, "channel": self._conversation(channel)}

    def _history_view(self, message: dict[str, Any]) -> dict[str, Any]:
        view = {
            k: v for k, v in message.items() if k in ("type", "text", "ts", "user", "bot_id", "thread_ts", "blocks")
        }
        view.setdefault("user", "U0UNKNOWN")
        return view

    def _m_conversations_history(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        start = _cursor_offset(params.get("cursor"))
        if start is None:
            return {"ok": False, "error": "invalid_cursor"}
        roots = [m for m in channel.messages if m.get("thread_ts") in (None, m["ts"]) and float(m["ts"]) >= oldest]
        roots.sort(key=lambda m: float(m["ts"]), reverse=True)  # newest first, as Slack pages them
        page = [self._history_view(m) for m in roots[start : start + limit]]
        has_more = len(roots) > start + limit
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "channel_actions_ts": [],
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": _cursor_for(start + limit) if has_more else ""},
        }

    def _m_conversations_replies(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        root_ts = str(params.get("ts") or "")
        root = next((m for m in channel.messages if m["ts"] == root_ts), None)
        if root is None:
            return {"ok": False, "error": "thread_not_found"}
        oldest = float(params.get("oldest") or 0)
        replies = [m for m in channel.messages if m.get("thread_ts") == root_ts and m["ts"] != root_ts]
        replies = [m for m in replies if float(m["ts"]) >= oldest][: int(params.get("limit") or 100)]
        return {"ok": True, "messages": [self._history_view(m) for m in [root, *replies]], "has_more": False}


def _cursor_for(offset: int) -> str:
    """Opaque to the client, as Slack's are (base64 of where the next page starts)."""
    return base64.b64encode(f"next_offset:{offset}".encode()).decode()


def _cursor_offset(cursor: object) -> int | None:
    """0 for no cursor; None for one this server never gave out (Slack answers invalid_cursor)."""
    if not cursor:
        return 0
    try:
        kind, _, offset = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        return int(offset) if kind == "next_offset" else None
    except ValueError:
        return None
