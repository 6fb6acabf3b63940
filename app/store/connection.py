"""One Redis server or a Redis Cluster, behind the same client interface.

The cluster client (redis-py's) follows MOVED and ASK itself. During a failover, until a replica is
promoted (a few seconds), the slots of the dead master answer nothing: redis-py retries a command
at once, so Cercle adds a backoff with jitter up to ``FAILOVER_PATIENCE_S`` before giving up, and
its pipelines wait between attempts (``PIPELINE_ATTEMPTS``)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.backoff import ExponentialWithJitterBackoff
from redis.driver_info import DriverInfo
from redis.exceptions import ClusterDownError, NoScriptError, RedisError, SlotNotCoveredError, TryAgainError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from app.runtime.logs import get_logger

log = get_logger("app.store.connection")

RedisClient = aioredis.Redis | RedisCluster
POOL_SIZE = 256
FAILOVER_PATIENCE_S = 15.0  # a replica takes over in about node-timeout x 2; managed services say 15 to 30 s
PIPELINE_ATTEMPTS = 60  # redis-py waits 0.25 s between a cluster pipeline's attempts: 15 s
_FAILOVER_ERRORS = (RedisConnectionError, ClusterDownError, SlotNotCoveredError, TryAgainError)


@dataclass(frozen=True, slots=True)
class RedisTarget:
    """Where Cercle's data lives: ``url`` (one server, or any node of a cluster), or ``nodes``."""

    url: str | None
    cluster: bool = False
    nodes: tuple[str, ...] = ()

    def describe(self) -> str:
        if not self.cluster:
            return self.url or "embedded"
        return f"cluster via {', '.join(self.nodes) if self.nodes else self.url}"


class PatientCluster(RedisCluster):
    """A cluster client that rides out a failover: connection errors and CLUSTERDOWN are retried with
    backoff and jitter, the slot map reloaded each time, for up to ``FAILOVER_PATIENCE_S``."""

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + FAILOVER_PATIENCE_S
        delay = 0.05
        while True:
            try:
                return await super().execute_command(*args, **kwargs)
            except _FAILOVER_ERRORS as error:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("redis.cluster_retry", command=str(args[0]), error=str(error)[:200])
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 1.0)


def connect(*, target: RedisTarget, pool_size: int = POOL_SIZE) -> RedisClient:
    """A blocking pool on one server: past ``pool_size`` busy connections callers wait, instead of
    failing (redis-py 8 raises MaxConnectionsError on a plain pool). redis-py reads its own version
    from the package metadata on disk for each new connection unless told it: a burst of 200
    requests opening connections spent a third of the web's time there."""
    driver = DriverInfo(lib_version=redis.__version__)
    if target.cluster:
        startup = [_node(address) for address in target.nodes] or None
        options: dict[str, Any] = {
            "startup_nodes": startup,
            "decode_responses": True,
            "max_connections": pool_size,
            "health_check_interval": 30,
            "socket_connect_timeout": 2,
            "driver_info": driver,
            "retry": Retry(ExponentialWithJitterBackoff(cap=1.0, base=0.05), retries=PIPELINE_ATTEMPTS),
        }
        if target.url:
            return PatientCluster.from_url(target.url, **options)
        return PatientCluster(**options)
    assert target.url, "one server needs its URL"
    pool = aioredis.BlockingConnectionPool.from_url(
        target.url,
        max_connections=pool_size,
        timeout=10,
        decode_responses=True,
        health_check_interval=30,
        driver_info=driver,
    )
    return aioredis.Redis(connection_pool=pool)


def _node(address: str) -> ClusterNode:
    host, _, port = address.rpartition(":")
    return ClusterNode(host or "127.0.0.1", int(port))


@dataclass
class Replication:
    """How many replicas must hold a write before it is acknowledged to a person (0: none; Redis
    replicates asynchronously, so a master that dies just after a write may take it along)."""

    replicas: int = 0
    timeout_ms: int = 100
    _warned_at: float = -60.0

    def check(self, acked: Any) -> None:
        if isinstance(acked, int) and acked < self.replicas and time.monotonic() - self._warned_at >= 60:
            self._warned_at = time.monotonic()  # once a minute: a replica down is one fact, not one per write
            log.warning("redis.write_not_replicated", wanted=self.replicas, acked=acked, timeout_ms=self.timeout_ms)


async def run_replicated(
    *, cluster: RedisCluster, script: Any, keys: Sequence[str], args: Sequence[Any], replication: Replication
) -> Any:
    """Runs ``script`` on its keys' master, then WAITs on the same connection (WAIT counts the
    writes of its own connection). On a redirection or a lost connection, it runs the script the
    usual, patient way: the scripts given here are idempotent."""
    try:
        await cluster.initialize()  # the slot map, on first use or after a failover (a no-op otherwise)
        node = cluster.get_node_from_key(keys[0])
    except (RedisError, OSError):
        node = None
    if node is None:  # no map to go by yet: the usual, patient way
        return await script(keys=keys, args=args)
    connection = node.acquire_connection()
    try:
        try:
            await connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
            result = await connection.read_response()
        except NoScriptError:
            await connection.send_command("EVAL", script.script, len(keys), *keys, *args)
            result = await connection.read_response()
        await connection.send_command("WAIT", replication.replicas, replication.timeout_ms)
        replication.check(await connection.read_response())
        return result
    except (RedisError, OSError) as error:
        await connection.disconnect()
        log.warning("redis.replicated_write_retried", error=str(error)[:200])
    finally:
        node.release(connection)
    return await script(keys=keys, args=args)


def is_cluster(client: Any) -> bool:
    return isinstance(client, RedisCluster)
