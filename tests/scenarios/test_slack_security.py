"""Scenario: forged, stale and replayed Slack deliveries change nothing."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import redis.asyncio as aioredis

from tests.slack_signing import signature, signed_headers
from tests.waiting import eventually

VECTOR = Path(__file__).resolve().parents[1] / "specs/slack/payloads/signing_test_vector.slash_command.json"


def test_signer_matches_slacks_published_vector():
    vector = json.loads(VECTOR.read_text())
    assert (
        signature(secret=vector["signing_secret"], timestamp=vector["timestamp"], body=vector["raw_body"])
        == vector["expected_signature"]
    )


async def _topic_count(redis_url: str) -> int:
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return len([k async for k in redis.scan_iter(match="cercle:{t:*")])
    finally:
        await redis.aclose()


async def test_bad_missing_and_stale_signatures_get_401_and_change_nothing(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()
    body = cercle.command_body("Forged?", team_id="TALPHA0001", channel_id="C0MEET0001")
    form = "application/x-www-form-urlencoded"
    url = f"{cercle.url}/slack/events"

    def signed(*, secret: str = cercle.signing_secret, skew: int = 0) -> dict[str, str]:
        """Signed as the request leaves: a loaded machine may take seconds between two requests, and
        a timestamp made early would drift back inside the 5-minute window."""
        return signed_headers(secret=secret, body=body, timestamp=int(time.time()) + skew, content_type=form)

    for make_headers, sent in (
        (lambda: signed(secret="not-the-secret"), body),
        (lambda: {"Content-Type": form}, body),
        (lambda: signed(skew=-310), body),  # stale
        (lambda: signed(skew=+310), body),  # from the future
        (lambda: signed(), body.replace("Forged", "Tampered")),
    ):
        headers = make_headers()
        response = await cercle.session.post(url, data=sent, headers=headers)
        assert response.status == 401, headers
    assert [c.method for c in slack.calls] == []
    assert await _topic_count(redis_url) == 0

    # Just inside the 5-minute window is accepted.
    fresh = signed_headers(secret=cercle.signing_secret, body=body, timestamp=int(time.time()) - 290, content_type=form)
    assert (await cercle.session.post(url, data=body, headers=fresh)).status == 200
    await eventually(lambda: slack.responses)
    assert await _topic_count(redis_url) == 1


async def test_replayed_command_posts_once(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()
    body = cercle.command_body("Only once?", team_id="TALPHA0001", channel_id="C0MEET0001")
    for _ in range(3):
        response = await cercle.post_signed(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200
    retried = await cercle.post_signed(
        body, content_type="application/x-www-form-urlencoded", headers={"X-Slack-Retry-Num": "1"}
    )
    assert retried.status == 200
    await eventually(lambda: slack.responses)
    await eventually(lambda: len(slack.calls_to("chat.getPermalink")) >= 1)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert await _topic_count(redis_url) == 1


async def test_retried_event_is_handled_once(start_cercle, slack, workspace):
    cercle = await start_cercle()
    event = {"type": "app_home_opened", "user": "U0ASKER", "channel": "D0HOME0001", "tab": "home", "event_ts": "1"}
    first = await cercle.event(event, team_id="TALPHA0001", event_id="Ev0RETRY01")
    again = await cercle.event(
        event,
        team_id="TALPHA0001",
        event_id="Ev0RETRY01",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert first.status == again.status == 200
    await eventually(lambda: slack.calls_to("views.publish"))
    assert len(slack.calls_to("views.publish")) == 1


async def test_url_verification_and_hostile_question(start_cercle, slack, workspace):
    cercle = await start_cercle()
    challenge = secrets.token_hex(8)
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    response = await cercle.post_signed(body, content_type="application/json")
    assert json.loads(await response.text())["challenge"] == challenge

    await cercle.ask(
        "<!channel> look <https://evil.example|bank.com> \u202eevil", team_id="TALPHA0001", channel_id="C0MEET0001"
    )
    await eventually(lambda: slack.responses)
    posted = slack.calls_to("chat.postMessage")[0].params
    rendered = posted["text"] + json.dumps(posted["blocks"])
    assert "<!channel>" not in rendered and "<https://evil" not in rendered and "\u202e" not in rendered
    assert "bank.com (https://evil.example)" in posted["text"]
