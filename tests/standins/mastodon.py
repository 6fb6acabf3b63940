"""A stand-in for a Mastodon server: posting statuses, their context, the account, as the Mastodon
documentation says (tests/specs/mastodon): the form parameters of "Post a new status" read from the
documentation itself, `Idempotency-Key` kept an hour, 401 `{"error": "The access token is
invalid"}`, 422 for a blank status, and the rate limit of 300 requests per 5 minutes per account with
its `X-RateLimit-*` headers and 429. What the server would refuse is recorded in ``violations``."""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.standins.server import serve

SPECS = Path(__file__).resolve().parents[1] / "specs" / "mastodon"
WINDOW_S = 300.0  # the documented budget: 300 requests per 5 minutes per account
BUDGET = 300
STATUS_LIMIT = 500
PUBLIC_URL = "https://mastodon.example"


def documented_form_parameters() -> set[str]:
    """The form parameters of POST /api/v1/statuses, as its documentation lists them."""
    text = (SPECS / "statuses.md").read_text()
    section = text.split("## Post a new status", 1)[1].split("\n## ", 1)[0]
    form = section.split("##### Form data parameters", 1)[1].split("####", 1)[0]
    return {m.group(1).split("[", 1)[0] for m in re.finditer(r"^([a-z_\[\]]+)\n:", form, re.MULTILINE)}


@dataclass
class Account:
    id: str
    acct: str
    display_name: str

    def entity(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.acct.split("@")[0],
            "acct": self.acct,
            "display_name": self.display_name,
            "url": f"{base_url}/@{self.acct}",
            "locked": False,
            "bot": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "note": "",
            "avatar": "",
            "header": "",
            "followers_count": 0,
            "following_count": 0,
            "statuses_count": 0,
            "fields": [],
            "emojis": [],
        }


@dataclass
class Status:
    id: str
    account: Account
    content: str
    in_reply_to_id: str | None
    created_at: str
    visibility: str = "public"
    deleted: bool = False
    params: dict[str, str] = field(default_factory=dict)


