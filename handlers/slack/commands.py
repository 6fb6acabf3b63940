"""`/ask` and its sub-commands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.commands import CommandKind, help_text, parse_command
from app.domain.models import Person, Place, Platform
from app.runtime.logs import get_logger
from app.usecases import partners as partner_cases
from app.usecases.topics import ALREADY_ASKED, TopicOpened, finish_opening, list_open_topics, open_topic
from handlers.slack.app import SlackServices, end_meeting_in
from integrations.slack.chat import SlackChat
from integrations.slack.render import topic_list_text, topic_opened_text

log = get_logger("handlers.slack.commands")

_NOT_YET = {CommandKind.NETWORKS: "Public networks"}
_PARTNER_COMMANDS = {
    CommandKind.PARTNERS,
    CommandKind.PARTNERS_INVITE,
    CommandKind.PARTNERS_ACCEPT,
    CommandKind.PARTNERS_REMOVE,
    CommandKind.INBOX,
}
SINGLE_WORKSPACE = (
    "Partnerships link workspaces that each installed Cercle through its install page (OAuth). "
    "This Cercle runs for one workspace only (SLACK_BOT_TOKEN)."
)


def register(*, app: AsyncApp, services: SlackServices) -> None:
    @app.command("/ask")
    @services.inflight.track
    async def ask(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        parsed = parse_command(command.get("text") or "")
        team_id = command.get("team_id") or ""
        place = Place(Platform.SLACK, team_id, command["channel_id"])
        chat = SlackChat(client=client, team_id=team_id)
        bound = log.bind(platform="slack", team=team_id, channel=place.channel, command=str(parsed.kind))
        if parsed.kind is CommandKind.HELP:
            await ack(text=help_text(command=command.get("command") or "/ask", rules=services.rules))
            return
        if parsed.kind is CommandKind.INVALID:
            services.metrics.asks.labels("slack", "invalid").inc()
            await ack(text=parsed.error)
            return
        if parsed.kind is CommandKind.LIST:
            await ack(text=topic_list_text(await list_open_topics(repository=services.topics, place=place)))
            return
        if parsed.kind is CommandKind.END:
            meeting = await services.topics.current_meeting(place=place)
            if meeting is None:
                await ack(text="There is no meeting going on in this channel: it starts with the first `/ask`.")
                return
            await ack(text="Ending the meeting: closing its topics and writing the summary…")
            await end_meeting_in(services=services, place=place, by=command["user_id"])
            return
        if parsed.kind in _NOT_YET:
            await ack(text=f"{_NOT_YET[parsed.kind]} is not available in this version of Cercle yet.")
            return
        if parsed.kind in _PARTNER_COMMANDS:
            await ack()
            caller = partner_cases.Caller(Platform.SLACK, team_id, command["user_id"], place.channel)
            reply = await _partner_command(
                services=services, chat=chat, caller=caller, kind=parsed.kind, arg=parsed.argument
            )
            await respond(text=reply, response_type="ephemeral")
            return
        await ack()
        result = await open_topic(
            repository=services.topics,
            jobs=services.jobs,
            chat=chat,
            place=place,
            asker=Person(command["user_id"], command.get("user_name") or command["user_id"]),
            question=parsed.argument,
            share_asker=parsed.share_asker,
            now=services.clock(),
        )
        if not isinstance(result, TopicOpened):
            if result.code == ALREADY_ASKED:
                services.metrics.asks.labels("slack", "repeated").inc()
                bound.info("topic.repeated")
            else:
                services.metrics.asks.labels("slack", "refused").inc()
                services.metrics.errors.labels("slack_api").inc()
                bound.warning("topic.refused", code=result.code)
            await respond(text=result.reason, response_type="ephemeral")
            return
        services.metrics.asks.labels("slack", "opened").inc()
        sent = await finish_opening(
            topic=result.topic,
            topics=services.topics,
            partners=services.partners,
            relay=services.relay,
            jobs=services.jobs,
            timings=services.timings,
            now=services.clock(),
        )
        bound.info("topic.opened", topic=result.topic.id, meeting=result.topic.meeting_id, partners=sent)
        opened = topic_opened_text(result.topic, partners=sent, can_partner=services.multi_workspace)
        await respond(text=opened, response_type="ephemeral")


async def _partner_command(
    *, services: SlackServices, chat: SlackChat, caller: partner_cases.Caller, kind: CommandKind, arg: str
) -> str:
    if not services.multi_workspace:
        return SINGLE_WORKSPACE
    common: dict[str, Any] = {"partners": services.partners, "chat": chat, "caller": caller}
    if kind is CommandKind.PARTNERS:
        return await partner_cases.list_partners(directory=services.directory, **common)
    if kind is CommandKind.INBOX:
        return await partner_cases.set_inbox(admins=services.admins, **common)
    if kind is CommandKind.PARTNERS_INVITE:
        return await partner_cases.invite(admins=services.admins, now=services.clock(), **common)
    if kind is CommandKind.PARTNERS_ACCEPT:
        return await partner_cases.accept(
            directory=services.directory, code=arg, admins=services.admins, now=services.clock(), **common
        )
    return await partner_cases.remove(directory=services.directory, name=arg, admins=services.admins, **common)
