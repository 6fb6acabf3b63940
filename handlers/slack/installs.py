"""Cercle added to a workspace (the OAuth install) or removed from it (app_uninstalled,
tokens_revoked): Bolt keeps or deletes the tokens, and one use case each records the organisation's
arrival or departure."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from app.domain.models import Platform
from app.runtime.logs import get_logger
from app.usecases.context import Context
from app.usecases.partners import organisation_installed, organisation_removed

log = get_logger("handlers.slack.installs")


def callback_options(*, ctx: Context) -> AsyncCallbackOptions:
    """The OAuth flow's pages as Bolt renders them, once the organisation is recorded."""

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.team_id:
            await organisation_installed(
                platform=Platform.SLACK, tenant=installation.team_id, name=installation.team_name or "", ctx=ctx
            )
            log.info("organisation.installed", platform="slack", tenant=installation.team_id)
        return await args.default.success(args)

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        return await args.default.failure(args)

    return AsyncCallbackOptions(success=success, failure=failure)


def register(*, app: AsyncApp, installation_store: AsyncInstallationStore, ctx: Context) -> None:
    """In place of Bolt's own revocation listeners (one listener runs per event): the same deletions,
    then the organisation's departure."""
    revocation = AsyncTokenRevocationListeners(installation_store)

    async def removed(context: AsyncBoltContext) -> None:
        tenant = context.team_id or ""
        if tenant and await organisation_removed(platform=Platform.SLACK, tenant=tenant, ctx=ctx):
            log.info("organisation.removed", platform="slack", tenant=tenant)

    @app.event("app_uninstalled")
    async def uninstalled(context: AsyncBoltContext) -> None:
        await revocation.handle_app_uninstalled_events(context)
        await removed(context)

    @app.event("tokens_revoked")
    async def revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await revocation.handle_tokens_revoked_events(event, context)
        if (event.get("tokens") or {}).get("bot"):  # the bot's token: Cercle can no longer act there
            await removed(context)
