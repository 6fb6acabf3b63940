"""Cercle's messages in Teams, as Adaptive Cards 1.5 (what Teams renders in channels and chats).

Buttons are ``Action.Execute``: Teams sends an ``invoke`` (``adaptiveCard/action``) with the verb and
data, from the person who pressed it, so that Cercle can check who may (the asker, for a review) and
answer that person alone in the invoke's response."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.domain.home import HomeView, PartnerState
from app.domain.models import Answer, Mirror, Topic
from app.domain.summary import MeetingSummary, Outcome, RankedAnswer, TopicSummary
from integrations import wording
from integrations.catalog import ENGLISH, Say
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


def mirrors_line(mirrors: Sequence[Mirror], *, say: Say = ENGLISH) -> str | None:
    return wording.reach_line(mirrors, icon="📨", name=lambda n: sanitise(n, limit=80), say=say)


# --- the live channel ------------------------------------------------------------------------
def topic_card(topic: Topic, *, mirrors: Sequence[Mirror] = (), say: Say = ENGLISH) -> Card:
    status = say("teams-topic-open") if topic.is_open else say("summary-closed")
    asked = say("teams-topic-asked-by", asker=sanitise(topic.asker.name, limit=80), status=status)
    body = [
        text(say("teams-topic-title"), weight="Bolder", size="Medium"),
        text(sanitise(topic.question, limit=1000)),
        text(asked, isSubtle=True, spacing="Small"),
    ]
    line = mirrors_line(mirrors, say=say)
    if line:
        body.append(text(line, isSubtle=True, spacing="None"))
    actions: list[Card] = []
    if topic.is_open:
        review = ("teams-button-direct", "off") if topic.review else ("teams-button-review", "on")
        actions = [
            execute(say("teams-button-close"), CLOSE_VERB, topic=topic.id),
            execute(say(review[0]), REVIEW_MODE_VERB, topic=topic.id, review=review[1]),
        ]
    actions.append(execute(say("teams-button-other-replies"), OTHER_REPLIES_VERB, topic=topic.id))
    if topic.is_open:
        actions.append(execute(say("teams-button-end"), END_MEETING_VERB, topic=topic.id))
    return card(body, actions=actions)


def answer_card(answer: Answer, *, votes: int | None = None, say: Say = ENGLISH) -> Card:
    body = [text(f"💡 {_who(answer.author.name, answer.organisation)}"), text(sanitise(answer.text), spacing="Small")]
    notes = []
    if answer.also_from:
        notes.append(say("answer-also-from", names=_also_from(answer, say=say)))
    if votes:
        notes.append(f"🗳 {say('answer-votes', votes=say.signed(votes), count=abs(votes))}")
    if notes:
        body.append(text(" · ".join(notes), isSubtle=True, spacing="Small"))
    original = {"type": "Action.OpenUrl", "title": say("teams-see-original"), "url": answer.link}
    return card(body, actions=[original] if _link(answer) else [])


def _link(answer: Answer) -> bool:
    return bool(_SAFE_LINK.fullmatch(answer.link))


def _also_from(answer: Answer, *, say: Say) -> str:
    shown = ", ".join(sanitise(c.label(), limit=160) for c in answer.also_from[:ALSO_FROM_SHOWN])
    more = len(answer.also_from) - ALSO_FROM_SHOWN
    return say("answer-also-from-more", names=shown, more=more) if more > 0 else shown


def _answer_line(answer: Answer, *, say: Say, limit: int = 600) -> str:
    also = f" · {say('answer-also-from', names=_also_from(answer, say=say))}" if answer.also_from else ""
    return f"{_who(answer.author.name, answer.organisation)}: {sanitise(answer.text, limit=limit)}{also}"


def digest_card(answers: Sequence[Answer], *, say: Say = ENGLISH) -> Card:
    body: list[Card] = [text(say("teams-digest-title", count=len(answers)))]
    for answer in answers[:DIGEST_MAX_ANSWERS]:
        body.append(text(_answer_line(answer, say=say), separator=True))
        vote = execute(say("teams-helpful"), DIGEST_VOTE_VERB, topic=answer.topic_id, answer=answer.id)
        body.append({"type": "ActionSet", "actions": [vote]})
    return card(body)


def review_card(answer: Answer, *, say: Say = ENGLISH) -> Card:
    actions = [
        execute(say("teams-approve"), APPROVE_VERB, topic=answer.topic_id, answer=answer.id),
        execute(say("teams-skip"), SKIP_VERB, topic=answer.topic_id, answer=answer.id),
    ]
    return card([text(say("teams-review-title")), text(_answer_line(answer, say=say))], actions=actions)


def other_replies_text(answers: Sequence[Answer], *, shown: int = 30, say: Say = ENGLISH) -> str:
    if not answers:
        return say("other-replies-none")
    lines = [f"**{say('other-replies-title', count=len(answers))}** {say('other-replies-below')}"]
    lines += [f"- {_answer_line(a, say=say, limit=300)}" for a in answers[:shown]]
    if len(answers) > shown:
        lines.append(say("other-replies-more", count=len(answers) - shown))
    return "\n".join(lines)


# --- partner inboxes -------------------------------------------------------------------------
def mirror_card(topic: Topic, *, asker_org: str, show_asker: bool, say: Say = ENGLISH) -> Card:
    org = sanitise(asker_org, limit=80)
    who = say("teams-mirror-asker", name=sanitise(topic.asker.name, limit=80), org=org) if show_asker else org
    body = [text(say("teams-mirror-title", who=who), weight="Bolder"), text(sanitise(topic.question, limit=1000))]
    foot = "teams-mirror-open-foot" if topic.is_open else "teams-mirror-closed-foot"
    body.append(text(say(foot), isSubtle=True))
    return card(body)


def thanks_card(outcome: Outcome, *, asker_org: str, share: bool, say: Say = ENGLISH) -> Card:
    org = sanitise(asker_org, limit=80)
    body = [text(f"🙏 {say('thanks-ended', org=org)}", weight="Bolder")]
    helped = outcome.replies_from_partner
    if helped:
        body.append(text(say("teams-thanks-replies", count=helped)))
    if share and outcome.best is not None:
        best = outcome.best.answer
        votes = say.signed(outcome.best.votes)
        line = _answer_line(best, say=say, limit=500)
        author, _, said = line.partition(": ")
        body.append(text(say("thanks-best", votes=votes, author=author, text=said)))
    elif share:
        body.append(text(say("thanks-nothing-stood-out")))
    return card(body)


# --- the summary -----------------------------------------------------------------------------
def duration(seconds: float, *, say: Say = ENGLISH) -> str:
    return say.duration(seconds)


def _best_line(ranked: RankedAnswer, *, say: Say) -> str:
    medal = {1: "🥇", 2: "🥈", 3: "🥉"}.get(ranked.rank, "-")
    votes = say("summary-vote-count", votes=say.signed(ranked.votes), count=abs(ranked.votes))
    line = _answer_line(ranked.answer, say=say, limit=300)
    return f"{medal} {ranked.rank}{'=' if ranked.tied else '.'} {votes}: {line}"


def _topic_body(index: int, topic: TopicSummary, *, say: Say) -> list[Card]:
    t = topic.topic
    asked = say("summary-asked-by", asker=sanitise(t.asker.name, limit=80))
    head = f"{asked} · {say('summary-open' if t.is_open else 'summary-closed')}"
    if topic.answered:
        sources = ", ".join(f"{sanitise(name, limit=80)} {count}" for name, count in topic.replies_by_source)
        head += f" · {say('summary-replies', count=topic.replies, sources=sources)}"
        head += f" · {say('summary-first-answer', delay=say.duration(topic.first_answer_after_s or 0))}"
    else:
        head += f" · {say('teams-summary-nobody')}"
    body = [
        text(f"**{index}. {sanitise(t.question, limit=500)}**", separator=True),
        text(head, isSubtle=True, spacing="None"),
    ]
    body += [text(_best_line(r, say=say), spacing="Small") for r in topic.best]
    notes = []
    if topic.other_replies:
        notes.append(say("teams-summary-other-below", count=topic.other_replies))
    if topic.late_replies:
        notes.append(say("summary-late", count=topic.late_replies))
    if notes:
        body.append(text(" · ".join(notes), isSubtle=True, spacing="Small"))
    return body


def summary_cards(summary: MeetingSummary, *, say: Say = ENGLISH) -> list[Card]:
    """The summary as cards, a few questions each (a card must stay under Teams' 28 KB)."""
    totals = wording.summary_totals(summary, say=say)
    heading = say("summary-heading", day=say.day(summary.meeting.started_at), duration=say.duration(summary.duration_s))
    bodies: list[list[Card]] = [[text(heading, weight="Bolder", size="Medium"), text(totals)]]
    for index, topic in enumerate(summary.topics, start=1):
        if index > 1 and (index - 1) % SUMMARY_TOPICS_PER_CARD == 0:
            bodies.append([text(say("summary-continued"), weight="Bolder")])
        bodies[-1] += _topic_body(index, topic, say=say)
    tail: list[Card] = []
    if summary.unanswered:
        names = "\n".join(f"- {sanitise(t.question, limit=200)}" for t in summary.unanswered)
        tail.append(text(f"**{say('summary-nobody-answered')}**\n{names}", separator=True))
    if summary.helpers:
        helpers = "\n".join(
            f"- **{sanitise(org, limit=80)}**: {', '.join(sanitise(p, limit=60) for p in people)}"
            for org, people in summary.helpers
        )
        tail.append(text(f"**{say('summary-thanks')}**\n{helpers}", separator=True))
    bodies[-1] += tail
    return [card(body) for body in bodies]


# --- the organisation's page ---------------------------------------------------------------------
HOME_PARTNERS_SHOWN = 40  # a card stays well under Teams' 28 KB
PARTNER_STATES = {
    PartnerState.ACTIVE: "partner-state-active",
    PartnerState.NO_INBOX: "partner-state-no-inbox",
    PartnerState.REMOVED: "teams-partner-state-removed",
}


def home_card(home: HomeView, *, say: Say = ENGLISH) -> Card:
    """The organisation's page: its open topics, the reader's questions, the give and take with each
    partner (30 · 90 days), its networks."""
    org = sanitise(home.organisation, limit=80)
    body = [text(say("teams-home-title", org=org), weight="Bolder", size="Medium")]
    body.append(text(f"**{say('home-open-topics', org=org)}**", separator=True))
    body += [text(f"- {sanitise(t.question, limit=200)}", spacing="None") for t in home.open_topics]
    if not home.open_topics:
        body.append(text(say("home-no-open-topic", cmd="@Cercle ask"), isSubtle=True, spacing="None"))
    body.append(text(f"**{say('home-your-questions')}**", separator=True))
    for own in home.own_questions:
        state = say("summary-open" if own.topic.is_open else "summary-closed")
        question = sanitise(own.topic.question, limit=200)
        line = say("home-topic-line", question=question, state=state, answers=own.answers)
        body.append(text(f"- {line}", spacing="None"))
    if not home.own_questions:
        body.append(text(say("home-no-question"), isSubtle=True, spacing="None"))
    if home.partner_states:
        body.append(text(f"**{say('home-partners')}**", separator=True))
        for name, partner in home.partner_states[:HOME_PARTNERS_SHOWN]:
            line = f"- {sanitise(name, limit=80)}: {say(PARTNER_STATES[partner])}"
            body.append(text(line, spacing="None"))
    if home.partners:
        title = f"**{say('teams-home-give-and-take')}** {say('home-give-and-take-30-90')}"
        body.append(text(title, separator=True))
        for row in home.partners[:HOME_PARTNERS_SHOWN]:
            name = sanitise(row.partner_name, limit=80)
            body.append(text(f"**{name}**: {wording.ledger_row(row, say=say)}", spacing="Small"))
        if any(row.takes_far_more for row in home.partners):
            body.append(text(say("teams-home-nudge"), isSubtle=True))
    elif not home.partner_states:
        body.append(text(say("teams-home-no-partner", cmd="@Cercle"), separator=True))
    for network in home.networks:
        mode = say(wording.NETWORK_MODES[network.mode])
        body.append(text(f"{sanitise(network.name, limit=80)}: {mode}", isSubtle=True, spacing="Small"))
    return card(body)
