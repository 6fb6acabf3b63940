"""Teams' endpoint under hostile requests: with credentials, a missing, Basic or forged bearer token
gets 401 from the Agents SDK's JWT check and nothing is done; anything that is not a Teams activity
gets a 4xx, never a 5xx or a traceback."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.standins.bot_connector import BotConnectorStandIn
from tests.standins.teams_activities import bot_added, channel_message, person

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "4f3c1a52-8c1e-4a8b-9d3e-2b6f0c9e7a11"
MEETING = "19:meetingchannel0001@thread.tacv2"
ADA = person("ada")


def forged_token() -> str:
    """A well-formed Bot Framework token for our app id, signed with a key Microsoft never published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "serviceurl": "https://smba.trafficmanager.net/amer/",
        "nbf": int(time.time()) - 60,
        "exp": int(time.time()) + 3600,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged-key-id"})


@pytest.fixture
async def with_credentials(start_cercle, teams: BotConnectorStandIn, workspace):
    cercle = await start_cercle(MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="a-client-secret-from-entra")
    teams.messages_url = f"{cercle.url}/api/messages"
    return cercle, teams.add_team(TENANT, "Contoso", channels={MEETING: "meeting"})


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic Zm9vOmJhcg==", "Bearer", "Bearer not.a.jwt", "FORGED"],
    ids=["missing", "basic", "empty-bearer", "garbage", "forged-signature"],
)
async def test_requests_without_a_valid_token_are_refused_and_nothing_is_done(
    with_credentials, teams: BotConnectorStandIn, authorization: str | None
) -> None:
    cercle, team = with_credentials
    header = f"Bearer {forged_token()}" if authorization == "FORGED" else authorization
    message = channel_message(teams, team, MEETING, "ask How do we price a pilot?", by=ADA)
    for activity in (bot_added(teams, team, by=ADA), message):
        response = await teams.deliver(activity, headers={"Authorization": header} if header else None)
        assert response.status == 401
        assert "error" in json.loads(await response.text())
    assert await cercle.runtime.queue.depth() == 0
    assert await cercle.runtime.redis.keys("cercle:{teams:*") == []
    assert teams.calls == []


async def test_the_emulator_mode_is_refused_in_production(start_cercle, teams: BotConnectorStandIn, workspace) -> None:
    cercle = await start_cercle(CERCLE_ENV="production")
    teams.messages_url = f"{cercle.url}/api/messages"
    team = teams.add_team(TENANT, "Contoso", channels={MEETING: "meeting"})
    response = await teams.deliver(channel_message(teams, team, MEETING, "help", by=ADA))
    assert response.status == 503
    assert json.loads(await response.text())["error"] == "teams_not_configured"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"null", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (json.dumps({"type": "message", "channelId": "slack", "text": "hi"}).encode(), "application/json"),
        (json.dumps({"type": "message", "from": "someone"}).encode(), "application/json"),
        (json.dumps({"channelId": "msteams"}).encode(), "application/json"),
    ],
    ids=["broken-json", "a-list", "null", "not-utf8", "another-channel", "wrong-types", "no-type"],
)
async def test_what_is_not_a_teams_activity_gets_a_400(start_cercle, teams, workspace, body, content_type) -> None:
    cercle = await start_cercle()
    response = await cercle.session.post(
        f"{cercle.url}/api/messages", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == 400
    assert await cercle.runtime.queue.depth() == 0


async def test_an_oversized_activity_gets_a_413(start_cercle, teams, workspace) -> None:
    cercle = await start_cercle()
    huge = json.dumps({"type": "message", "channelId": "msteams", "text": "x" * (2 * 1024 * 1024)})
    response = await cercle.session.post(
        f"{cercle.url}/api/messages", data=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status == 413
