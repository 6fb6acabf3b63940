"""The command language, shared by every platform: Slack's `/ask ...`, Teams' `@Cercle ask ...`.

What follows the command word is parsed here, in linear time; each platform words the answers and
names its own command (integrations/<platform>/words.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
    HOME = "home"  # the organisation's page: its give and take with its partners, its networks
    LANGUAGE = "language"  # the organisation's language: shown, or set (admins) with its argument
    INVALID = "invalid"


class Problem(StrEnum):
    """Why a command was refused (``Command.detail`` says more)."""

    EMPTY = "empty"  # nothing after the command word
    TOO_LONG = "too_long"  # detail: the question's length
    NO_CODE = "no_code"  # "partners accept" without its code
    NO_PARTNER = "no_partner"  # "partners remove" without a name
    MISTYPED = "mistyped"  # detail: the command it looks like ("end", "partners invite")


@dataclass(frozen=True, slots=True)
class Command:
    kind: CommandKind
    argument: str = ""
    problem: Problem | None = None
    detail: str = ""
    share_asker: bool = False
    public: bool | None = None  # --public or --partners-only; None: the organisation's default reach


SHARE_NAME_FLAG = "--with-name"
PUBLIC_FLAG = "--public"  # the question goes to the connected public networks too
PARTNERS_ONLY_FLAG = "--partners-only"
FRENCH_FLAGS = {"--partenaires": PARTNERS_ONLY_FLAG, "--avec-nom": SHARE_NAME_FLAG}


def _question(text: str) -> Command:
    share_asker = False
    public: bool | None = None
    while True:  # the flags, in any order, before the question; they are not part of it
        head = text.strip().lower()
        french = next((flag for flag in FRENCH_FLAGS if head.startswith(flag)), None)
        if french is not None:  # the same flag in French
            text = FRENCH_FLAGS[french] + text.strip()[len(french) :]
            head = text.lower()
        if head.startswith(SHARE_NAME_FLAG):
            share_asker, text = True, text.strip()[len(SHARE_NAME_FLAG) :]
        elif head.startswith(PARTNERS_ONLY_FLAG):
            public, text = False, text.strip()[len(PARTNERS_ONLY_FLAG) :]
        elif head.startswith(PUBLIC_FLAG):
            public, text = True, text.strip()[len(PUBLIC_FLAG) :]
        else:
            break
    if not text.strip():
        return Command(CommandKind.INVALID, problem=Problem.EMPTY)
    question = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(question) > MAX_QUESTION_CHARS:
        return Command(CommandKind.INVALID, problem=Problem.TOO_LONG, detail=str(len(question)))
    return Command(CommandKind.ASK, argument=question, share_asker=share_asker, public=public)


# The command words in French too: the same commands, said the way French-speaking teams say them.
FRENCH_WORDS = {
    "aide": "help",
    "liste": "list",
    "fin": "end",
    "partenaires": "partners",
    "boîte": "inbox",
    "boite": "inbox",
    "réseaux": "networks",
    "reseaux": "networks",
    "accueil": "home",
    "langue": "language",
}
FRENCH_PARTNER_WORDS = {"inviter": "invite", "accepter": "accept", "retirer": "remove"}


def _in_english(word: str, table: dict[str, str]) -> str:
    lowered = word.lower()
    return table.get(lowered, lowered)


def parse_command(text: str) -> Command:
    """Turn what followed the command word into a command; anything that is not a keyword is a question."""
    if text == "":
        return Command(CommandKind.HELP)
    words = text.split()
    if not words:
        return _question(text)
    head = _in_english(words[0], FRENCH_WORDS)
    rest = words[1:]
    if len(words) == 1 and head in ("help", "list", "end", "inbox", "networks", "partners", "home"):
        return Command(CommandKind(head))
    if head == "language" and len(rest) <= 1 and "?" not in text:
        return Command(CommandKind.LANGUAGE, argument=" ".join(rest))
    if head == "partners" and rest:
        sub = _in_english(rest[0], FRENCH_PARTNER_WORDS)
        argument = " ".join(rest[1:])
        if sub == "invite" and not argument:
            return Command(CommandKind.PARTNERS_INVITE)
        if sub == "accept":
            if not argument:
                return Command(CommandKind.INVALID, problem=Problem.NO_CODE)
            return Command(CommandKind.PARTNERS_ACCEPT, argument=argument)
        if sub == "remove":
            if not argument:
                return Command(CommandKind.INVALID, problem=Problem.NO_PARTNER)
            return Command(CommandKind.PARTNERS_REMOVE, argument=argument)
    meant = None if "?" in text else _meant_command(words)  # a question mark: a question, as it is
    if meant is not None:
        return Command(CommandKind.INVALID, problem=Problem.MISTYPED, detail=meant)
    return _question(text)


_KEYWORDS = ("help", "list", "end", "inbox", "networks", "partners")
_PARTNER_WORDS = ("invite", "accept", "remove")
_FRENCH_KEYWORDS = tuple(word for word, meant in FRENCH_WORDS.items() if meant in _KEYWORDS)
SHORT_COMMAND_WORDS = 3  # "end the meeting", "partner invite": a command mistyped, not a question


def _meant_command(words: list[str]) -> str | None:
    """The command a short text looks like ("lsit", "end meeting", "partner invite"): sent as a
    question, it would reach every partner organisation."""
    folded = [fold(w).strip(".,;:!") for w in words[:2]]  # only the first two words can name a command
    keywords = (*_KEYWORDS, *_FRENCH_KEYWORDS) if len(words) <= SHORT_COMMAND_WORDS else ("partners", "partenaires")
    head = _in_english(_closest(folded[0], keywords) or "", FRENCH_WORDS) or None
    if head == "partners" and len(folded) > 1:
        sub = (
            _in_english(_closest(folded[1], (*_PARTNER_WORDS, *FRENCH_PARTNER_WORDS)) or "", FRENCH_PARTNER_WORDS)
            or None
        )
        if sub is not None:  # "partner remove Beta Org": the organisation's name may be long
            return " ".join(["partners", sub, *words[2:]])
    if head is None or len(words) > SHORT_COMMAND_WORDS:
        return None
    return head


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    """A choice the word is, or is one typo away from (words of four letters or more)."""
    for choice in choices:
        if word == choice or (
            len(choice) >= 4 <= len(word) and abs(len(word) - len(choice)) <= 1 and _typos(word, choice) <= 1
        ):
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
