"""Which language each message is in: a person reads what they are told alone in their own
language, when their platform says it (Slack's user locale, the Teams activity's locale); a channel
reads the organisation's, set by an admin (`language fr|en`), else CERCLE_DEFAULT_LANGUAGE. A mirror
is in the partner's language: it is posted in the partner's channel."""

from __future__ import annotations

from app.domain.language import chosen_or_default, language_named, language_of
from app.domain.models import Platform, org_key
from app.domain.ports import ChatPlatform
from app.usecases.context import Context
from app.usecases.partners import Caller, PartnerReply, Said, is_allowed, organisation_of

PERSON_LANGUAGE_KEPT_S = 24 * 3600.0  # a person's locale is asked again once a day
TOLD_LANGUAGE_KEPT_S = 30 * 24 * 3600.0  # what an activity said is kept a month


async def organisation_language(*, platform: Platform, tenant: str, ctx: Context) -> str:
    key = org_key(platform=platform, tenant=tenant)
    chosen = await ctx.languages.organisation(org_key=key) if ctx.languages is not None else None
    return chosen_or_default(chosen, ctx.default_language)


async def reader_language(*, chat: ChatPlatform, user_id: str, ctx: Context) -> str:
    """The person's own language if their platform says one Cercle speaks, else their organisation's."""
    if ctx.languages is None or not user_id:
        return chat.language
    key = org_key(platform=chat.platform, tenant=chat.tenant)
    known = await ctx.languages.person(org_key=key, user_id=user_id)
    if known is None:
        locale = await chat.user_locale(user_id=user_id)
        if locale is None:  # the platform could not say (slow, down, or never does): ask again next time
            return chat.language
        known = language_of(locale) or ""
        await ctx.languages.remember_person(
            org_key=key, user_id=user_id, language=known, seconds=PERSON_LANGUAGE_KEPT_S
        )
    return known or chat.language


async def remember_locale(*, platform: Platform, tenant: str, user_id: str, locale: str | None, ctx: Context) -> str:
    """A platform told the person's locale with their message (Teams): kept for what Cercle tells
    them later; the language they read now is returned."""
    told = language_of(locale)
    if told is not None and ctx.languages is not None and user_id:
        key = org_key(platform=platform, tenant=tenant)
        await ctx.languages.remember_person(org_key=key, user_id=user_id, language=told, seconds=TOLD_LANGUAGE_KEPT_S)
    return told or await organisation_language(platform=platform, tenant=tenant, ctx=ctx)


async def language_command(*, chat: ChatPlatform, caller: Caller, arg: str, ctx: Context) -> PartnerReply:
    """`language` shows the organisation's language; `language fr|en` (admins) sets it."""
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    current = await organisation_language(platform=caller.platform, tenant=caller.tenant, ctx=ctx)
    if not arg.strip():
        return PartnerReply(Said.LANGUAGE_SHOWN, {"name": org.name, "language": current})
    wanted = language_named(arg)
    if wanted is None:
        return PartnerReply(Said.LANGUAGE_UNKNOWN, {"name": org.name, "language": current})
    if not await is_allowed(chat=chat, caller=caller, admins=ctx.admins):
        return PartnerReply(Said.NOT_ADMIN)
    if ctx.languages is not None:
        await ctx.languages.set_organisation(org_key=caller.org_key, language=wanted)
    return PartnerReply(Said.LANGUAGE_SET, {"name": org.name, "language": wanted})
