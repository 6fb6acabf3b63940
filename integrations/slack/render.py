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

from app.domain.models import Answer, Mirror, Topic
from integrations import wording
from integrations.catalog import ENGLISH, Say
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


def topic_fallback_text(topic: Topic, *, say: Say = ENGLISH) -> str:
    return say("slack-topic-fallback", question=sanitise(topic.question))


def mirrors_line(mirrors: Sequence[Mirror], *, say: Say = ENGLISH) -> str | None:
    """Where the question went, for the live root: the reach is what the asker wants to see."""
    return wording.reach_line(mirrors, icon=":incoming_envelope:", name=lambda n: sanitise(n, limit=80), say=say)


def topic_marker(topic_id: str) -> str:
    """A block_id that lets the check of an opening find the root a dead process posted."""
    return f"cercle-topic-{topic_id}"


def topic_root_blocks(topic: Topic, *, mirrors: Sequence[Mirror] = (), say: Say = ENGLISH) -> Sequence[Block]:
    asker = user_mention(topic.asker.id, topic.asker.name)
    blocks: list[Block] = [
        SectionBlock(
            block_id=topic_marker(topic.id),
            text=MarkdownTextObject(text=f"{say('slack-topic-title')}\n{sanitise(topic.question)}"),
        ),
    ]
    if topic.is_open:
        status = say("slack-topic-open-status", asker=asker)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
        blocks.append(
            ActionsBlock(
                block_id="topic_actions",
                elements=[
                    ButtonElement(
                        text=say("slack-button-close"),
                        action_id=CLOSE_TOPIC_ACTION,
                        value=topic.id,
                        confirm=ConfirmObject(
                            title=say("slack-confirm-close-title"),
                            text=say("slack-confirm-close-text"),
                            confirm=say("slack-confirm-close-yes"),
                            deny=say("slack-confirm-close-no"),
                        ),
                    ),
                    ButtonElement(
                        text=say("slack-button-direct" if topic.review else "slack-button-review"),
                        action_id=REVIEW_MODE_ACTION,
                        value=f"{topic.id}:{'off' if topic.review else 'on'}",
                    ),
                    ButtonElement(
                        text=say("slack-button-other-replies"), action_id=OTHER_REPLIES_ACTION, value=topic.id
                    ),
                    ButtonElement(
                        text=say("slack-button-end"),
                        action_id=END_MEETING_ACTION,
                        value=topic.meeting_id or topic.id,
                        confirm=ConfirmObject(
                            title=say("slack-confirm-end-title"),
                            text=say("slack-confirm-end-text"),
                            confirm=say("slack-confirm-end-yes"),
                            deny=say("slack-confirm-end-no"),
                        ),
                    ),
                ],
            )
        )
    else:
        closer = user_mention(topic.closed_by, topic.closed_by) if topic.closed_by else say("slack-someone")
        status = say("slack-topic-closed-status", asker=asker, closer=closer)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
        other = ButtonElement(text=say("slack-button-other-replies"), action_id=OTHER_REPLIES_ACTION, value=topic.id)
        blocks.append(ActionsBlock(block_id="topic_actions", elements=[other]))  # still there to read
    reach = mirrors_line(mirrors, say=say)
    if reach:
        blocks.append(ContextBlock(block_id="topic_reach", elements=[MarkdownTextObject(text=reach)]))
    return blocks


def topic_list_text(topics: Sequence[Topic], *, command: str = "/ask", say: Say = ENGLISH) -> str:
    if not topics:
        return say("slack-topic-list-empty", cmd=command)
    lines = [say("slack-topic-list-title", count=len(topics))]
    for topic in topics:
        question = sanitise(topic.question, limit=100)
        link = f" · <{topic.permalink}|{say('slack-open-thread')}>" if topic.permalink.startswith("http") else ""
        asked_by = say("slack-topic-list-asked-by", asker=user_mention(topic.asker.id, topic.asker.name))
        lines.append(f"• {question} {asked_by}{link}")
    return "\n".join(lines)


def _topic_thread(topic: Topic, *, say: Say) -> str:
    thread = say("slack-the-topic-thread")
    return f"<{topic.permalink}|{thread}>" if topic.permalink.startswith("http") else thread


def topic_opened_text(topic: Topic, *, partners: int = 0, can_partner: bool = True, say: Say = ENGLISH) -> str:
    if partners:
        reach = say("slack-on-its-way", count=partners)
    elif can_partner:
        reach = say("slack-no-partner-yet")
    else:
        reach = say("slack-single-channel")
    return wording.joined(say("slack-opened", thread=_topic_thread(topic, say=say)), reach)


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


def mirror_fallback_text(topic: Topic, *, asker_org: str, say: Say = ENGLISH) -> str:
    message = "slack-mirror-fallback-open" if topic.is_open else "slack-mirror-fallback-closed"
    return say(message, org=sanitise(asker_org, limit=80), question=sanitise(topic.question))


