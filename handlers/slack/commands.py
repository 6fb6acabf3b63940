"""`/ask` and its sub-commands: parse, call one use case, render."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.commands import CommandKind, parse_command
from app.domain.models import Person, Place, Platform
from app.runtime.logs import get_logger
from app.usecases import partners as partner_cases
from app.usecases.language import language_command
from app.usecases.meeting import ask_to_end
from app.usecases.networks import network_states, reach_of
from app.usecases.partners import Said
from app.usecases.people import open_home
from app.usecases.topics import Question, ask, list_open_topics
from handlers.slack.app import SlackServices
from integrations.slack.render import topic_list_text
from integrations.slack.text import neutral
from integrations.slack.words import help_text, networks_text, partner_text, problem_text

log = get_logger("handlers.slack.commands")


def register(*, app: AsyncApp, services: SlackServices) -> None:
    ctx = services.ctx

    @app.command("/ask")
    @services.inflight.track
    async def ask_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        parsed = parse_command(command.get("text") or "")
        word = command.get("command") or "/ask"
        team_id = command.get("team_id") or ""
        place = Place(Platform.SLACK, team_id, command["channel_id"])
        bound = log.bind(platform="slack", tenant=team_id, channel=place.channel, command=str(parsed.kind))
        if parsed.kind is CommandKind.ASK:
            question = Question(
                place=place,
                asker=Person(command["user_id"], command.get("user_name") or command["user_id"]),
                text=neutral(parsed.argument),
                share_asker=parsed.share_asker,
                reach=reach_of(public=parsed.public, ctx=ctx),
                reply_to=command.get("response_url") or "",
                request_id=command.get("trigger_id") or "",
            )
            topic_id = await ask(question=question, ctx=ctx)
            await ack()  # recorded: a worker opens it and answers through the response_url
            bound.info("topic.asked", topic=topic_id)
            return
        say = await services.reader(client=client, team_id=team_id, user_id=command["user_id"])
        if parsed.kind is CommandKind.HELP:
            await ack(text=help_text(command=word, rules=ctx.rules, say=say))
            return
        if parsed.kind is CommandKind.INVALID:
            await ack(text=problem_text(parsed, word=word, say=say))
            services.metrics.asks.labels("slack", "invalid").inc()
            return
        if parsed.kind is CommandKind.LIST:
            topics = await list_open_topics(place=place, ctx=ctx)
            await ack(text=topic_list_text(topics, command=word, say=say))
            return
        if parsed.kind is CommandKind.END:
            if await ask_to_end(place=place, by=command["user_id"], ctx=ctx) is None:
                await ack(text=say("ask-no-meeting", cmd=word))
                return
            await ack(text=say("ask-ending"))
            return
        if parsed.kind is CommandKind.HOME:
            await open_home(
                platform=Platform.SLACK,
                tenant=team_id,
                user_id=command["user_id"],
                event_id=command.get("trigger_id") or "",
                ctx=ctx,
            )
            await ack(text=say("slack-home-pointer"))
            return
        if parsed.kind is CommandKind.NETWORKS:
            await ack(text=networks_text(await network_states(ctx=ctx), default_reach=ctx.default_reach, say=say))
            return
        await ack()
        caller = partner_cases.Caller(Platform.SLACK, team_id, command["user_id"], place.channel)
        chat = services.chat(client=client, team_id=team_id)
        if parsed.kind is CommandKind.LANGUAGE:  # an organisation's own setting: no partner needed
            reply = await language_command(chat=chat, caller=caller, arg=parsed.argument, ctx=ctx)
            if reply.said is Said.LANGUAGE_SET:  # the answer is in the new language, unless Slack says theirs
                bound.info("language.set", language=reply.values.get("language"))
                say = await services.reader(client=client, team_id=team_id, user_id=command["user_id"])
            await respond(text=partner_text(reply, say=say), response_type="ephemeral")
            return
        if not services.multi_workspace:
            await respond(text=say("slack-single-workspace"), response_type="ephemeral")
            return
        reply = await partner_cases.run_command(
            kind=parsed.kind, chat=chat, caller=caller, arg=parsed.argument, ctx=ctx
        )
        if reply.said in (Said.UNKNOWN_CODE, Said.TOO_MANY_CODES):  # someone may be guessing codes
            bound.warning("partners.code_refused", said=str(reply.said), wrong=reply.values.get("wrong"))
        await respond(text=partner_text(reply, say=say), response_type="ephemeral")
