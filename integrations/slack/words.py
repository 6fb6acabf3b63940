"""What Cercle says to people in Slack, in Slack's terms: the core answers with typed results
(app/domain/asking.py, app/usecases/partners.py, app/domain/errors.py) and this module words them."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.asking import AlreadyAsked, AskOutcome, Opened, Refused
from app.domain.commands import MAX_QUESTION_CHARS, Command, Problem
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, ChannelUnreachable, InstallationGone, PlatformError, RateLimited, TooLong
from app.domain.home import HomeView
from app.domain.ledger import LedgerField, Reciprocity
from app.domain.models import Reach
from app.domain.networks import NetworkState
from app.usecases.partners import PartnerReply, PartnerState, Said
from integrations import wording
from integrations.slack.render import topic_opened_text

MENTION_HINT = (
    "Hi! To ask your network, type `/ask <your question>` in this channel: I open a thread for it and "
    "bring the good answers back there. `/ask help` lists everything I can do."
)
DIGEST_VOTE_HINT = (
    "This message carries several answers, so a reaction on it cannot say which one you mean: "
    "press the *:+1: Helpful* button of the answer you want to vote for."
)

_OPEN_REFUSALS: dict[type[PlatformError], str] = {
    BotNotInChannel: "I am not in this private channel. Invite me with `/invite @Cercle`, then ask again.",
    ChannelUnreachable: "I cannot post in this channel (it may be archived, or closed to apps).",
    InstallationGone: "Cercle's installation here is no longer valid. Ask an admin to reinstall it.",
    TooLong: "That question is too long for Slack. Shorten it and ask again.",
    RateLimited: "Slack is busy right now. Please ask again in a minute.",
}
_CHANNEL_REASONS = {
    "channel_not_found": "I cannot see this channel. If it is private, invite me first: `/invite @Cercle`.",
    "is_archived": "This channel is archived, so I cannot open a topic here.",
    "restricted_action": "This workspace does not let me post in this channel.",
}


def refusal_text(error: PlatformError) -> str:
    """Why a topic could not be opened, for the asker."""
    if type(error) is ChannelUnreachable and error.detail in _CHANNEL_REASONS:
        return _CHANNEL_REASONS[error.detail]
    for kind in type(error).__mro__:
        if kind in _OPEN_REFUSALS:
            return _OPEN_REFUSALS[kind]
    return f"Slack refused to open the topic ({error.detail}). Nothing was posted; please try again."


def asker_text(outcome: AskOutcome, *, can_partner: bool) -> str:
    if isinstance(outcome, Opened):
        return topic_opened_text(outcome.topic, partners=outcome.partners, can_partner=can_partner) + wording.published(
            outcome.networks
        )
    if isinstance(outcome, AlreadyAsked):
        if outcome.topic is None:
            return "You just asked this here: it is on its way."
        link = f": {outcome.topic.permalink}" if outcome.topic.permalink else "."
        return f"You already asked this here, and it is still open{link}"
    assert isinstance(outcome, Refused)
    return refusal_text(outcome.error)


NOT_ADMIN = "Only workspace admins and owners (or the people in CERCLE_ADMINS) can manage partners and the inbox."
_PARTNER_STATES = {
    PartnerState.ACTIVE: "active",
    PartnerState.NO_INBOX: "no inbox yet: your questions wait until they choose one",
    PartnerState.REMOVED: "Cercle was removed from their workspace: your questions are not sent there",
}


def partner_text(reply: PartnerReply) -> str:
    v = reply.values
    match reply.said:
        case Said.NOT_ADMIN:
            return NOT_ADMIN
        case Said.INVITATION:
            return (
                f"Your invitation code is `{v['code']}` (single use, valid {v['hours']} hours). Give it to an admin "
                f"of the other organisation: they type `/ask partners accept {v['code']}` in their workspace."
            )
        case Said.UNKNOWN_CODE:
            return f"The code `{v['code']}` is unknown, expired (codes last {v['hours']} hours) or already used."
        case Said.OWN_CODE:
            return "This code was made in your own workspace: give it to the other organisation's admin instead."
        case Said.ALREADY_PARTNERS:
            return f"You are already partners with {v['name']}."
        case Said.CODE_JUST_USED:
            return f"The code `{v['code']}` has just been used."
        case Said.TOO_MANY_CODES:
            return (
                f"{v['tries']} wrong codes in a minute: wait a minute before you try again, "
                "and check the code with the admin who sent it."
            )
        case Said.NOW_PARTNERS:
            tail = "" if v.get("has_inbox") else " Choose the channel that receives their questions with `/ask inbox`."
            return f"You are now partners with {v['name']}. Their questions will reach your inbox.{tail}"
        case Said.REMOVED:
            return (
                f"{v['name']} is no longer a partner; neither side receives the other's questions,"
                " or replies to earlier ones, any more."
            )
        case Said.NO_SUCH_PARTNER:
            return f"No partner is called “{v['name']}”. `/ask partners` lists them."
        case Said.CANNOT_JOIN:
            return (
                "I cannot join this private channel by myself: "
                "invite me with `/invite @Cercle`, then run `/ask inbox` again."
            )
        case Said.INBOX_SET:
            return "This channel is now your inbox: your partners' questions will be posted here, one thread each."
    return _listing(reply)


def _listing(reply: PartnerReply) -> str:
    inbox = f"<#{reply.values['inbox']}>" if reply.values.get("inbox") else None
    where = inbox or "not set (`/ask inbox` in the channel that should receive them)"
    lines = [f"*Partners of {reply.values['name']}* · your inbox: {where}"]
    lines += [f"• {name}: {_PARTNER_STATES[state]}" for name, state in reply.partners]
    if not reply.partners:
        lines.append("No partner yet. `/ask partners invite` makes a code for another organisation.")
    return "\n".join(lines)


def partnership_text(*, org_name: str, partner_name: str, linked: bool) -> str:
    if linked:
        return f"🤝 {org_name} and {partner_name} are now partners on Cercle."
    return f"{org_name} and {partner_name} are no longer partners."


HELP_LINES: tuple[tuple[str, str], ...] = (
    ("/ask <question>", "open a “stuck on a topic” thread here and send the question to your network"),
    ("/ask --with-name <question>", "the same, with your name shown to partners (by default only your organisation)"),
    ("/ask --public <question>", "the same, published on the connected public networks too (`--partners-only`: not)"),
    ("/ask help", "show this help"),
    ("/ask list", "list the open topics of this channel"),
    ("/ask end", "end the meeting: close every topic and post the summary"),
    ("/ask partners", "list your partner organisations"),
    ("/ask partners invite", "get a one-time code for another organisation (admins)"),
    ("/ask partners accept <code>", "accept a partner's invitation code (admins)"),
    ("/ask partners remove <org>", "end a partnership on both sides (admins)"),
    ("/ask inbox", "make this channel receive your partners' questions (admins)"),
    ("/ask networks", "show which public networks are connected"),
    ("/ask home", "your organisation's page: the give and take with each partner (also Cercle's Home tab)"),
)
VOTING_HELP = (
    "Vote on an answer with a reaction (:+1: for it, :-1: against; one vote per person), or with its "
    '*Helpful* button when it came in a digest; in a partner\'s thread, a reaction or a "+1" below a reply '
    "counts too. The best answers lead the summary at the end of the meeting."
)


def delivery_help(rules: DeliveryRules) -> str:
    """How answers reach the meeting, with this installation's own pace."""
    window = rules.window_s
    pace = f"{window / 60:g} minutes" if window >= 60 and window % 60 == 0 else f"{window:g} seconds"
    return (
        f"Answers arrive in the topic's thread, at most {rules.max_per_window} every {pace}; the others wait "
        "and come together in one digest, best first. Replies judged off-topic are never posted: *Other replies* "
        "lists them. With *Review answers first*, you approve each answer before it is posted."
    )


