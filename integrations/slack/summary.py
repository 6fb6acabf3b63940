"""The meeting summary in Block Kit, split over several messages rather than past Slack's limits
(50 blocks a message, 3,000 characters a section)."""

from __future__ import annotations

import time
from collections.abc import Sequence, Set

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.summary import MeetingSummary, Outcome, RankedAnswer, TopicSummary
from integrations.slack.render import _SAFE_LINK, OTHER_REPLIES_ACTION, user_mention
from integrations.slack.sanitize import sanitise

MAX_BLOCKS = 45  # under Slack's 50, leaving room
MAX_SECTION = 2900  # under Slack's 3,000 characters
MEDALS = {1: ":first_place_medal:", 2: ":second_place_medal:", 3: ":third_place_medal:"}


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _best_line(ranked: RankedAnswer) -> str:
    answer = ranked.answer
    rank = f"{ranked.rank}{'=' if ranked.tied else '.'}"
    votes = f"{ranked.votes:+d} vote{'s' if abs(ranked.votes) != 1 else ''}"
    link = f" · <{answer.link}|original>" if _SAFE_LINK.fullmatch(answer.link) else ""
    who = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    return f"{MEDALS.get(ranked.rank, '•')} {rank} {who}, {votes}: {sanitise(answer.text, limit=300)}{link}"


def _topic_blocks(index: int, topic: TopicSummary) -> list[Block]:
    t = topic.topic
    status = "open" if t.is_open else "closed"
    head = f"*{index}. {sanitise(t.question, limit=500)}*\nAsked by {user_mention(t.asker.id, t.asker.name)} · {status}"
    if topic.answered:
        sources = ", ".join(f"{sanitise(name, limit=80)} {count}" for name, count in topic.replies_by_source)
        first = duration(topic.first_answer_after_s or 0)
        head += f"\n{topic.replies} repl{'ies' if topic.replies != 1 else 'y'} ({sources}) · first answer after {first}"
    else:
        head += "\nNobody answered this one."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head[:MAX_SECTION]))]
    if topic.best:
        lines = "\n".join(_best_line(r) for r in topic.best)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=lines[:MAX_SECTION])))
    notes = []
    if topic.other_replies:
        plural = "ies" if topic.other_replies != 1 else "y"
        notes.append(f"{topic.other_replies} other repl{plural} below the relevance threshold")
    if topic.late_replies:
        notes.append(f"{topic.late_replies} came after the topic closed")
    if topic.other_replies:  # listed on request, also once the topic is closed
        show = ButtonElement(text="Show them", action_id=OTHER_REPLIES_ACTION, value=t.id)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=" · ".join(notes)), accessory=show))
    elif notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    return blocks


def summary_messages(
    summary: MeetingSummary, *, marker: str, already_posted: Set[str] = frozenset()
) -> list[tuple[str, list[Block]]]:
    """(fallback text, blocks) for each message, in order. Each section (the heading, one per
    question, the thanks) starts with its own marker, so a retried job posts only the sections it
    does not find in the channel, however the summary has grown meanwhile (late votes and replies
    can move a question into another message)."""
    day = time.strftime("%d %b %Y", time.gmtime(summary.meeting.started_at))
    organisations = len(summary.helpers)
    totals = (
        f"{len(summary.topics)} question{'s' if len(summary.topics) != 1 else ''} · {summary.total_replies} replies "
        f"from {summary.helper_count} people in {organisations} organisation{'s' if organisations != 1 else ''}"
        f" · {summary.total_votes} votes on the best answers"
    )
    heading: list[Block] = [
        HeaderBlock(text=f"Meeting summary · {day} · {duration(summary.duration_s)}"),
        ContextBlock(elements=[MarkdownTextObject(text=totals)]),
    ]
    sections = [(marker, heading)]
    for index, topic in enumerate(summary.topics, start=1):
        sections.append((f"{marker}-q-{topic.topic.id}", [DividerBlock(), *_topic_blocks(index, topic)]))
    tail: list[Block] = [DividerBlock()]
    if summary.unanswered:
        names = "\n".join(f"• {sanitise(t.question, limit=200)}" for t in summary.unanswered)
        tail.append(SectionBlock(text=MarkdownTextObject(text=f"*Nobody answered:*\n{names}"[:MAX_SECTION])))
    if summary.helpers:
        helpers = "\n".join(
            f"• *{sanitise(org, limit=80)}*: {', '.join(sanitise(p, limit=60) for p in people)}"
            for org, people in summary.helpers
        )
        tail.append(
            SectionBlock(text=MarkdownTextObject(text=f"*Thank you to everyone who helped:*\n{helpers}"[:MAX_SECTION]))
        )
    sections.append((f"{marker}-end", tail))

    messages: list[list[Block]] = [[]]
    for section_marker, blocks in sections:
        if section_marker in already_posted:
            continue
        blocks[0].block_id = section_marker
        if messages[-1] and len(messages[-1]) + len(blocks) > MAX_BLOCKS:
            messages.append([])
        messages[-1].extend(blocks)
    if not messages[-1]:
        return []
    title = "Meeting summary, continued" if marker in already_posted else "Meeting summary"
    total = len(messages)
    return [
        (f"{title} ({i}/{total}): {totals}" if total > 1 else f"{title}: {totals}", blocks)
        for i, blocks in enumerate(messages, start=1)
    ]


def thanks_text(outcome: Outcome, *, asker_org: str, share: bool) -> str:
    org = sanitise(asker_org, limit=80)
    helped = outcome.replies_from_partner
    lines = [f":pray: Thank you! {org}'s meeting has ended."]
    if helped:
        lines.append(f"Your workspace sent {helped} repl{'ies' if helped != 1 else 'y'} to this question.")
    if share and outcome.best is not None:
        best = outcome.best.answer
        lines.append(
            f"Best answer ({outcome.best.votes:+d} votes), by *{sanitise(best.author.name, limit=80)}* "
            f"({sanitise(best.organisation, limit=80)}): {sanitise(best.text, limit=500)}"
        )
    elif share:
        lines.append("No answer stood out this time; thanks for looking.")
    return "\n".join(lines)


__all__: Sequence[str] = ("duration", "summary_messages", "thanks_text")
