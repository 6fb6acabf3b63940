"""The errors integrations raise when a platform refuses a call, in the core's own words.

Each integration translates its platform's refusals (Slack's error codes, Teams' status codes) into
these, so that a use case decides what to do by kind (skip the place, try again later, tell the
asker) without knowing any platform. ``detail`` keeps the platform's own word for the logs only."""

from __future__ import annotations


class RetryLater(Exception):
    """The job should stand aside and run again in ``delay_s`` seconds (a busy channel's rate limit):
    waiting in place would hold a worker slot that other topics' jobs need."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(f"retry in {delay_s:.2f} s")
        self.delay_s = delay_s


class PlatformError(Exception):
    """A platform refused a call for a reason none of the kinds below names: worth another try."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or type(self).__name__)
        self.detail = detail


class ClosedToCercle(PlatformError):
    """The place, or the whole installation, no longer takes Cercle's messages: a retry cannot help,
    so the place is skipped quietly."""


class InstallationGone(ClosedToCercle):
    """Cercle was removed from the organisation, or its credentials were revoked."""


class ChannelUnreachable(ClosedToCercle):
    """The channel is gone, archived, or closed to the bot."""


class BotNotInChannel(ChannelUnreachable):
    """The bot cannot post where it was asked and cannot join by itself (a private channel): a
    person must add it first."""


class MessageGone(PlatformError):
    """The message to change or delete no longer exists."""


class PersonUnreachable(PlatformError):
    """The person a private message was meant for is not in the channel any more."""


class TooLong(PlatformError):
    """The message is longer than the platform accepts."""


class RateLimited(PlatformError):
    """The platform asked to wait ``delay_s`` seconds, and the integration's own retries ran out."""

    def __init__(self, detail: str = "", *, delay_s: float = 1.0) -> None:
        super().__init__(detail)
        self.delay_s = delay_s
