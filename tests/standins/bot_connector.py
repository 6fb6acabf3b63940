"""A stand-in for Microsoft Teams: the Bot Connector at the activities' ``serviceUrl``, and the
channel that delivers activities to Cercle's POST /api/messages.

Every call is matched against the Connector API's routes (tests/specs/teams/connector-api.slim.json)
and its body against the ``Activity`` definition; every card against the Adaptive Card 1.5 schema;
every send against Teams' per-conversation limits (7 in 1 s, 8 in 2 s, 60 in 30 s) and the tenant's
30 a second. What Teams would reject is recorded in ``violations``, which the fixture asserts empty.
It answers as the connector does: ``{"id": …}``, message ids of epoch milliseconds, a channel thread
addressed as ``<channel>;messageid=<root>``, errors as ``{"error": {"code", "message"}}``, 429 with
``Retry-After``. The activities it delivers are shaped like the documented ones in
tests/specs/teams/activities."""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
from aiohttp import web

from tests.standins.server import serve

SPECS = Path(__file__).resolve().parents[1] / "specs" / "teams"
CARD = "application/vnd.microsoft.card.adaptive"
LIMITS = ((1.0, 7), (2.0, 8), (30.0, 60))  # per bot per conversation (thread)
TENANT_PER_S = 30


def sample(name: str) -> dict[str, Any]:
    """A documented activity (tests/specs/teams/activities/<name>.json)."""
    return copy.deepcopy(json.loads((SPECS / "activities" / f"{name}.json").read_text())["activity"])


@dataclass
class Team:
    tenant: str
    team_id: str
    name: str
    channels: dict[str, str] = field(default_factory=dict)  # id → name; the General channel's id is the team's


@dataclass
class Posted:
    conversation: str
    id: str
    activity: dict[str, Any]
    reply_to: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def card(self) -> dict[str, Any] | None:
        latest = self.updates[-1] if self.updates else self.activity
        cards = [a["content"] for a in latest.get("attachments") or [] if a.get("contentType") == CARD]
        return cards[0] if cards else None

    @property
    def words(self) -> str:
        """Everything a person reads in the message (text and the card's text blocks)."""
        latest = self.updates[-1] if self.updates else self.activity
        return " ".join([str(latest.get("text") or ""), *_texts(self.card)])


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """The connector's ErrorResponse."""
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["text"])] if node.get("type") == "TextBlock" else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


