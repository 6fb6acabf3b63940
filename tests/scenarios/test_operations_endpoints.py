"""Scenario: an operator's view — health, readiness while Redis goes away and comes back, metrics."""

from __future__ import annotations

import re

import aiohttp

from app.runtime.config import load_settings
from app.runtime.embedded_redis import EmbeddedRedis
from app.runtime.services import build_runtime
from tests.conftest import cercle_env
from tests.waiting import eventually


async def test_readyz_is_503_while_redis_is_down_and_recovers(slack, workspace, tmp_path):
    redis = EmbeddedRedis(data_dir=tmp_path / "redis", persistent=True).start()
    settings = load_settings(cercle_env(slack, data_dir=tmp_path))
    runtime = build_runtime(settings=settings, redis_url=redis.url)
    port = await runtime.start_web(host="127.0.0.1")
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        try:
            assert (await http.get(f"{base}/readyz")).status == 200
            redis.stop()
            down = await http.get(f"{base}/readyz")
            assert down.status == 503 and (await down.json())["status"] == "unavailable"
            assert (await http.get(f"{base}/healthz")).status == 200  # alive, just not ready
            redis.start()  # same port, same data folder

            async def ready() -> bool:
                return (await http.get(f"{base}/readyz")).status == 200

            await eventually(ready, timeout=10)
        finally:
            await runtime.close()
            redis.stop()


async def test_metrics_count_requests_asks_errors_and_queue_depth(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.session.get(f"{cercle.url}/healthz")
    await cercle.ask("Metrics?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    slack.fail_next("chat.postMessage", "restricted_action")
    await cercle.ask("Refused?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: len(slack.responses) == 2)
    await cercle.runtime.queue.put(kind="demo", payload={}, job_id="depth-1")

    response = await cercle.session.get(f"{cercle.url}/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert 'cercle_http_requests_total{route="/healthz",status="200"} 1.0' in text
    events = re.search(r'cercle_http_requests_total\{route="/slack/events",status="200"\} (\d+)', text)
    assert events and int(events.group(1)) >= 2  # two commands, plus the events about the bot's own posts
    assert 'cercle_asks_total{outcome="opened",platform="slack"} 1.0' in text
    assert 'cercle_asks_total{outcome="refused",platform="slack"} 1.0' in text
    assert 'cercle_errors_total{kind="slack_api"} 1.0' in text
    assert "cercle_job_queue_depth 1.0" in text
    assert re.search(r"^cercle_jobs_pending [01]\.0$", text, re.M)  # the worker may have taken it (it knows no "demo")
    assert "cercle_jobs_dead 0.0" in text


async def test_slack_endpoint_without_configuration_says_so(redis_url, tmp_path):
    settings = load_settings({"PORT": "0", "CERCLE_DATA_DIR": str(tmp_path)})
    runtime = build_runtime(settings=settings, redis_url=redis_url)
    port = await runtime.start_web(host="127.0.0.1")
    try:
        async with aiohttp.ClientSession() as http:
            response = await http.post(f"http://127.0.0.1:{port}/slack/events", data="x")
            assert response.status == 503
            assert (await response.json())["error"] == "slack_not_configured"
    finally:
        await runtime.close()
