"""Bolt's async installation and OAuth-state stores, kept in Redis.

Installations hold bot, user and refresh tokens, so each record is encrypted whole with the
``TokenCipher``; the OAuth state is single-use and signed with SLACK_STATE_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from app.runtime.crypto import TokenCipher
from app.store import keys
from app.store.connection import RedisClient

_logger = logging.getLogger("integrations.slack.stores")


def _team_key(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    return None if is_enterprise_install else team_id


class RedisInstallationStore(AsyncInstallationStore):
    def __init__(self, *, redis: RedisClient, cipher: TokenCipher) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self._cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return _logger

    def _seal(self, entity: Any) -> str:
        return self._cipher.encrypt(json.dumps(entity.__dict__))

    def _open(self, sealed: str | None) -> dict[str, Any] | None:
        return None if sealed is None else json.loads(self._cipher.decrypt(sealed))

    async def async_save(self, installation: Installation) -> None:
        team = _team_key(installation.team_id, installation.is_enterprise_install)
        latest = keys.slack_installation(installation.enterprise_id, team)
        per_user = keys.slack_installation(installation.enterprise_id, team, installation.user_id)
        sealed = self._seal(installation)
        async with self._redis.pipeline(transaction=False) as pipe:  # three slots on a cluster
            pipe.set(latest, sealed)
            pipe.set(per_user, sealed)
            pipe.sadd(keys.slack_installation_index(installation.enterprise_id, team), latest, per_user)
            await pipe.execute()
        if installation.bot_token:
            await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        team = _team_key(bot.team_id, bot.is_enterprise_install)
        await self._redis.set(keys.slack_bot(bot.enterprise_id, team), self._seal(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        data = self._open(
            await self._redis.get(keys.slack_bot(enterprise_id, _team_key(team_id, is_enterprise_install)))
        )
        return Bot(**data) if data else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        team = _team_key(team_id, is_enterprise_install)
        data = self._open(await self._redis.get(keys.slack_installation(enterprise_id, team, user_id)))
        if data is None:
            return None
        installation = Installation(**data)
        if user_id is not None or installation.bot_token is None:
            # A user's own record may predate the latest bot token (bolt-python#664).
            bot = await self.async_find_bot(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
            )
            if bot is not None and bot.bot_token != installation.bot_token:
                installation.bot_id = bot.bot_id
                installation.bot_user_id = bot.bot_user_id
                installation.bot_token = bot.bot_token
                installation.bot_scopes = bot.bot_scopes
                installation.bot_refresh_token = bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._redis.delete(keys.slack_bot(enterprise_id, team_id))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        index = keys.slack_installation_index(enterprise_id, team_id)
        if user_id is not None:
            key = keys.slack_installation(enterprise_id, team_id, user_id)
            await self._redis.delete(key)
            await self._redis.srem(index, key)
            return
        members = await self._redis.smembers(index)
        for key in (keys.slack_installation(enterprise_id, team_id), *members, index):  # one slot each
            await self._redis.delete(key)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class RedisOAuthStateStore(AsyncOAuthStateStore):
    """A state is ``<nonce>.<hmac>``: forged ones fail before Redis; real ones work once."""

    def __init__(self, *, redis: RedisClient, state_secret: str, expiration_seconds: int = 600) -> None:
        self._redis = redis
        self._secret = state_secret.encode()
        self._ttl = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return _logger

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._sign(nonce)}"
        await self._redis.set(keys.slack_oauth_state(state), "1", ex=self._ttl)
        return state

    async def async_consume(self, state: str) -> bool:
        nonce, _, signature = state.partition(".")
        if not nonce or not hmac.compare_digest(signature, self._sign(nonce)):
            _logger.warning("slack.oauth_state_forged")
            return False
        return bool(await self._redis.getdel(keys.slack_oauth_state(state)))
