"""Finds the Slack installation of a workspace for background work (the worker has no request)."""

from __future__ import annotations

import time

import aiohttp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from app.domain.delivery import DeliveryRules
from app.domain.models import Platform
from app.runtime.config import SlackSettings
from app.runtime.logs import get_logger
from integrations.slack.chat import SlackChat
from integrations.slack.client import build_client

log = get_logger("integrations.slack.directory")

ROTATE_MINUTES_BEFORE_EXPIRY = 120  # as Bolt does for requests


class SlackDirectory:
    """``ChatDirectory`` for Slack: OAuth installations in Redis, or the one SLACK_BOT_TOKEN."""

    def __init__(
        self,
        *,
        settings: SlackSettings,
        installation_store: AsyncInstallationStore | None,
        session: aiohttp.ClientSession | None = None,
        rules: DeliveryRules | None = None,
    ) -> None:
        self._settings = settings
        self._rules = rules
        self._store = installation_store
        self._session = session
        self._single_team: str | None = None
        self._rotator = (
            AsyncTokenRotator(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                client=build_client(settings=settings, session=session),
            )
            if settings.client_id and settings.client_secret
            else None
        )

    def use_session(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def _client(self, token: str | None) -> AsyncWebClient:
        return build_client(settings=self._settings, token=token, session=self._session)

    async def chat_for(self, *, platform: Platform, tenant: str) -> SlackChat | None:
        if platform is not Platform.SLACK:
            return None
        if self._store is None:
            return await self._single(tenant)
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=tenant)
        if bot is None or not bot.bot_token:
            return None
        if self._rotator is not None and bot.bot_refresh_token and bot.bot_token_expires_at:
            if bot.bot_token_expires_at - time.time() < ROTATE_MINUTES_BEFORE_EXPIRY * 60:
                rotated = await self._rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
                )
                if rotated is not None:
                    await self._store.async_save_bot(rotated)
                    log.info("slack.token_rotated", platform="slack", team=tenant)
                    bot = rotated
        return self._chat(token=bot.bot_token, tenant=tenant)

    async def _single(self, tenant: str) -> SlackChat | None:
        if not self._settings.bot_token:
            return None
        if self._single_team is None:
            response = await self._client(self._settings.bot_token).auth_test()
            self._single_team = str(response["team_id"])
        if tenant != self._single_team:
            return None
        return self._chat(token=self._settings.bot_token, tenant=tenant)

    def _chat(self, *, token: str, tenant: str) -> SlackChat:
        return SlackChat(
            client=self._client(token), team_id=tenant, multi_workspace=self._settings.oauth, rules=self._rules
        )
