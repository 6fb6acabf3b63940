"""Partnerships: mutual, opt-in links between organisations, managed by their admins."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.models import Organisation, Platform
from app.domain.ports import BotNotInChannel, ChatDirectory, ChatPlatform, PartnerRepository, PlatformError

INVITATION_HOURS = 24
NOT_ADMIN = "Only workspace admins and owners (or the people in CERCLE_ADMINS) can manage partners and the inbox."


@dataclass(frozen=True, slots=True)
class Caller:
    """Who typed the command, where."""

    platform: Platform
    tenant: str
    user_id: str
    channel: str

    @property
    def org_key(self) -> str:
        return f"{self.platform}:{self.tenant}"


async def is_allowed(*, chat: ChatPlatform, caller: Caller, admins: frozenset[str]) -> bool:
    return caller.user_id in admins or await chat.is_admin(user_id=caller.user_id)


async def organisation_of(*, partners: PartnerRepository, chat: ChatPlatform, caller: Caller) -> Organisation:
    """The caller's organisation, named from the platform the first time it is seen."""
    org = await partners.organisation(org_key=caller.org_key)
    if org is None:
        org = Organisation(caller.platform, caller.tenant, await chat.organisation_name())
        await partners.save_organisation(org=org)
    return org


async def invite(
    *, partners: PartnerRepository, chat: ChatPlatform, caller: Caller, admins: frozenset[str], now: float
) -> str:
    if not await is_allowed(chat=chat, caller=caller, admins=admins):
        return NOT_ADMIN
    org = await organisation_of(partners=partners, chat=chat, caller=caller)
    code = await partners.create_invitation(org=org, by=caller.user_id, now=now)
    return (
        f"Your invitation code is `{code}` (single use, valid {INVITATION_HOURS} hours). Give it to an admin of the "
        f"other organisation: they type `/ask partners accept {code}` in their workspace."
    )


async def accept(
    *,
    partners: PartnerRepository,
    directory: ChatDirectory,
    chat: ChatPlatform,
    caller: Caller,
    code: str,
    admins: frozenset[str],
    now: float,
) -> str:
    if not await is_allowed(chat=chat, caller=caller, admins=admins):
        return NOT_ADMIN
    invitation = await partners.peek_invitation(code=code)
    if invitation is None:
        return f"The code `{code}` is unknown, expired (codes last {INVITATION_HOURS} hours) or already used."
    if invitation["from"] == caller.org_key:
        return "This code was made in your own workspace: give it to the other organisation's admin instead."
    org = await organisation_of(partners=partners, chat=chat, caller=caller)
    if await partners.are_partners(a=org.key, b=invitation["from"]):
        return f"You are already partners with {invitation['name']}."
    if await partners.consume_invitation(code=code) is None:  # someone used it a moment ago
        return f"The code `{code}` has just been used."
    await partners.link(a=org.key, b=invitation["from"], by=caller.user_id, now=now)
    inviter = await partners.organisation(org_key=invitation["from"])
    inviter_name = inviter.name if inviter else invitation["name"]
    await _announce(chat=chat, org=org, text=f"🤝 {org.name} and {inviter_name} are now partners on Cercle.")
    if inviter is not None:
        inviter_chat = await directory.chat_for(tenant=inviter.tenant)
        if inviter_chat is not None:
            await _announce(
                chat=inviter_chat,
                org=inviter,
                text=f"🤝 {inviter.name} and {org.name} are now partners on Cercle.",
            )
    tail = "" if org.inbox else " Choose the channel that receives their questions with `/ask inbox`."
    return f"You are now partners with {inviter_name}. Their questions will reach your inbox.{tail}"


async def _announce(*, chat: ChatPlatform, org: Organisation, text: str) -> None:
    if org.inbox_place is None:
        return
    try:
        await chat.post_notice(place=org.inbox_place, text=text)
    except PlatformError:
        pass  # an announcement is a courtesy: the partnership stands without it


async def remove(
    *,
    partners: PartnerRepository,
    directory: ChatDirectory,
    chat: ChatPlatform,
    caller: Caller,
    name: str,
    admins: frozenset[str],
) -> str:
    if not await is_allowed(chat=chat, caller=caller, admins=admins):
        return NOT_ADMIN
    org = await organisation_of(partners=partners, chat=chat, caller=caller)
    wanted = name.strip().lower()
    for key in await partners.partner_keys(org_key=org.key):
        partner = await partners.organisation(org_key=key)
        if partner is None or wanted not in (partner.name.lower(), partner.tenant.lower(), key.lower()):
            continue
        await partners.unlink(a=org.key, b=key)
        await _announce(chat=chat, org=org, text=f"{org.name} and {partner.name} are no longer partners.")
        partner_chat = await directory.chat_for(tenant=partner.tenant)
        if partner_chat is not None:
            await _announce(
                chat=partner_chat, org=partner, text=f"{partner.name} and {org.name} are no longer partners."
            )
        return (
            f"{partner.name} is no longer a partner; neither side receives the other's questions,"
            " or replies to earlier ones, any more."
        )
    return f"No partner is called “{name}”. `/ask partners` lists them."


async def list_partners(
    *, partners: PartnerRepository, directory: ChatDirectory, chat: ChatPlatform, caller: Caller
) -> str:
    org = await organisation_of(partners=partners, chat=chat, caller=caller)
    inbox = f"<#{org.inbox}>" if org.inbox else "not set (`/ask inbox` in the channel that should receive them)"
    lines = [f"*Partners of {org.name}* · your inbox: {inbox}"]
    keys = await partners.partner_keys(org_key=org.key)
    for key in keys:
        partner = await partners.organisation(org_key=key)
        if partner is None:
            continue
        installed = await directory.chat_for(tenant=partner.tenant) is not None
        if not installed:
            state = "Cercle was removed from their workspace: your questions are not sent there"
        elif not partner.inbox:
            state = "no inbox yet: your questions wait until they choose one"
        else:
            state = "active"
        lines.append(f"• {partner.name}: {state}")
    if not keys:
        lines.append("No partner yet. `/ask partners invite` makes a code for another organisation.")
    return "\n".join(lines)


async def set_inbox(*, partners: PartnerRepository, chat: ChatPlatform, caller: Caller, admins: frozenset[str]) -> str:
    if not await is_allowed(chat=chat, caller=caller, admins=admins):
        return NOT_ADMIN
    try:
        await chat.join(channel=caller.channel)
    except BotNotInChannel:
        return (
            "I cannot join this private channel by myself: "
            "invite me with `/invite @Cercle`, then run `/ask inbox` again."
        )
    org = await organisation_of(partners=partners, chat=chat, caller=caller)
    await partners.set_inbox(org=org, channel=caller.channel)
    return "This channel is now your inbox: your partners' questions will be posted here, one thread each."
