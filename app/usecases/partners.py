"""Partnerships: mutual, opt-in links between organisations, managed by their admins.

The answers are typed (``PartnerReply``): each platform says them in its own words and names its
own commands (integrations/<platform>/render.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.domain.commands import CommandKind
from app.domain.errors import BotNotInChannel, PlatformError
from app.domain.home import PartnerState
from app.domain.models import Organisation, Platform, org_key
from app.domain.ports import ChatPlatform
from app.usecases.context import Context

INVITATION_HOURS = 24
# Codes are 8 characters of 32: guessing one takes millions of tries, and an organisation gets a few
# a minute. A person who mistyped theirs is told to wait a minute, not refused for good.
WRONG_CODES_PER_MINUTE = 5


@dataclass(frozen=True, slots=True)
class Caller:
    """Who typed the command, where."""

    platform: Platform
    tenant: str
    user_id: str
    channel: str

    @property
    def org_key(self) -> str:
        return org_key(platform=self.platform, tenant=self.tenant)


class Said(StrEnum):
    """What a partner command answers; ``PartnerReply.values`` fills the words in."""

    NOT_ADMIN = "not_admin"
    INVITATION = "invitation"  # code, hours
    UNKNOWN_CODE = "unknown_code"  # code, hours
    OWN_CODE = "own_code"
    ALREADY_PARTNERS = "already_partners"  # name
    CODE_JUST_USED = "code_just_used"  # code
    TOO_MANY_CODES = "too_many_codes"  # tries: wrong codes tried this minute
    NOW_PARTNERS = "now_partners"  # name, has_inbox
    REMOVED = "removed"  # name
    NO_SUCH_PARTNER = "no_such_partner"  # name
    LISTING = "listing"  # name, inbox; PartnerReply.partners
    CANNOT_JOIN = "cannot_join"
    INBOX_SET = "inbox_set"
    LANGUAGE_SHOWN = "language_shown"  # name, language
    LANGUAGE_SET = "language_set"  # name, language
    LANGUAGE_UNKNOWN = "language_unknown"  # name, language: the one in use


@dataclass(frozen=True, slots=True)
class PartnerReply:
    said: Said
    values: dict[str, str] = field(default_factory=dict)
    partners: tuple[tuple[str, PartnerState], ...] = ()  # LISTING: each partner's name and state


async def is_allowed(*, chat: ChatPlatform, caller: Caller, admins: frozenset[str]) -> bool:
    return caller.user_id in admins or await chat.is_admin(user_id=caller.user_id)


async def organisation_of(*, chat: ChatPlatform, caller: Caller, ctx: Context) -> Organisation:
    """The caller's organisation, named from the platform the first time it is seen."""
    org = await ctx.partners.organisation(org_key=caller.org_key)
    if org is None:
        org = Organisation(caller.platform, caller.tenant, await chat.organisation_name())
        await ctx.partners.save_organisation(org=org)
    return org


async def invite(*, chat: ChatPlatform, caller: Caller, ctx: Context) -> PartnerReply:
    if not await is_allowed(chat=chat, caller=caller, admins=ctx.admins):
        return PartnerReply(Said.NOT_ADMIN)
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    code = await ctx.partners.create_invitation(org=org, by=caller.user_id, now=ctx.clock())
    return PartnerReply(Said.INVITATION, {"code": code, "hours": str(INVITATION_HOURS)})


async def accept(*, chat: ChatPlatform, caller: Caller, code: str, ctx: Context) -> PartnerReply:
    if not await is_allowed(chat=chat, caller=caller, admins=ctx.admins):
        return PartnerReply(Said.NOT_ADMIN)
    if await ctx.partners.wrong_codes(org_key=caller.org_key) >= WRONG_CODES_PER_MINUTE:
        return PartnerReply(Said.TOO_MANY_CODES, {"tries": str(WRONG_CODES_PER_MINUTE)})
    invitation = await ctx.partners.peek_invitation(code=code)
    if invitation is None:
        wrong = await ctx.partners.note_wrong_code(org_key=caller.org_key, window_s=60)
        return PartnerReply(Said.UNKNOWN_CODE, {"code": code, "hours": str(INVITATION_HOURS), "wrong": str(wrong)})
    if invitation["from"] == caller.org_key:
        return PartnerReply(Said.OWN_CODE)
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    if await ctx.partners.are_partners(a=org.key, b=invitation["from"]):
        return PartnerReply(Said.ALREADY_PARTNERS, {"name": str(invitation["name"])})
    if await ctx.partners.consume_invitation(code=code) is None:  # someone used it a moment ago
        return PartnerReply(Said.CODE_JUST_USED, {"code": code})
    await ctx.partners.link(a=org.key, b=invitation["from"], by=caller.user_id, now=ctx.clock())
    inviter = await ctx.partners.organisation(org_key=invitation["from"])
    inviter_name = inviter.name if inviter else str(invitation["name"])
    await _announce(chat=chat, org=org, partner_name=inviter_name, linked=True)
    if inviter is not None:
        inviter_chat = await ctx.directory.chat_for(platform=inviter.platform, tenant=inviter.tenant)
        if inviter_chat is not None:
            await _announce(chat=inviter_chat, org=inviter, partner_name=org.name, linked=True)
    return PartnerReply(Said.NOW_PARTNERS, {"name": inviter_name, "has_inbox": "yes" if org.inbox else ""})


