"""Cercle's App Home tab in Slack: the organisation's open topics, the reader's own questions, its
partners and the give and take with each, its networks, then the help. Built within Slack's view
limits (100 blocks, 3,000 characters a section text), checked by tests/integrations/slack/test_home.py."""

from __future__ import annotations

from typing import Any

from app.domain.delivery import DeliveryRules
from app.domain.home import HomeView
from app.domain.models import Topic
from integrations.catalog import Say
from integrations.slack import words
from integrations.slack.sanitize import sanitise

MAX_BLOCKS = 100
MAX_SECTION = 3000
_STATES = {True: "summary-open", False: "summary-closed"}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _fit(text)}}


def _fit(text: str) -> str:
    return text if len(text) <= MAX_SECTION else text[: MAX_SECTION - 1] + "…"


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    """Lines in as few sections as Slack's 3,000 characters allow, none cut mid-line."""
    sections: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if sections[-1] and size + len(line) + 1 > MAX_SECTION:
            sections.append([])
            size = 0
        sections[-1].append(line)
        size += len(line) + 1
    return [_section("\n".join(chunk)) for chunk in sections if chunk]


def _topic_link(topic: Topic, *, limit: int) -> str:
    question = sanitise(topic.question, limit=limit)
    return f"<{topic.permalink}|{question}>" if topic.permalink.startswith("https://") else question


def home_view(home: HomeView, *, rules: DeliveryRules, say: Say) -> dict[str, Any]:
    """The ``home`` view for views.publish."""
    org = sanitise(home.organisation, limit=80)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": f"Cercle · {org}"[:150]}}]
    lines = [f"*{say('home-open-topics', org=org)}*"]
    lines += [f"• {_topic_link(t, limit=150)} · <#{t.place.channel}>" for t in home.open_topics]
    if not home.open_topics:
        lines.append(say("home-no-open-topic", cmd=words.COMMAND))
    blocks += _sections(lines)
    lines = [f"*{say('home-your-questions')}*"]
    for own in home.own_questions:
        state = say(_STATES[own.topic.is_open])
        line = say("home-topic-line", question=_topic_link(own.topic, limit=150), state=state, answers=own.answers)
        lines.append(f"• {line}")
    if not home.own_questions:
        lines.append(say("home-no-question"))
    blocks += _sections(lines)
    if home.partner_states:
        states = [f"• {sanitise(name, limit=80)}: {say(words.PARTNER_STATES[s])}" for name, s in home.partner_states]
        blocks += _sections([f"*{say('home-partners')}*", *states])
    for text in words.home_sections(home, say=say):
        blocks += _sections(text.split("\n"))
    blocks.append({"type": "divider"})
    blocks += _sections(words.help_text(rules=rules, say=say).split("\n"))
    if len(blocks) > MAX_BLOCKS:  # the help goes first, then the oldest lines: never past Slack's limit
        blocks = [*blocks[: MAX_BLOCKS - 1], _section(say("home-more-in-commands", cmd=words.COMMAND))]
    return {"type": "home", "blocks": blocks}