def mirror_blocks(topic: Topic, *, asker_org: str, show_asker: bool, say: Say = ENGLISH) -> Sequence[Block]:
    org = sanitise(asker_org, limit=80)
    who = say("slack-mirror-asker", name=sanitise(topic.asker.name, limit=80), org=org) if show_asker else org
    if topic.is_open:
        head = f"{say('slack-mirror-open-head', who=who)}\n{sanitise(topic.question)}"
        foot = say("slack-mirror-open-foot")
    else:
        head = f"{say('slack-mirror-closed-head', who=who)}\n{sanitise(topic.question)}"
        foot = say("slack-mirror-closed-foot")
    return [
        SectionBlock(block_id=mirror_marker(topic.id), text=MarkdownTextObject(text=head)),
        ContextBlock(elements=[MarkdownTextObject(text=foot)]),
    ]


# --- answers injected in the live thread -------------------------------------------------------
def answer_fallback_text(answer: Answer) -> str:
    return (
        f"{sanitise(answer.author.name, limit=80)} ({sanitise(answer.organisation, limit=80)}): {sanitise(answer.text)}"
    )


def answer_blocks(answer: Answer, *, votes: int | None = None, say: Say = ENGLISH) -> Sequence[Block]:
    author = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    blocks: list[Block] = [
        SectionBlock(
            block_id=answer_marker(answer.id), text=MarkdownTextObject(text=f"{author}: {sanitise(answer.text)}")
        )
    ]
    context = []
    if _SAFE_LINK.fullmatch(answer.link):
        context.append(f"<{answer.link}|{say('slack-see-original')}>")
    if answer.also_from:
        context.append(say("answer-also-from", names=_also_from(answer, say=say)))
    if votes:
        context.append(f":ballot_box_with_ballot: {say('answer-votes', votes=say.signed(votes), count=abs(votes))}")
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(context))]))
    return blocks


ALSO_FROM_SHOWN = 5  # names after an answer; 50 partners pasting one answer would outgrow a text object


def _also_from(answer: Answer, *, say: Say) -> str:
    shown = ", ".join(sanitise(c.label(), limit=160) for c in answer.also_from[:ALSO_FROM_SHOWN])
    more = len(answer.also_from) - ALSO_FROM_SHOWN
    return say("answer-also-from-more", names=shown, more=more) if more > 0 else shown


def _answer_line(answer: Answer, *, say: Say) -> str:
    who = f"*{sanitise(answer.author.name, limit=80)}* ({sanitise(answer.organisation, limit=80)})"
    also = f" · {say('answer-also-from', names=_also_from(answer, say=say))}" if answer.also_from else ""
    link = f" · <{answer.link}|{say('slack-original')}>" if _SAFE_LINK.fullmatch(answer.link) else ""
    return f"{who}: {sanitise(answer.text, limit=600)}{also}{link}"


def digest_fallback_text(answers: Sequence[Answer], *, say: Say = ENGLISH) -> str:
    arrived = say("slack-digest-fallback", count=len(answers))
    return f"{arrived} " + " | ".join(answer_fallback_text(a) for a in answers)[:2000]


def digest_blocks(answers: Sequence[Answer], *, marker: str, say: Say = ENGLISH) -> Sequence[Block]:
    blocks: list[Block] = [
        SectionBlock(block_id=marker, text=MarkdownTextObject(text=say("slack-digest-title", count=len(answers))))
    ]
    for answer in answers[:DIGEST_MAX_ANSWERS]:  # the use case splits longer digests
        # One reaction on the digest could not say which answer it is for: each has its own button.
        vote = ButtonElement(
            text=PlainTextObject(text=say("slack-helpful"), emoji=True),
            action_id=DIGEST_VOTE_ACTION,
            value=f"{answer.topic_id}/{answer.id}",
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_answer_line(answer, say=say)), accessory=vote))
    return blocks


def review_blocks(answer: Answer, *, say: Say = ENGLISH) -> Sequence[Block]:
    value = f"{answer.topic_id}/{answer.id}"
    title = say("slack-review-title")
    return [
        SectionBlock(text=MarkdownTextObject(text=f"{title}\n{_answer_line(answer, say=say)}")),
        ActionsBlock(
            elements=[
                ButtonElement(text=say("slack-approve"), action_id=APPROVE_ACTION, value=value, style="primary"),
                ButtonElement(text=say("slack-skip"), action_id=SKIP_ACTION, value=value),
            ]
        ),
    ]


OTHER_REPLIES_SHOWN = 30  # the best of them: one ephemeral message, well under Slack's 40,000 characters


def other_replies_text(answers: Sequence[Answer], *, say: Say = ENGLISH) -> str:
    if not answers:
        return say("other-replies-none")
    lines = [f"*{say('other-replies-title', count=len(answers))}* {say('other-replies-below')}"]
    lines += [f"• {_answer_line(a, say=say)}" for a in answers[:OTHER_REPLIES_SHOWN]]
    if len(answers) > OTHER_REPLIES_SHOWN:
        lines.append(say("other-replies-more", count=len(answers) - OTHER_REPLIES_SHOWN))
    return "\n".join(lines)


def review_mode_text(topic: Topic, released: int, *, say: Say = ENGLISH) -> str:
    if topic.review:
        return say("review-on")
    if released == 0:
        return say("review-off")
    if released == 1:
        return say("review-off-one")
    return say("review-off-many", count=released)
