"""What Cercle says to people in Teams, in Teams' terms (commands are "@Cercle ask …", an
organisation is a tenant shown by its team's name). The core answers with typed results; this
module words them, in Markdown as Teams renders it in a message."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.asking import AlreadyAsked, AskOutcome, Opened, Refused
from app.domain.commands import MAX_QUESTION_CHARS, Command, Problem
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, ChannelUnreachable, InstallationGone, PlatformError, RateLimited, TooLong
from app.domain.models import Reach, Topic
from app.domain.networks import NetworkState
from app.usecases.partners import PartnerReply, PartnerState, Said
from integrations import wording

COMMAND = "@Cercle"
MENTION_HINT = (
    f"Hi! To ask your network, write `{COMMAND} ask <your question>` here: I open a thread for it and bring "
    f"the good answers back there. `{COMMAND} help` lists everything I can do."
)
DIGEST_VOTE_HINT = (
    "This message carries several answers, so a reaction on it cannot say which one you mean: "
    "press the **👍 Helpful** button of the answer you want to vote for."
)
NOT_A_CHANNEL_INBOX = "An inbox must be a channel of a team: run this in the channel that should receive the questions."
NOT_INSTALLED = "Cercle is not set up for this team yet: remove it and add it to the team again."

_OPEN_REFUSALS: dict[type[PlatformError], str] = {
    BotNotInChannel: "I cannot post here. Add Cercle to this team or chat, then ask again.",
    ChannelUnreachable: "I cannot post in this conversation any more (it may be deleted or archived).",
    InstallationGone: "Cercle's installation here is no longer valid. Ask the team's owner to add it again.",
    TooLong: "That question is too long for Teams. Shorten it and ask again.",
    RateLimited: "Teams is busy right now. Please ask again in a minute.",
}


def refusal_text(error: PlatformError) -> str:
    for kind in type(error).__mro__:
        if kind in _OPEN_REFUSALS:
            return _OPEN_REFUSALS[kind]
    return f"Teams refused to open the topic ({error.detail}). Nothing was posted; please try again."


def topic_opened_text(topic: Topic, *, partners: int) -> str:
    if partners:
        plural = "s" if partners != 1 else ""
        reach = f" It is on its way to {partners} partner{plural}; their replies will be posted in the thread."
    else:
        reach = (
            " No partner organisation receives it yet, so only this conversation sees it: the person who added "
            f"Cercle can invite one with `{COMMAND} partners invite`."
        )
    return f"Your question is open in a new thread here.{reach}"


def asker_text(outcome: AskOutcome) -> str:
    if isinstance(outcome, Opened):
        return topic_opened_text(outcome.topic, partners=outcome.partners) + wording.published(outcome.networks)
    if isinstance(outcome, AlreadyAsked):
        return (
            "You just asked this here: it is on its way."
            if outcome.topic is None
            else ("You already asked this here, and it is still open.")
        )
    assert isinstance(outcome, Refused)
    return refusal_text(outcome.error)


NOT_ADMIN = (
    "Only the person who added Cercle to the team (or the people in CERCLE_ADMINS) can manage partners and the inbox."
)
_PARTNER_STATES = {
    PartnerState.ACTIVE: "active",
    PartnerState.NO_INBOX: "no inbox yet: your questions wait until they choose one",
    PartnerState.REMOVED: "Cercle was removed from their organisation: your questions are not sent there",
}


def partner_text(reply: PartnerReply) -> str:
    v = reply.values
    match reply.said:
        case Said.NOT_ADMIN:
            return NOT_ADMIN
        case Said.INVITATION:
            return (
                f"Your invitation code is `{v['code']}` (single use, valid {v['hours']} hours). Give it to an admin "
                f"of the other organisation: in Slack they type `/ask partners accept {v['code']}`, in Teams "
                f"`{COMMAND} partners accept {v['code']}`."
            )
        case Said.UNKNOWN_CODE:
            return f"The code `{v['code']}` is unknown, expired (codes last {v['hours']} hours) or already used."
        case Said.OWN_CODE:
            return "This code was made in your own organisation: give it to the other organisation's admin instead."
        case Said.ALREADY_PARTNERS:
            return f"You are already partners with {v['name']}."
        case Said.CODE_JUST_USED:
            return f"The code `{v['code']}` has just been used."
        case Said.TOO_MANY_CODES:
            return (
                f"{v['tries']} wrong codes in a minute: wait a minute, and check the code with the admin who sent it."
            )
        case Said.NOW_PARTNERS:
            tail = (
                ""
                if v.get("has_inbox")
                else f" Choose the channel that receives their questions: `{COMMAND} inbox` there."
            )
            return f"You are now partners with {v['name']}. Their questions will reach your inbox.{tail}"
        case Said.REMOVED:
            return f"{v['name']} is no longer a partner; neither side receives the other's questions any more."
        case Said.NO_SUCH_PARTNER:
            return f"No partner is called “{v['name']}”. `{COMMAND} partners` lists them."
        case Said.CANNOT_JOIN:
            return "I cannot post in this channel: add Cercle to its team, then run the command again."
        case Said.INBOX_SET:
            return "This channel is now your inbox: your partners' questions will be posted here, one thread each."
    inbox = "set" if v.get("inbox") else f"not set (`{COMMAND} inbox` in a channel)"
    lines = [f"**Partners of {v['name']}** · your inbox: {inbox}"]
    lines += [f"- {name}: {_PARTNER_STATES[state]}" for name, state in reply.partners]
    if not reply.partners:
        lines.append(f"No partner yet. `{COMMAND} partners invite` makes a code for another organisation.")
    return "\n\n".join(lines)


def partnership_text(*, org_name: str, partner_name: str, linked: bool) -> str:
    if linked:
        return f"🤝 {org_name} and {partner_name} are now partners on Cercle."
    return f"{org_name} and {partner_name} are no longer partners."


HELP_LINES: tuple[tuple[str, str], ...] = (
    ("ask <question>", "open a “stuck on a topic” thread here and send the question to your network"),
    ("ask --with-name <question>", "the same, with your name shown to partners (by default only your organisation)"),
    ("ask --public <question>", "the same, published on the connected public networks too (`--partners-only`: not)"),
    ("help", "show this help"),
    ("list", "list the open topics of this conversation"),
    ("end", "end the meeting: close every topic and post the summary"),
    ("partners", "list your partner organisations"),
    ("partners invite", "get a one-time code for another organisation (admins)"),
    ("partners accept <code>", "accept a partner's invitation code, from Slack or Teams (admins)"),
    ("partners remove <org>", "end a partnership on both sides (admins)"),
    ("inbox", "make this channel receive your partners' questions (admins)"),
    ("networks", "show which public networks are connected"),
    ("home", "your organisation's page: the give and take with each partner"),
)


def help_text(*, rules: DeliveryRules | None = None) -> str:
    rules = rules or DeliveryRules()
    window = rules.window_s
    pace = f"{window / 60:g} minutes" if window >= 60 and window % 60 == 0 else f"{window:g} seconds"
    lines = ["**Cercle** puts your question to your network while the meeting goes on. Mention me, then:"]
    lines += [f"- `{COMMAND} {usage}`: {meaning}" for usage, meaning in HELP_LINES]
    lines += [
        f"Answers arrive in the topic's thread, at most {rules.max_per_window} every {pace}; the others come "
        "together in one digest, best first. With *Review answers first*, you approve each one before it is posted.",
        "Vote on an answer with a reaction (👍 or ❤️; one vote per person), or with its *Helpful* button in a "
        "digest. The meeting ends with `end`, when the Teams meeting ends, or after a long quiet spell: "
        "then the summary is posted here.",
    ]
    return "\n\n".join(lines)


def topic_list_text(topics: list[Topic]) -> str:
    if not topics:
        return f"No open topic here. `{COMMAND} ask <question>` opens one."
    lines = [f"**{len(topics)} open topic{'s' if len(topics) != 1 else ''}:**"]
    lines += [f"- {t.question[:200]} (asked by {t.asker.name})" for t in topics]
    return "\n\n".join(lines)


def problem_text(command: Command) -> str:
    match command.problem:
        case Problem.EMPTY:
            return f"Your question is empty: type it after `{COMMAND} ask`."
        case Problem.TOO_LONG:
            return f"Your question is {command.detail} characters long; the limit is {MAX_QUESTION_CHARS}. Shorten it."
        case Problem.NO_CODE:
            return f"Give the code: `{COMMAND} partners accept <code>`."
        case Problem.NO_PARTNER:
            return f"Name the partner: `{COMMAND} partners remove <org>`."
    return (
        f"Did you mean `{COMMAND} {command.detail}`? Nothing was sent. To put a question to your network, write "
        f"`{COMMAND} ask` and the question, e.g. `{COMMAND} ask How do we price a pilot for a large customer?`"
    )


def networks_text(states: Sequence[NetworkState], *, default_reach: Reach) -> str:
    return wording.networks_text(states, default_reach=default_reach, command="@Cercle ask", bold="**")
