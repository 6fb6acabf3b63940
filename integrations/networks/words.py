"""What Cercle publishes on a public network, in plain text (no network renders Slack's or Teams'
markup): the question as asked, and the meeting's outcome under it."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime

from app.domain.summary import Outcome
from integrations.catalog import ENGLISH, Say

_BREAK = re.compile(r"<\s*(br|/p)\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,400}>")


def fit(text: str, *, limit: int, tail: str = "") -> str:
    """``text`` and its ``tail`` (a hashtag) within ``limit`` characters, cut at a word with "…"."""
    room = limit - len(tail)
    if len(text) > room:
        cut = text[: room - 1].rsplit(" ", 1)[0] if " " in text[: room - 1] else text[: room - 1]
        text = cut.rstrip() + "…"
    return text + tail


def question_post(question: str, *, limit: int, hashtag: str = "") -> str:
    """The question alone: no asker, no organisation, no internal link."""
    return fit(
        " ".join(question.split()) if "\n" not in question else question.strip(),
        limit=limit,
        tail=f"\n\n#{hashtag}" if hashtag else "",
    )


def outcome_post(outcome: Outcome, *, asker_org: str, share: bool, limit: int, say: Say = ENGLISH) -> str:
    """The meeting's outcome, in the asking organisation's language, under the question."""
    lines = [say("thanks-ended", org=asker_org)]
    if outcome.replies_from_partner:
        lines.append(say("network-replies-from-here", count=outcome.replies_from_partner))
    if share and outcome.best is not None:
        best = outcome.best.answer
        votes = say.signed(outcome.best.votes)
        lines.append(say("thanks-best", votes=votes, author=best.author.name, text=best.text))
    elif share:
        lines.append(say("thanks-nothing-stood-out"))
    return fit("\n".join(lines), limit=limit)


def plain_text(markup: str) -> str:
    """A post's HTML (Mastodon's ``content``) as the plain text a person reads."""
    text = _TAG.sub("", _BREAK.sub("\n", markup))
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())


def without_leading_mentions(text: str) -> str:
    """A reply starts with the account it answers ("@cercle@server"): not its words."""
    words = text.split(" ")
    while words and words[0].startswith("@"):
        words.pop(0)
    return " ".join(words).strip()


def timestamp(value: object) -> float:
    """A network's time (a datetime, or ISO 8601 text) as epoch seconds; now when it cannot be read."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return time.time()
