"""Block Kit for Cercle's Slack messages, built with slack_sdk.models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from app.domain.models import Answer, Mirror, MirrorStatus, Topic
from integrations.slack.sanitize import sanitise

CLOSE_TOPIC_ACTION = "cercle_close_topic"
REVIEW_MODE_ACTION = "cercle_review_mode"
OTHER_REPLIES_ACTION = "cercle_other_replies"
END_MEETING_ACTION = "cercle_end_meeting"
APPROVE_ACTION = "cercle_review_approve"
SKIP_ACTION = "cercle_review_skip"
DIGEST_VOTE_ACTION = "cercle_digest_vote"
DIGEST_MAX_ANSWERS = 40  # Slack allows 50 blocks a message: a heading and one section per answer
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SAFE_LINK = re.compile(r"https://[^\s<>|]+")


def user_mention(user_id: str, fallback: str) -> str:
    return f"<@{user_id}>" if _SLACK_ID.match(user_id) else sanitise(fallback, limit=80)


def topic_fallback_text(topic: Topic) -> str:
    return f"Stuck on a topic: {sanitise(topic.question)}"


def mirrors_line(mirrors: Sequence[Mirror]) -> str | None:
    """Where the question went, for the live root: the reach is what the asker wants to see."""
    if not mirrors:
        return None
    sent = [sanitise(m.partner_name, limit=80) for m in mirrors if m.status is MirrorStatus.POSTED]
    waiting = [m for m in mirrors if m.status in (MirrorStatus.PENDING, MirrorStatus.POSTING)]
    skipped = [
        f"{sanitise(m.partner_name, limit=80)} ({m.reason})" for m in mirrors if m.status is MirrorStatus.SKIPPED
    ]
    parts = []
    if sent:
        noun = "partner" if len(sent) == 1 else "partners"
        parts.append(f":incoming_envelope: Sent to {len(sent)} {noun}: {', '.join(sent)}")
    if waiting:
        parts.append(f"sending to {len(waiting)} more…")
    if skipped:
        parts.append(f"not sent: {', '.join(skipped)}")
    return " · ".join(parts)


def topic_marker(topic_id: str) -> str:
    """A block_id that lets the check of an opening find the root a dead process posted."""
    return f"cercle-topic-{topic_id}"


def topic_root_blocks(topic: Topic, *, mirrors: Sequence[Mirror] = ()) -> Sequence[Block]:
    asker = user_mention(topic.asker.id, topic.asker.name)
    blocks: list[Block] = [
        SectionBlock(
            block_id=topic_marker(topic.id),
            text=MarkdownTextObject(text=f":thinking_face: *Stuck on a topic*\n{sanitise(topic.question)}"),
        ),
    ]
    if topic.is_open:
        status = f"Asked by {asker} · *Open* · reply in this thread; answers from your network land here"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
        blocks.append(
            ActionsBlock(
                block_id="topic_actions",
                elements=[
                    ButtonElement(
                        text="Close topic",
                        action_id=CLOSE_TOPIC_ACTION,
                        value=topic.id,
                        confirm=ConfirmObject(
                            title="Close this topic?",
                            text="Answers that arrive later are kept for the summary but not posted here.",
                            confirm="Close it",
                            deny="Keep open",
                        ),
                    ),
                    ButtonElement(
                        text="Post answers directly" if topic.review else "Review answers first",
                        action_id=REVIEW_MODE_ACTION,
                        value=f"{topic.id}:{'off' if topic.review else 'on'}",
                    ),
                    ButtonElement(text="Other replies", action_id=OTHER_REPLIES_ACTION, value=topic.id),
                    ButtonElement(
                        text="End meeting & summarise",
                        action_id=END_MEETING_ACTION,
                        value=topic.meeting_id or topic.id,
                        confirm=ConfirmObject(
                            title="End the meeting?",
                            text="Every open topic closes and the summary is posted in this channel.",
                            confirm="End and summarise",
                            deny="Not yet",
                        ),
                    ),
                ],
            )
        )
    else:
        closer = user_mention(topic.closed_by, topic.closed_by) if topic.closed_by else "someone"
        status = f"Asked by {asker} · *Closed* by {closer}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
        other = ButtonElement(text="Other replies", action_id=OTHER_REPLIES_ACTION, value=topic.id)
        blocks.append(ActionsBlock(block_id="topic_actions", elements=[other]))  # still there to read
    reach = mirrors_line(mirrors)
    if reach:
        blocks.append(ContextBlock(block_id="topic_reach", elements=[MarkdownTextObject(text=reach)]))
    return blocks


def topic_list_text(topics: Sequence[Topic]) -> str:
    if not topics:
        return "No open topic in this channel. Start one with `/ask <question>`."
    lines = [f"*Open topics here ({len(topics)}):*"]
    for topic in topics:
        question = sanitise(topic.question, limit=100)
        link = f" · <{topic.permalink}|open thread>" if topic.permalink.startswith("http") else ""
        lines.append(f"• {question} (asked by {user_mention(topic.asker.id, topic.asker.name)}){link}")
    return "\n".join(lines)


def _topic_thread(topic: Topic) -> str:
    return f"<{topic.permalink}|the topic thread>" if topic.permalink.startswith("http") else "the topic thread"


def _on_its_way(partners: int) -> str:
    plural = "s" if partners != 1 else ""
    return f" It is on its way to {partners} partner{plural}; their replies will be posted there."


def topic_opened_text(topic: Topic, *, partners: int = 0, can_partner: bool = True) -> str:
    if partners:
        reach = _on_its_way(partners)
    elif can_partner:
        reach = (
            " No partner organisation receives it yet, so only this channel sees it: an admin can invite one "
            "with `/ask partners invite`."
        )
    else:
        reach = " Only this channel sees it: this Cercle runs for one workspace, without partners."
    return f"Your question is open in {_topic_thread(topic)}.{reach}"


# --- mirrors in partner inboxes ---------------------------------------------------------------
def mirror_marker(topic_id: str) -> str:
    """A block_id that lets a retried job find the mirror it may already have posted."""
    return f"cercle-mirror-{topic_id}"


def answer_marker(answer_id: str) -> str:
    return f"cercle-answer-{answer_id}"


def find_marked(messages: Sequence[dict[str, Any]], marker: str) -> str | None:
    for message in messages:
        if any(block.get("block_id") == marker for block in message.get("blocks") or []):
            return str(message["ts"])
    return None


def block_ids(messages: Sequence[dict[str, Any]]) -> set[str]:
    blocks = (block for message in messages for block in message.get("blocks") or [])
    return {str(block["block_id"]) for block in blocks if "block_id" in block}


def mirror_fallback_text(topic: Topic, *, asker_org: str) -> str:
    verb = "is" if topic.is_open else "was"
    return f"{sanitise(asker_org, limit=80)} {verb} stuck on: {sanitise(topic.question)}"


def mirror_blocks(topic: Topic, *, asker_org: str, show_asker: bool) -> Sequence[Block]:
    org = sanitise(asker_org, limit=80)
    who = f"{sanitise(topic.asker.name, limit=80)} ({org})" if show_asker else org
    if topic.is_open:
        head = f":raising_hand: *{who} is stuck on:*\n{sanitise(topic.question)}"
        foot = (
            "Reply in this thread to help: your answer goes to their meeting, with your name. "
            'Agree with a reply here? React :+1: or write "+1" below it: it counts as a vote.'
        )
    else:
        head = f"*{who} was stuck on:*\n{sanitise(topic.question)}"
        foot = ":white_check_mark: This topic is closed, thank you. Later replies still reach them in the summary."
    return [
        SectionBlock(block_id=mirror_marker(topic.id), text=MarkdownTextObject(text=head)),
        ContextBlock(elements=[MarkdownTextObject(text=foot)]),
    ]


# --- answers injected in the live thread -------------------------------------------------------
def answer_fallback_text(answer: Answer) -> str:
    return (
        f"{sanitise(answer.author.name, limit=80)} ({sanitise(answer.organisation, limit=80)}): {sanitise(answer.text)}"
    )


def answer_blocks(answer: Answer, *, votes: int | None = None) -> Sequence[Block]:
    author = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    blocks: list[Block] = [
        SectionBlock(
            block_id=answer_marker(answer.id), text=MarkdownTextObject(text=f"{author}: {sanitise(answer.text)}")
        )
    ]
    context = []
    if _SAFE_LINK.fullmatch(answer.link):
        context.append(f"<{answer.link}|see the original>")
    if answer.also_from:
        context.append(f"also from {_also_from(answer)}")
    if votes:
        context.append(f":ballot_box_with_ballot: {votes:+d} vote{'s' if abs(votes) != 1 else ''}")
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))
    return blocks


ALSO_FROM_SHOWN = 5  # names after an answer; 50 partners pasting one answer would outgrow a text object


def _also_from(answer: Answer) -> str:
    shown = ", ".join(sanitise(c.label(), limit=160) for c in answer.also_from[:ALSO_FROM_SHOWN])
    more = len(answer.also_from) - ALSO_FROM_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _answer_line(answer: Answer) -> str:
    who = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    also = f" · also from {_also_from(answer)}" if answer.also_from else ""
    link = f" · <{answer.link}|original>" if _SAFE_LINK.fullmatch(answer.link) else ""
    return f"{who}: {sanitise(answer.text, limit=600)}{also}{link}"


def digest_fallback_text(answers: Sequence[Answer]) -> str:
    return f"{len(answers)} more answers arrived: " + " | ".join(answer_fallback_text(a) for a in answers)[:2000]


def digest_blocks(answers: Sequence[Answer], *, marker: str) -> Sequence[Block]:
    noun = "answer" if len(answers) == 1 else "answers"
    blocks: list[Block] = [
        SectionBlock(
            block_id=marker,
            text=MarkdownTextObject(
                text=f":inbox_tray: *{len(answers)} more {noun}*, best first (vote with *Helpful*, not a reaction):"
            ),
        )
    ]
    for answer in answers[:DIGEST_MAX_ANSWERS]:  # the use case splits longer digests
        # One reaction on the digest could not say which answer it is for: each has its own button.
        vote = ButtonElement(
            text=PlainTextObject(text=":+1: Helpful", emoji=True),
            action_id=DIGEST_VOTE_ACTION,
            value=f"{answer.topic_id}/{answer.id}",
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_answer_line(answer)), accessory=vote))
    return blocks


def review_blocks(answer: Answer) -> Sequence[Block]:
    value = f"{answer.topic_id}/{answer.id}"
    return [
        SectionBlock(text=MarkdownTextObject(text=f":eyes: *Post this answer in the thread?*\n{_answer_line(answer)}")),
        ActionsBlock(
            elements=[
                ButtonElement(text="Approve", action_id=APPROVE_ACTION, value=value, style="primary"),
                ButtonElement(text="Skip", action_id=SKIP_ACTION, value=value),
            ]
        ),
    ]


OTHER_REPLIES_SHOWN = 30  # the best of them: one ephemeral message, well under Slack's 40,000 characters


def other_replies_text(answers: Sequence[Answer]) -> str:
    if not answers:
        return "No other replies: everything relevant is in the thread."
    lines = [f"*{len(answers)} other {'reply' if len(answers) == 1 else 'replies'}* (below the relevance threshold):"]
    lines += [f"• {_answer_line(a)}" for a in answers[:OTHER_REPLIES_SHOWN]]
    if len(answers) > OTHER_REPLIES_SHOWN:
        lines.append(f"…and {len(answers) - OTHER_REPLIES_SHOWN} more, the weakest, not shown.")
    return "\n".join(lines)


def review_mode_text(topic: Topic, released: int) -> str:
    if topic.review:
        return "Review mode is on: each answer waits for your approval before it is posted here."
    if released == 0:
        return "Answers are posted directly again."
    if released == 1:
        return "Answers are posted directly again; the one waiting for your review is on its way."
    return f"Answers are posted directly again; the {released} waiting for your review are on their way."
