"""Mastodon, through Mastodon.py (synchronous: each call runs in a thread).

- Publish: ``POST /api/v1/statuses`` with an ``Idempotency-Key`` (kept an hour by the server), so a
  job run again after a crash posts once.
- Replies: the status's context (its descendants), HTML read as text; the account's own statuses
  (the outcome Cercle answers) are not replies. The cursor is the ids seen so far: one that is gone
  from the context was deleted.
- Rate limits: 300 requests per 5 minutes per account, shared by every topic. Mastodon.py is told to
  throw (``ratelimit_method="throw"``), never to sleep a thread: the job stands aside until the
  ``X-RateLimit-Reset`` the server gave."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlparse

from mastodon import (
    Mastodon,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)
from mastodon.errors import MastodonAPIError

from app.domain.errors import InstallationGone, MessageGone, PlatformError, RateLimited
from app.domain.models import Platform
from app.domain.networks import NetworkPost, NetworkReply, RepliesPage, text_mark
from app.domain.summary import Outcome
from app.runtime.logs import get_logger
from integrations.catalog import say_in
from integrations.networks.words import outcome_post, plain_text, question_post, timestamp, without_leading_mentions

log = get_logger("integrations.networks.mastodon")

T = TypeVar("T")
STATUS_LIMIT = 500  # characters, the default of Mastodon servers
SEEN_KEPT = 4096  # reply ids kept in the cursor: the most a context returns to a user token


class MastodonNetwork:
    platform = Platform.MASTODON
    reads_per_hour: int | None = 3600  # 300 requests per 5 minutes per account; one context read per poll

    def __init__(self, *, base_url: str, access_token: str, hashtag: str = "") -> None:
        self.instance = urlparse(base_url).netloc
        self.name = f"Mastodon ({self.instance})"
        self._hashtag = hashtag
        self._api = Mastodon(
            access_token=access_token,
            api_base_url=base_url,
            ratelimit_method="throw",
            version_check_mode="none",
            request_timeout=15,
            user_agent="Cercle",
        )
        self._account_id: str | None = None

    async def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(method, *args, **kwargs)
        except MastodonRatelimitError as error:
            reset = float(getattr(self._api, "ratelimit_reset", 0) or 0)
            log.warning("mastodon.rate_limited", platform="mastodon", instance=self.instance, reset=reset)
            raise RateLimited("mastodon rate limit", delay_s=max(1.0, reset - time.time())) from error
        except MastodonUnauthorizedError as error:
            raise InstallationGone("401: the access token was refused") from error
        except MastodonNotFoundError as error:
            raise MessageGone("404") from error
        except (MastodonNetworkError, MastodonServerError) as error:
            raise PlatformError(f"unreachable: {type(error).__name__}") from error
        except MastodonAPIError as error:
            raise PlatformError(f"refused: {str(error)[:120]}") from error

    async def _own_account(self) -> str:
        if self._account_id is None:
            account = await self._call(self._api.account_verify_credentials)
            self._account_id = str(account["id"])
        return self._account_id

    async def publish(self, *, question: str, key: str) -> NetworkPost:
        text = question_post(question, limit=STATUS_LIMIT, hashtag=self._hashtag)
        status = await self._call(self._api.status_post, text, visibility="public", idempotency_key=key)
        return NetworkPost(self.platform, self.instance, str(status["id"]), str(status.get("url") or ""))

    async def replies(self, *, post: NetworkPost, cursor: str) -> RepliesPage:
        own = await self._own_account()
        context = await self._call(self._api.status_context, post.post_id)
        seen = _marks(cursor)
        present: dict[str, str] = {}
        fresh: list[NetworkReply] = []
        for status in context["descendants"]:
            account = status["account"]
            if str(account["id"]) == own:
                continue
            reply_id = str(status["id"])
            text = without_leading_mentions(plain_text(str(status["content"])))
            present[reply_id] = text_mark(text)
            if seen.get(reply_id) == present[reply_id]:
                continue
            fresh.append(
                NetworkReply(
                    reply_id=reply_id,
                    author_id=f"@{account['acct']}",
                    author_name=str(account.get("display_name") or account["acct"]),
                    text=text,
                    url=str(status.get("url") or ""),
                    at=timestamp(status.get("created_at")),
                    edited=reply_id in seen,  # seen with other words: edited since
                )
            )
        gone = [NetworkReply(r, "", "", "", "", 0.0, deleted=True) for r in sorted(seen.keys() - present.keys())]
        kept = dict(list(present.items())[-SEEN_KEPT:])
        return RepliesPage(replies=(*fresh, *gone), cursor=json.dumps(kept))

    async def answer(
        self, *, post: NetworkPost, outcome: Outcome, asker_org: str, share: bool, language: str = "en"
    ) -> None:
        text = outcome_post(outcome, asker_org=asker_org, share=share, limit=STATUS_LIMIT, say=say_in(language))
        await self._call(
            self._api.status_post,
            text,
            in_reply_to_id=post.post_id,
            visibility="public",
            idempotency_key=f"cercle-outcome-{post.post_id}",
        )


def _marks(cursor: str) -> dict[str, str]:
    """The replies seen so far and a mark of their words ({} the first time)."""
    return dict(json.loads(cursor)) if cursor else {}
