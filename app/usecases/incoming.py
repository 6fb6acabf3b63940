"""A reply as a platform reports it, and as it travels in a job to the worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.models import Place
from app.usecases.jobs import EditReply, ReceiveReply


@dataclass(frozen=True, slots=True)
class IncomingReply:
    """A message seen in a thread of some organisation's channel, as the platform reported it."""

    place: Place  # thread = the root the reply belongs to
    message_id: str
    user_id: str
    text: str
    from_a_bot: bool
    at: float
    # A network names the author and links the post in the reply itself (no chat to ask).
    author_name: str = ""
    link: str = ""


def reply_fields(reply: IncomingReply) -> dict[str, Any]:
    """What a job carries of a reply (ReceiveReply, EditReply)."""
    return {
        "place": reply.place,
        "message_id": reply.message_id,
        "user_id": reply.user_id,
        "text": reply.text,
        "at": reply.at,
        "author_name": reply.author_name,
        "link": reply.link,
    }


def reply_of(job: ReceiveReply | EditReply) -> IncomingReply:
    """The reply a job carries, as the platform sent it (a bot's messages never become jobs)."""
    return IncomingReply(
        job.place,
        job.message_id,
        job.user_id,
        job.text,
        from_a_bot=False,
        at=job.at,
        author_name=job.author_name,
        link=job.link,
    )
