"""X (API v2), over aiohttp: tweepy's clients hard-code X's host, and the issue's stand-in and X's
government or proxy endpoints need the base URL set (`X_API_URL`).

- The base URL (`X_API_URL`) ends with ``/2/``, as X's own does.
- Publish: ``POST /2/tweets`` with the user-context token (OAuth 2.0, scopes ``tweet.write
  tweet.read users.read``). X keeps no idempotency key; a retried job that finds X refusing the same
  text as a duplicate looks for it among the account's recent posts instead of posting again.
- Replies: recent search on ``conversation_id:<id>`` (the last 7 days), from the last one seen
  (``since_id``). Where reading is refused (403: the free tier, or no credits left) the network is
  publish-only and says so.
- Rate limits: 429 with ``x-rate-limit-reset`` (epoch seconds): the job stands aside until then."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import aiohttp

from app.domain.errors import InstallationGone, PlatformError, RateLimited
from app.domain.models import Platform
from app.domain.networks import NetworkPost, NetworkReply, RepliesPage
from app.domain.summary import Outcome
from integrations.catalog import say_in
from integrations.networks.words import outcome_post, question_post, timestamp, without_leading_mentions

POST_LIMIT = 280  # characters (X counts a link as 23, and some scripts double: Cercle posts no link)
SEARCH_FIELDS = {
    "post.fields": "author_id,conversation_id,created_at,in_reply_to_user_id",  # the name X's OpenAPI gives
    "expansions": "author_id",
    "user.fields": "name,username",
    "max_results": "100",
}


class XRefused(PlatformError):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"http {status}: {str(body.get('detail') or body.get('title') or '')[:120]}")
        self.status = status
        self.body = body


class XNetwork:
    platform = Platform.X
    name = "X"
    reads_per_hour: int | None = 1200  # recent search: 300 per 15 minutes per user

    def __init__(self, *, api_url: str, user_token: str, bearer_token: str = "", hashtag: str = "") -> None:
        self._api = api_url if api_url.endswith("/") else api_url + "/"
        self.instance = urlparse(self._api).netloc or "api.x.com"
        self._user_token = user_token
        self._read_token = bearer_token or user_token
        self._hashtag = hashtag
        self._session: aiohttp.ClientSession | None = None
        self._me: str | None = None

    async def _call(self, method: str, path: str, *, token: str, **kwargs: Any) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        headers = {"Authorization": f"Bearer {token}", "User-Agent": "Cercle"}
        try:
            async with self._session.request(method, self._api + path, headers=headers, **kwargs) as response:
                body = await response.json(content_type=None) if response.content_length != 0 else {}
                if response.status == 429:
                    reset = float(response.headers.get("x-rate-limit-reset") or time.time() + 60)
                    raise RateLimited("x rate limit", delay_s=max(1.0, reset - time.time()))
                if response.status == 401:
                    raise InstallationGone("401: the token was refused")
                if response.status >= 400:
                    raise XRefused(response.status, body if isinstance(body, dict) else {})
                return body if isinstance(body, dict) else {}
        except (aiohttp.ClientConnectionError, TimeoutError) as error:
            raise PlatformError(f"unreachable: {type(error).__name__}") from error

    async def publish(self, *, question: str, key: str) -> NetworkPost:
        text = question_post(question, limit=POST_LIMIT, hashtag=self._hashtag)
        try:
            created = await self._call("POST", "tweets", token=self._user_token, json={"text": text})
        except XRefused as refused:
            if refused.status == 403 and "duplicate" in str(refused.body).lower():
                return NetworkPost(self.platform, self.instance, await self._posted(text))
            raise
        return NetworkPost(self.platform, self.instance, str(created["data"]["id"]))

    async def _posted(self, text: str) -> str:
        """The id of our post with this text, made by an earlier run of the same job."""
        me = await self._my_id()
        found = await self._call(
            "GET", "tweets/search/recent", token=self._read_token, params={"query": f"from:{me}", "max_results": "100"}
        )
        for post in found.get("data") or []:
            if post.get("text") == text:
                return str(post["id"])
        raise PlatformError("X refused a duplicate that cannot be found")

    async def _my_id(self) -> str:
        if self._me is None:
            self._me = str((await self._call("GET", "users/me", token=self._user_token))["data"]["id"])
        return self._me

    async def replies(self, *, post: NetworkPost, cursor: str) -> RepliesPage:
        params = {"query": f"conversation_id:{post.post_id}", **SEARCH_FIELDS}
        if cursor:
            params["since_id"] = cursor
        try:
            found = await self._call("GET", "tweets/search/recent", token=self._read_token, params=params)
        except XRefused as refused:
            if refused.status == 403:  # reading is not in this account's plan
                return RepliesPage(replies=(), cursor=cursor, readable=False)
            raise
        users = {u["id"]: u for u in (found.get("includes") or {}).get("users") or []}
        replies = []
        newest = cursor
        for tweet in reversed(found.get("data") or []):  # X gives the newest first
            author = users.get(tweet.get("author_id"), {})
            username = str(author.get("username") or tweet.get("author_id") or "")
            replies.append(
                NetworkReply(
                    reply_id=str(tweet["id"]),
                    author_id=f"@{username}",
                    author_name=str(author.get("name") or username),
                    text=without_leading_mentions(str(tweet.get("text") or "")),
                    url=f"https://x.com/{username}/status/{tweet['id']}",
                    at=timestamp(tweet.get("created_at")),
                )
            )
            newest = str(tweet["id"]) if not newest or int(tweet["id"]) > int(newest) else newest
        return RepliesPage(replies=tuple(replies), cursor=newest)

    async def answer(
        self, *, post: NetworkPost, outcome: Outcome, asker_org: str, share: bool, language: str = "en"
    ) -> None:
        text = outcome_post(outcome, asker_org=asker_org, share=share, limit=POST_LIMIT, say=say_in(language))
        body = {"text": text, "reply": {"in_reply_to_tweet_id": post.post_id}}
        await self._call("POST", "tweets", token=self._user_token, json=body)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
