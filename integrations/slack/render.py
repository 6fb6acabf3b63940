"""Block Kit for Cercle's Slack messages, built with slack_sdk.models."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from app.domain.models import Topic
from integrations.slack.sanitize import sanitise

CLOSE_TOPIC_ACTION = "cercle_close_topic"
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def user_mention(user_id: str, fallback: str) -> str:
    return f"<@{user_id}>" if _SLACK_ID.match(user_id) else sanitise(fallback, limit=80)


def topic_fallback_text(topic: Topic) -> str:
    return f"Stuck on a topic: {sanitise(topic.question)}"


def topic_root_blocks(topic: Topic) -> Sequence[Block]:
    asker = user_mention(topic.asker.id, topic.asker.name)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f":thinking_face: *Stuck on a topic*\n{sanitise(topic.question)}")),
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
                    )
                ],
            )
        )
    else:
        closer = user_mention(topic.closed_by, topic.closed_by) if topic.closed_by else "someone"
        status = f"Asked by {asker} · *Closed* by {closer}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
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


def topic_opened_text(topic: Topic) -> str:
    where = f"<{topic.permalink}|the topic thread>" if topic.permalink.startswith("http") else "the topic thread"
    return f"Your question is open in {where}. Replies from your network will be posted there."
