"""Scenario: an operator runs `python -m app` — configuration errors, `check`, start and stop,
and topics that survive a restart, also after `kill -9`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.runtime.embedded_redis import free_port
from tests.conftest import SIGNING_SECRET, reply_text
from tests.processes import ROOT, clean_env, start_app, stop, wait_catches, wait_http, wait_logged
from tests.slack_signing import form_body, signed_headers
from tests.waiting import eventually

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"CERCLE_ENV": "staging"}, "CERCLE_ENV"),
        ({"CERCLE_ENV": "production"}, "CERCLE_SECRET_KEY"),
        ({"CERCLE_SECRET_KEY": "short"}, "CERCLE_SECRET_KEY"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_API_URL": "slack.com/api", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_API_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_a_wrong_configuration_stops_with_one_line_and_status_2(variables, named, tmp_path):
    result = run(env=clean_env(CERCLE_DATA_DIR=str(tmp_path), **variables))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_web_alone_needs_a_shared_redis(tmp_path):
    result = run("web", env=clean_env(CERCLE_DATA_DIR=str(tmp_path)))
    assert result.returncode == 2 and "REDIS_URL" in result.stderr


def test_check_reports_what_is_enabled(tmp_path):
    ok = run("check", env=clean_env(CERCLE_DATA_DIR=str(tmp_path)))
    assert ok.returncode == 0, ok.stderr
    assert "redis: reachable, version 6.2" in ok.stdout and "slack: not configured" in ok.stdout
    assert "relevance: pure-Python trees (CERCLE_RELEVANCE_MODEL=pure)" in ok.stdout
    light = run("check", env=clean_env(CERCLE_DATA_DIR=str(tmp_path), CERCLE_RELEVANCE_MODEL="multilingual"))
    assert "relevance: pure-Python trees + multilingual reading (extra `multilingual`)" in light.stdout
    unreachable = run("check", env=clean_env(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"))
    assert unreachable.returncode == 1 and "UNREACHABLE" in unreachable.stdout


def test_start_without_slack_says_how_to_configure_and_serves_health(tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    process = start_app(env=clean_env(PORT=str(port), CERCLE_DATA_DIR=str(tmp_path / "data")), log=log)
    try:
        assert wait_http(f"http://127.0.0.1:{port}/healthz", process=process) == 200
        assert wait_http(f"http://127.0.0.1:{port}/readyz", process=process) == 200
    finally:
        assert stop(process) == 0  # SIGTERM is a clean stop
    text = log.read_text()
    assert "Slack is not configured" in text and "SLACK_SIGNING_SECRET" in text
    assert "redis.embedded_stopped" in text


async def _ask(port: int, text: str, *, channel: str = "C0MEET0001") -> str:
    import aiohttp

    body = form_body(
        {
            "team_id": "TALPHA0001",
            "channel_id": channel,
            "user_id": "U0ASKER",
            "user_name": "ada",
            "command": "/ask",
            "text": text,
            "trigger_id": f"trigger-{text}-{asyncio.get_running_loop().time()}",
            "response_url": "http://127.0.0.1:9/unused",
        }
    )
    headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/x-www-form-urlencoded")
    async with aiohttp.ClientSession() as http:
        response = await http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers)
        return await reply_text(response)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
async def test_a_topic_survives_a_restart(how, slack, workspace, tmp_path):
    port = free_port()
    data = tmp_path / "data"
    env = clean_env(
        PORT=str(port),
        CERCLE_DATA_DIR=str(data),
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=workspace.bot_token,
        SLACK_API_URL=slack.api_url,
        LOG_FORMAT="json",
    )
    first = start_app(env=env, log=tmp_path / "first.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=first)
        await _ask(port, "Will I survive?")
        await eventually(lambda: slack.calls_to("chat.getPermalink"), timeout=10)
        await asyncio.sleep(1.2)  # appendfsync everysec; SIGKILL of *our* process still lets Redis flush
    finally:
        first.send_signal(how)
        first.wait(15)
    # Its web child, told by the kernel that its parent died, may still be finishing its requests:
    # the second run must not mistake it for itself.
    await asyncio.to_thread(_port_released, port)
    second = start_app(env=env, log=tmp_path / "second.log")
    try:
        await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=second)
        listing = await _ask(port, "list")
        assert "Open topics here (1)" in listing and "Will I survive?" in listing
    finally:
        assert stop(second) == 0


def test_procfile_processes_share_one_redis_and_stop_cleanly(redis_url, tmp_path):
    port = free_port()
    env = clean_env(PORT=str(port), REDIS_URL=redis_url, CERCLE_DATA_DIR=str(tmp_path))
    web = start_app("web", env=env, log=tmp_path / "web.log")
    worker = start_app("worker", env=env, log=tmp_path / "worker.log")
    try:
        assert wait_http(f"http://127.0.0.1:{port}/readyz", process=web) == 200
        wait_logged(tmp_path / "worker.log", "worker.started", process=worker)
    finally:
        assert stop(web, timeout=10) == 0
        assert stop(worker, timeout=10) == 0
    assert "worker.started" in (tmp_path / "worker.log").read_text()
    assert "worker.stopped" in (tmp_path / "worker.log").read_text()


def test_stopping_cercle_while_it_starts_is_a_clean_stop(redis_url, tmp_path):
    """A process manager may stop a dyno that is still importing its SDKs: exit 0, not "killed"."""
    env = clean_env(REDIS_URL=redis_url, CERCLE_DATA_DIR=str(tmp_path))
    worker = start_app("worker", env=env, log=tmp_path / "worker.log")
    wait_catches(worker, signal.SIGTERM)  # a few milliseconds after the interpreter starts
    worker.terminate()
    assert worker.wait(15) == 0
    assert "worker.started" not in (tmp_path / "worker.log").read_text()  # it was stopped while starting


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines (from /proc)."""
    found: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                child = int(stat.parent.name)
                found[child] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError, ValueError):
            continue
    return found


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def test_make_run_runs_web_and_worker_apart_restarts_a_dead_worker_and_leaves_nothing(tmp_path):
    port = free_port()
    log = tmp_path / "run.log"
    process = start_app(env=clean_env(PORT=str(port), CERCLE_DATA_DIR=str(tmp_path / "data")), log=log)
    try:
        assert await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=process) == 200
        await asyncio.to_thread(wait_logged, log, "worker.started", process=process)
        children = _children(process.pid)
        (web,) = [pid for pid, cmd in children.items() if cmd.endswith("-m app web")]
        (worker,) = [pid for pid, cmd in children.items() if cmd.endswith("-m app worker")]
        assert any("redis-server" in cmd for cmd in children.values())
        assert _niceness(worker) > 0 == _niceness(web)  # on one machine the web comes first

        os.kill(worker, signal.SIGKILL)  # the worker dies; the web keeps answering, a new worker starts
        assert await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/healthz", process=process) == 200

        def restarted() -> bool:
            return any(cmd.endswith("-m app worker") and pid != worker for pid, cmd in _children(process.pid).items())

        await eventually(restarted, timeout=20)
        assert "worker.exited" in log.read_text() and _alive(web)
        everything = list(_children(process.pid))
    finally:
        assert stop(process) == 0  # SIGTERM (Ctrl-C alike): web, worker and Redis stop, then the parent
    await eventually(lambda: not any(_alive(pid) for pid in everything), timeout=10)


