"""Teams' settings, read from DESIGN.md's MICROSOFT_APP_* variables. No SDK here: handlers/teams maps
them onto the Agents SDK's own connection settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.runtime.config_error import ConfigError

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    app_id: str | None = None
    password: str | None = None
    tenant_id: str | None = None
    app_type: str = "MultiTenant"
    production: bool = False

    @property
    def credentials(self) -> bool:
        return bool(self.app_id)

    @property
    def emulator(self) -> bool:
        """No credentials in development: requests are taken unsigned and sends carry no token, as the
        Bot Framework Emulator and local tests expect. Never in production."""
        return not self.credentials and not self.production

    @property
    def enabled(self) -> bool:
        return self.credentials or self.emulator

    def describe(self) -> str:
        if self.credentials:
            return f"bot {self.app_id} ({self.app_type}), POST /api/messages"
        if self.emulator:
            return "local emulator mode: no MICROSOFT_APP_ID, unsigned requests accepted (development only)"
        return "not configured (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD)"


def teams_settings(env: Mapping[str, str], *, production: bool) -> TeamsSettings:
    def get(name: str) -> str | None:
        value = (env.get(name) or "").strip()
        return value or None

    app_id, password, tenant_id = get("MICROSOFT_APP_ID"), get("MICROSOFT_APP_PASSWORD"), get("MICROSOFT_APP_TENANT_ID")
    app_type = get("MICROSOFT_APP_TYPE") or "MultiTenant"
    by_lower = {t.lower(): t for t in APP_TYPES}
    if app_type.lower() not in by_lower:
        raise ConfigError("MICROSOFT_APP_TYPE", f"must be one of {', '.join(APP_TYPES)}, got {app_type!r}")
    app_type = by_lower[app_type.lower()]
    if (password or tenant_id or get("MICROSOFT_APP_TYPE")) and not app_id:
        raise ConfigError("MICROSOFT_APP_ID", "is required when the other MICROSOFT_APP_* variables are set")
    if app_id and app_type != "UserAssignedMSI" and not password:
        raise ConfigError("MICROSOFT_APP_PASSWORD", f"is required for a {app_type} bot")
    if app_id and app_type != "MultiTenant" and not tenant_id:
        raise ConfigError("MICROSOFT_APP_TENANT_ID", f"is required for a {app_type} bot")
    return TeamsSettings(
        app_id=app_id, password=password, tenant_id=tenant_id, app_type=app_type, production=production
    )
