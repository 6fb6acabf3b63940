"""Small things Cercle shows one person, recorded by the web and shown by a worker."""

from __future__ import annotations

from app.domain.asking import Hint
from app.domain.home import OPEN_TOPICS_SHOWN, OWN_QUESTIONS_SHOWN, HomeView, OwnQuestion
from app.domain.models import AnswerStatus, Place, Platform, org_key
from app.usecases.context import Context
from app.usecases.jobs import PublishHome, ShowHint
from app.usecases.ledger import reciprocity
from app.usecases.networks import network_states
from app.usecases.partners import partner_states

RECENT_TOPICS_READ = 60  # the open ones among the organisation's newest topics
_REACHED = (AnswerStatus.INJECTED, AnswerStatus.DIGESTED)


async def point_to_ask(*, place: Place, user_id: str, event_id: str, ctx: Context) -> None:
    """Someone mentioned the bot instead of asking: show them, privately, how to ask."""
    await ctx.jobs.enqueue(ShowHint(place=place, user_id=user_id, hint=str(Hint.MENTION), event_id=event_id))


async def open_home(*, platform: Platform, tenant: str, user_id: str, event_id: str, ctx: Context) -> None:
    await ctx.jobs.enqueue(PublishHome(platform=str(platform), tenant=tenant, user_id=user_id, event_id=event_id))


async def home_view(*, platform: Platform, tenant: str, user_id: str = "", ctx: Context) -> HomeView:
    """The organisation's page, read from Redis when someone opens it: ``user_id``'s own questions too."""
    key = org_key(platform=platform, tenant=tenant)
    org = await ctx.partners.organisation(org_key=key)
    recent = await ctx.topics.recent_topics(org_key=key, limit=RECENT_TOPICS_READ)
    own: list[OwnQuestion] = []
    if user_id:
        for topic in await ctx.topics.asked_by(org_key=key, user_id=user_id, limit=OWN_QUESTIONS_SHOWN):
            answers = await ctx.relay.answers(topic_id=topic.id)
            own.append(OwnQuestion(topic, sum(1 for answer in answers if answer.status in _REACHED)))
    return HomeView(
        organisation=org.name if org else tenant,
        partners=tuple(await reciprocity(org_key=key, ctx=ctx)),
        networks=tuple(await network_states(ctx=ctx)),
        open_topics=tuple(t for t in recent if t.is_open)[:OPEN_TOPICS_SHOWN],
        own_questions=tuple(own),
        partner_states=await partner_states(org_key=key, ctx=ctx),
    )
