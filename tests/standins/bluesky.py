"""A stand-in for a Bluesky PDS and AppView (XRPC): sessions, records, threads, checked against the
AT Protocol lexicons (tests/specs/bluesky/lexicons): procedure inputs and the post record (required
fields, types, lengths, graphemes), the record key's TID form. It answers as a PDS does: XRPC error
bodies (`error`, `message`), `ExpiredToken`, `RecordAlreadyExists`-style refusals, a limit on
createSession (30 per 5 minutes per account) with 429 and `ratelimit-*` headers."""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web

from tests.standins.server import serve

LEXICONS = Path(__file__).resolve().parents[1] / "specs" / "bluesky" / "lexicons"
SESSIONS_PER_WINDOW, SESSION_WINDOW_S = 30, 300
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def lexicon(nsid: str) -> dict[str, Any]:
    return dict(json.loads((LEXICONS / (nsid.replace(".", "/") + ".json")).read_text()))


def check(value: Any, schema: dict[str, Any], *, where: str, nsid: str) -> list[str]:
    """What the lexicon refuses in ``value`` (objects, strings, arrays, refs and unions, as used)."""
    kind = schema.get("type")
    if kind == "ref":
        ref = schema["ref"]
        target_nsid, _, name = ref.partition("#") if not ref.startswith("#") else (nsid, "", ref[1:])
        defs = lexicon(target_nsid)["defs"] if target_nsid != nsid else lexicon(nsid)["defs"]
        target = defs[name or "main"]
        return check(value, target.get("record", target), where=where, nsid=target_nsid)
    if kind == "union":
        return [] if isinstance(value, dict) and "$type" in value else [f"{where}: a union member needs $type"]
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: an object expected"]
        problems = [f"{where}.{name}: required" for name in schema.get("required", []) if name not in value]
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                problems += check(value[name], sub, where=f"{where}.{name}", nsid=nsid)
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: an array expected"]
        return [
            p for i, item in enumerate(value) for p in check(item, schema["items"], where=f"{where}[{i}]", nsid=nsid)
        ]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: a string expected"]
        problems = []
        if "maxLength" in schema and len(value.encode()) > schema["maxLength"]:
            problems.append(f"{where}: over {schema['maxLength']} bytes")
        if "maxGraphemes" in schema and len(value) > schema["maxGraphemes"]:
            problems.append(f"{where}: over {schema['maxGraphemes']} graphemes")
        return problems
    if kind == "integer" and not isinstance(value, int):
        return [f"{where}: an integer expected"]
    if kind == "boolean" and not isinstance(value, bool):
        return [f"{where}: a boolean expected"]
    return []


@dataclass
class Post:
    uri: str
    cid: str
    did: str
    handle: str
    display_name: str
    record: dict[str, Any]
    parent: str | None = None
    deleted: bool = False
    indexed_at: str = field(default_factory=lambda: _now())


