"""``ChatPlatform`` for one Teams tenant, over the Bot Connector.

In a team channel a topic is a thread: its root is a new post in the channel (an Adaptive Card), and
each answer is the bot's reply in it (conversation ``<channel>;messageid=<root>``). Group chats and
meeting chats have no threads: there the answers follow the root in the chat. Teams has no ephemeral
messages: what Slack tells one person privately, Teams says in reply to that person's message.

Teams gives bots no history to read back, so a root posted by a process that died before recording
it cannot be found (``find_*`` answer None); the summary, posted in several parts by one job,
records each part as it goes so that a retried job posts only the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from microsoft_agents.activity import Activity, Attachment

from app.domain.asking import AskOutcome, Hint
from app.domain.delivery import DeliveryRules
from app.domain.home import HomeView
from app.domain.language import DEFAULT_LANGUAGE
from app.domain.models import Answer, Mirror, Place, Platform, PostedMessage, Topic
from app.domain.summary import MeetingSummary, Outcome
from app.runtime.logs import get_logger
from app.store import keys
from app.store.connection import RedisClient
from integrations.catalog import Speaks
from integrations.teams import cards, words
from integrations.teams.connector import Connector
from integrations.teams.installs import TeamsInstallations, TenantInstall
from integrations.teams.text import readable

log = get_logger("integrations.teams")
SUMMARY_PARTS_KEPT_S = 2 * 24 * 3600


def card_activity(content: dict[str, Any], *, summary: str = "") -> Activity:
    attachment = Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content)
    if summary:
        return Activity(type="message", summary=summary, attachments=[attachment])
    return Activity(type="message", attachments=[attachment])


def text_activity(text: str) -> Activity:
    return Activity(type="message", text=text, text_format="markdown")


def is_channel(conversation_id: str) -> bool:
    """Team channels are ``19:…@thread.skype`` or ``@thread.tacv2``; chats ``@thread.v2``, 1:1 ``a:…``."""
    base = conversation_id.split(";", 1)[0]
    return base.endswith("@thread.skype") or base.endswith("@thread.tacv2")


def thread_conversation(place: Place, thread: str | None = None) -> str:
    """Where to post in ``place``'s thread: a channel thread has its own conversation id."""
    root = thread or place.thread
    return f"{place.channel};messageid={root}" if root and is_channel(place.channel) else place.channel


