"""What Cercle says to people in Teams, in Teams' terms (commands are "@Cercle ask …", an
organisation is a tenant shown by its team's name). The core answers with typed results; this
module words them, in Markdown as Teams renders it in a message, in the reader's language, from
the catalog (integrations/catalog)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.asking import AlreadyAsked, AskOutcome, Opened, Refused
from app.domain.commands import MAX_QUESTION_CHARS, Command, Problem
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, ChannelUnreachable, InstallationGone, PlatformError, RateLimited, TooLong
from app.domain.models import Reach, Topic
from app.domain.networks import NetworkState
from app.usecases.partners import PartnerReply, Said
from integrations import wording
from integrations.catalog import ENGLISH, Say
from integrations.teams.cards import PARTNER_STATES

COMMAND = "@Cercle"

_OPEN_REFUSALS: dict[type[PlatformError], str] = {
    BotNotInChannel: "teams-refused-not-in-channel",
    ChannelUnreachable: "teams-refused-unreachable",
    InstallationGone: "teams-refused-installation-gone",
    TooLong: "teams-refused-too-long",
    RateLimited: "teams-refused-rate-limited",
}


def refusal_text(error: PlatformError, *, say: Say = ENGLISH) -> str:
    for kind in type(error).__mro__:
        if kind in _OPEN_REFUSALS:
            return say(_OPEN_REFUSALS[kind])
    return say("teams-refused-other", detail=error.detail)


def topic_opened_text(topic: Topic, *, partners: int, say: Say = ENGLISH) -> str:
    reach = say("teams-on-its-way", count=partners) if partners else say("teams-no-partner-yet", cmd=COMMAND)
    return wording.joined(say("teams-opened"), reach)


def asker_text(outcome: AskOutcome, *, say: Say = ENGLISH) -> str:
    if isinstance(outcome, Opened):
        opened = topic_opened_text(outcome.topic, partners=outcome.partners, say=say)
        return wording.joined(opened, wording.published(outcome.networks, say=say))
    if isinstance(outcome, AlreadyAsked):
        return say("ask-just-asked" if outcome.topic is None else "ask-already-open")
    assert isinstance(outcome, Refused)
    return refusal_text(outcome.error, say=say)


def partner_text(reply: PartnerReply, *, say: Say = ENGLISH) -> str:
    v = reply.values
    match reply.said:
        case Said.NOT_ADMIN:
            return say("teams-not-admin")
        case Said.INVITATION:
            return say("teams-invitation", code=str(v["code"]), hours=v["hours"], cmd=COMMAND)
        case Said.UNKNOWN_CODE:
            return say("partner-unknown-code", code=str(v["code"]), hours=v["hours"])
        case Said.OWN_CODE:
            return say("teams-own-code")
        case Said.ALREADY_PARTNERS:
            return say("partner-already", name=v["name"])
        case Said.CODE_JUST_USED:
            return say("partner-code-just-used", code=str(v["code"]))
        case Said.TOO_MANY_CODES:
            return say("teams-too-many-codes", tries=v["tries"])
        case Said.NOW_PARTNERS:
            now = say("partner-now", name=v["name"])
            return now if v.get("has_inbox") else wording.joined(now, say("teams-choose-inbox", cmd=COMMAND))
        case Said.REMOVED:
            return say("teams-partner-removed", name=v["name"])
        case Said.NO_SUCH_PARTNER:
            return say("partner-no-such", name=v["name"], cmd=COMMAND)
        case Said.CANNOT_JOIN:
            return say("teams-cannot-join")
        case Said.INBOX_SET:
            return say("partner-inbox-set")
        case Said.LANGUAGE_SET | Said.LANGUAGE_SHOWN | Said.LANGUAGE_UNKNOWN:
            return wording.language_text(reply, platform="Teams", cmd=COMMAND, say=say)
    inbox = say("teams-inbox-set") if v.get("inbox") else say("teams-inbox-not-set", cmd=COMMAND)
    lines = [say("teams-partners-heading", org=v["name"], inbox=inbox)]
    lines += [f"- {name}: {say(PARTNER_STATES[state])}" for name, state in reply.partners]
    if not reply.partners:
        lines.append(say("partner-none-yet", cmd=COMMAND))
    return "\n\n".join(lines)


def partnership_text(*, org_name: str, partner_name: str, linked: bool, say: Say = ENGLISH) -> str:
    return say("partnership-linked" if linked else "partnership-unlinked", org=org_name, partner=partner_name)


# (usage, meaning, asks): the usage after "@Cercle", from the catalog; ``asks``: it puts a question,
# so the usage starts with the word "ask".
HELP_LINES: tuple[tuple[str, str, bool], ...] = (
    ("help-usage-ask", "help-ask", True),
    ("help-usage-with-name", "help-with-name", True),
    ("help-usage-public", "help-public", True),
    ("help-usage-help", "help-help", False),
    ("help-usage-list", "teams-help-list", False),
    ("help-usage-end", "help-end", False),
    ("help-usage-partners", "help-partners", False),
    ("help-usage-partners-invite", "help-partners-invite", False),
    ("help-usage-partners-accept", "teams-help-partners-accept", False),
    ("help-usage-partners-remove", "help-partners-remove", False),
    ("help-usage-inbox", "help-inbox", False),
    ("help-usage-networks", "help-networks", False),
    ("help-usage-home", "teams-help-home", False),
    ("help-usage-language", "help-language", False),
)


def help_usages(*, say: Say = ENGLISH) -> list[tuple[str, str]]:
    """(what to type after "@Cercle", what it does), in the reader's language."""
    return [
        (f"{say('teams-ask-word')} {say(usage)}" if asks else say(usage), say(meaning))
        for usage, meaning, asks in HELP_LINES
    ]


