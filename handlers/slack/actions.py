"""Buttons on Cercle's messages: parse, call one use case, render."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.models import Place, Platform, person_key
from app.runtime.logs import get_logger
from app.usecases.delivery import other_replies, review_decision, set_review_mode
from app.usecases.meeting import ask_to_end
from app.usecases.topics import Closing, close_asked
from app.usecases.votes import vote_with_button
from handlers.slack.app import SlackServices
from integrations.catalog import Say
from integrations.slack.render import (
    APPROVE_ACTION,
    CLOSE_TOPIC_ACTION,
    DIGEST_VOTE_ACTION,
    END_MEETING_ACTION,
    OTHER_REPLIES_ACTION,
    REVIEW_MODE_ACTION,
    SKIP_ACTION,
    other_replies_text,
    review_mode_text,
)

log = get_logger("handlers.slack.actions")

_EPHEMERAL: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}
_CLOSING = {
    Closing.UNKNOWN: "button-unknown-topic",
    Closing.ALREADY_CLOSED: "button-topic-closed",
}


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def _team(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or "")


def register(*, app: AsyncApp, services: SlackServices) -> None:
    ctx = services.ctx

    @app.action(CLOSE_TOPIC_ACTION)
    @services.inflight.track
    async def close(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        topic_id, team_id, user_id = _value(body), _team(body), body["user"]["id"]
        closing = await close_asked(topic_id=topic_id, tenant=team_id, by=user_id, ctx=ctx)
        if closing is not Closing.CLOSED:
            say = await services.reader(client=client, team_id=team_id, user_id=user_id)
            await respond(text=say(_CLOSING[closing]), **_EPHEMERAL)
            return
        log.info("topic.closed", platform="slack", tenant=team_id, topic=topic_id, by=user_id)

    @app.action(REVIEW_MODE_ACTION)
    @services.inflight.track
    async def review_mode(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        topic_id, _, wanted = _value(body).partition(":")
        switched = await set_review_mode(
            topic_id=topic_id, tenant=_team(body), user_id=body["user"]["id"], review=wanted == "on", ctx=ctx
        )
        say = await _reader(client, body)
        if switched is None:
            await respond(text=say("button-only-asker-mode"), **_EPHEMERAL)
            return
        await respond(text=review_mode_text(*switched, say=say), **_EPHEMERAL)

    async def _reader(client: AsyncWebClient, body: dict[str, Any]) -> Say:
        return await services.reader(client=client, team_id=_team(body), user_id=body["user"]["id"])

    async def _decide(body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, *, approve: bool) -> None:
        topic_id, _, answer_id = _value(body).partition("/")
        answer = await review_decision(
            topic_id=topic_id,
            answer_id=answer_id,
            tenant=_team(body),
            user_id=body["user"]["id"],
            approve=approve,
            ctx=ctx,
        )
        say = await _reader(client, body)
        if answer is None:
            await respond(text=say("button-already-handled"), replace_original=True, response_type="ephemeral")
            return
        said = say("button-approved" if approve else "button-skipped", name=answer.author.name)
        await respond(text=said, replace_original=True, response_type="ephemeral")

    @app.action(APPROVE_ACTION)
    @services.inflight.track
    async def approve(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await _decide(body, respond, client, approve=True)

    @app.action(SKIP_ACTION)
    @services.inflight.track
    async def skip(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await _decide(body, respond, client, approve=False)

    @app.action(END_MEETING_ACTION)
    @services.inflight.track
    async def end(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        place = Place(Platform.SLACK, _team(body), str((body.get("channel") or {}).get("id") or ""))
        if await ask_to_end(place=place, by=body["user"]["id"], ctx=ctx) is None:
            await respond(text=(await _reader(client, body))("button-meeting-ended"), **_EPHEMERAL)

    @app.action(DIGEST_VOTE_ACTION)
    @services.inflight.track
    async def digest_vote(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        topic_id, _, answer_id = _value(body).partition("/")
        team_id = _team(body)
        voter = person_key(platform=str(Platform.SLACK), tenant=team_id, user=body["user"]["id"])
        vote = await vote_with_button(topic_id=topic_id, answer_id=answer_id, tenant=team_id, voter=voter, ctx=ctx)
        say = await _reader(client, body)
        if vote is None:
            await respond(text=say("button-vote-gone"), **_EPHEMERAL)
            return
        state = "button-vote-counts" if vote.counted else "button-vote-taken-back"
        text = say(state, name=vote.answer.author.name, tally=say.signed(vote.tally))
        await respond(text=f"{text} {say('button-press-again')}", **_EPHEMERAL)

    @app.action(OTHER_REPLIES_ACTION)
    @services.inflight.track
    async def others(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        below = await other_replies(topic_id=_value(body), tenant=_team(body), ctx=ctx)
        say = await _reader(client, body)
        text = say("button-replies-unavailable") if below is None else other_replies_text(below, say=say)
        await respond(text=text, **_EPHEMERAL)