class BotConnectorStandIn:
    bot_id = "28:f5d48856-5b42-41a0-8c3a-c5f944b679b0"
    bot_name = "Cercle"

    def __init__(self, *, check_schemas: bool = True) -> None:
        """``check_schemas``: validate activities and cards (the benchmarks turn it off: it costs tens
        of milliseconds a card, which would make the stand-in the bottleneck it measures)."""
        self.check_schemas = check_schemas
        self.spec = json.loads((SPECS / "connector-api.slim.json").read_text())
        card_schema = json.loads((SPECS / "adaptive-cards" / "adaptive-card.1.5.0.json").read_text())
        self._cards = jsonschema.Draft6Validator(card_schema)
        activity = {**self.spec["definitions"]["Activity"], "definitions": self.spec["definitions"]}
        self._activity = jsonschema.Draft4Validator(activity)
        self._routes = [
            (method.upper(), re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), path)
            for path, methods in self.spec["paths"].items()
            for method in methods
        ]
        self.teams: dict[str, Team] = {}
        self.chats: dict[str, str] = {}  # group chat id → tenant
        self.posted: list[Posted] = []
        self.people_said: set[str] = set()  # ids of the messages people posted (delivered to Cercle)
        self.violations: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.failures: deque[tuple[int, str | None]] = deque()
        self.expected_token: str | None = None  # with credentials: the bearer token sends must carry
        self._ids = itertools.count(int(time.time() * 1000))
        self._sends: dict[str, deque[float]] = defaultdict(deque)
        self._tenant_sends: dict[str, deque[float]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.messages_url = ""  # Cercle's POST /api/messages
        self._session: aiohttp.ClientSession | None = None

    # --- set-up --------------------------------------------------------------------------------
    def add_team(self, tenant: str, name: str, *, channels: dict[str, str] | None = None) -> Team:
        team_id = f"19:{tenant[:8]}general@thread.tacv2"
        team = Team(tenant, team_id, name, {team_id: "General", **(channels or {})})
        self.teams[team_id] = team
        return team

    def fail_next(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        self.failures.extend([(status, retry_after)] * times)

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/amer/"

    async def start(self) -> BotConnectorStandIn:
        app = web.Application()
        app.router.add_route("*", "/amer/{tail:.*}", self._serve)
        self._runner, self.port = await serve(app)
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what Cercle posted --------------------------------------------------------------------
    def in_conversation(self, conversation: str) -> list[Posted]:
        return [p for p in self.posted if p.conversation == conversation and not p.deleted]

    def thread(self, channel: str, root: str) -> list[Posted]:
        return self.in_conversation(f"{channel};messageid={root}")

    def message(self, message_id: str) -> Posted:
        return next(p for p in self.posted if p.id == message_id)

    # --- the connector -------------------------------------------------------------------------
    def _tenant_of(self, conversation: str) -> str | None:
        base = conversation.split(";", 1)[0]
        for team in self.teams.values():
            if base in team.channels:
                return team.tenant
        return self.chats.get(base)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        self.calls.append((request.method, path))
        route = next(((m, p.match(path), t) for m, p, t in self._routes if m == request.method and p.match(path)), None)
        if route is None:
            self.violations.append(f"{request.method} {path}: no such route in the Connector API")
            return _error(404, "NotFound", "Unknown route")
        if self.expected_token is not None and request.headers.get("Authorization") != f"Bearer {self.expected_token}":
            return _error(401, "Unauthorized", "Authorization has been denied for this request.")
        if self.failures:
            status, retry_after = self.failures.popleft()
            headers = {"Retry-After": retry_after} if retry_after else {}
            return _error(status, "TooManyRequests" if status == 429 else "ServiceError", "Try again", headers)
        params = route[1].groupdict()
        conversation = params.get("conversationId", "")
        tenant = self._tenant_of(conversation)
        if tenant is None:
            return _error(404, "ConversationNotFound", "Conversation not found.")
        if request.method == "DELETE":
            found = self._find(params["activityId"])
            if found is None:
                return _error(404, "NotFound", "Activity not found.")
            found.deleted = True
            return web.Response(status=200)
        if request.method == "GET":
            return web.json_response({"id": params["memberId"], "name": "someone"})
        body = await request.json()
        if self.check_schemas:
            self._check_activity(body, where=f"{request.method} {route[2]}")
        if request.method == "PUT":
            found = self._find(params["activityId"])
            if found is None:
                return _error(404, "NotFound", "Activity not found.")
            found.updates.append(body)
            return web.json_response({"id": found.id})
        self._count_send(conversation, tenant)
        root = conversation.partition(";messageid=")[2]
        if root and self._find(root) is None and root not in self.people_said:
            return _error(404, "NotFound", "The thread's root message does not exist.")
        posted = Posted(conversation, str(next(self._ids)), body, reply_to=params.get("activityId"))
        self.posted.append(posted)
        return web.json_response({"id": posted.id}, status=201)

    def _find(self, activity_id: str) -> Posted | None:
        return next((p for p in self.posted if p.id == activity_id and not p.deleted), None)

    def _check_activity(self, body: dict[str, Any], *, where: str) -> None:
        for error in self._activity.iter_errors(body):
            self.violations.append(f"{where}: activity {error.json_path}: {error.message[:200]}")
        if body.get("type") != "message":
            self.violations.append(f"{where}: Cercle sends messages, not {body.get('type')!r}")
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") != CARD:
                continue
            for error in self._cards.iter_errors(attachment.get("content")):
                self.violations.append(f"{where}: card {error.json_path}: {error.message[:200]}")
            if len(json.dumps(body).encode()) > 28_000:
                self.violations.append(f"{where}: message over Teams' 28 KB")

    def _count_send(self, conversation: str, tenant: str) -> None:
        """Teams' per-conversation limits count a channel with all its threads."""
        now = time.monotonic()
        conversation = conversation.split(";", 1)[0]
        sends = self._sends[conversation]
        sends.append(now)
        while sends and now - sends[0] > 30:
            sends.popleft()
        for window, most in LIMITS:
            if sum(1 for t in sends if now - t <= window) > most:
                seen = sum(1 for t in sends if now - t <= window)
                self.violations.append(f"{conversation}: {seen} sends in {window:g} s, over Teams' {most}")
        per_tenant = self._tenant_sends[tenant]
        per_tenant.append(now)
        while per_tenant and now - per_tenant[0] > 1:
            per_tenant.popleft()
        if len(per_tenant) > TENANT_PER_S:
            self.violations.append(f"tenant {tenant}: more than {TENANT_PER_S} requests in a second")

    # --- Teams delivering activities to Cercle -------------------------------------------------
    async def deliver(
        self, activity: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        assert self._session is not None and self.messages_url
        if activity.get("type") == "message":
            self.people_said.add(str(activity.get("id")))
        response = await self._session.post(self.messages_url, json=activity, headers=headers or {})
        await response.read()
        return response
