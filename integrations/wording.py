"""Words every chat platform says alike, with the platform's own markup and command word passed in
(not an integration: Slack's and Teams' words both read it, as neither may read the other)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from app.domain.delivery import DeliveryRules
from app.domain.ledger import LedgerField, Reciprocity
from app.domain.models import Mirror, MirrorStatus, Reach, SkipReason
from app.domain.networks import NetworkMode, NetworkState
from app.domain.summary import MeetingSummary
from app.usecases.partners import PartnerReply, Said
from integrations.catalog import ENGLISH, Say

NETWORK_MODES = {
    NetworkMode.WORKING: "network-working",
    NetworkMode.PUBLISH_ONLY: "network-publish-only",
    NetworkMode.FAILING: "network-failing",
}
_LEDGER = {
    LedgerField.ASKED_THEM: "ledger-asked-them",
    LedgerField.ASKED_US: "ledger-asked-us",
    LedgerField.ANSWERS_FROM_THEM: "ledger-answers-from-them",
    LedgerField.ANSWERS_FROM_US: "ledger-answers-from-us",
}
# The command words a mistyped command is shown with, in the reader's language.
_COMMAND_WORDS = {
    "help": "word-help",
    "list": "word-list",
    "end": "word-end",
    "inbox": "word-inbox",
    "networks": "word-networks",
    "partners": "word-partners",
    "invite": "word-invite",
    "accept": "word-accept",
    "remove": "word-remove",
}


def summary_totals(summary: MeetingSummary, *, say: Say = ENGLISH) -> str:
    """The summary's one line of figures."""
    return say(
        "summary-totals",
        questions=len(summary.topics),
        replies=summary.total_replies,
        people=summary.helper_count,
        orgs=len(summary.helpers),
        votes=summary.total_votes,
    )


def joined(*sentences: str) -> str:
    """Sentences said one after the other (the catalog trims the spaces between them)."""
    return " ".join(sentence for sentence in sentences if sentence)


def published(networks: int, *, say: Say = ENGLISH) -> str:
    """What the asker is told after where the question went to partners."""
    return say("ask-published", networks=networks) if networks else ""


def pace(rules: DeliveryRules, *, say: Say = ENGLISH) -> str:
    window = rules.window_s
    if window >= 60 and window % 60 == 0:
        return say("help-pace-minutes", minutes=round(window / 60))
    return say("help-pace-seconds", seconds=window)


def command_words(command: str, *, say: Say = ENGLISH) -> str:
    """ "partners remove Beta Org" in the reader's words ("partenaires retirer Beta Org")."""
    words = command.split(" ")
    for index, word in enumerate(words[:2]):
        if word in _COMMAND_WORDS:
            words[index] = say(_COMMAND_WORDS[word])
    return " ".join(words)


def ledger_row(row: Reciprocity, *, say: Say = ENGLISH) -> str:
    """One partner's give and take: each count over 30 days, then 90."""
    return " · ".join(
        f"{say(_LEDGER[field])} {say.number(row.last_30.get(field, 0))} · {say.number(row.last_90.get(field, 0))}"
        for field in LedgerField
    )


def language_text(reply: PartnerReply, *, platform: str, cmd: str, say: Say) -> str:
    """`language`: what was set, what is, or which languages there are."""
    org = reply.values.get("name", "")
    language = say(f"language-name-{reply.values.get('language', 'en')}")
    if reply.said is Said.LANGUAGE_SET:
        return say("language-now", org=org, language=language, platform=platform)
    if reply.said is Said.LANGUAGE_SHOWN:
        return say("language-current", org=org, language=language, cmd=cmd)
    return say("language-unknown", cmd=cmd)


def networks_text(
    states: Sequence[NetworkState], *, default_reach: Reach, command: str, bold: str, say: Say = ENGLISH
) -> str:
    """`networks`: each connected network and how it is doing."""
    if not states:
        return say("networks-none")
    default = say("networks-reach-public" if default_reach is Reach.PUBLIC else "networks-reach-partners")
    lines = [f"{bold}{say('networks-title')}{bold} · {say('networks-default', default=default, cmd=command)}"]
    for state in states:
        mode = say(NETWORK_MODES[state.mode])
        if state.mode is NetworkMode.FAILING:
            since = say.moment(state.failing_since) if state.failing_since else say("network-now")
            mode = say("network-failing-since", since=since, error=state.last_error or say("network-no-answer"))
        lines.append(f"- {state.name}: {mode}")
    return "\n".join(lines)


# Why a mirror was not sent, as the core records it (app/domain/models.py, SkipReason).
_SKIPS: dict[str, str] = {
    SkipReason.NO_LONGER_PARTNER: "skip-no-longer-partner",
    SkipReason.REMOVED: "skip-removed",
    SkipReason.NO_INBOX: "skip-no-inbox",
    SkipReason.CLOSED: "skip-closed",
    SkipReason.DISCONNECTED: "skip-disconnected",
}
_SKIP_WITH_DETAIL = re.compile(r"^(?:inbox unavailable|(?P<network>.{1,80}) failed) \((?P<detail>.{0,200})\)$")


def skip_reason(reason: str, *, say: Say = ENGLISH) -> str:
    if reason in _SKIPS:
        return say(_SKIPS[reason])
    match = _SKIP_WITH_DETAIL.match(reason)
    if match is None:
        return reason
    if match["network"] is None:
        return say("skip-inbox-unavailable", detail=match["detail"])
    return say("skip-network-failed", network=match["network"], detail=match["detail"])


def reach_line(mirrors: Sequence[Mirror], *, icon: str, name: Callable[[str], str], say: Say = ENGLISH) -> str | None:
    """Where the question went, for the live root: the reach is what the asker wants to see."""
    sent = [name(m.partner_name) for m in mirrors if m.status is MirrorStatus.POSTED]
    waiting = [m for m in mirrors if m.status in (MirrorStatus.PENDING, MirrorStatus.POSTING)]
    skipped = [
        f"{name(m.partner_name)} ({skip_reason(m.reason, say=say)})"
        for m in mirrors
        if m.status is MirrorStatus.SKIPPED
    ]
    parts = []
    if sent:
        parts.append(f"{icon} {say('reach-sent', count=len(sent), names=', '.join(sent))}")
    if waiting:
        parts.append(say("reach-sending", count=len(waiting)))
    if skipped:
        parts.append(say("reach-not-sent", names=", ".join(skipped)))
    return " · ".join(parts) or None
