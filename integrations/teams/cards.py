"""Cercle's messages in Teams, as Adaptive Cards 1.5 (what Teams renders in channels and chats).

Buttons are ``Action.Execute``: Teams sends an ``invoke`` (``adaptiveCard/action``) with the verb and
data, from the person who pressed it, so that Cercle can check who may (the asker, for a review) and
answer that person alone in the invoke's response."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from app.domain.home import HomeView
from app.domain.ledger import LedgerField
from app.domain.models import Answer, Mirror, MirrorStatus, Topic
from app.domain.summary import MeetingSummary, Outcome, RankedAnswer, TopicSummary
from integrations.teams.text import sanitise

Card = dict[str, Any]
CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CLOSE_VERB = "cercle_close_topic"
REVIEW_MODE_VERB = "cercle_review_mode"
OTHER_REPLIES_VERB = "cercle_other_replies"
END_MEETING_VERB = "cercle_end_meeting"
APPROVE_VERB = "cercle_review_approve"
SKIP_VERB = "cercle_review_skip"
DIGEST_VOTE_VERB = "cercle_digest_vote"
DIGEST_MAX_ANSWERS = 20  # a digest card stays well under Teams' 28 KB a message
SUMMARY_TOPICS_PER_CARD = 8
ALSO_FROM_SHOWN = 5
_SAFE_LINK = re.compile(r"https://[^\s<>()\[\]]{1,1900}")


def card(body: list[Card], *, actions: Sequence[Card] = ()) -> Card:
    content: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        content["actions"] = list(actions)
    return content


def attachment(content: Card) -> Card:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def text(value: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def execute(title: str, verb: str, **data: str) -> Card:
    return {"type": "Action.Execute", "title": title, "verb": verb, "data": {"verb": verb, **data}}


def _who(name: str, organisation: str) -> str:
    return f"**{sanitise(name, limit=80)}** ({sanitise(organisation, limit=80)})"


def mirrors_line(mirrors: Sequence[Mirror]) -> str | None:
    sent = [sanitise(m.partner_name, limit=80) for m in mirrors if m.status is MirrorStatus.POSTED]
    waiting = [m for m in mirrors if m.status in (MirrorStatus.PENDING, MirrorStatus.POSTING)]
    skipped = [
        f"{sanitise(m.partner_name, limit=80)} ({m.reason})" for m in mirrors if m.status is MirrorStatus.SKIPPED
    ]
    parts = []
    if sent:
        parts.append(f"📨 Sent to {len(sent)} partner{'s' if len(sent) != 1 else ''}: {', '.join(sent)}")
    if waiting:
        parts.append(f"sending to {len(waiting)} more…")
    if skipped:
        parts.append(f"not sent: {', '.join(skipped)}")
    return " · ".join(parts) or None


# --- the live channel ------------------------------------------------------------------------
def topic_card(topic: Topic, *, mirrors: Sequence[Mirror] = ()) -> Card:
    status = "open: replies arrive in this thread" if topic.is_open else "closed"
    body = [
        text("🧩 Stuck on a topic", weight="Bolder", size="Medium"),
        text(sanitise(topic.question, limit=1000)),
        text(f"Asked by {sanitise(topic.asker.name, limit=80)} · {status}", isSubtle=True, spacing="Small"),
    ]
    line = mirrors_line(mirrors)
    if line:
        body.append(text(line, isSubtle=True, spacing="None"))
    actions: list[Card] = []
    if topic.is_open:
        review = ("Post answers directly", "off") if topic.review else ("Review answers first", "on")
        actions = [
            execute("Close topic", CLOSE_VERB, topic=topic.id),
            execute(review[0], REVIEW_MODE_VERB, topic=topic.id, review=review[1]),
        ]
    actions.append(execute("Other replies", OTHER_REPLIES_VERB, topic=topic.id))
    if topic.is_open:
        actions.append(execute("End meeting & summarise", END_MEETING_VERB, topic=topic.id))
    return card(body, actions=actions)


def answer_card(answer: Answer, *, votes: int | None = None) -> Card:
    body = [text(f"💡 {_who(answer.author.name, answer.organisation)}"), text(sanitise(answer.text), spacing="Small")]
    notes = []
    if answer.also_from:
        notes.append(f"also from {_also_from(answer)}")
    if votes:
        notes.append(f"🗳 {votes:+d} vote{'s' if abs(votes) != 1 else ''}")
    if notes:
        body.append(text(" · ".join(notes), isSubtle=True, spacing="Small"))
    actions = [{"type": "Action.OpenUrl", "title": "See the original", "url": answer.link}] if _link(answer) else []
    return card(body, actions=actions)


def _link(answer: Answer) -> bool:
    return bool(_SAFE_LINK.fullmatch(answer.link))


def _also_from(answer: Answer) -> str:
    shown = ", ".join(sanitise(c.label(), limit=160) for c in answer.also_from[:ALSO_FROM_SHOWN])
    more = len(answer.also_from) - ALSO_FROM_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _answer_line(answer: Answer, *, limit: int = 600) -> str:
    also = f" · also from {_also_from(answer)}" if answer.also_from else ""
    return f"{_who(answer.author.name, answer.organisation)}: {sanitise(answer.text, limit=limit)}{also}"


def digest_card(answers: Sequence[Answer]) -> Card:
    noun = "answer" if len(answers) == 1 else "answers"
    body: list[Card] = [text(f"📥 **{len(answers)} more {noun}**, best first (vote with *Helpful*, not a reaction):")]
    for answer in answers[:DIGEST_MAX_ANSWERS]:
        body.append(text(_answer_line(answer), separator=True))
        vote = execute("👍 Helpful", DIGEST_VOTE_VERB, topic=answer.topic_id, answer=answer.id)
        body.append({"type": "ActionSet", "actions": [vote]})
    return card(body)


def review_card(answer: Answer) -> Card:
    actions = [
        execute("Approve", APPROVE_VERB, topic=answer.topic_id, answer=answer.id),
        execute("Skip", SKIP_VERB, topic=answer.topic_id, answer=answer.id),
    ]
    return card(
        [text("👀 **Post this answer in the thread?** (only the asker can decide)"), text(_answer_line(answer))],
        actions=actions,
    )


def other_replies_text(answers: Sequence[Answer], *, shown: int = 30) -> str:
    if not answers:
        return "No other replies: everything relevant is in the thread."
    lines = [f"**{len(answers)} other {'reply' if len(answers) == 1 else 'replies'}** (below the relevance threshold):"]
    lines += [f"- {_answer_line(a, limit=300)}" for a in answers[:shown]]
    if len(answers) > shown:
        lines.append(f"…and {len(answers) - shown} more, the weakest, not shown.")
    return "\n".join(lines)


# --- partner inboxes -------------------------------------------------------------------------
def mirror_card(topic: Topic, *, asker_org: str, show_asker: bool) -> Card:
    org = sanitise(asker_org, limit=80)
    who = f"{sanitise(topic.asker.name, limit=80)} at {org}" if show_asker else org
    body = [
        text(f"❓ A question from {who}", weight="Bolder"),
        text(sanitise(topic.question, limit=1000)),
    ]
    if topic.is_open:
        body.append(text("Reply in this thread: the best replies reach their meeting, with your name.", isSubtle=True))
    else:
        body.append(text("This question is closed. Thank you for your replies.", isSubtle=True))
    return card(body)


def thanks_card(outcome: Outcome, *, asker_org: str, share: bool) -> Card:
    org = sanitise(asker_org, limit=80)
    body = [text(f"🙏 Thank you! {org}'s meeting has ended.", weight="Bolder")]
    helped = outcome.replies_from_partner
    if helped:
        body.append(text(f"Your organisation sent {helped} repl{'ies' if helped != 1 else 'y'} to this question."))
    if share and outcome.best is not None:
        best = outcome.best.answer
        body.append(text(f"Best answer ({outcome.best.votes:+d} votes), by {_answer_line(best, limit=500)}"))
    elif share:
        body.append(text("No answer stood out this time; thanks for looking."))
    return card(body)


# --- the summary -----------------------------------------------------------------------------
def duration(seconds: float) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _best_line(ranked: RankedAnswer) -> str:
    medal = {1: "🥇", 2: "🥈", 3: "🥉"}.get(ranked.rank, "-")
    votes = f"{ranked.votes:+d} vote{'s' if abs(ranked.votes) != 1 else ''}"
    return f"{medal} {ranked.rank}{'=' if ranked.tied else '.'} {votes}: {_answer_line(ranked.answer, limit=300)}"


def _topic_body(index: int, topic: TopicSummary) -> list[Card]:
    t = topic.topic
    head = f"Asked by {sanitise(t.asker.name, limit=80)} · {'open' if t.is_open else 'closed'}"
    if topic.answered:
        sources = ", ".join(f"{sanitise(name, limit=80)} {count}" for name, count in topic.replies_by_source)
        head += f" · {topic.replies} repl{'ies' if topic.replies != 1 else 'y'} ({sources})"
        head += f" · first answer after {duration(topic.first_answer_after_s or 0)}"
    else:
        head += " · nobody answered this one"
    body = [
        text(f"**{index}. {sanitise(t.question, limit=500)}**", separator=True),
        text(head, isSubtle=True, spacing="None"),
    ]
    body += [text(_best_line(r), spacing="Small") for r in topic.best]
    notes = []
    if topic.other_replies:
        notes.append(
            f"{topic.other_replies} other repl{'ies' if topic.other_replies != 1 else 'y'} below the threshold"
        )
    if topic.late_replies:
        notes.append(f"{topic.late_replies} came after the topic closed")
    if notes:
        body.append(text(" · ".join(notes), isSubtle=True, spacing="Small"))
    return body


def summary_cards(summary: MeetingSummary) -> list[Card]:
    """The summary as cards, a few questions each (a card must stay under Teams' 28 KB)."""
    day = time.strftime("%d %b %Y", time.gmtime(summary.meeting.started_at))
    orgs = len(summary.helpers)
    totals = (
        f"{len(summary.topics)} question{'s' if len(summary.topics) != 1 else ''} · {summary.total_replies} replies "
        f"from {summary.helper_count} people in {orgs} organisation{'s' if orgs != 1 else ''}"
        f" · {summary.total_votes} votes on the best answers"
    )
    bodies: list[list[Card]] = [
        [
            text(f"Meeting summary · {day} · {duration(summary.duration_s)}", weight="Bolder", size="Medium"),
            text(totals),
        ]
    ]
    for index, topic in enumerate(summary.topics, start=1):
        if index > 1 and (index - 1) % SUMMARY_TOPICS_PER_CARD == 0:
            bodies.append([text("Meeting summary, continued", weight="Bolder")])
        bodies[-1] += _topic_body(index, topic)
    tail: list[Card] = []
    if summary.unanswered:
        names = "\n".join(f"- {sanitise(t.question, limit=200)}" for t in summary.unanswered)
        tail.append(text(f"**Nobody answered:**\n{names}", separator=True))
    if summary.helpers:
        helpers = "\n".join(
            f"- **{sanitise(org, limit=80)}**: {', '.join(sanitise(p, limit=60) for p in people)}"
            for org, people in summary.helpers
        )
        tail.append(text(f"**Thank you to everyone who helped:**\n{helpers}", separator=True))
    bodies[-1] += tail
    return [card(body) for body in bodies]


# --- the organisation's page ---------------------------------------------------------------------
_LEDGER_WORDS = {
    LedgerField.ASKED_THEM: "questions you sent",
    LedgerField.ASKED_US: "questions they sent",
    LedgerField.ANSWERS_FROM_THEM: "answers they gave",
    LedgerField.ANSWERS_FROM_US: "answers you gave",
}
NUDGE = "You have received far more answers than you gave lately: a reply in your inbox keeps the circle going."
HOME_PARTNERS_SHOWN = 40  # a card stays well under Teams' 28 KB


def home_card(home: HomeView) -> Card:
    """The organisation's give and take with each partner (30 · 90 days), and its networks."""
    body = [text(f"🏠 {sanitise(home.organisation, limit=80)} on Cercle", weight="Bolder", size="Medium")]
    if home.partners:
        body.append(text("**Give and take with your partners** (last 30 days · last 90 days)"))
        for row in home.partners[:HOME_PARTNERS_SHOWN]:
            parts = " · ".join(
                f"{_LEDGER_WORDS[f]} {row.last_30.get(f, 0)} · {row.last_90.get(f, 0)}" for f in LedgerField
            )
            body.append(text(f"**{sanitise(row.partner_name, limit=80)}**: {parts}", spacing="Small"))
        if any(row.takes_far_more for row in home.partners):
            body.append(text(NUDGE, isSubtle=True))
    else:
        body.append(text("No partner yet: `@Cercle partners invite` makes a code for another organisation."))
    for state in home.networks:
        body.append(text(f"{sanitise(state.name, limit=80)}: {state.mode}", isSubtle=True, spacing="Small"))
    return card(body)
