"""Buttons on Cercle's cards (``Action.Execute``): Teams sends an ``adaptiveCard/action`` invoke from
the person who pressed; the answer goes back to that person alone, in the invoke's response."""

from __future__ import annotations

from typing import Any

from app.domain.models import Platform
from app.usecases.context import Context
from app.usecases.delivery import other_replies, review_decision, set_review_mode
from app.usecases.language import remember_locale
from app.usecases.meeting import ask_to_end
from app.usecases.topics import Closing, close_asked
from app.usecases.votes import vote_with_button
from handlers.teams.activities import Turn
from integrations.catalog import say_in
from integrations.teams import cards

_CLOSING = {
    Closing.CLOSED: "teams-closed",
    Closing.UNKNOWN: "button-unknown-topic",
    Closing.ALREADY_CLOSED: "button-topic-closed",
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
    tenant, user = turn.tenant, turn.user_id
    language = await remember_locale(
        platform=Platform.TEAMS, tenant=tenant, user_id=user, locale=str(turn.activity.locale or ""), ctx=ctx
    )
    say = say_in(language)
    if not topic_id:
        return refused(say("button-no-topic"))
    if verb == cards.CLOSE_VERB:
        return message(say(_CLOSING[await close_asked(topic_id=topic_id, tenant=tenant, by=user, ctx=ctx)]))
    if verb == cards.REVIEW_MODE_VERB:
        switched = await set_review_mode(
            topic_id=topic_id, tenant=tenant, user_id=user, review=data.get("review") == "on", ctx=ctx
        )
        if switched is None:
            return message(say("button-only-asker-mode"))
        topic, released = switched
        if topic.review:
            return message(say("teams-review-on"))
        return message(say("teams-review-off", count=released))
    if verb in (cards.APPROVE_VERB, cards.SKIP_VERB):
        approve = verb == cards.APPROVE_VERB
        asked = await ctx.topics.get_topic(topic_id=topic_id)
        if asked is None or asked.asker.id != user or asked.place.tenant != tenant:
            return message(say("button-only-asker-review"))
        answer = await review_decision(
            topic_id=topic_id, answer_id=answer_id, tenant=tenant, user_id=user, approve=approve, ctx=ctx
        )
        if answer is None:
            return message(say("button-already-handled"))
        return message(say("button-approved" if approve else "button-skipped", name=answer.author.name))
    if verb == cards.DIGEST_VOTE_VERB:
        vote = await vote_with_button(topic_id=topic_id, answer_id=answer_id, tenant=tenant, voter=turn.voter, ctx=ctx)
        if vote is None:
            return message(say("button-vote-gone"))
        state = "button-vote-counts" if vote.counted else "button-vote-taken-back"
        return message(say(state, name=vote.answer.author.name, tally=say.signed(vote.tally)))
    if verb == cards.END_MEETING_VERB:
        ended = await ask_to_end(place=turn.place, by=user, ctx=ctx)
        return message(say("button-meeting-ended" if ended is None else "teams-ending"))
    if verb == cards.OTHER_REPLIES_VERB:
        below = await other_replies(topic_id=topic_id, tenant=tenant, ctx=ctx)
        if below is None:
            return message(say("button-replies-unavailable"))
        return message(cards.other_replies_text(below, say=say))
    return refused(say("button-unknown", verb=repr(verb[:40])))
