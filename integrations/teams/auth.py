"""Cercle's MICROSOFT_APP_* variables mapped onto the Agents SDK's connection settings, which it
reads as ``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__*`` and never from MICROSOFT_APP_* itself.

With credentials, incoming requests must carry a Bot Framework token (the SDK's JWT check) and sends
carry an MSAL token. Without them (development only), the local emulator mode: ANONYMOUS_ALLOWED
for incoming requests, no token on sends (an anonymous ``continue_conversation`` would still ask
MSAL for one, so Cercle sends through the connector client itself)."""

from __future__ import annotations

from microsoft_agents.activity import load_configuration_from_env
from microsoft_agents.authentication.msal import MsalAuth, MsalConnectionManager
from microsoft_agents.hosting.core import AgentAuthConfiguration

from app.runtime.teams_settings import TeamsSettings
from integrations.teams.connector import BOT_FRAMEWORK_SCOPE, NoToken, TokenSource

_SETTINGS = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
_AUTH_TYPES = {"MultiTenant": "ClientSecret", "SingleTenant": "ClientSecret", "UserAssignedMSI": "UserManagedIdentity"}


def sdk_environment(settings: TeamsSettings) -> dict[str, str]:
    """The SDK's own variables for these settings."""
    if not settings.credentials:
        return {f"{_SETTINGS}ANONYMOUS_ALLOWED": "true"}
    env = {f"{_SETTINGS}CLIENTID": settings.app_id or "", f"{_SETTINGS}AUTHTYPE": _AUTH_TYPES[settings.app_type]}
    if settings.password:
        env[f"{_SETTINGS}CLIENTSECRET"] = settings.password
    if settings.tenant_id:
        env[f"{_SETTINGS}TENANTID"] = settings.tenant_id
    return env


def connections(settings: TeamsSettings) -> MsalConnectionManager:
    return MsalConnectionManager(**load_configuration_from_env(sdk_environment(settings)))


def auth_configuration(settings: TeamsSettings) -> AgentAuthConfiguration:
    """What the SDK's JWT middleware checks incoming requests against."""
    return connections(settings).get_default_connection_configuration()


class MsalTokens:
    """Tokens for the Bot Connector from Microsoft Entra (MSAL caches them until they expire)."""

    def __init__(self, settings: TeamsSettings) -> None:
        self._auth = MsalAuth(auth_configuration(settings))

    async def token(self) -> str:
        return str(await self._auth.get_access_token("https://api.botframework.com", [BOT_FRAMEWORK_SCOPE]))


def token_source(settings: TeamsSettings) -> TokenSource:
    return MsalTokens(settings) if settings.credentials else NoToken()
