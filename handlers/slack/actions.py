"""Buttons on Cercle's messages."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.models import Place, Platform, person_key
from app.runtime.logs import get_logger
from app.usecases.delivery import other_replies, review_decision, set_review_mode
from app.usecases.topics import close_topic
from app.usecases.votes import vote_with_button
from handlers.slack.app import SlackServices, end_meeting_in
from integrations.slack.chat import SlackChat
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


def register(*, app: AsyncApp, services: SlackServices) -> None:
    @app.action(CLOSE_TOPIC_ACTION)
    @services.inflight.track
    async def close(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        topic_id = str(body["actions"][0].get("value") or "")
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or ""
        topic = await services.topics.get_topic(topic_id=topic_id)
        if topic is None or topic.place.tenant != team_id:
            await respond(text="I do not know this topic any more.", response_type="ephemeral", replace_original=False)
            return
        closed = await close_topic(
            repository=services.topics,
            relay=services.relay,
            jobs=services.jobs,
            chat=SlackChat(client=client, team_id=team_id),
            topic_id=topic_id,
            by=user_id,
            now=services.clock(),
        )
        if closed is None:
            await respond(text="This topic is already closed.", response_type="ephemeral", replace_original=False)
            return
        log.info("topic.closed", platform="slack", team=team_id, topic=topic_id, by=user_id)


def register_delivery(*, app: AsyncApp, services: SlackServices) -> None:
    @app.action(REVIEW_MODE_ACTION)
    @services.inflight.track
    async def review_mode(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        topic_id, _, wanted = str(body["actions"][0].get("value") or "").partition(":")
        switched = await set_review_mode(
            topic_id=topic_id,
            tenant=(body.get("team") or {}).get("id") or "",
            user_id=body["user"]["id"],
            review=wanted == "on",
            topics=services.topics,
            relay=services.relay,
            jobs=services.jobs,
            directory=services.directory,
        )
        if switched is None:
            await respond(text="Only the person who asked can change how answers arrive.", **_EPHEMERAL)
            return
        await respond(text=review_mode_text(*switched), **_EPHEMERAL)

    async def _decide(body: dict[str, Any], respond: AsyncRespond, *, approve: bool) -> None:
        topic_id, _, answer_id = str(body["actions"][0].get("value") or "").partition("/")
        answer = await review_decision(
            topic_id=topic_id,
            answer_id=answer_id,
            tenant=(body.get("team") or {}).get("id") or "",
            user_id=body["user"]["id"],
            approve=approve,
            topics=services.topics,
            relay=services.relay,
            votes=services.votes,
            directory=services.directory,
            limiter=services.limiter,
            jobs=services.jobs,
            now=services.clock(),
        )
        if answer is None:
            await respond(text="This answer was already handled.", replace_original=True, response_type="ephemeral")
            return
        verb = "posted in the thread" if approve else "skipped"
        await respond(
            text=f"Answer from {answer.author.name} {verb}.", replace_original=True, response_type="ephemeral"
        )

    @app.action(APPROVE_ACTION)
    @services.inflight.track
    async def approve(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await _decide(body, respond, approve=True)

    @app.action(SKIP_ACTION)
    @services.inflight.track
    async def skip(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await _decide(body, respond, approve=False)

    @app.action(END_MEETING_ACTION)
    @services.inflight.track
    async def end(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        channel = (body.get("channel") or {}).get("id") or ""
        team_id = (body.get("team") or {}).get("id") or ""
        place = Place(Platform.SLACK, team_id, channel)
        ended = await end_meeting_in(services=services, place=place, by=body["user"]["id"])
        if ended is None:
            await respond(text="This meeting has already ended.", **_EPHEMERAL)

    @app.action(DIGEST_VOTE_ACTION)
    @services.inflight.track
    async def digest_vote(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        topic_id, _, answer_id = str(body["actions"][0].get("value") or "").partition("/")
        team_id = (body.get("team") or {}).get("id") or ""
        vote = await vote_with_button(
            topic_id=topic_id,
            answer_id=answer_id,
            tenant=team_id,
            voter=person_key(platform=str(Platform.SLACK), tenant=team_id, user=body["user"]["id"]),
            topics=services.topics,
            relay=services.relay,
            votes=services.votes,
        )
        if vote is None:
            await respond(text="This answer can no longer be voted on.", **_EPHEMERAL)
            return
        state = "counts" if vote.counted else "is taken back"
        text = f"Your vote for {vote.answer.author.name}'s answer {state} ({vote.tally:+d} in all)."
        await respond(text=f"{text} Press again to change it.", **_EPHEMERAL)

    @app.action(OTHER_REPLIES_ACTION)
    @services.inflight.track
    async def others(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        topic_id = str(body["actions"][0].get("value") or "")
        below = await other_replies(
            topic_id=topic_id,
            tenant=(body.get("team") or {}).get("id") or "",
            topics=services.topics,
            relay=services.relay,
        )
        text = "These replies are not available here." if below is None else other_replies_text(below)
        await respond(text=text, **_EPHEMERAL)


_EPHEMERAL: dict[str, Any] = {"response_type": "ephemeral", "replace_original": False}
