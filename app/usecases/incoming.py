"""A reply as a platform reports it, and as it travels in a job to the worker."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.models import Place, Platform


@dataclass(frozen=True, slots=True)
class IncomingReply:
    """A message seen in a thread of some organisation's channel, as the platform reported it."""

    place: Place  # thread = the root the reply belongs to
    message_id: str
    user_id: str
    text: str
    from_a_bot: bool
    at: float


def place_to_payload(place: Place) -> dict[str, object]:
    return {"platform": str(place.platform), "tenant": place.tenant, "channel": place.channel, "thread": place.thread}


def place_from_payload(payload: Mapping[str, object]) -> Place:
    thread = str(payload["thread"]) if payload.get("thread") else None
    return Place(Platform(str(payload["platform"])), str(payload["tenant"]), str(payload["channel"]), thread)


def reply_to_payload(reply: IncomingReply) -> dict[str, object]:
    return {
        **place_to_payload(reply.place),
        "message_id": reply.message_id,
        "user_id": reply.user_id,
        "text": reply.text,
        "at": reply.at,
    }


def reply_from_payload(payload: Mapping[str, object]) -> IncomingReply:
    return IncomingReply(
        place=place_from_payload(payload),
        message_id=str(payload["message_id"]),
        user_id=str(payload["user_id"]),
        text=str(payload["text"]),
        from_a_bot=False,
        at=float(str(payload["at"])),
    )
