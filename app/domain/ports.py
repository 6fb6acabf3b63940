"""The two small interfaces the core talks to; integrations implement them."""

from __future__ import annotations

from typing import Protocol

from app.domain.models import Meeting, Place, PostedMessage, Topic


class PlatformError(Exception):
    """A platform refused a call. ``code`` is the platform's own error code (Slack's `error`)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class BotNotInChannel(PlatformError):
    """The bot cannot post where it was asked, and cannot join by itself (private channel)."""


class ChatPlatform(Protocol):
    """A chat platform seen from the core: Slack or Teams."""

    async def post_topic(self, *, topic: Topic) -> PostedMessage:
        """Post the root of a topic thread in the topic's channel."""

    async def update_topic(self, *, topic: Topic, place: Place) -> None:
        """Re-render a topic root after its status changed."""


class TopicRepository(Protocol):
    """Where meetings and topics are kept (Redis in production and in tests)."""

    async def ensure_meeting(self, *, place: Place, now: float) -> Meeting:
        """The channel's open meeting, opened now if there is none."""

    async def add_topic(self, *, topic: Topic) -> None:
        """Store a topic whose root message is already posted, atomically."""

    async def get_topic(self, *, topic_id: str) -> Topic | None: ...

    async def open_topics(self, *, place: Place) -> list[Topic]:
        """The open topics of the channel's current meeting, oldest first."""

    async def close_topic(self, *, topic_id: str, by: str, at: float) -> Topic | None:
        """Close an open topic; None when it was not open (already closed or unknown)."""
