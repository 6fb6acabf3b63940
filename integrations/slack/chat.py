"""``ChatPlatform`` for Slack, over slack_sdk's AsyncWebClient."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from app.domain.asking import AskOutcome, Hint
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, PlatformError, RateLimited
from app.domain.home import HomeView
from app.domain.language import DEFAULT_LANGUAGE
from app.domain.models import Answer, Mirror, Place, Platform, PostedMessage, Topic
from app.domain.summary import MeetingSummary, Outcome
from app.runtime.logs import get_logger
from integrations.catalog import Speaks
from integrations.slack import render, words
from integrations.slack.errors import error_code, from_slack, platform_error
from integrations.slack.home import home_view
from integrations.slack.sanitize import sanitise
from integrations.slack.summary import summary_messages, thanks_text
from integrations.slack.text import UNNAMED_MENTION, neutral

log = get_logger("integrations.slack")

# What conversations.join answers for a channel the bot may not join on its own.
_CANNOT_JOIN = {"method_not_supported_for_channel_type", "channel_not_found", "is_private", "missing_scope"}
# <@U0BOB> as Slack sends a mention: named "@bob" for another workspace; a few per message (each is
# one users.info call), "@someone" past them.
MENTIONS_NAMED = 5
# How far back a recovery looks for a message we may have posted before a crash: pages of 200
# (Slack's advice for history), at most 10 of them.
_RECOVERY_PAGE = 200
_RECOVERY_PAGES = 10
LOCALE_TIMEOUT_S = 1.0  # users.info for a reader's language; past it, the organisation's language


class SlackChat(Speaks):
    """One workspace's installation of Cercle."""

    digest_capacity = render.DIGEST_MAX_ANSWERS
    platform = Platform.SLACK

    def __init__(
        self, *, client: AsyncWebClient, team_id: str, multi_workspace: bool = False, rules: DeliveryRules | None = None
    ) -> None:
        self._client = client
        self.tenant = team_id
        self._multi_workspace = multi_workspace  # partners are possible (OAuth installs of many workspaces)
        self._rules = rules or DeliveryRules()
        self.language = DEFAULT_LANGUAGE  # its channels'; the directory sets the organisation's

    async def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return await getattr(self._client, method)(**kwargs)
        except SlackApiError as error:
            code = error_code(error)
            log.error("slack.call_failed", platform="slack", team=self.tenant, method=method, code=code)
            raise from_slack(error) from error

    async def _post(self, *, place: Place, text: str, blocks: Any = None, raw: bool = False) -> str:
        """Every message Cercle posts: in ``place``'s thread if it has one, never unfurled (a
        partner's link must not preview in the meeting). ``raw``: Slack's own error, for the caller
        that handles one code itself (the root, when the bot must first join the channel)."""
        post = self._client.chat_postMessage if raw else functools.partial(self._call, "chat_postMessage")
        response = await post(
            channel=place.channel,
            thread_ts=place.thread,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    # --- topic roots in the live channel ----------------------------------------------------
    async def _post_root(self, *, topic: Topic) -> str:
        root = render.topic_root_blocks(topic, say=self._say)
        text = render.topic_fallback_text(topic, say=self._say)
        return await self._post(place=topic.place, text=text, blocks=root, raw=True)

    async def post_topic(self, *, topic: Topic) -> PostedMessage:
        bound = log.bind(platform="slack", team=self.tenant, channel=topic.place.channel, topic=topic.id)
        try:
            try:
                ts = await self._post_root(topic=topic)
            except SlackApiError as error:
                if error_code(error) != "not_in_channel":
                    raise
                bound.info("slack.joining_channel")
                await self.join(channel=topic.place.channel)
                ts = await self._post_root(topic=topic)
        except SlackApiError as error:
            code = error_code(error)
            bound.error("slack.post_failed", method="chat.postMessage", code=code)
            # Slack says channel_not_found for a private channel the bot is not in: it must be invited.
            raise platform_error(code, private=code == "channel_not_found") from error
        permalink = await self.permalink(place=topic.place, message_id=ts)
        return PostedMessage(place=topic.place.in_thread(ts), message_id=ts, permalink=permalink)

    async def update_topic(self, *, topic: Topic, place: Place, mirrors: Sequence[Mirror] = ()) -> None:
        if not place.thread:
            return
        await self._call(
            "chat_update",
            channel=place.channel,
            ts=place.thread,
            text=render.topic_fallback_text(topic, say=self._say),
            blocks=render.topic_root_blocks(topic, mirrors=mirrors, say=self._say),
        )

    # --- mirrors in partner inboxes ---------------------------------------------------------
    async def post_mirror(self, *, topic: Topic, inbox: Place, asker_org: str, show_asker: bool) -> PostedMessage:
        ts = await self._post(
            place=inbox,
            text=render.mirror_fallback_text(topic, asker_org=asker_org, say=self._say),
            blocks=render.mirror_blocks(topic, asker_org=asker_org, show_asker=show_asker, say=self._say),
        )
        return PostedMessage(place=inbox.in_thread(ts), message_id=ts)

    async def find_topic(self, *, topic_id: str, place: Place, since: float) -> str | None:
        messages = await self._history_since(channel=place.channel, since=since)
        return render.find_marked(messages, render.topic_marker(topic_id))

    async def find_mirror(self, *, topic_id: str, inbox: Place, since: float) -> str | None:
        messages = await self._history_since(channel=inbox.channel, since=since)
        return render.find_marked(messages, render.mirror_marker(topic_id))

    async def _history_since(self, *, channel: str, since: float) -> list[dict[str, Any]]:
        """What the channel received since a moment (5 s of slack for clocks), page by page: a busy
        channel can pass one page while a job waits for its retry."""
        messages: list[dict[str, Any]] = []
        cursor = None
        for _ in range(_RECOVERY_PAGES):
            response = await self._call(
                "conversations_history", channel=channel, oldest=f"{since - 5:.6f}", limit=_RECOVERY_PAGE, cursor=cursor
            )
            messages.extend(response.get("messages") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                break
        return messages

    async def close_mirror(self, *, topic: Topic, mirror: Place, asker_org: str) -> None:
        if not mirror.thread:
            return
        await self._call(
            "chat_update",
            channel=mirror.channel,
            ts=mirror.thread,
            text=render.mirror_fallback_text(topic, asker_org=asker_org, say=self._say),
            blocks=render.mirror_blocks(topic, asker_org=asker_org, show_asker=topic.share_asker, say=self._say),
        )

    # --- answers in the live thread ---------------------------------------------------------
    async def post_answer(self, *, answer: Answer, topic: Topic, votes: int = 0) -> str:
        blocks = render.answer_blocks(answer, votes=votes, say=self._say)
        return await self._post(place=topic.place, text=render.answer_fallback_text(answer), blocks=blocks)

    async def find_answer(self, *, answer_id: str, live: Place, since: float) -> str | None:
        return await self.find_marker(marker_id=render.answer_marker(answer_id), live=live, since=since)

    async def find_marker(self, *, marker_id: str, live: Place, since: float) -> str | None:
        response = await self._call(
            "conversations_replies",
            channel=live.channel,
            ts=live.thread,
            oldest=f"{since - 5:.6f}",
            limit=_RECOVERY_PAGE,
        )
        return render.find_marked(response.get("messages") or [], marker_id)

    async def post_digest(self, *, answers: Sequence[Answer], topic: Topic, marker: str) -> str:
        blocks = render.digest_blocks(answers, marker=marker, say=self._say)
        text = render.digest_fallback_text(answers, say=self._say)
        return await self._post(place=topic.place, text=text, blocks=blocks)

    async def post_summary(
        self, *, summary: MeetingSummary, place: Place, marker: str, resume_since: float | None = None
    ) -> list[str]:
        there: set[str] = set()
        if resume_since is not None:
            there = render.block_ids(await self._history_since(channel=place.channel, since=resume_since))
        posted = []
        for text, blocks in summary_messages(summary, marker=marker, already_posted=there, say=self._say):
            posted.append(await self._post(place=place, text=text, blocks=blocks))
        return posted

    async def post_thanks(self, *, outcome: Outcome, mirror: Place, asker_org: str, share: bool) -> None:
        text = thanks_text(outcome, asker_org=asker_org, share=share, say=self._say)
        await self._post(place=mirror, text=text)

    async def tell_asker(
        self, *, place: Place, asker_id: str, reply_to: str, outcome: AskOutcome, language: str | None = None
    ) -> None:
        text = words.asker_text(outcome, can_partner=self._multi_workspace, say=self._reader(language))
        if reply_to:  # the command's response_url: works wherever the command was typed, for 30 minutes
            webhook = AsyncWebhookClient(url=reply_to, session=self._client.session)
            response = await webhook.send(text=text, response_type="ephemeral", replace_original=False)
            if response.status_code < 400:
                return
            log.warning("slack.response_url_failed", platform="slack", team=self.tenant, status=response.status_code)
        await self._call("chat_postEphemeral", channel=place.channel, user=asker_id, text=text)

    async def explain_digest_vote(self, *, place: Place, person: str, language: str | None = None) -> None:
        await self._call(
            "chat_postEphemeral",
            channel=place.channel,
            user=person,
            thread_ts=place.thread,
            text=words.digest_vote_hint(say=self._reader(language)),
        )

    async def show_hint(self, *, place: Place, person: str, hint: Hint, language: str | None = None) -> None:
        text = words.mention_hint(say=self._reader(language))
        await self._call("chat_postEphemeral", channel=place.channel, user=person, text=text)

    async def publish_home(self, *, person: str, home: HomeView, language: str | None = None) -> None:
        view = home_view(home, rules=self._rules, say=self._reader(language))
        await self._call("views_publish", user_id=person, view=view)

    async def ask_review(self, *, answer: Answer, topic: Topic, language: str | None = None) -> None:
        say = self._reader(language)
        await self._call(
            "chat_postEphemeral",
            channel=topic.place.channel,
            user=topic.asker.id,
            thread_ts=topic.place.thread,
            text=say("slack-review-fallback", answer=render.answer_fallback_text(answer)),
            blocks=render.review_blocks(answer, say=say),
        )

    async def update_answer(self, *, answer: Answer, topic: Topic, votes: int | None = None) -> None:
        await self._call(
            "chat_update",
            channel=topic.place.channel,
            ts=answer.injected_id,
            text=render.answer_fallback_text(answer),
            blocks=render.answer_blocks(answer, votes=votes, say=self._say),
        )

    async def delete_message(self, *, place: Place, message_id: str) -> None:
        await self._call("chat_delete", channel=place.channel, ts=message_id)

    # --- people, channels, notices ----------------------------------------------------------
    async def permalink(self, *, place: Place, message_id: str) -> str:
        try:
            response = await self._client.chat_getPermalink(channel=place.channel, message_ts=message_id)
        except SlackApiError as error:
            log.warning("slack.permalink_failed", platform="slack", team=self.tenant, code=error_code(error))
            return ""
        return str(response.get("permalink") or "")

    async def _user(self, user_id: str) -> dict[str, Any]:
        response = await self._call("users_info", user=user_id)
        return dict(response.get("user") or {})

    async def user_locale(self, *, user_id: str) -> str | None:
        """Asked before a command's acknowledgement: a slow Slack must not cost the 3 seconds."""
        try:
            response = await asyncio.wait_for(
                self._call("users_info", user=user_id, include_locale=True), timeout=LOCALE_TIMEOUT_S
            )
        except (RateLimited, TimeoutError):  # Slack could not say now: asked again next time
            log.warning("slack.locale_unknown", platform="slack", team=self.tenant)
            return None
        except PlatformError:
            return ""  # Slack said (no such user, say): nothing to ask again today
        return str((response.get("user") or {}).get("locale") or "")

    async def user_name(self, *, user_id: str) -> str:
        try:
            user = await self._user(user_id)
        except PlatformError:
            return user_id
        profile = user.get("profile") or {}
        return str(profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user_id)

    async def readable(self, *, text: str) -> str:
        ids = list(dict.fromkeys(UNNAMED_MENTION.findall(text)))[:MENTIONS_NAMED]
        names = await asyncio.gather(*(self.user_name(user_id=user_id) for user_id in ids))
        return neutral(text, names=dict(zip(ids, names, strict=True)))

    async def is_admin(self, *, user_id: str) -> bool:
        try:
            user = await self._user(user_id)
        except PlatformError:
            return False
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    async def join(self, *, channel: str) -> None:
        try:
            await self._client.conversations_join(channel=channel)
        except SlackApiError as error:
            code = error_code(error)
            log.warning("slack.join_refused", platform="slack", team=self.tenant, channel=channel, code=code)
            if code in _CANNOT_JOIN:
                raise BotNotInChannel(code) from error
            raise from_slack(error) from error

    async def announce_partnership(self, *, place: Place, org_name: str, partner_name: str, linked: bool) -> None:
        text = words.partnership_text(org_name=org_name, partner_name=partner_name, linked=linked, say=self._say)
        await self._post(place=place, text=sanitise(text, limit=3000))

    async def organisation_name(self) -> str:
        try:
            response = await self._call("team_info")
        except PlatformError:
            return self.tenant
        return str((response.get("team") or {}).get("name") or self.tenant)
