"""Shared benchmark plumbing: servers in their own processes, percentiles, result files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from app.runtime.embedded_redis import EmbeddedRedis, free_port  # noqa: E402
from tests.slack_signing import signed_headers  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(latencies_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies_s]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "n": len(ms),
    }


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} not ready")


@contextmanager
def redis_server() -> Iterator[EmbeddedRedis]:
    with tempfile.TemporaryDirectory() as folder:
        server = EmbeddedRedis(data_dir=Path(folder), persistent=False).start()
        try:
            yield server
        finally:
            server.stop()


@contextmanager
def process(
    args: list[str], *, env: dict[str, str], ready_url: str, log: Path | None = None, inherit: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """``inherit``: the child also gets this process's environment (False: ``env`` alone)."""
    output = log.open("wb") if log else subprocess.DEVNULL
    child = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **env} if inherit else env, stdout=output, stderr=output
    )
    try:
        wait_ready(ready_url, child)
        yield child
    finally:
        child.terminate()
        child.wait(20)


@contextmanager
def slack_standin(*, workspaces: int = 1, channels: int = 1) -> Iterator[dict]:
    """The stand-in in its own process; yields {port, api_url, base_url, workspaces}."""
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "standin_server.py"), str(workspaces), str(channels)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        info = json.loads(child.stdout.readline())  # type: ignore[union-attr]
        info["base_url"] = f"http://127.0.0.1:{info['port']}"
        info["api_url"] = info["base_url"] + "/api/"
        yield info
    finally:
        child.terminate()
        child.wait(20)


def oauth_cercle_env(slack: Any, *, port: int, redis_url: str, **extra: str) -> dict[str, str]:
    """Settings of a multi-workspace Cercle served on ``port`` against an in-process Slack stand-in,
    which is pointed back at it (events and the OAuth redirect)."""
    slack.events_url = f"http://127.0.0.1:{port}/slack/events"
    slack.redirect_uri = f"http://127.0.0.1:{port}/slack/oauth_redirect"
    return {
        "PORT": str(port),
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        "SLACK_STATE_SECRET": "s" * 32,
        "SLACK_API_URL": slack.api_url,
        "SLACK_AUTHORIZE_URL": slack.authorize_url,
        "CERCLE_SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "LOG_FORMAT": "json",
        "CERCLE_RELEVANCE_MODEL": "pure",  # plumbing benchmarks; bench/relevance.py measures the models
        **extra,
    }


def standin_stats(info: dict) -> dict:
    with urllib.request.urlopen(info["base_url"] + "/_standin/stats", timeout=5) as response:
        return json.loads(response.read())


def cercle_as_make_run(*, port: int, data_dir: Path, api_url: str, bot_token: str):
    """Cercle as `make run` starts it: `python -m app` with no REDIS_URL, so the embedded Redis in
    ``data_dir``, then web and worker as two processes, the default relevance tier."""
    env = {
        "PORT": str(port),
        "CERCLE_DATA_DIR": str(data_dir),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_API_URL": api_url,
        "CERCLE_SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "LOG_FORMAT": "json",
    }
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CERCLE_", "SLACK_"))}, **env}
    return process(
        [sys.executable, "-m", "app"],
        env=env,
        ready_url=f"http://127.0.0.1:{port}/readyz",
        log=Path(tempfile.gettempdir()) / f"cercle-bench-{port}.log",
        inherit=False,
    )


def cercle_process(*, port: int, redis_url: str, api_url: str, bot_token: str, extra: dict[str, str] | None = None):
    env = {
        "PORT": str(port),
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_API_URL": api_url,
        "CERCLE_SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "LOG_FORMAT": "json",
        **(extra or {}),
    }
    return process(
        [sys.executable, "-m", "app", "web"],
        env=env,
        ready_url=f"http://127.0.0.1:{port}/readyz",
        log=Path(tempfile.gettempdir()) / f"cercle-bench-{port}.log",
    )


def bare_bolt_process(*, port: int, api_url: str, bot_token: str, relay_to: str = ""):
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_API_URL": api_url,
        "BARE_RELAY_CHANNEL": relay_to,
    }
    return process(
        [sys.executable, str(ROOT / "bench" / "bare_bolt_app.py"), str(port)],
        env=env,
        ready_url=f"http://127.0.0.1:{port}/readyz",
    )


async def timed_signed_post(http: Any, url: str, body: str, *, content_type: str) -> float:
    """Seconds until Slack's 200 for one request signed as Slack signs it."""
    headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type=content_type)
    started = time.perf_counter()
    async with http.post(url, data=body, headers=headers) as response:
        await response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - started


def write_results(name: str, figures: dict) -> Path:
    """Into bench/results, or CERCLE_BENCH_RESULTS (tests run the benchmarks without touching the figures)."""
    results = Path(os.environ.get("CERCLE_BENCH_RESULTS") or RESULTS)
    results.mkdir(parents=True, exist_ok=True)
    figures = {
        **figures,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = results / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    return path


__all__ = [
    "SIGNING_SECRET",
    "bare_bolt_process",
    "cercle_as_make_run",
    "cercle_process",
    "free_port",
    "oauth_cercle_env",
    "redis_server",
    "slack_standin",
    "standin_stats",
    "summary_ms",
    "timed_signed_post",
    "write_results",
]
