"""A stand-in for X's API v2: posting, recent search of a conversation, the account, checked against X's
OpenAPI (tests/specs/x/x-api-v2.slim.json): the body of `POST /2/tweets` against `CreatePostsRequest`,
the query parameters of the search against those documented. It answers as X does: problem bodies
(`title`, `detail`, `type`, `status`), 403 for a duplicate text and for reads outside the plan, 429
with `x-rate-limit-*` headers, the newest posts first."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
from aiohttp import web

from tests.standins.server import serve

SPEC = Path(__file__).resolve().parents[1] / "specs" / "x" / "x-api-v2.slim.json"
TEXT_LIMIT = 280


@dataclass
class Tweet:
    id: str
    author_id: str
    text: str
    conversation_id: str
    created_at: str
    in_reply_to: str | None = None


class XStandIn:
    def __init__(self) -> None:
        self.spec = json.loads(SPEC.read_text())
        create = {"$ref": "#/components/schemas/CreatePostsRequest", "components": self.spec["components"]}
        self._create = jsonschema.Draft7Validator(create)
        self.user_token, self.app_token = "x-user-token", "x-app-token"
        self.me = {"id": "1500000000000000001", "username": "cercle_bot", "name": "Cercle"}
        self.users = {self.me["id"]: self.me}
        self.tweets: dict[str, Tweet] = {}
        self.reads_allowed = True  # False: the free tier, which cannot search
        self.throttle_next = 0  # answer the next requests with 429
        self.violations: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(1_800_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/2/"

    async def start(self) -> XStandIn:
        app = web.Application()
        app.router.add_post("/2/tweets", self._create_post)
        app.router.add_get("/2/tweets/search/recent", self._search)
        app.router.add_get("/2/users/me", self._users_me)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- people on X ---------------------------------------------------------------------------
    def reply(self, to: str, *, username: str, name: str, text: str) -> Tweet:
        user_id = str(abs(hash(username)) % 10**18)
        self.users[user_id] = {"id": user_id, "username": username, "name": name}
        root = self.tweets[to]
        tweet = Tweet(str(next(self._ids)), user_id, f"@{self.me['username']} {text}", root.conversation_id, _now(), to)
        self.tweets[tweet.id] = tweet
        return tweet

    def posted(self) -> list[Tweet]:
        return [t for t in self.tweets.values() if t.author_id == self.me["id"]]

    # --- the API -------------------------------------------------------------------------------
    def _problem(self, status: int, title: str, detail: str, **headers: str) -> web.Response:
        body = {"title": title, "detail": detail, "type": "about:blank", "status": status}
        return web.json_response(body, status=status, headers=headers)

    def _refused(self, request: web.Request, *, tokens: tuple[str, ...]) -> web.Response | None:
        self.calls.append((request.method, request.path))
        reset = str(int(time.time()) + 1)
        if self.throttle_next:
            self.throttle_next -= 1
            return self._problem(
                429,
                "Too Many Requests",
                "Too Many Requests",
                **{"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
            )
        if request.headers.get("Authorization") not in {f"Bearer {t}" for t in tokens}:
            return self._problem(401, "Unauthorized", "Unauthorized")
        return None

    async def _create_post(self, request: web.Request) -> web.Response:
        refused = self._refused(request, tokens=(self.user_token,))  # posting needs the user's context
        if refused is not None:
            return refused
        body = await request.json()
        for error in self._create.iter_errors(body):
            self.violations.append(f"POST /2/tweets: {error.json_path}: {error.message[:200]}")
        text = str(body.get("text") or "")
        if len(text) > TEXT_LIMIT:
            self.violations.append(f"POST /2/tweets: {len(text)} characters, over {TEXT_LIMIT}")
            return self._problem(400, "Invalid Request", "Your Tweet text is too long.")
        if any(t.text == text and t.author_id == self.me["id"] for t in self.tweets.values()):
            return self._problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        tweet_id = str(next(self._ids))
        conversation = self.tweets[reply_to].conversation_id if reply_to in self.tweets else tweet_id
        self.tweets[tweet_id] = Tweet(tweet_id, self.me["id"], text, conversation, _now(), reply_to)
        return web.json_response({"data": {"id": tweet_id, "text": text}}, status=201)

    async def _search(self, request: web.Request) -> web.Response:
        refused = self._refused(request, tokens=(self.user_token, self.app_token))
        if refused is not None:
            return refused
        documented = self._parameters("/2/tweets/search/recent", "get")
        for name in request.query:
            if name not in documented:
                self.violations.append(f"GET /2/tweets/search/recent: undocumented parameter {name!r}")
        if not self.reads_allowed:
            return self._problem(403, "Client Forbidden", "This endpoint is not available on the account's plan.")
        query = request.query.get("query", "")
        since = int(request.query.get("since_id") or 0)
        if query.startswith("conversation_id:"):
            wanted = query.removeprefix("conversation_id:")
            found = [t for t in self.tweets.values() if t.conversation_id == wanted and t.id != wanted]
        elif query.startswith("from:"):
            found = [t for t in self.tweets.values() if t.author_id == query.removeprefix("from:")]
        else:
            found = []
        found = sorted((t for t in found if int(t.id) > since), key=lambda t: -int(t.id))
        data = [
            {
                "id": t.id,
                "text": t.text,
                "author_id": t.author_id,
                "conversation_id": t.conversation_id,
                "created_at": t.created_at,
            }
            for t in found
        ]
        users = [self.users[u] for u in {t.author_id for t in found}]
        body: dict[str, Any] = {"meta": {"result_count": len(data)}}
        if data:
            body.update(data=data, includes={"users": users})
        return web.json_response(body)

    async def _users_me(self, request: web.Request) -> web.Response:
        refused = self._refused(request, tokens=(self.user_token,))
        return refused or web.json_response({"data": self.me})

    async def _unknown(self, request: web.Request) -> web.Response:
        self.violations.append(f"{request.method} {request.path}: not a route Cercle should call")
        return self._problem(404, "Not Found Error", "Not found")

    def _parameters(self, path: str, method: str) -> set[str]:
        names = set()
        for parameter in self.spec["paths"][path][method].get("parameters", []):
            if "$ref" in parameter:
                parameter = self.spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            names.add(parameter["name"])
        return names


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
