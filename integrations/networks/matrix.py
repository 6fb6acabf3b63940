"""Matrix, through matrix-nio's AsyncClient: the question posted to each configured room, the replies
read as the ``m.thread`` relations of that message, a redacted reply taken as deleted, the outcome
answered in the thread.

A transaction id made from the job's key makes a publication retried after a crash post once (the
homeserver keeps one event per access token and transaction id). Cercle's own messages in the thread
(the outcome) are not replies. End-to-end encrypted rooms are not supported: the rooms are public."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlparse

from nio import AsyncClient, ErrorResponse, RoomSendResponse, WhoamiResponse
from nio.api import RelationshipType

from app.domain.errors import ChannelUnreachable, InstallationGone, PlatformError, RateLimited
from app.domain.models import Platform
from app.domain.networks import NetworkPost, NetworkReaction, NetworkReply, RepliesPage, text_mark
from app.domain.summary import Outcome
from app.runtime.logs import get_logger
from integrations.catalog import say_in
from integrations.networks.words import outcome_post, question_post

log = get_logger("integrations.networks.matrix")

BODY_LIMIT = 4000  # characters: far under an event's 64 KiB, and what a room's reader takes in
SEEN_KEPT = 4096


class MatrixNetwork:
    platform = Platform.MATRIX
    reads_per_hour: int | None = None  # a homeserver's own limits, raised for bots by its operator

    def __init__(self, *, homeserver_url: str, access_token: str, room_ids: tuple[str, ...], hashtag: str = "") -> None:
        self.instance = urlparse(homeserver_url).netloc
        self.name = f"Matrix ({self.instance})"
        self._rooms = room_ids
        self._hashtag = hashtag
        self._client = AsyncClient(homeserver_url)
        self._client.access_token = access_token
        self._logged_in = False

    async def _login(self) -> None:
        if self._logged_in:
            return
        who = await self._client.whoami()
        if not isinstance(who, WhoamiResponse):
            raise _refusal(who)
        self._client.restore_login(who.user_id, who.device_id or "CERCLE", self._client.access_token)
        self._logged_in = True

    async def publish(self, *, question: str, key: str) -> NetworkPost:
        await self._login()
        body = question_post(question, limit=BODY_LIMIT, hashtag=self._hashtag)
        posted = []
        for room in self._rooms:
            content = {"msgtype": "m.text", "body": body}
            response = await self._client.room_send(room, "m.room.message", content, tx_id=f"{key}-{room}")
            if not isinstance(response, RoomSendResponse):
                raise _refusal(response)
            posted.append([room, response.event_id])
        return NetworkPost(self.platform, self.instance, json.dumps(posted, separators=(",", ":")))

    async def replies(self, *, post: NetworkPost, cursor: str) -> RepliesPage:
        """The thread's replies (their latest words: an edit is bundled with the event it replaces),
        and the reactions on them; the cursor keeps what was seen, so that what is gone is known."""
        await self._login()
        seen = json.loads(cursor) if cursor else {}
        seen_replies: dict[str, str] = seen.get("replies", {})
        seen_reactions: dict[str, list[str]] = seen.get("reactions", {})
        replies: dict[str, str] = {}
        reactions: dict[str, list[str]] = {}
        fresh: list[NetworkReply] = []
        for room, root in json.loads(post.post_id):
            async for event in self._client.room_get_event_relations(room, root, rel_type=RelationshipType.thread):
                source: dict[str, Any] = getattr(event, "source", {}) or {}
                if event.sender == self._client.user_id or source.get("type") != "m.room.message":
                    continue
                text = _latest_body(source)
                replies[event.event_id] = text_mark(text)
                if seen_replies.get(event.event_id) != replies[event.event_id]:
                    fresh.append(
                        NetworkReply(
                            reply_id=event.event_id,
                            author_id=event.sender,
                            author_name=event.sender,
                            text=text,
                            url=f"https://matrix.to/#/{room}/{event.event_id}",
                            at=float(getattr(event, "server_timestamp", 0) or 0) / 1000,
                            edited=event.event_id in seen_replies,
                        )
                    )
                reactions.update(await self._reactions(room, event.event_id))
        gone = [
            NetworkReply(r, "", "", "", "", 0.0, deleted=True) for r in sorted(seen_replies.keys() - replies.keys())
        ]
        votes = [
            NetworkReaction(reply, voter, key, added=True, at=time.time(), event_id=reaction)
            for reaction, (reply, voter, key) in reactions.items()
            if reaction not in seen_reactions
        ] + [
            NetworkReaction(reply, voter, key, added=False, at=time.time(), event_id=f"{reaction}:removed")
            for reaction, (reply, voter, key) in seen_reactions.items()
            if reaction not in reactions
        ]
        kept = {"replies": dict(list(replies.items())[-SEEN_KEPT:]), "reactions": reactions}
        return RepliesPage(replies=(*fresh, *gone), cursor=json.dumps(kept), reactions=tuple(votes))

    async def _reactions(self, room: str, reply: str) -> dict[str, list[str]]:
        """``m.annotation`` reactions on one reply: reaction event id → [reply, voter, emoji]."""
        found: dict[str, list[str]] = {}
        async for event in self._client.room_get_event_relations(room, reply, rel_type=RelationshipType.annotation):
            source: dict[str, Any] = getattr(event, "source", {}) or {}
            relation = (source.get("content") or {}).get("m.relates_to") or {}
            if source.get("type") == "m.reaction" and relation.get("key") and event.sender != self._client.user_id:
                found[event.event_id] = [reply, event.sender, str(relation["key"])]
        return found

    async def answer(
        self, *, post: NetworkPost, outcome: Outcome, asker_org: str, share: bool, language: str = "en"
    ) -> None:
        await self._login()
        body = outcome_post(outcome, asker_org=asker_org, share=share, limit=BODY_LIMIT, say=say_in(language))
        for room, root in json.loads(post.post_id):
            content = {
                "msgtype": "m.text",
                "body": body,
                "m.relates_to": {
                    "rel_type": "m.thread",
                    "event_id": root,
                    "is_falling_back": True,
                    "m.in_reply_to": {"event_id": root},
                },
            }
            response = await self._client.room_send(room, "m.room.message", content, tx_id=f"outcome-{root}")
            if not isinstance(response, RoomSendResponse):
                raise _refusal(response)

    async def close(self) -> None:
        await self._client.close()


def _latest_body(source: dict[str, Any]) -> str:
    """A message's words, or its latest edit's (``m.new_content`` of the bundled ``m.replace``)."""
    replacing = ((source.get("unsigned") or {}).get("m.relations") or {}).get("m.replace") or {}
    new_content = (replacing.get("content") or {}).get("m.new_content") or {}
    return str(new_content.get("body") or (source.get("content") or {}).get("body") or "")


def _refusal(response: object) -> PlatformError:
    """A homeserver's error in the core's words."""
    if isinstance(response, ErrorResponse):
        code = str(response.status_code or "")
        if code == "M_LIMIT_EXCEEDED":
            retry_ms = float(getattr(response, "retry_after_ms", None) or 1000)
            return RateLimited("M_LIMIT_EXCEEDED", delay_s=retry_ms / 1000)
        if code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
            return InstallationGone(code)
        if code == "M_FORBIDDEN":  # not (or no longer) allowed in that room
            return ChannelUnreachable(code)
        return PlatformError(f"{code}: {str(response.message)[:120]}")
    return PlatformError(type(response).__name__)
