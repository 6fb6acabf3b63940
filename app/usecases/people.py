"""Small things Cercle shows one person, recorded by the web and shown by a worker."""

from __future__ import annotations

from app.domain.asking import Hint
from app.domain.home import HomeView
from app.domain.models import Place, Platform, org_key
from app.usecases.context import Context
from app.usecases.jobs import PublishHome, ShowHint
from app.usecases.ledger import reciprocity
from app.usecases.networks import network_states


async def point_to_ask(*, place: Place, user_id: str, event_id: str, ctx: Context) -> None:
    """Someone mentioned the bot instead of asking: show them, privately, how to ask."""
    await ctx.jobs.enqueue(ShowHint(place=place, user_id=user_id, hint=str(Hint.MENTION), event_id=event_id))


async def open_home(*, platform: Platform, tenant: str, user_id: str, event_id: str, ctx: Context) -> None:
    await ctx.jobs.enqueue(PublishHome(platform=str(platform), tenant=tenant, user_id=user_id, event_id=event_id))


async def home_view(*, platform: Platform, tenant: str, ctx: Context) -> HomeView:
    """The organisation's page, read from Redis when someone opens it."""
    key = org_key(platform=platform, tenant=tenant)
    org = await ctx.partners.organisation(org_key=key)
    return HomeView(
        organisation=org.name if org else tenant,
        partners=tuple(await reciprocity(org_key=key, ctx=ctx)),
        networks=tuple(await network_states(ctx=ctx)),
    )
