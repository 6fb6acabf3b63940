"""What Cercle says to people in Slack, in Slack's terms: the core answers with typed results
(app/domain/asking.py, app/usecases/partners.py, app/domain/errors.py) and this module words them,
in the reader's language, from the catalog (integrations/catalog)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.asking import AlreadyAsked, AskOutcome, Opened, Refused
from app.domain.commands import MAX_QUESTION_CHARS, Command, Problem
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, ChannelUnreachable, InstallationGone, PlatformError, RateLimited, TooLong
from app.domain.home import HomeView, PartnerState
from app.domain.models import Reach
from app.domain.networks import NetworkState
from app.usecases.partners import PartnerReply, Said
from integrations import wording
from integrations.catalog import ENGLISH, Say
from integrations.slack.render import topic_opened_text

COMMAND = "/ask"
_OPEN_REFUSALS: dict[type[PlatformError], str] = {
    BotNotInChannel: "slack-refused-not-in-channel",
    ChannelUnreachable: "slack-refused-unreachable",
    InstallationGone: "slack-refused-installation-gone",
    TooLong: "slack-refused-too-long",
    RateLimited: "slack-refused-rate-limited",
}
_CHANNEL_REASONS = {
    "channel_not_found": "slack-refused-channel-not-found",
    "is_archived": "slack-refused-archived",
    "restricted_action": "slack-refused-restricted",
}


def refusal_text(error: PlatformError, *, say: Say = ENGLISH) -> str:
    """Why a topic could not be opened, for the asker."""
    if type(error) is ChannelUnreachable and error.detail in _CHANNEL_REASONS:
        return say(_CHANNEL_REASONS[error.detail])
    for kind in type(error).__mro__:
        if kind in _OPEN_REFUSALS:
            return say(_OPEN_REFUSALS[kind])
    return say("slack-refused-other", detail=error.detail)


def asker_text(outcome: AskOutcome, *, can_partner: bool, say: Say = ENGLISH) -> str:
    if isinstance(outcome, Opened):
        opened = topic_opened_text(outcome.topic, partners=outcome.partners, can_partner=can_partner, say=say)
        return wording.joined(opened, wording.published(outcome.networks, say=say))
    if isinstance(outcome, AlreadyAsked):
        if outcome.topic is None:
            return say("ask-just-asked")
        if outcome.topic.permalink:
            return say("ask-already-open-at", link=outcome.topic.permalink)
        return say("ask-already-open")
    assert isinstance(outcome, Refused)
    return refusal_text(outcome.error, say=say)


PARTNER_STATES = {
    PartnerState.ACTIVE: "partner-state-active",
    PartnerState.NO_INBOX: "partner-state-no-inbox",
    PartnerState.REMOVED: "slack-partner-state-removed",
}


def partner_text(reply: PartnerReply, *, say: Say = ENGLISH) -> str:
    v = reply.values
    match reply.said:
        case Said.NOT_ADMIN:
            return say("slack-not-admin")
        case Said.INVITATION:
            return say("slack-invitation", code=str(v["code"]), hours=v["hours"])
        case Said.UNKNOWN_CODE:
            return say("partner-unknown-code", code=str(v["code"]), hours=v["hours"])
        case Said.OWN_CODE:
            return say("slack-own-code")
        case Said.ALREADY_PARTNERS:
            return say("partner-already", name=v["name"])
        case Said.CODE_JUST_USED:
            return say("partner-code-just-used", code=str(v["code"]))
        case Said.TOO_MANY_CODES:
            return say("slack-too-many-codes", tries=v["tries"])
        case Said.NOW_PARTNERS:
            now = say("partner-now", name=v["name"])
            return now if v.get("has_inbox") else wording.joined(now, say("slack-choose-inbox"))
        case Said.REMOVED:
            return say("slack-partner-removed", name=v["name"])
        case Said.NO_SUCH_PARTNER:
            return say("partner-no-such", name=v["name"], cmd=COMMAND)
        case Said.CANNOT_JOIN:
            return say("slack-cannot-join")
        case Said.INBOX_SET:
            return say("partner-inbox-set")
        case Said.LANGUAGE_SET | Said.LANGUAGE_SHOWN | Said.LANGUAGE_UNKNOWN:
            return wording.language_text(reply, platform="Slack", cmd=COMMAND, say=say)
    return _listing(reply, say=say)


def _listing(reply: PartnerReply, *, say: Say) -> str:
    inbox = f"<#{reply.values['inbox']}>" if reply.values.get("inbox") else say("slack-inbox-not-set")
    lines = [say("slack-partners-heading", org=reply.values["name"], inbox=inbox)]
    lines += [f"• {name}: {say(PARTNER_STATES[state])}" for name, state in reply.partners]
    if not reply.partners:
        lines.append(say("partner-none-yet", cmd=COMMAND))
    return "\n".join(lines)


def partnership_text(*, org_name: str, partner_name: str, linked: bool, say: Say = ENGLISH) -> str:
    return say("partnership-linked" if linked else "partnership-unlinked", org=org_name, partner=partner_name)


# (usage, meaning): the usage comes after the command word, both from the catalog.
HELP_LINES: tuple[tuple[str, str], ...] = (
    ("help-usage-ask", "help-ask"),
    ("help-usage-with-name", "help-with-name"),
    ("help-usage-public", "help-public"),
    ("help-usage-help", "help-help"),
    ("help-usage-list", "slack-help-list"),
    ("help-usage-end", "help-end"),
    ("help-usage-partners", "help-partners"),
    ("help-usage-partners-invite", "help-partners-invite"),
    ("help-usage-partners-accept", "slack-help-partners-accept"),
    ("help-usage-partners-remove", "help-partners-remove"),
    ("help-usage-inbox", "help-inbox"),
    ("help-usage-networks", "help-networks"),
    ("help-usage-home", "slack-help-home"),
    ("help-usage-language", "help-language"),
)


def delivery_help(rules: DeliveryRules, *, say: Say = ENGLISH) -> str:
    """How answers reach the meeting, with this installation's own pace."""
    return say("slack-help-pace", count=rules.max_per_window, pace=wording.pace(rules, say=say))


