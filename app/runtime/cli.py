"""What `python -m app [web|worker|check]` runs. With no argument (`make run`): the embedded Redis
(unless REDIS_URL names one), then web and worker as two child processes on it, so that the text
models and the jobs never take the CPU the web needs to acknowledge within Slack's 3 seconds. A
worker that dies is started again; Ctrl-C or SIGTERM stops both, then Redis, and nothing is left."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from redis.exceptions import RedisError

from app.runtime.config import ConfigError, Settings, load_settings
from app.runtime.embedded_redis import EmbeddedRedis, EmbeddedRedisError, die_with_parent
from app.runtime.logs import configure_logging, get_logger
from app.runtime.services import Runtime, build_runtime

log = get_logger("app")

USAGE = "usage: python -m app [web|worker|check]  (no argument: web and worker as two processes)"
SLACK_HINT = (
    "Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (one workspace), or "
    "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and SLACK_SIGNING_SECRET (OAuth install), "
    "or SLACK_APP_TOKEN and SLACK_BOT_TOKEN (Socket Mode). See README.md, 'Slack set-up'."
)


def _redis_url(settings: Settings, mode: str) -> tuple[str | None, EmbeddedRedis | None]:
    """The Redis to share with the child processes: the one configured (a server, or a cluster
    through any node or REDIS_CLUSTER_NODES), or an embedded server started here."""
    if settings.redis_url or settings.redis_cluster:
        return settings.redis_url, None
    if mode in ("web", "worker"):
        raise ConfigError(
            "REDIS_URL",
            f"is required for `python -m app {mode}` (separate processes share one Redis); "
            "`python -m app` alone runs both on an embedded Redis",
        )
    embedded = EmbeddedRedis(data_dir=settings.data_dir).start()
    log.info("redis.embedded_started", url=embedded.url, data_dir=str(settings.data_dir.resolve()))
    return embedded.url, embedded


WORKER_RESTART_S = 1.0  # a worker that died is started again after this pause (doubled while it keeps dying)


WORKER_NICENESS = 10  # on one machine the web must answer within Slack's 3 s; the worker's work can wait


def _child(mode: str, *, redis_url: str | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **({"REDIS_URL": redis_url} if redis_url else {})}

    def prepare() -> None:  # in the child, before exec
        die_with_parent()  # SIGTERM if this process dies, even by SIGKILL: nothing outlives `make run`
        if mode == "worker":
            os.nice(WORKER_NICENESS)

    return subprocess.Popen([sys.executable, "-m", "app", mode], env=env, preexec_fn=prepare)


def _supervise(redis_url: str | None) -> int:
    """Run web and worker as children until a signal; the web's exit ends the run, a worker's
    death restarts it. Returns the exit status."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        stopping.append(signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    web = _child("web", redis_url=redis_url)
    worker = _child("worker", redis_url=redis_url)
    pause = WORKER_RESTART_S
    status = 0
    try:
        while not stopping:
            if web.poll() is not None:
                log.error("web.exited", status=web.returncode)
                status = web.returncode or 1
                break
            if worker.poll() is not None:
                log.error("worker.exited", status=worker.returncode, restart_in_s=pause)
                time.sleep(pause)
                pause = min(pause * 2, 30.0)
                worker = _child("worker", redis_url=redis_url)
                continue
            time.sleep(0.2)
    finally:
        for child in (web, worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in (web, worker):
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return status


async def _serve(runtime: Runtime, mode: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks: list[asyncio.Task[None]] = []
    worker = None
    try:
        if mode == "web":
            if runtime.slack_app is None:
                log.warning("slack.not_configured", hint=SLACK_HINT)
            await runtime.start_web()
        if mode == "worker":
            if runtime.matcher is not None:
                await runtime.matcher.warm_up()  # fail at start, not on the first reply
            worker = runtime.worker()
            tasks.append(asyncio.create_task(worker.run()))
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done() and task.exception():
                raise task.exception()  # type: ignore[misc]
    finally:
        log.info("shutdown.started", mode=mode)
        if worker is not None:
            worker.stop()
        for task in tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        await runtime.close()


async def _check(runtime: Runtime) -> int:
    settings = runtime.settings
    print(f"environment: {settings.env}")
    where = f"embedded (data in {settings.data_dir})" if settings.embedded_redis else settings.redis_target().describe()
    print(f"redis: {where}")
    try:
        info = await runtime.redis.info("server")
        versions = sorted({str(v) for k, v in _flat(info) if k == "redis_version"})  # a cluster answers per node
        print(f"redis: reachable, version {', '.join(versions)}")
    except (RedisError, OSError) as error:
        print(f"redis: UNREACHABLE ({error})")
        return 1
    finally:
        await runtime.close()
    print(f"slack: {settings.slack.describe()}")
    if not settings.slack.enabled:
        print(f"  {SLACK_HINT}")
    print(f"teams: {settings.teams.describe()}")
    key_state = "set" if settings.secret_key else "not set (development: generated into the data folder when needed)"
    print(f"secret key: {key_state}")
    models = {
        "semantic": "pure-Python trees + semantic cross-encoder and multilingual answer model (extra `semantic`)",
        "multilingual": "pure-Python trees + multilingual reading (extra `multilingual`)",
        "pure": "pure-Python trees",
    }
    print(f"relevance: {models[settings.text_models]} (CERCLE_RELEVANCE_MODEL={settings.relevance_model})")
    return 0


def _flat(info: Any) -> list[tuple[str, Any]]:
    if not isinstance(info, dict):
        return []
    return [
        pair for key, value in info.items() for pair in (_flat(value) if isinstance(value, dict) else [(key, value)])
    ]


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "all"
    if mode not in ("all", "web", "worker", "check") or len(argv) > 1:
        print(USAGE, file=sys.stderr)
        return 2
    embedded: EmbeddedRedis | None = None
    try:
        settings = load_settings()
        configure_logging(log_format=settings.log_format)
        url, embedded = _redis_url(settings, mode)
        if mode == "all":
            return _supervise(url)
        runtime = build_runtime(settings=settings, redis_url=url, worker=mode == "worker", web=mode != "worker")
        if mode == "check":
            return asyncio.run(_check(runtime))
        asyncio.run(_serve(runtime, mode))
        return 0
    except ConfigError as error:
        print(f"cercle: configuration error: {error}", file=sys.stderr)
        return 2
    except EmbeddedRedisError as error:
        print(f"cercle: embedded Redis failed to start: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if embedded is not None:
            embedded.stop()
            log.info("redis.embedded_stopped")
