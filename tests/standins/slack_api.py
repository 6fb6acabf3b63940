"""A stand-in for Slack: Web API, OAuth authorize page, response_url and Socket Mode.

Every Web API call is checked against Slack's OpenAPI (tests/specs/slack/web-api.slim.json):
unknown method, unknown or missing parameter, wrong type, or an answer of ours that does not
fit the success schema is recorded in ``violations``, which the fixture asserts empty. It
answers as Slack does: HTTP 200 with ``ok: false`` for errors, 429 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jsonschema
from aiohttp import web

from tests.standins.slack_install import SlackInstallAndSockets
from tests.standins.slack_methods import SlackMethods, Workspace
from tests.standins.slack_people import SlackPeople

SPEC_PATH = Path(__file__).resolve().parents[1] / "specs" / "slack" / "web-api.slim.json"
# Documented after the 2021 snapshot: see tests/specs/SOURCES.md.
DOCUMENTED_EXTRA_METHODS = {"apps.connections.open": {"optional": set(), "required": set()}}
DOCUMENTED_EXTRA_PARAMS = {"oauth.v2.access": {"grant_type", "refresh_token"}}
# slack_sdk sends the workspace as team_id on every call of an app that knows it (org-wide apps need it).
GLOBAL_PARAMS = {"token", "team_id"}

# Block Kit limits (docs.slack.dev/reference/block-kit/blocks): what Slack rejects as invalid_blocks.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_TEXT_OBJECT = 3000  # a context block's text elements too (Block Kit reference, composition objects)
MAX_BUTTON_TEXT = 75
KNOWN_BLOCKS = {"section", "context", "actions", "divider", "header", "rich_text", "image", "input"}


# Cursor-paginated methods whose success schema (additionalProperties: false) omits the
# `response_metadata.next_cursor` that the same spec's example and the pagination docs show.
_CURSOR_PAGED = frozenset({"conversations.history"})


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


class SlackStandIn(SlackPeople, SlackMethods, SlackInstallAndSockets):
    def __init__(self) -> None:
        self.spec = json.loads(SPEC_PATH.read_text())
        self._validators: dict[str, jsonschema.Draft4Validator] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_url
        self.failures: dict[str, deque[tuple[str, Any, str | None, Callable[[dict[str, Any]], bool] | None]]] = (
            defaultdict(deque)
        )
        self.client_id = "111.222"
        self.client_secret = "standin-client-secret"
        self.app_token = "xapp-1-A111-standin"
        self.rotate_tokens = False
        self.token_lifetime_s = 43200
        self.redirect_uri = ""  # where the authorize page sends the browser back when none is given
        self.channel_rate_per_s: float | None = None
        self._channel_last_post: dict[str, deque[float]] = defaultdict(deque)
        self._codes: dict[str, tuple[str, str]] = {}
        self._ts = itertools.count(1)
        self._installer: tuple[str, str] | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.socket_acks: dict[str, Any] = {}
        self._ack_event = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Events API: where Slack would deliver events, signed with the app's signing secret.
        self.events_url: str | None = None
        self.signing_secret = ""
        self.deliveries: list[dict[str, Any]] = []
        self._delivery_tasks: set[asyncio.Task[None]] = set()
        self._event_ids = itertools.count(1)
        self.latency_s: dict[str, float] = {}
        self.latency_after_s: dict[str, float] = {}  # done, then slow to answer: the caller may die first

    # ----- set-up -------------------------------------------------------------------------
    def add_workspace(self, team_id: str, name: str, *, installed: bool = True) -> Workspace:
        slug = name.lower().replace(" ", "")
        workspace = Workspace(
            team_id=team_id,
            name=name,
            domain=slug,
            bot_token=f"xoxb-{team_id}-{secrets.token_hex(6)}",
            bot_user_id=f"U0BOT{team_id[1:]}",
            bot_id=f"B0BOT{team_id[1:]}",
            installed=installed,
        )
        self.workspaces[team_id] = workspace
        return workspace

    def fail_next(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        team: str | None = None,
        when: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Answer the next call(s) of ``method`` (in ``team`` only, and whose parameters satisfy
        ``when``, if given) with ``ok: false, error``."""
        for _ in range(times):
            self.failures[method].append(("error", error, team, when))

    def rate_limit_next(self, method: str, *, retry_after: int = 1, times: int = 1, team: str | None = None) -> None:
        """Answer the next call(s) of ``method`` (in ``team`` only, if given) with 429 and Retry-After."""
        for _ in range(times):
            self.failures[method].append(("429", retry_after, team, None))

    def _injected_failure(self, method: str, token: str | None, params: dict[str, Any]) -> tuple[str, Any] | None:
        caller = self._workspace_for(token)
        for entry in self.failures[method]:
            kind, value, team, when = entry
            if (team is None or (caller is not None and caller.team_id == team)) and (when is None or when(params)):
                self.failures[method].remove(entry)
                return kind, value
        return None

    def authorize_as(self, team_id: str, user_id: str) -> None:
        """The next visit to the authorize page is this user approving the install."""
        self._installer = (team_id, user_id)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/oauth/v2/authorize"

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200 and c.response.get("ok")]

    def response_url(self, team_id: str) -> str:
        return f"{self.base_url}/commands/{team_id}/{next(self._ts)}/{secrets.token_hex(8)}"

    # ----- server ---------------------------------------------------------------------------
    async def start(self) -> SlackStandIn:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_post("/commands/{team}/{n}/{token}", self._response_url)
        app.router.add_get("/socket/{id}", self._socket)
        app.router.add_get("/_standin/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        await self.settle(timeout=5)
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ----- Web API ----------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> tuple[dict[str, Any], bool]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                params.update(body)
                return params, True
            params.update(dict(parse_qsl(await request.text(), keep_blank_values=True)))
        return params, False

    def _check_against_spec(self, method: str, params: dict[str, Any], is_json: bool, token: str | None) -> None:
        if method in DOCUMENTED_EXTRA_METHODS:
            return
        path = self.spec["paths"].get(f"/{method}")
        if path is None:
            self.violations.append(f"{method}: not a method of the Slack Web API spec")
            return
        operation = next(iter(path.values()))
        declared = {p["name"]: p for p in operation["parameters"] if p["in"] in ("formData", "query")}
        extra_allowed = DOCUMENTED_EXTRA_PARAMS.get(method, set())
        for name, value in params.items():
            if name in GLOBAL_PARAMS:
                continue
            if name not in declared and name not in extra_allowed:
                self.violations.append(f"{method}: unknown parameter {name!r}")
                continue
            if name in declared:
                expected = declared[name].get("type")
                if expected == "boolean" and not (isinstance(value, bool) or str(value) in ("true", "false", "1", "0")):
                    self.violations.append(f"{method}: {name} should be a boolean, got {value!r}")
                if expected == "integer" and not str(value).lstrip("-").isdigit():
                    self.violations.append(f"{method}: {name} should be an integer, got {value!r}")
                if expected == "string" and not is_json and not isinstance(value, str):
                    self.violations.append(f"{method}: {name} should be a string")
        for name, declaration in declared.items():
            if name == "token" and token:
                continue  # sent as "Authorization: Bearer", which Slack accepts everywhere
            if method == "oauth.v2.access" and name == "code" and params.get("grant_type") == "refresh_token":
                continue  # token rotation exchanges a refresh_token instead of a code
            if declaration.get("required") and name not in params:
                self.violations.append(f"{method}: required parameter {name!r} missing")

    def _check_response(self, method: str, response: dict[str, Any]) -> None:
        path = self.spec["paths"].get(f"/{method}")
        if path is None or not response.get("ok"):
            return
        validator = self._validators.get(method)
        if validator is None:
            schema = next(iter(path.values()))["responses"]["200"]["schema"]
            validator = jsonschema.Draft4Validator({"definitions": self.spec["definitions"], **schema})
            self._validators[method] = validator
        if method in _CURSOR_PAGED:  # the spec's own example carries it; its schema forgot it
            response = {k: v for k, v in response.items() if k != "response_metadata"}
        error = jsonschema.exceptions.best_match(validator.iter_errors(response))
        if error is not None:
            self.violations.append(f"{method}: stand-in answer breaks the success schema: {error.message[:200]}")

    def _check_blocks(self, method: str, params: dict[str, Any]) -> str | None:
        blocks = params.get("blocks")
        if blocks is None:
            return None
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return "invalid_blocks_format"
        if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
            return "invalid_blocks"
        for block in blocks:
            if block.get("type") not in KNOWN_BLOCKS:
                return "invalid_blocks"
            text = (block.get("text") or {}).get("text", "")
            if block["type"] == "section" and len(text) > MAX_SECTION_TEXT:
                return "invalid_blocks"
            for element in block.get("elements", []):
                if element.get("type") == "button" and len(element["text"]["text"]) > MAX_BUTTON_TEXT:
                    return "invalid_blocks"
                if element.get("type") in ("mrkdwn", "plain_text") and len(element["text"]) > MAX_TEXT_OBJECT:
                    return "invalid_blocks"
        params["blocks"] = blocks
        return None

    def _token(self, request: web.Request, params: dict[str, Any]) -> str | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ")
        return params.get("token")

    def _workspace_for(self, token: str | None) -> Workspace | None:
        for workspace in self.workspaces.values():
            if workspace.installed and token == workspace.bot_token:
                return workspace
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, is_json = await self._params(request)
        token = self._token(request, params)
        call = Call(method=method, params=params, token=token, at=time.time())
        self.calls.append(call)
        self._check_against_spec(method, params, is_json, token)
        failure = self._injected_failure(method, token, params)
        if failure is not None:
            kind, value = failure
            if kind == "429":
                call.status = 429
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(value)}
                )
            call.response = {"ok": False, "error": value}
            return web.json_response(call.response)
        if self.latency_s.get(method):
            await asyncio.sleep(self.latency_s[method])
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            call.response = {"ok": False, "error": "unknown_method"}
            return web.json_response(call.response, status=404)
        if method in ("oauth.v2.access", "apps.connections.open"):
            basic = request.headers.get("Authorization", "")
            if basic.startswith("Basic "):  # Slack accepts the client credentials as HTTP Basic auth
                client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
                params = {**params, "client_id": client_id, "client_secret": client_secret}
            response = handler(params, token)
        else:
            workspace = self._workspace_for(token)
            if workspace is None:
                response = {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
            else:
                blocks_error = self._check_blocks(method, params)
                if blocks_error:
                    response = {"ok": False, "error": blocks_error}
                else:
                    response = handler(workspace, params)
            if response.get("error") == "ratelimited":
                call.status = 429
                return web.json_response(response, status=429, headers={"Retry-After": "1"})
        self._check_response(method, response)
        call.response = response
        if self.latency_after_s.get(method):
            await asyncio.sleep(self.latency_after_s[method])
        return web.json_response(response)

    def channel_messages(self, team_id: str, channel_id: str) -> list[dict[str, Any]]:
        return self.workspaces[team_id].channels[channel_id].messages

    def _m_conversations_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(ws, params)
        if isinstance(channel, dict):
            return channel
        return {"ok": True, "channel": self._conversation(channel)}

    def _m_users_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        user = ws.users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        profile = {
            "real_name": user["name"].title(),
            "display_name": user["name"],
            "avatar_hash": "",
            "status_text": "",
            "status_emoji": "",
            "real_name_normalized": user["name"].title(),
            "display_name_normalized": user["name"],
            "title": "",
            "phone": "",
            "skype": "",
            "fields": None,
            "image_24": "https://example.invalid/24.png",
            "image_32": "https://example.invalid/32.png",
            "image_48": "https://example.invalid/48.png",
            "image_72": "https://example.invalid/72.png",
            "image_192": "https://example.invalid/192.png",
            "image_512": "https://example.invalid/512.png",
            "team": ws.team_id,
        }
        return {
            "ok": True,
            "user": {
                "id": user["id"],
                "team_id": ws.team_id,
                "name": user["name"],
                "real_name": user["name"].title(),
                "deleted": False,
                "is_admin": user["is_admin"],
                "is_owner": user["is_owner"],
                "is_primary_owner": user["is_owner"],
                "is_restricted": False,
                "is_ultra_restricted": False,
                "is_bot": False,
                "is_app_user": False,
                "updated": 1600000000,
                "profile": profile,
                **({"locale": user["locale"]} if _truthy(params.get("include_locale")) else {}),
            },
        }

    def _m_team_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "team": {
                "id": ws.team_id,
                "name": ws.name,
                "domain": ws.domain,
                "email_domain": "",
                "icon": {"image_default": True, "image_34": "https://example.invalid/34.png"},
            },
        }

    def _m_views_publish(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if str(params.get("user_id", "")) not in ws.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True}

    async def _stats(self, request: web.Request) -> web.Response:
        """For benchmarks running the stand-in in another process."""
        counts: dict[str, int] = defaultdict(int)
        for call in self.calls:
            counts[f"{call.method}:{call.status}"] += 1
        return web.json_response(
            {"calls": counts, "responses": len(self.responses), "violations": self.violations[:20]}
        )


def _truthy(value: Any) -> bool:
    """Slack's boolean arguments arrive as form or query text ("true", "1") or JSON."""
    return value is True or str(value).lower() in ("true", "1")