class BlueskyStandIn:
    def __init__(self, *, access_ttl_s: float = 3600) -> None:
        """``access_ttl_s``: how long an access token lasts (short, to see the client refresh it)."""
        self.access_ttl_s = access_ttl_s
        self.handle, self.password = "cercle.bsky.test", "app-pass-word-1234"
        self.did = "did:plc:cercle000000000000000000"
        self.posts: dict[str, Post] = {}
        self.violations: list[str] = []
        self.sessions_created = 0
        self.refreshed = 0
        self.thread_reads = 0
        self._session_times: list[float] = []
        self._cids = itertools.count(1)
        self._tids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> BlueskyStandIn:
        app = web.Application()
        app.router.add_route("*", "/xrpc/{nsid}", self._xrpc)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- people on Bluesky ---------------------------------------------------------------------
    def reply(self, to: str, *, handle: str, name: str, text: str) -> Post:
        did = f"did:plc:{abs(hash(handle)) % 10**20:020d}"
        post = self._store(did, handle, name, {"$type": "app.bsky.feed.post", "text": text, "createdAt": _now()}, to)
        return post

    def delete(self, uri: str) -> None:
        self.posts[uri].deleted = True

    def published(self) -> list[Post]:
        return [p for p in self.posts.values() if p.did == self.did and not p.deleted]

    def _store(
        self, did: str, handle: str, name: str, record: dict[str, Any], parent: str | None, rkey: str = ""
    ) -> Post:
        rkey = rkey or f"3l{next(self._tids):011d}".replace("0", "a").replace("1", "b")[:13]
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        post = Post(uri, f"bafyreib{next(self._cids):052d}", did, handle, name, record, parent)
        self.posts[uri] = post
        return post

    # --- XRPC ----------------------------------------------------------------------------------
    def _token(self, scope: str, ttl: float) -> str:
        now = int(time.time())
        claims = {"scope": scope, "sub": self.did, "iat": now, "exp": now + int(ttl), "aud": "did:web:bsky.test"}
        return jwt.encode(claims, "standin-signing-key-of-32-bytes!!", algorithm="HS256")

    def _session(self) -> dict[str, Any]:
        return {
            "accessJwt": self._token("com.atproto.appPass", self.access_ttl_s),
            "refreshJwt": self._token("com.atproto.refresh", 90 * 24 * 3600),
            "handle": self.handle,
            "did": self.did,
            "active": True,
        }

    def _authorised(self, request: web.Request, scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        try:
            claims = jwt.decode(
                header.removeprefix("Bearer "),
                "standin-signing-key-of-32-bytes!!",
                algorithms=["HS256"],
                audience="did:web:bsky.test",
            )
        except jwt.PyJWTError:
            return False
        return bool(claims.get("scope") == scope)

    async def _xrpc(self, request: web.Request) -> web.Response:
        nsid = request.match_info["nsid"]
        body = await request.json() if request.method == "POST" and request.can_read_body else {}
        if nsid in ("com.atproto.server.createSession", "com.atproto.repo.createRecord"):
            schema = lexicon(nsid)["defs"]["main"]["input"]["schema"]
            self.violations += check(body, schema, where=nsid, nsid=nsid)
        if nsid == "com.atproto.server.createSession":
            now = time.time()
            self._session_times = [t for t in self._session_times if now - t < SESSION_WINDOW_S]
            if len(self._session_times) >= SESSIONS_PER_WINDOW:
                reset = str(int(self._session_times[0] + SESSION_WINDOW_S))
                return _error(429, "RateLimitExceeded", "Rate Limit Exceeded", {"ratelimit-reset": reset})
            self._session_times.append(now)
            if body.get("identifier") != self.handle or body.get("password") != self.password:
                return _error(401, "AuthenticationRequired", "Invalid identifier or password")
            self.sessions_created += 1
            return web.json_response(self._session())
        if nsid == "com.atproto.server.refreshSession":
            if not self._authorised(request, "com.atproto.refresh"):
                return _error(400, "ExpiredToken", "Token has expired")
            self.refreshed += 1
            return web.json_response(self._session())
        if not self._authorised(request, "com.atproto.appPass"):
            return _error(401, "AuthenticationRequired", "Authentication Required")
        if nsid == "com.atproto.repo.createRecord":
            return self._create_record(body)
        if nsid == "com.atproto.repo.getRecord":
            uri = f"at://{request.query.get('repo')}/{request.query.get('collection')}/{request.query.get('rkey')}"
            post = self.posts.get(uri)
            if post is None or post.deleted:
                return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return web.json_response({"uri": post.uri, "cid": post.cid, "value": post.record})
        if nsid == "app.bsky.feed.getPostThread":
            self.thread_reads += 1
            root = self.posts.get(request.query.get("uri", ""))
            if root is None or root.deleted:
                return _error(400, "NotFound", "Post not found")
            return web.json_response({"thread": self._thread(root)})
        self.violations.append(f"XRPC {nsid}: not a method Cercle should call")
        return _error(501, "MethodNotImplemented", "Method Not Implemented")

    def _create_record(self, body: dict[str, Any]) -> web.Response:
        if body.get("collection") != "app.bsky.feed.post":
            return _error(400, "InvalidRequest", "Unsupported collection")
        self.violations += check(
            body.get("record"),
            lexicon("app.bsky.feed.post")["defs"]["main"]["record"],
            where="record",
            nsid="app.bsky.feed.post",
        )
        rkey = str(body.get("rkey") or "")
        if rkey and not TID.match(rkey):
            self.violations.append(f"createRecord: rkey {rkey!r} is not a TID (app.bsky.feed.post keys are)")
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        if rkey and uri in self.posts:
            return _error(400, "InvalidRequest", "Record already exists")
        record = body["record"]
        parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
        post = self._store(self.did, self.handle, "Cercle", record, parent, rkey)
        return web.json_response({"uri": post.uri, "cid": post.cid, "validationStatus": "valid"})

    def _view(self, post: Post) -> dict[str, Any]:
        return {
            "uri": post.uri,
            "cid": post.cid,
            "author": {"did": post.did, "handle": post.handle, "displayName": post.display_name},
            "record": post.record,
            "indexedAt": post.indexed_at,
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": 0,
        }

    def _thread(self, post: Post) -> dict[str, Any]:
        children = [p for p in self.posts.values() if p.parent == post.uri and not p.deleted]
        return {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": self._view(post),
            "replies": [self._thread(child) for child in children],
        }

    async def _unknown(self, request: web.Request) -> web.Response:
        self.violations.append(f"{request.method} {request.path}: not an XRPC route")
        return _error(404, "NotFound", "Not Found")


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": error, "message": message}, status=status, headers=headers)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
