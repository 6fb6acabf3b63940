"""Slack's refusals in the core's words (app/domain/errors.py), and in the user's."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from app.domain.errors import (
    BotNotInChannel,
    ChannelUnreachable,
    InstallationGone,
    MessageGone,
    PersonUnreachable,
    PlatformError,
    RateLimited,
    TooLong,
)

# This installation is gone: skip its places, never retry.
_REVOKED = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed", "team_not_found"})
# This channel cannot receive our message: skip it, never retry.
_UNREACHABLE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "restricted_action"})
_KINDS: dict[str, type[PlatformError]] = {
    **dict.fromkeys(_REVOKED, InstallationGone),
    **dict.fromkeys(_UNREACHABLE, ChannelUnreachable),
    "message_not_found": MessageGone,
    "cant_update_message": MessageGone,
    "cant_delete_message": MessageGone,
    "user_not_in_channel": PersonUnreachable,
    "msg_too_long": TooLong,
    "invalid_blocks": TooLong,
}


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown_error")


def platform_error(code: str, *, private: bool = False) -> PlatformError:
    """The core's error for one of Slack's codes; ``private``: the channel is one the bot must be
    invited to (channel_not_found then means "not invited", not "gone")."""
    if code == "ratelimited":
        return RateLimited(code)
    if private and code in {"channel_not_found", "not_in_channel"}:
        return BotNotInChannel(code)
    return _KINDS.get(code, PlatformError)(code)


def from_slack(error: SlackApiError) -> PlatformError:
    code = error_code(error)
    if code == "ratelimited":
        retry_after = error.response.headers.get("Retry-After") if error.response.headers else None
        return RateLimited(code, delay_s=float(retry_after or 1))
    return platform_error(code)
