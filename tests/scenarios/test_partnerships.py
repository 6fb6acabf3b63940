"""Scenario: admins of two workspaces make, list and end a partnership; everyone else is refused."""

from __future__ import annotations

import re

from app.store import keys
from app.store.connection import connect
from app.store.partners import normalise_code
from tests.conftest import ON_BOTH
from tests.flows import command, install, organisation, partner_up
from tests.waiting import eventually

pytestmark = ON_BOTH

ALPHA, BETA, GAMMA = "TALPHA0001", "TBETA00001", "TGAMMA0001"


def texts(slack, team_id: str, channel: str) -> list[str]:
    return [m["text"] for m in slack.channel_messages(team_id, channel)]


async def test_invite_accept_announce_list_and_remove(start_cercle, slack):
    alpha, beta = organisation(slack, ALPHA, "Alpha Corp"), organisation(slack, BETA, "Beta Org")
    cercle = await start_cercle(oauth=True)
    await partner_up(cercle, slack, alpha, beta)

    assert "C0INBOX001" in {c.params["channel"] for c in slack.calls_to("conversations.join")}  # the bot joined
    for team, other in ((ALPHA, "Beta Org"), (BETA, "Alpha Corp")):
        announced = texts(slack, team, "C0INBOX001")
        assert any("are now partners" in t and other in t for t in announced), announced

    asked = await command(
        cercle, slack, "Who audits SaaS vendors?", team_id=ALPHA, channel="C0MEET0001", user="U0MEMBER"
    )
    assert "It is on its way to 1 partner;" in asked
    listing = await command(cercle, slack, "partners", team_id=ALPHA, channel="C0MEET0001", user="U0MEMBER")
    assert "Beta Org: active" in listing
    listing = await command(cercle, slack, "partners", team_id=BETA, channel="C0MEET0001", user="U0MEMBER")
    assert "Alpha Corp: active" in listing

    removed = await command(
        cercle, slack, "partners remove beta org", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN"
    )
    assert "no longer a partner" in removed
    for team in (ALPHA, BETA):
        listing = await command(cercle, slack, "partners", team_id=team, channel="C0MEET0001", user="U0MEMBER")
        assert "No partner yet" in listing
        assert any("no longer partners" in t for t in texts(slack, team, "C0INBOX001"))
    asked = await command(cercle, slack, "Who audits banks?", team_id=ALPHA, channel="C0MEET0001", user="U0MEMBER")
    assert "No partner organisation receives it yet" in asked and "`/ask partners invite`" in asked


async def test_only_admins_manage_partners(start_cercle, slack, redis_target):
    alpha = organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True)
    assert (await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")).status == 200
    for text in ("partners invite", "partners accept ABCD-EFGH", "partners remove beta", "inbox"):
        reply = await command(cercle, slack, text, team_id=ALPHA, channel="C0INBOX001", user="U0MEMBER")
        assert "Only workspace admins and owners" in reply, text
    redis = connect(target=redis_target)
    assert [k async for k in redis.scan_iter(match="cercle:invite:*")] == []
    assert await redis.hget(keys.organisation(f"slack:{ALPHA}"), "inbox") in (None, "")
    await redis.aclose()
    assert alpha.channels["C0INBOX001"].members == set()  # the bot did not join for a refused member


async def test_cercle_admins_may_manage_without_being_workspace_admins(start_cercle, slack):
    organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True, CERCLE_ADMINS="U0MEMBER")
    assert (await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")).status == 200
    reply = await command(cercle, slack, "partners invite", team_id=ALPHA, channel="C0MEET0001", user="U0MEMBER")
    assert re.search(r"`[A-Z0-9]{4}-[A-Z0-9]{4}`", reply)


async def test_bad_codes_are_refused_and_change_nothing(start_cercle, slack, redis_target):
    organisation(slack, ALPHA, "Alpha Corp")
    organisation(slack, BETA, "Beta Org")
    organisation(slack, GAMMA, "Gamma Inc")
    cercle = await start_cercle(oauth=True)
    for team in (ALPHA, BETA, GAMMA):
        assert (await install(cercle, slack, team_id=team, user_id="U0ADMIN")).status == 200

    async def accept(team: str, code: str) -> str:
        return await command(
            cercle, slack, f"partners accept {code}", team_id=team, channel="C0MEET0001", user="U0ADMIN"
        )

    assert "unknown, expired" in await accept(BETA, "ZZZZ-ZZZZ")
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    assert "your own workspace" in await accept(ALPHA, code)
    assert "now partners" in await accept(BETA, code.lower().replace("-", ""))  # typed loosely, still works
    assert "unknown, expired" in await accept(GAMMA, code)  # single use

    redis = connect(target=redis_target)
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN")
    expiring = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    assert 0 < await redis.ttl(keys.invitation(normalise_code(expiring))) <= 24 * 3600
    await redis.pexpire(keys.invitation(normalise_code(expiring)), 1)  # 24 hours later

    async def expired() -> bool:
        return await redis.exists(keys.invitation(normalise_code(expiring))) == 0

    await eventually(expired, timeout=2)
    assert "unknown, expired" in await accept(GAMMA, expiring)
    assert await redis.hkeys(keys.partners(f"slack:{GAMMA}")) == []
    assert await redis.hkeys(keys.partners(f"slack:{ALPHA}")) == [f"slack:{BETA}"]
    await redis.aclose()


async def test_guessing_codes_is_slowed_down_and_logged(start_cercle, slack, redis_target, capsys):
    organisation(slack, ALPHA, "Alpha Corp")
    organisation(slack, BETA, "Beta Org")
    cercle = await start_cercle(oauth=True)
    for team in (ALPHA, BETA):
        assert (await install(cercle, slack, team_id=team, user_id="U0ADMIN")).status == 200
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)

    async def accept(code: str) -> str:
        return await command(
            cercle, slack, f"partners accept {code}", team_id=BETA, channel="C0MEET0001", user="U0ADMIN"
        )

    for n in range(5):
        assert "unknown, expired" in await accept(f"ZZZZ-ZZZ{n}")
    refused = await accept(code)  # even the right one, for a minute
    assert "5 wrong codes in a minute: wait a minute" in refused
    out = capsys.readouterr().out
    assert out.count("partners.code_refused") == 6 and f"tenant={BETA}" in out  # who was guessing

    redis = connect(target=redis_target)
    assert 0 < await redis.ttl(keys.wrong_codes(f"slack:{BETA}")) <= 60
    await redis.delete(keys.wrong_codes(f"slack:{BETA}"))  # a minute later
    await redis.aclose()
    assert "now partners" in await accept(code)


async def test_inbox_in_a_private_channel_explains_how_to_invite(start_cercle, slack):
    alpha = organisation(slack, ALPHA, "Alpha Corp")
    alpha.add_channel("G0PRIVATE1", "private-inbox", private=True, bot_member=False)
    cercle = await start_cercle(oauth=True)
    assert (await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")).status == 200
    reply = await command(cercle, slack, "inbox", team_id=ALPHA, channel="G0PRIVATE1", user="U0ADMIN")
    assert "/invite @Cercle" in reply


async def test_partnerships_need_the_oauth_install(start_cercle, slack, workspace):
    cercle = await start_cercle()
    reply = await command(cercle, slack, "partners invite", team_id="TALPHA0001", channel="C0MEET0001", user="U0ADMIN")
    assert "one workspace only" in reply
