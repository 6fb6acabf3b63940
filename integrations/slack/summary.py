"""The meeting summary in Block Kit, split over several messages rather than past Slack's limits
(50 blocks a message, 3,000 characters a section)."""

from __future__ import annotations

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
from integrations import wording
from integrations.catalog import ENGLISH, Say
from integrations.slack.render import _SAFE_LINK, OTHER_REPLIES_ACTION, user_mention
from integrations.slack.sanitize import sanitise

MAX_BLOCKS = 45  # under Slack's 50, leaving room
MAX_SECTION = 2900  # under Slack's 3,000 characters
MEDALS = {1: ":first_place_medal:", 2: ":second_place_medal:", 3: ":third_place_medal:"}


def duration(seconds: float, *, say: Say = ENGLISH) -> str:
    return say.duration(seconds)


def _best_line(ranked: RankedAnswer, *, say: Say) -> str:
    answer = ranked.answer
    rank = f"{ranked.rank}{'=' if ranked.tied else '.'}"
    votes = say("summary-vote-count", votes=say.signed(ranked.votes), count=abs(ranked.votes))
    link = f" · <{answer.link}|{say('slack-original')}>" if _SAFE_LINK.fullmatch(answer.link) else ""
    who = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    return f"{MEDALS.get(ranked.rank, '•')} {rank} {who}, {votes}: {sanitise(answer.text, limit=300)}{link}"


def _topic_blocks(index: int, topic: TopicSummary, *, say: Say) -> list[Block]:
    t = topic.topic
    status = say("summary-open" if t.is_open else "summary-closed")
    asked = say("summary-asked-by", asker=user_mention(t.asker.id, t.asker.name))
    head = f"*{index}. {sanitise(t.question, limit=500)}*\n{asked} · {status}"
    if topic.answered:
        sources = ", ".join(f"{sanitise(name, limit=80)} {count}" for name, count in topic.replies_by_source)
        first = say("summary-first-answer", delay=say.duration(topic.first_answer_after_s or 0))
        head += f"\n{say('summary-replies', count=topic.replies, sources=sources)} · {first}"
    else:
        head += f"\n{say('slack-summary-nobody')}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head[:MAX_SECTION]))]
    if topic.best:
        lines = "\n".join(_best_line(r, say=say) for r in topic.best)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=lines[:MAX_SECTION])))
    notes = []
    if topic.other_replies:
        notes.append(say("slack-summary-other-below", count=topic.other_replies))
    if topic.late_replies:
        notes.append(say("summary-late", count=topic.late_replies))
    if topic.other_replies:  # listed on request, also once the topic is closed
        show = ButtonElement(text=say("slack-show-them"), action_id=OTHER_REPLIES_ACTION, value=t.id)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=" · ".join(notes)), accessory=show))
    elif notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    return blocks


def summary_messages(
    summary: MeetingSummary, *, marker: str, already_posted: Set[str] = frozenset(), say: Say = ENGLISH
) -> list[tuple[str, list[Block]]]:
    """(fallback text, blocks) for each message, in order. Each section (the heading, one per
    question, the thanks) starts with its own marker, so a retried job posts only the sections it
    does not find in the channel, however the summary has grown meanwhile (late votes and replies
    can move a question into another message)."""
    totals = wording.summary_totals(summary, say=say)
    day, length = say.day(summary.meeting.started_at), say.duration(summary.duration_s)
    heading: list[Block] = [
        HeaderBlock(text=say("summary-heading", day=day, duration=length)),
        ContextBlock(elements=[MarkdownTextObject(text=totals)]),
    ]
    sections = [(marker, heading)]
    for index, topic in enumerate(summary.topics, start=1):
        sections.append((f"{marker}-q-{topic.topic.id}", [DividerBlock(), *_topic_blocks(index, topic, say=say)]))
    tail: list[Block] = [DividerBlock()]
    if summary.unanswered:
        names = "\n".join(f"• {sanitise(t.question, limit=200)}" for t in summary.unanswered)
        nobody = say("summary-nobody-answered")
        tail.append(SectionBlock(text=MarkdownTextObject(text=f"*{nobody}*\n{names}"[:MAX_SECTION])))
    if summary.helpers:
        helpers = "\n".join(
            f"• *{sanitise(org, limit=80)}*: {', '.join(sanitise(p, limit=60) for p in people)}"
            for org, people in summary.helpers
        )
        thanks = say("summary-thanks")
        tail.append(SectionBlock(text=MarkdownTextObject(text=f"*{thanks}*\n{helpers}"[:MAX_SECTION])))
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
    title = say("summary-continued" if marker in already_posted else "summary-title")
    total = len(messages)
    return [
        (f"{title} ({i}/{total}): {totals}" if total > 1 else f"{title}: {totals}", blocks)
        for i, blocks in enumerate(messages, start=1)
    ]


def thanks_text(outcome: Outcome, *, asker_org: str, share: bool, say: Say = ENGLISH) -> str:
    org = sanitise(asker_org, limit=80)
    helped = outcome.replies_from_partner
    lines = [f":pray: {say('thanks-ended', org=org)}"]
    if helped:
        lines.append(say("slack-thanks-replies", count=helped))
    if share and outcome.best is not None:
        best = outcome.best.answer
        author = f"*{sanitise(best.author.name, limit=80)}* ({sanitise(best.organisation, limit=80)})"
        votes = say.signed(outcome.best.votes)
        lines.append(say("thanks-best", votes=votes, author=author, text=sanitise(best.text, limit=500)))
    elif share:
        lines.append(say("thanks-nothing-stood-out"))
    return "\n".join(lines)


__all__: Sequence[str] = ("duration", "summary_messages", "thanks_text")
