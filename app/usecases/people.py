"""Small things Cercle shows one person, recorded by the web and shown by a worker."""

from __future__ import annotations

from app.domain.asking import Hint
from app.domain.models import Place, Platform
from app.usecases.context import Context
from app.usecases.jobs import PublishHome, ShowHint


async def point_to_ask(*, place: Place, user_id: str, event_id: str, ctx: Context) -> None:
    """Someone mentioned the bot instead of asking: show them, privately, how to ask."""
    await ctx.jobs.enqueue(ShowHint(place=place, user_id=user_id, hint=str(Hint.MENTION), event_id=event_id))


async def open_home(*, platform: Platform, tenant: str, user_id: str, event_id: str, ctx: Context) -> None:
    await ctx.jobs.enqueue(PublishHome(platform=str(platform), tenant=tenant, user_id=user_id, event_id=event_id))
