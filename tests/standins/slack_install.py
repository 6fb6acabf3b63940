"""The Slack stand-in's install and transport side: OAuth (authorize page, oauth.v2.access with
token rotation), response_url, and Socket Mode (apps.connections.open and the websocket)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

from tests.standins.slack_methods import Workspace


class SlackInstallAndSockets:
    """Mixed into the stand-in; relies on its workspaces and app credentials."""

    workspaces: dict[str, Workspace]
    violations: list[str]
    responses: list[dict[str, Any]]
    client_id: str
    client_secret: str
    app_token: str
    rotate_tokens: bool
    token_lifetime_s: int
    redirect_uri: str
    port: int
    socket_acks: dict[str, Any]
    _codes: dict[str, tuple[str, str]]
    _installer: tuple[str, str] | None
    _sockets: list[web.WebSocketResponse]
    _ack_event: asyncio.Event

    def _m_oauth_v2_access(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            ws = next((w for w in self.workspaces.values() if w.refresh_token == params.get("refresh_token")), None)
            if ws is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            ws.bot_token = f"xoxe.xoxb-{ws.team_id}-{secrets.token_hex(6)}"
            ws.refresh_token = f"xoxe-1-{secrets.token_hex(8)}"
            return {
                "ok": True,
                "access_token": ws.bot_token,
                "refresh_token": ws.refresh_token,
                "expires_in": self.token_lifetime_s,
                "token_type": "bot",
                "team": {"id": ws.team_id, "name": ws.name},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        grant = self._codes.pop(str(params.get("code", "")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team_id, user_id = grant
        ws = self.workspaces[team_id]
        ws.installed = True
        response: dict[str, Any] = {
            "ok": True,
            "app_id": "A0CERCLE",
            "authed_user": {"id": user_id},
            "scope": "commands,chat:write,chat:write.public,channels:join,channels:history,groups:history,"
            "reactions:read,users:read,team:read",
            "token_type": "bot",
            "access_token": ws.bot_token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if self.rotate_tokens:
            ws.bot_token = f"xoxe.xoxb-{ws.team_id}-{secrets.token_hex(6)}"
            ws.refresh_token = f"xoxe-1-{secrets.token_hex(8)}"
            response.update(access_token=ws.bot_token, refresh_token=ws.refresh_token, expires_in=self.token_lifetime_s)
        return response

    def _m_apps_connections_open(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket/{secrets.token_hex(4)}"}

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid client_id")
        if self._installer is None:
            return web.Response(status=400, text="nobody is approving: call authorize_as() first")
        scopes = set((query.get("scope") or "").split(","))
        if "commands" not in scopes or "chat:write" not in scopes:
            self.violations.append(f"authorize: scopes missing from {sorted(scopes)}")
        code = secrets.token_hex(8)
        self._codes[code] = self._installer
        self._installer = None
        redirect = query.get("redirect_uri") or self.redirect_uri
        location = f"{redirect}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        raise web.HTTPFound(location)

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["_team"] = request.match_info["team"]
        self.responses.append(body)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0CERCLE"}})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.socket_acks[data["envelope_id"]] = data.get("payload")
                    self._ack_event.set()
        self._sockets.remove(ws)
        return ws

    async def push_socket(self, envelope: dict[str, Any], *, timeout: float = 5.0) -> Any:
        """Send an envelope to the connected app and wait for its acknowledgement."""
        deadline = time.monotonic() + timeout
        while not self._sockets and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if not self._sockets:
            raise AssertionError("no Socket Mode connection")
        await self._sockets[0].send_json(envelope)
        while envelope["envelope_id"] not in self.socket_acks and time.monotonic() < deadline:
            self._ack_event.clear()
            try:
                await asyncio.wait_for(self._ack_event.wait(), max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                break
        if envelope["envelope_id"] not in self.socket_acks:
            raise AssertionError(f"envelope {envelope['envelope_id']} was not acknowledged")
        return self.socket_acks[envelope["envelope_id"]]
