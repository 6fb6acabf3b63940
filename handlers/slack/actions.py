"""Buttons on Cercle's messages."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from app.logs import get_logger
from app.usecases.mirroring import close_mirrors
from app.usecases.topics import close_topic
from handlers.slack.app import SlackServices
from integrations.slack.chat import SlackChat
from integrations.slack.render import CLOSE_TOPIC_ACTION

log = get_logger("handlers.slack.actions")


def register(*, app: AsyncApp, services: SlackServices) -> None:
    @app.action(CLOSE_TOPIC_ACTION)
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
            chat=SlackChat(client=client, team_id=team_id),
            mirrors=await services.relay.mirrors(topic_id=topic_id),
            topic_id=topic_id,
            by=user_id,
            now=services.clock(),
        )
        if closed is None:
            await respond(text="This topic is already closed.", response_type="ephemeral", replace_original=False)
            return
        told = await close_mirrors(topic=closed, relay=services.relay, jobs=services.jobs)
        log.info("topic.closed", platform="slack", team=team_id, topic=topic_id, by=user_id, mirrors=told)