def help_text(*, command: str = "/ask", rules: DeliveryRules | None = None) -> str:
    lines = ["*Cercle* puts your question to your network while the meeting goes on.", ""]
    for usage, meaning in HELP_LINES:
        lines.append(f"• `{usage.replace('/ask', command, 1)}`: {meaning}")
    lines += ["", delivery_help(rules or DeliveryRules()), "", VOTING_HELP]
    return "\n".join(lines)


def problem_text(command: Command, *, word: str = "/ask") -> str:
    """Why a command was refused, naming the command as the person typed it."""
    match command.problem:
        case Problem.EMPTY:
            return f"Your question is empty: type it after `{word}`."
        case Problem.TOO_LONG:
            return (
                f"Your question is {command.detail} characters long; the limit is {MAX_QUESTION_CHARS}. "
                "Shorten it and ask again."
            )
        case Problem.NO_CODE:
            return f"Give the code: `{word} partners accept <code>`."
        case Problem.NO_PARTNER:
            return f"Name the partner: `{word} partners remove <org>`."
    return (
        f"Did you mean `{word} {command.detail}`? Nothing was sent. To put a question to your network, write it "
        f"out, e.g. `{word} How do we price a pilot for a large customer?` (end it with a question mark "
        "to send a short one as it is)."
    )


def networks_text(states: Sequence[NetworkState], *, default_reach: Reach) -> str:
    return wording.networks_text(states, default_reach=default_reach, command="/ask", bold="*")


def home_sections(home: HomeView) -> list[str]:
    """The App Home's give and take and networks, one section each."""
    sections = []
    if home.partners:
        lines = [f"*Give and take of {home.organisation} with its partners* (last 30 days · last 90 days)"]
        nudge = False
        for row in home.partners:
            lines.append(f"• *{row.partner_name}*: " + " · ".join(_ledger_part(row, field) for field in LedgerField))
            nudge = nudge or row.takes_far_more
        if nudge:
            lines.append(
                "_You have received far more answers than you gave lately: a reply in your inbox's threads "
                "keeps the circle going._"
            )
        sections.append("\n".join(lines))
    if home.networks:
        sections.append(networks_text(home.networks, default_reach=Reach.PARTNERS).split("\n", 1)[-1])
    return sections


_LEDGER_WORDS = {
    LedgerField.ASKED_THEM: "questions you sent",
    LedgerField.ASKED_US: "questions they sent",
    LedgerField.ANSWERS_FROM_THEM: "answers they gave",
    LedgerField.ANSWERS_FROM_US: "answers you gave",
}


def _ledger_part(row: Reciprocity, field: LedgerField) -> str:
    return f"{_LEDGER_WORDS[field]} {row.last_30.get(field, 0)} · {row.last_90.get(field, 0)}"