async def test_a_redis_that_stops_answering_for_a_while_stops_neither_web_nor_worker(redis_url, tmp_path):
    """Redis held (DEBUG SLEEP) for seconds: the web keeps answering what needs no Redis, the worker
    waits and resumes, and neither process stops the other."""
    import redis as sync_redis

    port = free_port()
    log = tmp_path / "run.log"
    env = clean_env(PORT=str(port), REDIS_URL=redis_url, CERCLE_DATA_DIR=str(tmp_path / "data"))
    process = start_app(env=env, log=log)
    try:
        assert await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=process) == 200
        await asyncio.to_thread(wait_logged, log, "worker.started", process=process)
        before = _children(process.pid)

        def hold_redis() -> None:
            client = sync_redis.Redis.from_url(redis_url, socket_timeout=30)
            client.execute_command("DEBUG", "SLEEP", "6")
            client.close()

        held = asyncio.create_task(asyncio.to_thread(hold_redis))
        await asyncio.sleep(0.5)
        assert await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/healthz", timeout=2.0) == 200
        await held
        assert await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/readyz", process=process) == 200
        assert _children(process.pid) == before  # nobody restarted
        assert "worker.exited" not in log.read_text() and "web.exited" not in log.read_text()
    finally:
        assert stop(process) == 0


def _port_released(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"port {port} still answered {timeout}s after the first run was stopped")
