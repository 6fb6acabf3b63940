"""Words every chat platform says alike, with the platform's own markup and command word passed in
(not an integration: Slack's and Teams' words both read it, as neither may read the other)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from app.domain.models import Reach
from app.domain.networks import NetworkMode, NetworkState

_MODES = {
    NetworkMode.WORKING: "working",
    NetworkMode.PUBLISH_ONLY: "publish-only: questions are published, but this account cannot read the replies",
    NetworkMode.FAILING: "failing",
}


def published(networks: int) -> str:
    """What the asker is told after where the question went to partners."""
    if not networks:
        return ""
    plural = "s" if networks != 1 else ""
    return f" It is also being published on {networks} public network{plural}; good replies from there come too."


def networks_text(states: Sequence[NetworkState], *, default_reach: Reach, command: str, bold: str) -> str:
    """`networks`: each connected network and how it is doing."""
    if not states:
        return (
            "No public network is connected: questions stay with your partners. The operator of this Cercle "
            "connects one with its variables (Mastodon, Bluesky, X, Matrix; see the README)."
        )
    default = "partners and public networks" if default_reach is Reach.PUBLIC else "partners only"
    lines = [
        f"{bold}Public networks{bold} · by default a question goes to: {default}. "
        f"`{command} --public <question>` or `{command} --partners-only <question>` chooses for one question."
    ]
    for state in states:
        mode = _MODES[state.mode]
        if state.mode is NetworkMode.FAILING:
            since = time.strftime("%d %b %H:%M UTC", time.gmtime(state.failing_since)) if state.failing_since else "now"
            mode = f"failing since {since} ({state.last_error or 'no answer'})"
        lines.append(f"- {state.name}: {mode}")
    return "\n".join(lines)
