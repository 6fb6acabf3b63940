"""Scenario: hostile and broken requests against the real HTTP server. Each is refused before it is
parsed, with a 4xx and at most one warning line a second, never a 5xx or a traceback; nothing is
recorded; the server stays healthy."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from app.runtime.config import load_settings
from app.runtime.guard import ConnectionGuard
from app.runtime.services import build_runtime
from tests.conftest import SIGNING_SECRET, cercle_env
from tests.waiting import eventually

FORM = "application/x-www-form-urlencoded"


def _signed(body: bytes, *, timestamp: str | None = None, content_type: str = FORM) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


CASES = [
    # (name, body, headers, status)
    ("unsigned null", b"null", {"Content-Type": "application/json"}, 401),
    ("unsigned bytes that are not UTF-8", b"\xff\xfe\x00text=hi", {"Content-Type": FORM}, 401),
    ("a timestamp that is no number", b"text=hi", {**_signed(b"text=hi"), "X-Slack-Request-Timestamp": "soon"}, 401),
    ("a signature for another body", b"text=forged", {**_signed(b"text=hi")}, 401),
    ("signed bytes that are not UTF-8", b"\xff\xfe\x00text=hi", _signed(b"\xff\xfe\x00text=hi"), 400),
    ("signed null", b"null", _signed(b"null", content_type="application/json"), 400),
    ("signed JSON that is not JSON", b"{not json", _signed(b"{not json", content_type="application/json"), 400),
    (
        "a form sent as JSON",
        b"command=%2Fask&text=hi",
        _signed(b"command=%2Fask&text=hi", content_type="application/json"),
        400,
    ),
    ("payload= that is not JSON", b"payload=%7Bnot", _signed(b"payload=%7Bnot"), 400),
    (
        "a bogus charset",
        "text=café".encode("latin-1"),
        _signed("text=café".encode("latin-1"), content_type="application/x-www-form-urlencoded; charset=klingon"),
        400,
    ),
]


def _command(**fields: str) -> bytes:
    base = {"team_id": "TALPHA0001", "channel_id": "C0MEET0001", "user_id": "U0ASKER", "command": "/ask"}
    return urlencode({k: v for k, v in {**base, **fields}.items() if v != "-"}).encode()


def _event(event: object) -> bytes:
    return json.dumps(
        {"type": "event_callback", "team_id": "TALPHA0001", "event_id": "Ev0BAD", "event": event}
    ).encode()


def _click(payload: dict) -> bytes:
    return urlencode(
        {"payload": json.dumps({"type": "block_actions", "team": {"id": "TALPHA0001"}, **payload})}
    ).encode()


MALFORMED = [
    ("a command without channel_id", _command(channel_id="-", text="hi")),
    ("a command without user_id", _command(user_id="-", text="hi")),
    ("a command of a million characters", _command(text="x" * 1_000_000)),
    ("a message whose ts is no number", _event({"type": "message", "channel": "C1", "ts": "soon", "user": "U1"})),
    ("a message whose user is a list", _event({"type": "message", "channel": "C1", "ts": "1.2", "user": ["U1"]})),
    (
        "a reaction whose item is a string",
        _event({"type": "reaction_added", "user": "U1", "reaction": "+1", "item": "x"}),
    ),
    (
        "an edit whose message is a string",
        _event({"type": "message", "subtype": "message_changed", "channel": "C1", "message": "x"}),
    ),
    ("an event that is a list", _event([1, 2])),
    ("a click with no action", _click({"user": {"id": "U1"}, "actions": []})),
    ("a click by nobody", _click({"user": None, "actions": [{"action_id": "cercle_close_topic", "value": "t"}]})),
]


@pytest.mark.parametrize(("name", "body"), MALFORMED, ids=[c[0] for c in MALFORMED])
async def test_a_signed_request_slack_would_never_send_gets_a_400_naming_the_field(
    start_cercle, slack, workspace, capsys, name, body
):
    cercle = await start_cercle()
    content_type = "application/json" if body.startswith(b"{") else FORM
    depth = await cercle.runtime.queue.depth()
    response = await cercle.session.post(
        f"{cercle.url}/slack/events", data=body, headers=_signed(body, content_type=content_type)
    )
    assert response.status in (400, 413), (name, response.status, await response.text())
    assert await cercle.runtime.queue.depth() == depth
    assert (await cercle.session.get(f"{cercle.url}/healthz")).status == 200
    out = capsys.readouterr().out
    assert "Traceback" not in out and "[error" not in out
    assert response.status == 413 or "slack.payload_refused" in out


@pytest.mark.parametrize(("name", "body", "headers", "status"), CASES, ids=[c[0] for c in CASES])
async def test_a_broken_or_forged_request_gets_a_4xx_and_changes_nothing(
    start_cercle, slack, workspace, redis_url, capsys, name, body, headers, status
):
    cercle = await start_cercle()
    depth = await cercle.runtime.queue.depth()
    response = await cercle.session.post(f"{cercle.url}/slack/events", data=body, headers=headers)
    assert response.status == status, (name, await response.text())
    assert await cercle.runtime.queue.depth() == depth  # nothing recorded
    assert [c.method for c in slack.calls if c.method != "auth.test"] == []
    healthy = await cercle.session.get(f"{cercle.url}/healthz")
    assert healthy.status == 200
    out = capsys.readouterr().out
    assert "Traceback" not in out and "[error" not in out


async def test_a_flood_of_forged_requests_writes_a_few_warning_lines(start_cercle, slack, workspace, capsys):
    cercle = await start_cercle()
    for _ in range(100):
        response = await cercle.session.post(
            f"{cercle.url}/slack/events", data=b"null", headers={"Content-Type": "application/json"}
        )
        assert response.status == 401
    out = capsys.readouterr().out
    warnings = out.count("slack.signature_refused")
    assert 1 <= warnings <= 3, warnings  # one a second at most, whatever the flood
    assert "Traceback" not in out


async def test_a_signed_question_is_still_taken_after_the_refusals(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.session.post(f"{cercle.url}/slack/events", data=b"null", headers={"Content-Type": "application/json"})
    response = await cercle.ask("Still there?", team_id="TALPHA0001", channel_id="C0MEET0001")
    assert response.status == 200
    await eventually(lambda: slack.responses)


async def test_slow_and_greedy_clients_are_cut_off_and_the_server_keeps_answering(
    slack, workspace, redis_url, tmp_path
):
    settings = load_settings(cercle_env(slack, data_dir=tmp_path))
    runtime = build_runtime(settings=settings, redis_url=redis_url, worker=False)
    guard = ConnectionGuard(header_timeout_s=1.0, body_timeout_s=1.0, max_connections=60)
    port = await runtime.start_web(host="127.0.0.1", guard=guard)
    try:
        never_done = []  # clients that never finish their headers
        for _ in range(50):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /slack/events HTTP/1.1\r\nHost: cercle\r\nX-Slack-Signature: v0=")
            never_done.append((reader, writer))
        slow_reader, slow_writer = await asyncio.open_connection("127.0.0.1", port)  # 500 bytes announced, 100 sent
        slow_writer.write(b"POST /slack/events HTTP/1.1\r\nHost: cercle\r\nContent-Length: 500\r\n\r\n" + b"x" * 100)
        big_reader, big_writer = await asyncio.open_connection("127.0.0.1", port)  # 5 MB announced
        big_writer.write(b"POST /slack/events HTTP/1.1\r\nHost: cercle\r\nContent-Length: 5000000\r\n\r\n" + b"x" * 100)
        assert (await asyncio.wait_for(big_reader.read(12), 1.0)).startswith(b"HTTP/1.1 413")  # at once

        async with aiohttp.ClientSession() as http:  # meanwhile, everyone else is served
            assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status == 200
            assert (await asyncio.wait_for(slow_reader.read(12), 3.0)).startswith(b"HTTP/1.1 408")
            for reader, _ in never_done:
                assert await asyncio.wait_for(reader.read(), 3.0) == b""  # closed by the server
            assert guard.cut >= 50

            greedy = [await asyncio.open_connection("127.0.0.1", port) for _ in range(61)]
            assert await asyncio.wait_for(greedy[-1][0].read(), 1.0) == b""  # past the cap: closed at once
            for _, writer in greedy:
                writer.close()
            await asyncio.sleep(0.2)
            assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status == 200
        for _, writer in [*never_done, (None, slow_writer), (None, big_writer)]:
            writer.close()
    finally:
        await runtime.close()