def help_text(*, rules: DeliveryRules | None = None, say: Say = ENGLISH) -> str:
    rules = rules or DeliveryRules()
    lines = [say("teams-help-title")]
    lines += [f"- `{COMMAND} {usage}`: {meaning}" for usage, meaning in help_usages(say=say)]
    lines += [
        say("teams-help-pace", count=rules.max_per_window, pace=wording.pace(rules, say=say)),
        say("teams-help-voting"),
    ]
    return "\n\n".join(lines)


def topic_list_text(topics: list[Topic], *, say: Say = ENGLISH) -> str:
    if not topics:
        return say("teams-topic-list-empty", cmd=COMMAND)
    lines = [say("teams-topic-list-title", count=len(topics))]
    lines += [f"- {t.question[:200]} {say('teams-asked-by', asker=t.asker.name)}" for t in topics]
    return "\n\n".join(lines)


def problem_text(command: Command, *, say: Say = ENGLISH) -> str:
    match command.problem:
        case Problem.EMPTY:
            return say("problem-empty", cmd=f"{COMMAND} {say('teams-ask-word')}")
        case Problem.TOO_LONG:
            too_long = say("problem-too-long", length=int(command.detail or 0), limit=MAX_QUESTION_CHARS)
            return wording.joined(too_long, say("problem-shorten"))
        case Problem.NO_CODE:
            return say("problem-no-code", cmd=COMMAND)
        case Problem.NO_PARTNER:
            return say("problem-no-partner", cmd=COMMAND)
    mistyped = say("problem-mistyped", cmd=COMMAND, meant=wording.command_words(command.detail, say=say))
    return wording.joined(mistyped, say("teams-problem-example", cmd=COMMAND))


def networks_text(states: Sequence[NetworkState], *, default_reach: Reach, say: Say = ENGLISH) -> str:
    return wording.networks_text(states, default_reach=default_reach, command=f"{COMMAND} ask", bold="**", say=say)


def mention_hint(*, say: Say = ENGLISH) -> str:
    return say("teams-mention-hint", cmd=COMMAND)


def digest_vote_hint(*, say: Say = ENGLISH) -> str:
    return say("teams-digest-vote-hint")
