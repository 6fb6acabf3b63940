"""Finds the Teams installation of a tenant for background work (the worker has no request)."""

from __future__ import annotations

from app.domain.delivery import DeliveryRules
from app.domain.models import Platform
from app.store.connection import RedisClient
from integrations.teams.chat import TeamsChat
from integrations.teams.connector import Connector
from integrations.teams.installs import TeamsInstallations


class TeamsDirectory:
    """``ChatDirectory`` for Teams: the tenants that added Cercle to a team or chat."""

    def __init__(self, *, redis: RedisClient, connector: Connector, rules: DeliveryRules | None = None) -> None:
        self._redis = redis
        self.connector = connector
        self.installs = TeamsInstallations(redis=redis)
        self._rules = rules

    async def chat_for(self, *, platform: Platform, tenant: str) -> TeamsChat | None:
        if platform is not Platform.TEAMS:
            return None
        install = await self.installs.tenant(tenant=tenant)
        if install is None:
            return None
        return TeamsChat(
            install=install, connector=self.connector, installs=self.installs, redis=self._redis, rules=self._rules
        )

    async def close(self) -> None:
        await self.connector.close()
