"""The `/ask` command language, shared by Slack (`/ask ...`) and Teams (`ask ...`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.delivery import DeliveryRules
from app.domain.relevance import fold

MAX_QUESTION_CHARS = 1000


class CommandKind(StrEnum):
    HELP = "help"
    ASK = "ask"
    LIST = "list"
    END = "end"
    PARTNERS = "partners"
    PARTNERS_INVITE = "partners invite"
    PARTNERS_ACCEPT = "partners accept"
    PARTNERS_REMOVE = "partners remove"
    INBOX = "inbox"
    NETWORKS = "networks"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Command:
    kind: CommandKind
    argument: str = ""
    error: str = ""
    share_asker: bool = False


SHARE_NAME_FLAG = "--with-name"


HELP_LINES: tuple[tuple[str, str], ...] = (
    ("/ask <question>", "open a “stuck on a topic” thread here and send the question to your network"),
    ("/ask --with-name <question>", "the same, with your name shown to partners (by default only your organisation)"),
    ("/ask help", "show this help"),
    ("/ask list", "list the open topics of this channel"),
    ("/ask end", "end the meeting: close every topic and post the summary"),
    ("/ask partners", "list your partner organisations"),
    ("/ask partners invite", "get a one-time code for another organisation (admins)"),
    ("/ask partners accept <code>", "accept a partner's invitation code (admins)"),
    ("/ask partners remove <org>", "end a partnership on both sides (admins)"),
    ("/ask inbox", "make this channel receive your partners' questions (admins)"),
    ("/ask networks", "show which public networks are connected"),
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


def _question(text: str) -> Command:
    share_asker = False
    if text.strip().lower().startswith(SHARE_NAME_FLAG):
        share_asker = True
        text = text.strip()[len(SHARE_NAME_FLAG) :]
    if not text.strip():
        return Command(CommandKind.INVALID, error="Your question is empty: type it after `/ask`.")
    question = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(question) > MAX_QUESTION_CHARS:
        return Command(
            CommandKind.INVALID,
            error=(
                f"Your question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}. "
                "Shorten it and ask again."
            ),
        )
    return Command(CommandKind.ASK, argument=question, share_asker=share_asker)


def parse_command(text: str) -> Command:
    """Turn what followed `/ask` into a command; anything that is not a keyword is a question."""
    if text == "":
        return Command(CommandKind.HELP)
    words = text.split()
    if not words:
        return _question(text)
    head = words[0].lower()
    rest = words[1:]
    if len(words) == 1 and head in ("help", "list", "end", "inbox", "networks", "partners"):
        return Command(CommandKind(head))
    if head == "partners" and rest:
        sub = rest[0].lower()
        argument = " ".join(rest[1:])
        if sub == "invite" and not argument:
            return Command(CommandKind.PARTNERS_INVITE)
        if sub == "accept":
            if not argument:
                return Command(CommandKind.INVALID, error="Give the code: `/ask partners accept <code>`.")
            return Command(CommandKind.PARTNERS_ACCEPT, argument=argument)
        if sub == "remove":
            if not argument:
                return Command(CommandKind.INVALID, error="Name the partner: `/ask partners remove <org>`.")
            return Command(CommandKind.PARTNERS_REMOVE, argument=argument)
    meant = _meant_command(words)
    if meant is not None and "?" not in text:
        return Command(
            CommandKind.INVALID,
            error=(
                f"Did you mean `/ask {meant}`? Nothing was sent. To put a question to your network, write it "
                "out, e.g. `/ask How do we price a pilot for a large customer?` (end it with a question mark "
                "to send a short one as it is)."
            ),
        )
    return _question(text)


_KEYWORDS = ("help", "list", "end", "inbox", "networks", "partners")
_PARTNER_WORDS = ("invite", "accept", "remove")
SHORT_COMMAND_WORDS = 3  # "end the meeting", "partner invite": a command mistyped, not a question


def _meant_command(words: list[str]) -> str | None:
    """The command a short text looks like ("lsit", "end meeting", "partner invite"): sent as a
    question, it would reach every partner organisation."""
    folded = [fold(w).strip(".,;:!") for w in words]
    head = _closest(folded[0], _KEYWORDS)
    if head == "partners" and len(folded) > 1:
        sub = _closest(folded[1], _PARTNER_WORDS)
        if sub is not None:  # "partner remove Beta Org": the organisation's name may be long
            return " ".join(["partners", sub, *words[2:]])
    if head is None or len(words) > SHORT_COMMAND_WORDS:
        return None
    return head


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    """A choice the word is, or is one typo away from (words of four letters or more)."""
    for choice in choices:
        if word == choice or (len(choice) >= 4 and len(word) >= 4 and _typos(word, choice) <= 1):
            return choice
    return None


def _typos(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from a to b: "lsit" is one from "list"."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def question_key(question: str) -> str:
    """The same question typed twice: case, accents, spacing and the final punctuation aside."""
    return " ".join(fold(question).split()).rstrip("?!.… ")
