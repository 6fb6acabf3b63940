"""Every Redis key name Cercle uses, in one place.

Keys of one topic share the hash tag ``{t:<id>}`` and keys of one meeting ``{m:<id>}``, so a
Redis Cluster keeps each object's keys on one slot.
"""

from __future__ import annotations

PREFIX = "cercle"


def channel_meeting(channel_key: str) -> str:
    """The id of the open meeting of a channel (``platform:tenant:channel``)."""
    return f"{PREFIX}:chan:{channel_key}:meeting"


def meeting(meeting_id: str) -> str:
    return f"{PREFIX}:{{m:{meeting_id}}}:meeting"


def meeting_topics(meeting_id: str) -> str:
    """Sorted set of the meeting's topic ids, scored by creation time."""
    return f"{PREFIX}:{{m:{meeting_id}}}:topics"


def topic(topic_id: str) -> str:
    return f"{PREFIX}:{{t:{topic_id}}}:topic"


def dedupe(scope: str, key: str) -> str:
    return f"{PREFIX}:dedupe:{scope}:{key}"


def slack_installation(enterprise_id: str | None, team_id: str | None, user_id: str | None = None) -> str:
    base = f"{PREFIX}:slack:installation:{enterprise_id or '-'}:{team_id or '-'}"
    return f"{base}:user:{user_id}" if user_id else base


def slack_bot(enterprise_id: str | None, team_id: str | None) -> str:
    return f"{PREFIX}:slack:bot:{enterprise_id or '-'}:{team_id or '-'}"


def slack_installation_index(enterprise_id: str | None, team_id: str | None) -> str:
    """Set of every installation key of one workspace, so an uninstall removes them all."""
    return f"{PREFIX}:slack:installation-index:{enterprise_id or '-'}:{team_id or '-'}"


def slack_oauth_state(state: str) -> str:
    return f"{PREFIX}:slack:oauth-state:{state}"


JOBS_STREAM = f"{PREFIX}:jobs"
JOBS_GROUP = "workers"