class MastodonStandIn:
    def __init__(self, *, budget: int = BUDGET, window_s: float = WINDOW_S) -> None:
        """``budget`` and ``window_s``: smaller than Mastodon's to see the limit within a test."""
        self.budget, self.window_s = budget, window_s
        self.token = "mastodon-standin-token"
        self.cercle = Account("109000000000000001", "cercle", "Cercle")
        self.statuses: dict[str, Status] = {}
        self.violations: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.user_agents: list[str] = []  # of each call, in order
        self.form_parameters = documented_form_parameters()
        self._ids = itertools.count(110_000_000_000_000_000)
        self._idempotency: dict[str, tuple[float, str]] = {}
        self._requests: list[float] = []
        self.refused_with_429 = 0
        self.fail_next: list[int] = []  # statuses to answer the next requests with (500, 502, 401…)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> MastodonStandIn:
        app = web.Application()
        app.router.add_post("/api/v1/statuses", self._post_status)
        app.router.add_get("/api/v1/statuses/{id}/context", self._context)
        app.router.add_get("/api/v1/accounts/verify_credentials", self._verify)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- people on the network -----------------------------------------------------------------
    def reply(self, to: str, *, acct: str, name: str, html: str) -> Status:
        account = Account(str(abs(hash(acct)) % 10**17), acct, name)
        status = Status(str(next(self._ids)), account, html, to, _now())
        self.statuses[status.id] = status
        return status

    def delete(self, status_id: str) -> None:
        self.statuses[status_id].deleted = True

    def spend(self, requests: int) -> None:
        """Another app on the same account uses part of the budget."""
        self._requests.extend([time.time()] * requests)

    def published(self) -> list[Status]:
        return [s for s in self.statuses.values() if s.account is self.cercle and not s.deleted]

    # --- the API -------------------------------------------------------------------------------
    def _limited(self, request: web.Request) -> web.Response | None:
        """Authentication and the account's budget, as every endpoint checks them."""
        self.calls.append((request.method, request.path))
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if self.fail_next:
            status = self.fail_next.pop(0)
            if status == 401:
                return web.json_response({"error": "The access token is invalid"}, status=401)
            return web.json_response({"error": "Service unavailable"}, status=status)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "The access token is invalid"}, status=401)
        now = time.time()
        self._requests = [t for t in self._requests if now - t < self.window_s]
        if len(self._requests) >= self.budget:
            self.refused_with_429 += 1
            return web.json_response({"error": "Too many requests"}, status=429, headers=self._headers(now))
        self._requests.append(now)
        return None

    def _headers(self, now: float) -> dict[str, str]:
        reset = datetime.fromtimestamp((self._requests[0] if self._requests else now) + self.window_s, UTC)
        return {
            "X-RateLimit-Limit": str(self.budget),
            "X-RateLimit-Remaining": str(max(0, self.budget - len(self._requests))),
            "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
        }

    def _json(self, body: Any, *, status: int = 200) -> web.Response:
        return web.json_response(body, status=status, headers=self._headers(time.time()))

    def _entity(self, status: Status) -> dict[str, Any]:
        return {
            "id": status.id,
            "uri": f"{self.base_url}/users/{status.account.acct}/statuses/{status.id}",
            "url": f"{PUBLIC_URL}/@{status.account.acct}/{status.id}",  # the instance's public https address
            "created_at": status.created_at,
            "account": status.account.entity(self.base_url),
            "content": status.content,
            "visibility": status.visibility,
            "sensitive": False,
            "spoiler_text": "",
            "in_reply_to_id": status.in_reply_to_id,
            "in_reply_to_account_id": None,
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "reblog": None,
            "poll": None,
            "card": None,
            "language": "en",
            "edited_at": None,
        }

    async def _post_status(self, request: web.Request) -> web.Response:
        refused = self._limited(request)
        if refused is not None:
            return refused
        form = dict(await request.post()) if request.content_type != "application/json" else await request.json()
        unknown = {k.split("[", 1)[0] for k in form} - self.form_parameters
        if unknown:
            self.violations.append(f"POST /api/v1/statuses: undocumented parameters {sorted(unknown)}")
        text = str(form.get("status") or "")
        if not text.strip():
            return self._json({"error": "Validation failed: Text can't be blank"}, status=422)
        if len(text) > STATUS_LIMIT:
            self.violations.append(f"POST /api/v1/statuses: {len(text)} characters, over {STATUS_LIMIT}")
            return self._json({"error": "Validation failed: Text character limit of 500 exceeded"}, status=422)
        if form.get("visibility") not in (None, "public", "unlisted", "private", "direct"):
            return self._json({"error": "Validation failed: Visibility is not included in the list"}, status=422)
        reply_to = str(form.get("in_reply_to_id") or "") or None
        if reply_to is not None and reply_to not in self.statuses:
            return self._json({"error": "Record not found"}, status=404)
        key = request.headers.get("Idempotency-Key")
        now = time.time()
        if key and key in self._idempotency and now - self._idempotency[key][0] < 3600:
            return self._json(self._entity(self.statuses[self._idempotency[key][1]]))
        status = Status(str(next(self._ids)), self.cercle, f"<p>{_escape(text)}</p>", reply_to, _now())
        status.visibility = str(form.get("visibility") or "public")
        status.params = {k: str(v) for k, v in form.items()}
        self.statuses[status.id] = status
        if key:
            self._idempotency[key] = (now, status.id)
        return self._json(self._entity(status))

    async def _context(self, request: web.Request) -> web.Response:
        refused = self._limited(request)
        if refused is not None:
            return refused
        root = self.statuses.get(request.match_info["id"])
        if root is None or root.deleted:
            return self._json({"error": "Record not found"}, status=404)
        descendants: list[Status] = []
        frontier = {root.id}
        for status in sorted(self.statuses.values(), key=lambda s: int(s.id)):
            if status.in_reply_to_id in frontier and not status.deleted:
                descendants.append(status)
                frontier.add(status.id)
        return self._json({"ancestors": [], "descendants": [self._entity(s) for s in descendants]})

    async def _verify(self, request: web.Request) -> web.Response:
        refused = self._limited(request)
        return refused or self._json(self.cercle.entity(self.base_url))

    async def _unknown(self, request: web.Request) -> web.Response:
        self.violations.append(f"{request.method} {request.path}: not an endpoint Cercle should call")
        return web.json_response({"error": "Record not found"}, status=404)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
