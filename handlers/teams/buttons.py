"""Buttons on Cercle's cards (``Action.Execute``): Teams sends an ``adaptiveCard/action`` invoke from
the person who pressed; the answer goes back to that person alone, in the invoke's response."""

from __future__ import annotations

from typing import Any

from app.usecases.context import Context
from app.usecases.delivery import other_replies, review_decision, set_review_mode
from app.usecases.meeting import ask_to_end
from app.usecases.topics import Closing, close_asked
from app.usecases.votes import vote_with_button
from handlers.teams.activities import Turn
from integrations.teams import cards

_CLOSING = {
    Closing.CLOSED: "Topic closed. The partners are told, and the summary will include it.",
    Closing.UNKNOWN: "I do not know this topic any more.",
    Closing.ALREADY_CLOSED: "This topic is already closed.",
}


def message(text: str) -> dict[str, Any]:
    """An invoke response that shows ``text`` to the person who pressed the button."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def refused(text: str, *, status: int = 400) -> dict[str, Any]:
    return {
        "statusCode": status,
        "type": "application/vnd.microsoft.error",
        "value": {"code": "BadRequest", "message": text},
    }


async def pressed(turn: Turn, *, ctx: Context) -> dict[str, Any]:
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    action: dict[str, Any] = value["action"] if isinstance(value.get("action"), dict) else {}
    verb = str(action.get("verb") or "")
    data: dict[str, Any] = action["data"] if isinstance(action.get("data"), dict) else {}
    topic_id, answer_id = str(data.get("topic") or ""), str(data.get("answer") or "")
    if not topic_id:
        return refused("This button carries no topic.")
    tenant, user = turn.tenant, turn.user_id
    if verb == cards.CLOSE_VERB:
        return message(_CLOSING[await close_asked(topic_id=topic_id, tenant=tenant, by=user, ctx=ctx)])
    if verb == cards.REVIEW_MODE_VERB:
        switched = await set_review_mode(
            topic_id=topic_id, tenant=tenant, user_id=user, review=data.get("review") == "on", ctx=ctx
        )
        if switched is None:
            return message("Only the person who asked can change how answers arrive.")
        topic, released = switched
        if topic.review:
            return message("Review mode is on: each answer waits for your approval before it is posted.")
        return message(f"Answers are posted directly again ({released} released from review).")
    if verb in (cards.APPROVE_VERB, cards.SKIP_VERB):
        approve = verb == cards.APPROVE_VERB
        asked = await ctx.topics.get_topic(topic_id=topic_id)
        if asked is None or asked.asker.id != user or asked.place.tenant != tenant:
            return message("Only the person who asked can approve or skip answers.")
        answer = await review_decision(
            topic_id=topic_id, answer_id=answer_id, tenant=tenant, user_id=user, approve=approve, ctx=ctx
        )
        if answer is None:
            return message("This answer was already handled.")
        return message(f"Answer from {answer.author.name} {'posted in the thread' if approve else 'skipped'}.")
    if verb == cards.DIGEST_VOTE_VERB:
        vote = await vote_with_button(topic_id=topic_id, answer_id=answer_id, tenant=tenant, voter=turn.voter, ctx=ctx)
        if vote is None:
            return message("This answer can no longer be voted on.")
        state = "counts" if vote.counted else "is taken back"
        return message(f"Your vote for {vote.answer.author.name}'s answer {state} ({vote.tally:+d} in all).")
    if verb == cards.END_MEETING_VERB:
        ended = await ask_to_end(place=turn.place, by=user, ctx=ctx)
        return message(
            "This meeting has already ended." if ended is None else "Ending the meeting: the summary follows."
        )
    if verb == cards.OTHER_REPLIES_VERB:
        below = await other_replies(topic_id=topic_id, tenant=tenant, ctx=ctx)
        return message("These replies are not available here." if below is None else cards.other_replies_text(below))
    return refused(f"Unknown button {verb[:40]!r}.")