class TeamsChat(Speaks):
    digest_capacity = cards.DIGEST_MAX_ANSWERS
    platform = Platform.TEAMS

    def __init__(
        self,
        *,
        install: TenantInstall,
        connector: Connector,
        installs: TeamsInstallations,
        redis: RedisClient,
        rules: DeliveryRules | None = None,
    ) -> None:
        self.tenant = install.tenant
        self._install = install
        self._connector = connector
        self._installs = installs
        self._redis = redis
        self._rules = rules or DeliveryRules()
        self.language = DEFAULT_LANGUAGE  # its channels'; the directory sets the organisation's

    async def _send(self, conversation: str, activity: Activity) -> str:
        return await self._connector.send(
            service_url=self._install.service_url, tenant=self.tenant, conversation=conversation, activity=activity
        )

    async def _update(self, conversation: str, activity_id: str, activity: Activity) -> None:
        await self._connector.update(
            service_url=self._install.service_url,
            tenant=self.tenant,
            conversation=conversation,
            activity_id=activity_id,
            activity=activity,
        )

    # --- topic roots and answers in the live conversation -----------------------------------
    async def post_topic(self, *, topic: Topic) -> PostedMessage:
        root = await self._send(
            topic.place.channel, card_activity(cards.topic_card(topic, say=self._say), summary=topic.question[:100])
        )
        return PostedMessage(
            place=topic.place.in_thread(root),
            message_id=root,
            permalink=await self.permalink(place=topic.place, message_id=root),
        )

    async def update_topic(self, *, topic: Topic, place: Place, mirrors: Sequence[Mirror] = ()) -> None:
        if place.thread:
            await self._update(
                thread_conversation(place),
                place.thread,
                card_activity(cards.topic_card(topic, mirrors=mirrors, say=self._say)),
            )

    async def find_topic(self, *, topic_id: str, place: Place, since: float) -> str | None:
        return None

    async def post_answer(self, *, answer: Answer, topic: Topic, votes: int = 0) -> str:
        return await self._send(
            thread_conversation(topic.place), card_activity(cards.answer_card(answer, votes=votes, say=self._say))
        )

    async def find_answer(self, *, answer_id: str, live: Place, since: float) -> str | None:
        return None

    async def update_answer(self, *, answer: Answer, topic: Topic, votes: int | None = None) -> None:
        activity = card_activity(cards.answer_card(answer, votes=votes, say=self._say))
        await self._update(thread_conversation(topic.place), answer.injected_id, activity)

    async def delete_message(self, *, place: Place, message_id: str) -> None:
        await self._connector.delete(
            service_url=self._install.service_url,
            tenant=self.tenant,
            conversation=thread_conversation(place),
            activity_id=message_id,
        )

    async def permalink(self, *, place: Place, message_id: str) -> str:
        channel, message = quote(place.channel, safe=""), quote(message_id, safe="")
        return f"https://teams.microsoft.com/l/message/{channel}/{message}?tenantId={quote(self.tenant)}"

    async def post_digest(self, *, answers: Sequence[Answer], topic: Topic, marker: str) -> str:
        return await self._send(
            thread_conversation(topic.place), card_activity(cards.digest_card(answers, say=self._say))
        )

    async def find_marker(self, *, marker_id: str, live: Place, since: float) -> str | None:
        return None

    async def post_summary(
        self, *, summary: MeetingSummary, place: Place, marker: str, resume_since: float | None = None
    ) -> list[str]:
        key = keys.teams_summary_parts(self.tenant, marker)  # the parts a retried job finds posted
        posted: list[str] = []
        for index, content in enumerate(cards.summary_cards(summary, say=self._say)):
            done = await self._redis.hget(key, str(index))
            if done is not None:
                continue
            message_id = await self._send(place.channel, card_activity(content, summary=self._say("summary-title")))
            await self._redis.hset(key, str(index), message_id)
            await self._redis.expire(key, SUMMARY_PARTS_KEPT_S)
            posted.append(message_id)
        return posted

    # --- mirrors in partner inboxes ---------------------------------------------------------
    async def post_mirror(self, *, topic: Topic, inbox: Place, asker_org: str, show_asker: bool) -> PostedMessage:
        content = cards.mirror_card(topic, asker_org=asker_org, show_asker=show_asker, say=self._say)
        root = await self._send(inbox.channel, card_activity(content, summary=topic.question[:100]))
        return PostedMessage(place=inbox.in_thread(root), message_id=root)

    async def find_mirror(self, *, topic_id: str, inbox: Place, since: float) -> str | None:
        return None

    async def close_mirror(self, *, topic: Topic, mirror: Place, asker_org: str) -> None:
        if mirror.thread:
            content = cards.mirror_card(topic, asker_org=asker_org, show_asker=topic.share_asker, say=self._say)
            await self._update(thread_conversation(mirror), mirror.thread, card_activity(content))

    async def post_thanks(self, *, outcome: Outcome, mirror: Place, asker_org: str, share: bool) -> None:
        content = cards.thanks_card(outcome, asker_org=asker_org, share=share, say=self._say)
        await self._send(thread_conversation(mirror), card_activity(content, summary=self._say("teams-thanks-summary")))

    # --- what one person is told ------------------------------------------------------------
    async def say(self, *, place: Place, reply_to: str, text: str, card: dict[str, Any] | None = None) -> None:
        """In reply to a person's message (``reply_to``: "conversation|activity id"), else in ``place``;
        ``card``: an Adaptive Card instead of the text."""
        activity = card_activity(card) if card is not None else text_activity(text)
        conversation, _, activity_id = reply_to.partition("|")
        if conversation and activity_id:
            await self._connector.reply(
                service_url=self._install.service_url,
                tenant=self.tenant,
                conversation=conversation,
                reply_to=activity_id,
                activity=activity,
            )
            return
        await self._send(thread_conversation(place), activity)

    async def tell_asker(
        self, *, place: Place, asker_id: str, reply_to: str, outcome: AskOutcome, language: str | None = None
    ) -> None:
        await self.say(place=place, reply_to=reply_to, text=words.asker_text(outcome, say=self._reader(language)))

    async def ask_review(self, *, answer: Answer, topic: Topic, language: str | None = None) -> None:
        # Seen by the whole thread (Teams has no message for one person there), in the channel's language.
        await self._send(thread_conversation(topic.place), card_activity(cards.review_card(answer, say=self._say)))

    async def explain_digest_vote(self, *, place: Place, person: str, language: str | None = None) -> None:
        text = words.digest_vote_hint(say=self._say)  # seen by the whole thread
        await self._send(thread_conversation(place), text_activity(text))

    async def show_hint(self, *, place: Place, person: str, hint: Hint, language: str | None = None) -> None:
        await self._send(thread_conversation(place), text_activity(words.mention_hint(say=self._say)))

    async def announce_partnership(self, *, place: Place, org_name: str, partner_name: str, linked: bool) -> None:
        text = words.partnership_text(org_name=org_name, partner_name=partner_name, linked=linked, say=self._say)
        await self._send(place.channel, text_activity(text))

    async def publish_home(self, *, person: str, home: HomeView, language: str | None = None) -> None:
        """The personal card, in the person's 1:1 chat with Cercle (kept from its installation)."""
        chat = await self._installs.personal_chat(tenant=self.tenant, user_id=person)
        if chat is None:
            log.info("teams.no_personal_chat", platform="teams", tenant=self.tenant)
            return
        content = cards.home_card(home, say=self._reader(language))
        await self._send(chat, card_activity(content, summary=home.organisation))

    async def user_locale(self, *, user_id: str) -> str | None:
        return None  # Teams says a person's locale only with their activities (handlers/teams remembers it)

    # --- people and the organisation --------------------------------------------------------
    async def user_name(self, *, user_id: str) -> str:
        return await self._installs.name(tenant=self.tenant, user_id=user_id) or user_id

    async def readable(self, *, text: str) -> str:
        return readable(text)

    async def is_admin(self, *, user_id: str) -> bool:
        return await self._installs.is_installer(tenant=self.tenant, user_id=user_id)

    async def join(self, *, channel: str) -> None:
        """A bot in a team may post in every channel of it: nothing to join."""

    async def organisation_name(self) -> str:
        return self._install.team_name or self.tenant
