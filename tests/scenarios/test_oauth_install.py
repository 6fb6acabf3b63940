"""Scenario: two workspaces install Cercle through OAuth; tokens are encrypted and rotated."""

from __future__ import annotations

import html
import re

import redis.asyncio as aioredis

from tests.flows import command, install, organisation, partner_up
from tests.waiting import eventually


async def test_two_workspaces_install_and_each_gets_its_own_topics(start_cercle, slack, redis_url):
    alpha = slack.add_workspace("TALPHA0001", "Alpha Corp", installed=False)
    beta = slack.add_workspace("TBETA00001", "Beta Org", installed=False)
    for ws in (alpha, beta):
        ws.add_channel("C0MEET0001", "meeting")
        ws.add_user("U0ADMIN", "grace", admin=True)
    cercle = await start_cercle(oauth=True)

    for ws in (alpha, beta):
        done = await install(cercle, slack, team_id=ws.team_id, user_id="U0ADMIN")
        assert done.status == 200, await done.text()
        assert "Thank you!" in await done.text()
    assert len(slack.calls_to("oauth.v2.access")) == 2

    await cercle.ask("Alpha question?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await cercle.ask("Beta question?", team_id="TBETA00001", channel_id="C0MEET0001")
    await eventually(lambda: len(slack.responses) == 2)
    posts = {c.params["text"]: c.token for c in slack.calls_to("chat.postMessage")}
    assert posts["Stuck on a topic: Alpha question?"] == alpha.bot_token
    assert posts["Stuck on a topic: Beta question?"] == beta.bot_token

    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    stored = {
        k: await redis.get(k) async for k in redis.scan_iter(match="cercle:slack:*") if await redis.type(k) == "string"
    }
    await redis.aclose()
    assert stored, "installations are kept in Redis"
    for value in stored.values():
        assert alpha.bot_token not in value and beta.bot_token not in value and "xoxb-" not in value


async def test_forged_or_reused_state_is_refused(start_cercle, slack):
    ws = slack.add_workspace("TALPHA0001", "Alpha Corp", installed=False)
    ws.add_user("U0ADMIN", "grace", admin=True)
    cercle = await start_cercle(oauth=True)
    page = await cercle.session.get(f"{cercle.url}/slack/install")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    authorize = html.unescape(re.search(r'<a href="([^"]+)"><img alt="Add to Slack"', await page.text()).group(1))
    slack.authorize_as("TALPHA0001", "U0ADMIN")
    callback = (await cercle.session.get(authorize, allow_redirects=False)).headers["Location"]
    forged = re.sub(r"state=[^&]+", "state=forged.0000", callback)
    assert (await cercle.session.get(forged, headers={"Cookie": cookie})).status == 400  # not this browser's
    forged_cookie = {"Cookie": "slack-app-oauth-state=forged.0000"}
    assert (await cercle.session.get(forged, headers=forged_cookie)).status == 401  # not a state we issued
    assert (await cercle.session.get(callback, headers={"Cookie": cookie})).status == 200
    again = await cercle.session.get(callback, headers={"Cookie": cookie})  # the state works once
    assert again.status == 401
    assert len(slack.calls_to("oauth.v2.access")) == 1


async def test_expiring_token_is_rotated_through_slack_api_url(start_cercle, slack):
    ws = slack.add_workspace("TALPHA0001", "Alpha Corp", installed=False)
    ws.add_channel("C0MEET0001", "meeting")
    ws.add_user("U0ADMIN", "grace", admin=True)
    slack.rotate_tokens = True
    slack.token_lifetime_s = 60  # inside Bolt's 120-minute refresh margin: refreshed on next use
    cercle = await start_cercle(oauth=True)
    assert (await install(cercle, slack, team_id="TALPHA0001", user_id="U0ADMIN")).status == 200
    first_token = ws.bot_token

    await cercle.ask("Rotated?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    refresh = [c for c in slack.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]
    assert len(refresh) >= 1  # every use inside the margin refreshes (the app's own message event too)
    assert ws.bot_token != first_token
    post = slack.calls_to("chat.postMessage")[0]
    assert post.token != first_token and post.token.startswith("xoxe.xoxb-")
    assert not [c for c in slack.calls if c.response.get("error") in ("invalid_auth", "token_expired")]


async def test_uninstall_forgets_the_workspace(start_cercle, slack, redis_url):
    ws = slack.add_workspace("TALPHA0001", "Alpha Corp", installed=False)
    ws.add_channel("C0MEET0001", "meeting")
    ws.add_user("U0ADMIN", "grace", admin=True)
    cercle = await start_cercle(oauth=True)
    assert (await install(cercle, slack, team_id="TALPHA0001", user_id="U0ADMIN")).status == 200
    response = await cercle.event({"type": "app_uninstalled", "event_ts": "1700000000.000100"}, team_id="TALPHA0001")
    assert response.status == 200

    async def forgotten() -> bool:
        redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
        try:
            return [k async for k in redis.scan_iter(match="cercle:slack:*TALPHA0001*")] == []
        finally:
            await redis.aclose()

    await eventually(forgotten)


async def test_an_install_names_the_organisation_and_an_uninstall_forgets_its_inbox(start_cercle, slack):
    """Cercle added and removed are events of their own: the organisation is known by its name from the
    install, and once Cercle is removed its partners' questions stop going to its old inbox."""
    alpha, beta = organisation(slack, "TALPHA0001", "Alpha Corp"), organisation(slack, "TBETA00001", "Beta Org")
    cercle = await start_cercle(oauth=True)
    await partner_up(cercle, slack, alpha, beta)
    beta_org = await cercle.runtime.partners.organisation(org_key="slack:TBETA00001")
    assert beta_org is not None and beta_org.name == "Beta Org" and beta_org.inbox == "C0INBOX001"

    response = await cercle.event({"type": "app_uninstalled", "event_ts": "1700000000.000100"}, team_id="TBETA00001")
    assert response.status == 200

    async def inbox_forgotten() -> bool:
        org = await cercle.runtime.partners.organisation(org_key="slack:TBETA00001")
        return org is not None and org.inbox is None

    await eventually(inbox_forgotten)
    listing = await command(cercle, slack, "partners", team_id="TALPHA0001", channel="C0MEET0001", user="U0MEMBER")
    assert "Beta Org: Cercle was removed from their workspace" in listing