def help_text(*, command: str = COMMAND, rules: DeliveryRules | None = None, say: Say = ENGLISH) -> str:
    lines = [say("slack-help-title"), ""]
    for usage, meaning in HELP_LINES:
        lines.append(f"• `{command} {say(usage)}`: {say(meaning)}")
    lines += ["", delivery_help(rules or DeliveryRules(), say=say), "", say("slack-help-voting")]
    return "\n".join(lines)


def problem_text(command: Command, *, word: str = COMMAND, say: Say = ENGLISH) -> str:
    """Why a command was refused, naming the command as the person typed it."""
    match command.problem:
        case Problem.EMPTY:
            return say("problem-empty", cmd=word)
        case Problem.TOO_LONG:
            too_long = say("problem-too-long", length=int(command.detail or 0), limit=MAX_QUESTION_CHARS)
            return wording.joined(too_long, say("problem-shorten"))
        case Problem.NO_CODE:
            return say("problem-no-code", cmd=word)
        case Problem.NO_PARTNER:
            return say("problem-no-partner", cmd=word)
    mistyped = say("problem-mistyped", cmd=word, meant=wording.command_words(command.detail, say=say))
    return wording.joined(mistyped, say("slack-problem-example", cmd=word))


def networks_text(states: Sequence[NetworkState], *, default_reach: Reach, say: Say = ENGLISH) -> str:
    return wording.networks_text(states, default_reach=default_reach, command=COMMAND, bold="*", say=say)


def home_sections(home: HomeView, *, say: Say = ENGLISH) -> list[str]:
    """The App Home's give and take and networks, one section each."""
    sections = []
    if home.partners:
        title = say("slack-home-give-and-take", org=home.organisation)
        lines = [f"{title} {say('home-give-and-take-30-90')}"]
        for row in home.partners:
            lines.append(f"• *{row.partner_name}*: {wording.ledger_row(row, say=say)}")
        if any(row.takes_far_more for row in home.partners):
            lines.append(say("slack-home-nudge"))
        sections.append("\n".join(lines))
    if home.networks:
        sections.append(networks_text(home.networks, default_reach=Reach.PARTNERS, say=say).split("\n", 1)[-1])
    return sections


def mention_hint(*, say: Say = ENGLISH) -> str:
    return say("slack-mention-hint")


def digest_vote_hint(*, say: Say = ENGLISH) -> str:
    return say("slack-digest-vote-hint")
