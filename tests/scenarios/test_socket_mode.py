"""Scenario: with SLACK_APP_TOKEN, Cercle needs no public URL — `/ask` arrives over Socket Mode."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import parse_qsl

from tests.waiting import eventually

SAMPLE = Path(__file__).resolve().parents[1] / "specs/slack/payloads/socket_mode.slash_command.python-slack-sdk.json"


async def test_ask_over_socket_mode_opens_a_topic(start_cercle, slack, workspace):
    cercle = await start_cercle(SLACK_APP_TOKEN=slack.app_token, SLACK_SIGNING_SECRET="")
    envelope = json.loads(SAMPLE.read_text())["envelope"]  # the real envelope shape, our values
    command = dict(parse_qsl(cercle.command_body("Over the socket?", team_id="TALPHA0001", channel_id="C0MEET0001")))
    envelope = {**envelope, "envelope_id": str(uuid.uuid4()), "payload": command}

    await slack.push_socket(envelope)
    await eventually(lambda: slack.responses)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("apps.connections.open")[0].token == slack.app_token

    # Socket Mode redelivers when an ack is late: the same trigger never posts twice.
    await slack.push_socket({**envelope, "envelope_id": str(uuid.uuid4())})
    assert len(slack.calls_to("chat.postMessage")) == 1

    help_envelope = {
        **envelope,
        "envelope_id": str(uuid.uuid4()),
        "payload": {**command, "text": "help", "trigger_id": "t.2"},
    }
    ack_payload = await slack.push_socket(help_envelope)
    assert "/ask list" in json.dumps(ack_payload)


async def test_socket_mode_without_signing_secret_refuses_http_events(start_cercle, slack, workspace):
    cercle = await start_cercle(SLACK_APP_TOKEN=slack.app_token, SLACK_SIGNING_SECRET="")
    body = cercle.command_body("Unsigned?", team_id="TALPHA0001", channel_id="C0MEET0001")
    response = await cercle.session.post(
        f"{cercle.url}/slack/events", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 503
    assert slack.calls_to("chat.postMessage") == []
