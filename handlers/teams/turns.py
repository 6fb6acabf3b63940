"""Each Teams activity becomes one neutral event and one use case: a command, a reply in a partner's
thread, its edit or deletion, a reaction, a card button, the end of a meeting, Cercle added or
removed. What must be said back goes as a reply after the acknowledgement (Teams has no way to
answer in the HTTP response, except to a card button's invoke)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.commands import Command, CommandKind, parse_command
from app.domain.models import Person, Platform
from app.runtime.inflight import InFlight
from app.runtime.logs import get_logger
from app.store.topics import Deduplicator
from app.usecases import partners as partner_cases
from app.usecases.context import Context
from app.usecases.incoming import IncomingReply
from app.usecases.jobs import CountReaction
from app.usecases.language import language_command, remember_locale
from app.usecases.meeting import ask_to_end
from app.usecases.networks import network_states, reach_of
from app.usecases.partners import Said, organisation_installed, organisation_removed
from app.usecases.people import home_view, open_home
from app.usecases.relay import accept_reply
from app.usecases.reply_changes import accept_deletion, accept_edit
from app.usecases.topics import Question, ask, list_open_topics
from app.usecases.votes import accept_reaction
from handlers.teams.activities import MEETING_END, Turn, micros
from integrations.catalog import Say, say_in
from integrations.teams import cards, words
from integrations.teams.chat import TeamsChat
from integrations.teams.directory import TeamsDirectory
from integrations.teams.text import readable

log = get_logger("handlers.teams")

# Teams' reaction types as the core's emoji (app/domain/votes.py decides which are votes).
REACTION_EMOJI = {"like": "👍", "heart": "❤", "laugh": "😆", "surprised": "😮", "sad": "😢", "angry": "😠"}


@dataclass(frozen=True, slots=True)
class TeamsServices:
    ctx: Context
    directory: TeamsDirectory
    inflight: InFlight
    dedupe: Deduplicator


class TeamsTurns:
    def __init__(self, *, services: TeamsServices) -> None:
        self._s = services
        self._ctx = services.ctx
        self._installs = services.directory.installs

    async def handle(self, turn: Turn) -> None:
        """Everything but a card's invoke (handlers/teams/buttons.py answers those)."""
        kind = str(turn.activity.type)
        if kind == "message":
            await self._message(turn)
        elif kind == "messageUpdate":
            await self._edited(turn)
        elif kind == "messageDelete":
            await self._deleted(turn)
        elif kind == "messageReaction":
            await self._reactions(turn)
        elif kind in ("conversationUpdate", "installationUpdate"):
            await self._installation(turn)
        elif kind == "event" and turn.event_name == MEETING_END:
            await self._meeting_ended(turn)

    # --- messages: commands and replies --------------------------------------------------------
    async def _message(self, turn: Turn) -> None:
        if turn.from_a_bot or not turn.tenant:
            return
        if turn.addressed_to_bot and turn.activity.text:
            await self._command(turn)
            return
        if turn.thread is None or turn.thread == turn.activity.id:
            return  # a new post that is not for Cercle; only replies inside threads answer questions
        await self._installs.remember_name(tenant=turn.tenant, user_id=turn.user_id, name=turn.user_name)
        reply = _reply(turn, thread=turn.thread)
        if await accept_reply(reply=reply, ctx=self._ctx):
            log.info("reply.accepted", platform="teams", tenant=turn.tenant, message=reply.message_id)

    async def _command(self, turn: Turn) -> None:
        await self._installs.seen(
            tenant=turn.tenant,
            service_url=str(turn.activity.service_url or ""),
            conversation=turn.conversation,
            person=(turn.user_id, turn.user_name),
        )
        parsed = parse_command(turn.command_text())
        bound = log.bind(platform="teams", tenant=turn.tenant, channel=turn.channel[:60], command=str(parsed.kind))
        if parsed.kind is CommandKind.ASK:
            await self._reader(turn)  # the person's locale, for what the worker tells them
            question = Question(
                place=turn.place,
                asker=Person(turn.user_id, turn.user_name),
                text=parsed.argument,
                share_asker=parsed.share_asker,
                reach=reach_of(public=parsed.public, ctx=self._ctx),
                reply_to=turn.reply_to,
                request_id=str(turn.activity.id or ""),
            )
            bound.info("topic.asked", topic=await ask(question=question, ctx=self._ctx))
            return
        say = await self._reader(turn)
        if parsed.kind is CommandKind.HOME:  # the organisation's page, as a card where it was asked
            home = await home_view(platform=Platform.TEAMS, tenant=turn.tenant, user_id=turn.user_id, ctx=self._ctx)
            self._answer(turn, "", card=cards.home_card(home, say=say))
            return
        said = await self._words_for(turn, parsed, say)  # done before the acknowledgement
        # The connector sends an activity again when it missed the 200: the command ran again (its
        # effects are idempotent), but its reply is posted once. Claimed after it ran, so that a
        # command that failed half-way runs again in full.
        if await self._s.dedupe.claim(scope=f"teams:{turn.tenant}", key=f"reply:{turn.activity.id}"):
            self._answer(turn, said)

    async def _reader(self, turn: Turn) -> Say:
        """The person's words: the activity's locale (kept for what the worker tells them later), else
        the organisation's language."""
        language = await remember_locale(
            platform=Platform.TEAMS,
            tenant=turn.tenant,
            user_id=turn.user_id,
            locale=str(turn.activity.locale or ""),
            ctx=self._ctx,
        )
        return say_in(language)

    async def _words_for(self, turn: Turn, parsed: Command, say: Say) -> str:
        kind = parsed.kind
        if kind is CommandKind.HELP:
            return words.help_text(rules=self._ctx.rules, say=say)
        if kind is CommandKind.INVALID:
            return words.problem_text(parsed, say=say)
        if kind is CommandKind.LIST:
            return words.topic_list_text(await list_open_topics(place=turn.place, ctx=self._ctx), say=say)
        if kind is CommandKind.END:
            if await ask_to_end(place=turn.place, by=turn.user_id, ctx=self._ctx) is None:
                return say("teams-no-meeting")
            return say("ask-ending")
        if kind is CommandKind.NETWORKS:
            states = await network_states(ctx=self._ctx)
            return words.networks_text(states, default_reach=self._ctx.default_reach, say=say)
        if kind is CommandKind.INBOX and turn.kind != "channel":
            return say("teams-not-a-channel-inbox")
        chat = await self._chat(turn)
        if chat is None:
            return say("teams-not-installed")
        caller = partner_cases.Caller(Platform.TEAMS, turn.tenant, turn.user_id, turn.channel)
        if kind is CommandKind.LANGUAGE:
            reply = await language_command(chat=chat, caller=caller, arg=parsed.argument, ctx=self._ctx)
            if reply.said is Said.LANGUAGE_SET:
                log.info("language.set", platform="teams", tenant=turn.tenant, language=reply.values.get("language"))
            return words.partner_text(reply, say=say)
        reply = await partner_cases.run_command(kind=kind, chat=chat, caller=caller, arg=parsed.argument, ctx=self._ctx)
        if reply.said in (Said.UNKNOWN_CODE, Said.TOO_MANY_CODES):
            log.warning("partners.code_refused", platform="teams", tenant=turn.tenant, said=str(reply.said))
        return words.partner_text(reply, say=say)

    async def _chat(self, turn: Turn) -> TeamsChat | None:
        return await self._s.directory.chat_for(platform=Platform.TEAMS, tenant=turn.tenant)

    def _answer(self, turn: Turn, said: str, *, card: dict[str, Any] | None = None) -> None:
        """Reply to the person's message once the request is acknowledged (a tracked task: a stopping
        web process lets it finish)."""

        async def reply() -> None:
            chat = await self._chat(turn)
            if chat is None:
                log.warning("teams.reply_without_install", platform="teams", tenant=turn.tenant)
                return
            await chat.say(place=turn.place, reply_to=turn.reply_to, text=said, card=card)

        self._s.inflight.spawn(reply(), name="teams.reply")

    # --- edits, deletions, reactions ----------------------------------------------------------
    async def _edited(self, turn: Turn) -> None:
        if turn.thread is None or turn.from_a_bot:
            return
        edited = _reply(turn, thread=turn.thread)
        if await accept_edit(reply=edited, version=micros(turn.at), ctx=self._ctx):
            log.info("reply.edit_accepted", platform="teams", tenant=turn.tenant, message=edited.message_id)

    async def _deleted(self, turn: Turn) -> None:
        if turn.thread is None:
            return
        place = turn.place.in_thread(turn.thread)
        if await accept_deletion(place=place, message_id=str(turn.activity.id or ""), ctx=self._ctx):
            log.info("reply.deletion_accepted", platform="teams", tenant=turn.tenant, message=turn.activity.id)

    async def _reactions(self, turn: Turn) -> None:
        """Teams reports reactions on the bot's own messages only: the injected answers."""
        if turn.from_a_bot or not turn.activity.reply_to_id:
            return
        for field, added in (("reactions_added", True), ("reactions_removed", False)):
            for reaction in getattr(turn.activity, field) or []:
                kind = str(reaction.type or "")
                job = CountReaction(
                    place=turn.place,
                    message_id=str(turn.activity.reply_to_id),
                    voter=turn.voter,
                    user_id=turn.user_id,
                    emoji=REACTION_EMOJI.get(kind, f":{kind}:"),
                    added=added,
                    at=turn.at,
                    event_id=f"{turn.activity.id or ''}:{kind}:{int(added)}",
                )
                await accept_reaction(job=job, ctx=self._ctx)

    # --- meetings and installations -------------------------------------------------------------
    async def _meeting_ended(self, turn: Turn) -> None:
        meeting_id = str((turn.data.get("meeting") or {}).get("id") or "")
        ended = await ask_to_end(place=turn.place, by="teams:meeting-end", ctx=self._ctx)
        log.info(
            "teams.meeting_ended",
            platform="teams",
            tenant=turn.tenant,
            meeting=meeting_id,
            had_topics=ended is not None,
        )

    async def _installation(self, turn: Turn) -> None:
        if not turn.tenant:
            return
        action = str(getattr(turn.activity, "action", "") or "")
        added = turn.bot_id in turn.members("members_added") or action == "add"
        removed = (
            turn.bot_id in turn.members("members_removed") or action == "remove" or turn.event_kind == "teamDeleted"
        )
        team_id, team_name = turn.team
        if added:
            first = await self._installs.installed(
                tenant=turn.tenant,
                service_url=str(turn.activity.service_url or ""),
                bot_id=turn.bot_id,
                conversation=turn.conversation,
                installer=turn.user_id,
            )
            if first or team_name:
                await organisation_installed(
                    platform=Platform.TEAMS, tenant=turn.tenant, name=team_name or turn.tenant, ctx=self._ctx
                )
            log.info("organisation.installed", platform="teams", tenant=turn.tenant, team=team_id, kind=turn.kind)
            if turn.kind == "personal" and turn.user_id:  # their own page, in the chat just opened
                await self._reader(turn)
                event_id = f"teams-personal:{turn.activity.id or turn.channel}"
                await open_home(
                    platform=Platform.TEAMS, tenant=turn.tenant, user_id=turn.user_id, event_id=event_id, ctx=self._ctx
                )
        elif removed:
            if await self._installs.removed(tenant=turn.tenant, conversation_id=turn.channel, team_id=team_id):
                await organisation_removed(platform=Platform.TEAMS, tenant=turn.tenant, ctx=self._ctx)
                log.info("organisation.removed", platform="teams", tenant=turn.tenant)


def _reply(turn: Turn, *, thread: str) -> IncomingReply:
    """A person's message in a channel thread, in the core's neutral form."""
    return IncomingReply(
        place=turn.place.in_thread(thread),
        message_id=str(turn.activity.id or ""),
        user_id=turn.user_id,
        text=readable(str(turn.activity.text or "")),
        from_a_bot=False,
        at=turn.at,
    )
