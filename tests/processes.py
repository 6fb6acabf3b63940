"""Running `python -m app` as a real child process, the way an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """The machine's environment without any Cercle or Slack setting, plus ``overrides``."""
    prefixes = ("SLACK_", "CERCLE_", "REDIS_", "MICROSOFT_", "MASTODON_", "BLUESKY_", "X_", "PORT", "LOG_FORMAT")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["CERCLE_RELEVANCE_MODEL"] = "pure"  # quick to start; the semantic model has its own scenario
    env.update(overrides)
    return env


def start_app(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args], cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
    )


def wait_http(url: str, *, timeout: float = 20.0, process: subprocess.Popen[bytes] | None = None) -> int:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return int(response.status)
        except OSError as error:
            last = error
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last}")


def stop(process: subprocess.Popen[bytes], *, timeout: float = 15.0) -> int:
    if process.poll() is None:
        process.terminate()
    return process.wait(timeout)


def wait_logged(log: Path, event: str, *, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Wait until ``event`` is in a child's log: a busy machine may take seconds to import and start."""
    deadline = time.monotonic() + timeout
    while event not in log.read_text(errors="replace"):
        if process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode} before logging {event}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{event} not logged within {timeout}s")
        time.sleep(0.05)


def wait_catches(process: subprocess.Popen[bytes], sig: int, *, timeout: float = 10.0) -> None:
    """Wait until the child has installed a handler for ``sig`` (Linux: the SigCgt mask in /proc)."""
    deadline = time.monotonic() + timeout
    status = Path(f"/proc/{process.pid}/status")
    while time.monotonic() < deadline:
        caught = next(line for line in status.read_text().splitlines() if line.startswith("SigCgt:"))
        if int(caught.split()[1], 16) & (1 << (sig - 1)):
            return
        time.sleep(0.001)
    raise AssertionError(f"signal {sig} not caught within {timeout}s")
