"""``ChatPlatform`` for Slack, over slack_sdk's AsyncWebClient."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.models import Place, PostedMessage, Topic
from app.domain.ports import BotNotInChannel, PlatformError
from app.logs import get_logger
from integrations.slack.render import topic_fallback_text, topic_root_blocks

log = get_logger("integrations.slack")

# What conversations.join answers for a channel the bot may not join on its own.
_CANNOT_JOIN = {"method_not_supported_for_channel_type", "channel_not_found", "is_private", "missing_scope"}


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or "unknown_error")


class SlackChat:
    def __init__(self, *, client: AsyncWebClient, team_id: str) -> None:
        self._client = client
        self._team_id = team_id

    async def _post(self, *, topic: Topic) -> str:
        response = await self._client.chat_postMessage(
            channel=topic.place.channel,
            text=topic_fallback_text(topic),
            blocks=topic_root_blocks(topic),
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def post_topic(self, *, topic: Topic) -> PostedMessage:
        bound = log.bind(platform="slack", team=self._team_id, channel=topic.place.channel, topic=topic.id)
        try:
            try:
                ts = await self._post(topic=topic)
            except SlackApiError as error:
                if _error_code(error) != "not_in_channel":
                    raise
                bound.info("slack.joining_channel")
                try:
                    await self._client.conversations_join(channel=topic.place.channel)
                except SlackApiError as join_error:
                    code = _error_code(join_error)
                    bound.warning("slack.join_refused", code=code)
                    if code in _CANNOT_JOIN:
                        raise BotNotInChannel(code) from join_error
                    raise
                ts = await self._post(topic=topic)
        except SlackApiError as error:
            code = _error_code(error)
            bound.error("slack.post_failed", method="chat.postMessage", code=code)
            if code == "channel_not_found":
                raise BotNotInChannel(code) from error
            raise PlatformError(code) from error
        permalink = await self._permalink(channel=topic.place.channel, ts=ts)
        return PostedMessage(place=topic.place.in_thread(ts), message_id=ts, permalink=permalink)

    async def _permalink(self, *, channel: str, ts: str) -> str:
        try:
            response = await self._client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackApiError as error:
            log.warning("slack.permalink_failed", platform="slack", team=self._team_id, code=_error_code(error))
            return ""
        return str(response.get("permalink") or "")

    async def update_topic(self, *, topic: Topic, place: Place) -> None:
        if not place.thread:
            return
        try:
            await self._client.chat_update(
                channel=place.channel,
                ts=place.thread,
                text=topic_fallback_text(topic),
                blocks=topic_root_blocks(topic),
            )
        except SlackApiError as error:
            code = _error_code(error)
            log.error("slack.update_failed", platform="slack", team=self._team_id, topic=topic.id, code=code)
            raise PlatformError(code) from error