async def _announce(*, chat: ChatPlatform, org: Organisation, partner_name: str, linked: bool) -> None:
    if org.inbox_place is None:
        return
    try:
        await chat.announce_partnership(
            place=org.inbox_place, org_name=org.name, partner_name=partner_name, linked=linked
        )
    except PlatformError:
        pass  # an announcement is a courtesy: the partnership stands without it


async def remove(*, chat: ChatPlatform, caller: Caller, name: str, ctx: Context) -> PartnerReply:
    if not await is_allowed(chat=chat, caller=caller, admins=ctx.admins):
        return PartnerReply(Said.NOT_ADMIN)
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    wanted = name.strip().lower()
    for key in await ctx.partners.partner_keys(org_key=org.key):
        partner = await ctx.partners.organisation(org_key=key)
        if partner is None or wanted not in (partner.name.lower(), partner.tenant.lower(), key.lower()):
            continue
        await ctx.partners.unlink(a=org.key, b=key)
        await _announce(chat=chat, org=org, partner_name=partner.name, linked=False)
        partner_chat = await ctx.directory.chat_for(platform=partner.platform, tenant=partner.tenant)
        if partner_chat is not None:
            await _announce(chat=partner_chat, org=partner, partner_name=org.name, linked=False)
        return PartnerReply(Said.REMOVED, {"name": partner.name})
    return PartnerReply(Said.NO_SUCH_PARTNER, {"name": name})


async def list_partners(*, chat: ChatPlatform, caller: Caller, ctx: Context) -> PartnerReply:
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    listed = await partner_states(org_key=org.key, ctx=ctx)
    return PartnerReply(Said.LISTING, {"name": org.name, "inbox": org.inbox or ""}, partners=listed)


async def partner_states(*, org_key: str, ctx: Context) -> tuple[tuple[str, PartnerState], ...]:
    """Each partner's name and whether its questions can reach it."""
    listed: list[tuple[str, PartnerState]] = []
    for key in await ctx.partners.partner_keys(org_key=org_key):
        partner = await ctx.partners.organisation(org_key=key)
        if partner is None:
            continue
        if await ctx.directory.chat_for(platform=partner.platform, tenant=partner.tenant) is None:
            listed.append((partner.name, PartnerState.REMOVED))
        else:
            listed.append((partner.name, PartnerState.ACTIVE if partner.inbox else PartnerState.NO_INBOX))
    return tuple(listed)


async def set_inbox(*, chat: ChatPlatform, caller: Caller, ctx: Context) -> PartnerReply:
    if not await is_allowed(chat=chat, caller=caller, admins=ctx.admins):
        return PartnerReply(Said.NOT_ADMIN)
    try:
        await chat.join(channel=caller.channel)
    except BotNotInChannel:
        return PartnerReply(Said.CANNOT_JOIN)
    org = await organisation_of(chat=chat, caller=caller, ctx=ctx)
    await ctx.partners.set_inbox(org=org, channel=caller.channel)
    return PartnerReply(Said.INBOX_SET)


async def run_command(*, kind: CommandKind, chat: ChatPlatform, caller: Caller, arg: str, ctx: Context) -> PartnerReply:
    """The partner commands (``partners``, ``inbox``, ``partners invite|accept|remove``), the same on
    every platform."""
    if kind is CommandKind.PARTNERS:
        return await list_partners(chat=chat, caller=caller, ctx=ctx)
    if kind is CommandKind.INBOX:
        return await set_inbox(chat=chat, caller=caller, ctx=ctx)
    if kind is CommandKind.PARTNERS_INVITE:
        return await invite(chat=chat, caller=caller, ctx=ctx)
    if kind is CommandKind.PARTNERS_ACCEPT:
        return await accept(chat=chat, caller=caller, code=arg, ctx=ctx)
    return await remove(chat=chat, caller=caller, name=arg, ctx=ctx)


async def organisation_installed(*, platform: Platform, tenant: str, name: str, ctx: Context) -> Organisation:
    """Cercle was added to the organisation: it is known by its name from now on (its inbox and
    partnerships, if it had them before, stay as they were)."""
    known = await ctx.partners.organisation(org_key=org_key(platform=platform, tenant=tenant))
    org = replace(known, name=name or known.name) if known else Organisation(platform, tenant, name or tenant)
    await ctx.partners.save_organisation(org=org)
    return org


async def organisation_removed(*, platform: Platform, tenant: str, ctx: Context) -> bool:
    """Cercle was removed from the organisation: its inbox is forgotten, so that a later install
    chooses its channel again; partnerships stay, and partners see "Cercle was removed from their
    workspace" until it is back. False when the organisation was not known."""
    known = await ctx.partners.organisation(org_key=org_key(platform=platform, tenant=tenant))
    if known is None:
        return False
    await ctx.partners.save_organisation(org=replace(known, inbox=None))
    return True
