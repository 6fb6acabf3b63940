"""Multi-step things people do, shared by scenario tests."""

from __future__ import annotations

import html
import re
import secrets

import aiohttp

from tests.conftest import Cercle
from tests.standins.slack_api import SlackStandIn, Workspace
from tests.waiting import eventually


async def install(cercle: Cercle, slack: SlackStandIn, *, team_id: str, user_id: str) -> aiohttp.ClientResponse:
    """What a browser does: open /slack/install, follow 'Add to Slack', approve, come back."""
    page = await cercle.session.get(f"{cercle.url}/slack/install", allow_redirects=False)
    assert page.status == 200
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    authorize = html.unescape(re.search(r'<a href="([^"]+)"><img alt="Add to Slack"', await page.text()).group(1))
    assert authorize.startswith(slack.authorize_url)
    slack.authorize_as(team_id, user_id)
    approved = await cercle.session.get(authorize, allow_redirects=False)
    assert approved.status == 302
    return await cercle.session.get(approved.headers["Location"], headers={"Cookie": cookie}, allow_redirects=False)


def organisation(slack: SlackStandIn, team_id: str, name: str) -> Workspace:
    """A workspace with a meeting channel, an inbox channel the bot has not joined, an admin and a member."""
    ws = slack.add_workspace(team_id, name, installed=False)
    ws.add_channel("C0MEET0001", "meeting")
    ws.add_channel("C0INBOX001", "cercle-inbox", bot_member=False)
    ws.add_user("U0ADMIN", "grace", admin=True)
    ws.add_user("U0MEMBER", "linus")
    return ws


async def command(cercle: Cercle, slack: SlackStandIn, text: str, *, team_id: str, channel: str, user: str) -> str:
    """Run a slash command and return the ephemeral text the user sees (ack or response_url)."""
    before = len(slack.responses)
    response = await cercle.ask(text, team_id=team_id, channel_id=channel, user_id=user)
    body = await response.text()
    if body:
        return body
    await eventually(lambda: len(slack.responses) > before)
    return str(slack.responses[before]["text"])


async def partner_up(cercle: Cercle, slack: SlackStandIn, a: Workspace, b: Workspace) -> None:
    """Admins of a and b set their inboxes and make the partnership."""
    for ws in (a, b):
        if not ws.installed:
            assert (await install(cercle, slack, team_id=ws.team_id, user_id="U0ADMIN")).status == 200
        reply = await command(cercle, slack, "inbox", team_id=ws.team_id, channel="C0INBOX001", user="U0ADMIN")
        assert "now your inbox" in reply, reply
    invite = await command(cercle, slack, "partners invite", team_id=a.team_id, channel="C0MEET0001", user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    accepted = await command(
        cercle, slack, f"partners accept {code}", team_id=b.team_id, channel="C0MEET0001", user="U0ADMIN"
    )
    assert "now partners" in accepted, accepted


def click_close(*, team_id: str, channel_id: str, ts: str, topic_id: str, user_id: str, response_url: str) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "alphacorp"},
        "user": {"id": user_id, "username": "grace", "team_id": team_id},
        "api_app_id": "A0CERCLE",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": f"{secrets.randbelow(10**12)}.{secrets.token_hex(12)}",
        "channel": {"id": channel_id, "name": "meeting"},
        "message": {"type": "message", "ts": ts, "text": "Stuck on a topic"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "cercle_close_topic",
                "block_id": "topic_actions",
                "text": {"type": "plain_text", "text": "Close topic"},
                "value": topic_id,
                "type": "button",
                "action_ts": "1700000000.000100",
            }
        ],
    }
