"""Bluesky (AT Protocol), through atproto's AsyncClient.

- One ``createSession`` per process (Bluesky allows 30 per 5 minutes per account); atproto refreshes
  the session with ``refreshSession`` as its token nears expiry.
- Publish: a post within 300 graphemes, its links and the hashtag as facets, created with a record
  key made from the job's key: a retried job finds the post it made rather than posting twice.
- Replies: the post's thread (``getPostThread``), read as text; Cercle's own posts are not replies; a
  reply gone from the thread was deleted.
- The outcome: a reply to the question (``reply`` with root and parent)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import urlparse

from atproto import AsyncClient, client_utils, models
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RequestException,
    UnauthorizedError,
)

from app.domain.errors import InstallationGone, PlatformError, RateLimited
from app.domain.models import Platform
from app.domain.networks import NetworkPost, NetworkReply, RepliesPage, text_mark
from app.domain.summary import Outcome
from integrations.catalog import say_in
from integrations.networks.words import fit, outcome_post, timestamp

POST_LIMIT = 300  # graphemes; Cercle counts characters, which are never fewer
SEEN_KEPT = 4096
_LINK = re.compile(r"https?://\S+")
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def record_key(key: str) -> str:
    """A record key in the TID form app.bsky.feed.post requires, the same for the same job."""
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") & ((1 << 63) - 1)
    return "".join(_TID_ALPHABET[(number >> shift) & 31] for shift in range(60, -5, -5))


class BlueskyNetwork:
    platform = Platform.BLUESKY
    reads_per_hour: int | None = 36000  # 3,000 requests per 5 minutes per IP; one thread read per poll

    def __init__(self, *, service_url: str, handle: str, app_password: str, hashtag: str = "") -> None:
        self.instance = urlparse(service_url).netloc
        self.name = f"Bluesky ({handle})"
        self._handle, self._password = handle, app_password
        self._hashtag = hashtag
        self._client = AsyncClient(base_url=service_url)
        self._did: str | None = None

    async def _session(self) -> str:
        if self._did is None:
            await self._call(self._client.login, self._handle, self._password, fetch_bsky_profile=False)
            self._did = str(self._client.me.did) if self._client.me else await self._session_did()
        return self._did

    async def _session_did(self) -> str:
        session = getattr(self._client, "_session", None)
        return str(getattr(session, "did", "") or self._handle)

    async def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except UnauthorizedError as error:
            self._did = None
            raise InstallationGone("401: the handle or app password was refused") from error
        except BadRequestError as error:
            raise PlatformError(f"refused: {_error_name(error)}") from error
        except (NetworkError, InvokeTimeoutError) as error:
            raise PlatformError(f"unreachable: {type(error).__name__}") from error
        except RequestException as error:
            response = getattr(error, "response", None)
            if response is not None and getattr(response, "status_code", 0) == 429:
                reset = float((getattr(response, "headers", {}) or {}).get("ratelimit-reset") or time.time() + 60)
                raise RateLimited("bluesky rate limit", delay_s=max(1.0, reset - time.time())) from error
            raise PlatformError(f"refused: {_error_name(error)}") from error
        except AtProtocolError as error:  # the client's own refusals (a session it lost…)
            raise PlatformError(f"refused: {type(error).__name__}") from error

    def _text(self, question: str) -> client_utils.TextBuilder:
        """The question with its links and hashtag as facets (Bluesky shows no link it is not told of)."""
        tail = f"\n\n#{self._hashtag}" if self._hashtag else ""
        text = fit(question.strip(), limit=POST_LIMIT - len(tail))
        builder = client_utils.TextBuilder()
        at = 0
        for link in _LINK.finditer(text):
            builder.text(text[at : link.start()]).link(link.group(0), link.group(0))
            at = link.end()
        builder.text(text[at:])
        if self._hashtag:
            builder.text("\n\n").tag(f"#{self._hashtag}", self._hashtag)
        return builder

    async def publish(self, *, question: str, key: str) -> NetworkPost:
        did = await self._session()
        builder = self._text(question)
        record = models.AppBskyFeedPost.Record(
            text=builder.build_text(),
            facets=builder.build_facets() or None,
            created_at=self._client.get_current_time_iso(),
        )
        rkey = record_key(key)
        try:
            created = await self._call(
                self._client.com.atproto.repo.create_record,
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=did, collection=models.ids.AppBskyFeedPost, record=record, rkey=rkey
                ),
            )
            uri, cid = str(created.uri), str(created.cid)
        except PlatformError:  # made by an earlier run of this job?
            found = await self._call(
                self._client.com.atproto.repo.get_record,
                models.ComAtprotoRepoGetRecord.Params(repo=did, collection=models.ids.AppBskyFeedPost, rkey=rkey),
            )
            uri, cid = str(found.uri), str(found.cid)
        return NetworkPost(self.platform, self.instance, json.dumps([uri, cid]), _web_link(uri))

    async def replies(self, *, post: NetworkPost, cursor: str) -> RepliesPage:
        did = await self._session()
        uri, _ = json.loads(post.post_id)
        thread = await self._call(self._client.get_post_thread, uri, depth=20)
        seen: dict[str, str] = json.loads(cursor) if cursor else {}
        present: dict[str, str] = {}
        fresh: list[NetworkReply] = []
        for view in _replies(getattr(thread.thread, "replies", None)):
            author = view.post.author
            if author.did == did:
                continue
            reply_uri, text = str(view.post.uri), str(getattr(view.post.record, "text", "") or "")
            present[reply_uri] = text_mark(text)
            if reply_uri in seen:
                continue
            fresh.append(
                NetworkReply(
                    reply_id=reply_uri,
                    author_id=f"@{author.handle}",
                    author_name=str(author.display_name or author.handle),
                    text=text,
                    url=_web_link(reply_uri, handle=str(author.handle)),
                    at=timestamp(str(view.post.indexed_at)),
                )
            )
        gone = [NetworkReply(r, "", "", "", "", 0.0, deleted=True) for r in sorted(seen.keys() - present.keys())]
        kept = dict(list(present.items())[-SEEN_KEPT:])
        return RepliesPage(replies=(*fresh, *gone), cursor=json.dumps(kept))

    async def answer(
        self, *, post: NetworkPost, outcome: Outcome, asker_org: str, share: bool, language: str = "en"
    ) -> None:
        did = await self._session()
        uri, cid = json.loads(post.post_id)
        question = models.ComAtprotoRepoStrongRef.Main(uri=uri, cid=cid)
        text = outcome_post(outcome, asker_org=asker_org, share=share, limit=POST_LIMIT, say=say_in(language))
        reply_to = models.AppBskyFeedPost.ReplyRef(root=question, parent=question)
        await self._call(self._client.send_post, text, profile_identify=did, reply_to=reply_to)


def _replies(views: Any) -> list[Any]:
    """Every reply of a thread, depth first (replies to replies too: they answer the question as well)."""
    found = []
    for view in views or []:
        if getattr(view, "post", None) is None:  # a reply blocked or not found: nothing to read
            continue
        found.append(view)
        found.extend(_replies(getattr(view, "replies", None)))
    return found


def _web_link(uri: str, *, handle: str = "") -> str:
    """at://did/app.bsky.feed.post/rkey as the bsky.app page people open."""
    parts = uri.removeprefix("at://").split("/")
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[-1]}" if len(parts) == 3 else ""


def _error_name(error: Exception) -> str:
    response = getattr(error, "response", None)
    content = getattr(response, "content", None)
    return str(getattr(content, "error", None) or getattr(content, "message", None) or type(error).__name__)[:120]
