"""Scale-out benchmarks, figures for the closing note of the scale-out issue.

1. Throughput of partner replies, from the reply event to its injection in the live thread, with
   1, 2 and 4 worker processes, on one Redis and on a Redis Cluster (three masters, three
   replicas). Every reply goes to its own live channel, so Slack's 1 message per second per
   channel paces nothing. Baseline: the same run with 1 worker (the ratio is N workers / 1).
2. Worker memory: the RSS of a worker process with 10,000 open topics in Redis after it has
   handled replies to 500 of them, default relevance tier; and of `make run`'s processes idle.
3. Redis bytes per topic, with its mirror, 5 answers and 10 votes, measured on a fresh server.
4. Failover: reactions keep arriving while the master holding the topic is killed: the longest
   acknowledgement, the requests refused, and whether the tally is exact afterwards.

Cercle runs as real `web` and `worker` processes (`python -m app web|worker`) on the default
relevance tier; the Slack stand-in runs here.
    python -m bench.scale [--replies 300] [--topics 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

from app.domain.models import Meeting, Person, Place, Platform, Topic
from app.store import keys
from app.store.connection import RedisTarget, connect
from app.store.topics import RedisTopicRepository
from bench.harness import (
    SIGNING_SECRET,
    free_port,
    oauth_cercle_env,
    process,
    redis_server,
    summary_ms,
    timed_signed_post,
    write_results,
)
from bench.relay import Driver, mirror_roots, wait_for, workspace
from tests.redis_cluster import LocalCluster
from tests.slack_signing import signed_headers
from tests.standins.slack_api import SlackStandIn

PAIRS = 10  # asker and helper organisations, partnered two by two: their inboxes fill side by side


def cpu_s(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@contextlib.contextmanager
def a_redis(kind: str) -> Iterator[tuple[dict[str, str], LocalCluster | None]]:
    """The variables that point Cercle at a fresh Redis of ``kind``, and the cluster if it is one."""
    if kind == "single":
        with redis_server() as server:
            yield {"REDIS_URL": server.url}, None
        return
    with tempfile.TemporaryDirectory() as folder:
        cluster = LocalCluster(data_dir=Path(folder)).start()
        try:
            yield {"REDIS_CLUSTER": "true", "REDIS_CLUSTER_NODES": cluster.node_list}, cluster
        finally:
            cluster.stop()


def _env(slack: SlackStandIn, port: int, redis_env: dict[str, str], **extra: str) -> dict[str, str]:
    env = oauth_cercle_env(slack, port=port, redis_url="", CERCLE_RELEVANCE_THRESHOLD="0", **extra)
    env.pop("REDIS_URL")
    env.pop("CERCLE_RELEVANCE_MODEL")  # the default tier, as `make run` has it
    return {**env, **redis_env, "CERCLE_MAX_INJECT": "100000"}


async def _network(driver: Driver, slack: SlackStandIn, *, topics_per_pair: int) -> list[tuple[str, str, str]]:
    """PAIRS asker/helper pairs, each asker with ``topics_per_pair`` questions in as many live
    channels; returns (helper, mirror ts, live channel of the asker) per topic."""
    for i in range(PAIRS):
        await driver.install(f"TASK{i:06d}")
        await driver.install(f"THLP{i:06d}")
        await driver.command("inbox", team=f"THLP{i:06d}", channel="C0INBOX001")
        await driver.partner(f"TASK{i:06d}", f"THLP{i:06d}")
    for n in range(topics_per_pair):
        for i in range(PAIRS):
            await driver.command(f"Scale question {i}-{n}?", team=f"TASK{i:06d}", channel=f"C0LIVE{n:04d}")
    helpers = [f"THLP{i:06d}" for i in range(PAIRS)]
    await wait_for(lambda: all(len(mirror_roots(slack, h)) == topics_per_pair for h in helpers), 300)
    return [(h, m["ts"], m["text"]) for h in helpers for m in mirror_roots(slack, h)]


def _injected(slack: SlackStandIn, tag: str) -> dict[str, float]:
    return {
        call.params["text"].split(tag, 1)[1].split()[0]: call.at
        for call in slack.calls_to("chat.postMessage")
        if call.params.get("thread_ts") and tag in call.params.get("text", "")
    }


async def throughput(kind: str, *, replies: int) -> dict:
    """Replies per second with 1, 2 and 4 workers, one round each on the same network."""
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    per_pair = -(-replies // PAIRS)
    for i in range(PAIRS):
        workspace(slack, f"TASK{i:06d}", f"Asker {i}", live_channels=per_pair)
        workspace(slack, f"THLP{i:06d}", f"Helper {i}")
    figures: dict = {"replies": replies}
    try:
        with a_redis(kind) as (redis_env, _cluster):
            port = free_port()
            env = _env(slack, port, redis_env)
            ready = f"http://127.0.0.1:{port}/readyz"
            with process([sys.executable, "-m", "app", "web"], env=env, ready_url=ready) as web:
                async with aiohttp.ClientSession() as http:
                    driver = Driver(url=f"http://127.0.0.1:{port}", slack=slack, http=http)
                    with process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready):
                        mirrors = await _network(driver, slack, topics_per_pair=per_pair)
                    for workers in (1, 2, 4):
                        with contextlib.ExitStack() as stack:
                            pids = {"web": web.pid}
                            for n in range(workers):
                                worker = process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready)
                                pids[f"worker{n}"] = stack.enter_context(worker).pid
                            await asyncio.sleep(3)  # each worker warms up its text models before reading
                            figures[f"workers_{workers}"] = await _round(
                                slack, mirrors[:replies], f"w{workers}r", pids=pids
                            )
    finally:
        await slack.stop()
    one = figures["workers_1"]["replies_per_s"]
    for workers in (2, 4):
        figures[f"ratio_{workers}_to_1"] = round(figures[f"workers_{workers}"]["replies_per_s"] / one, 2)
    figures["violations"] = slack.violations[:5]
    return figures


async def _round(slack: SlackStandIn, mirrors: list[tuple[str, str, str]], tag: str, *, pids: dict[str, int]) -> dict:
    """Every reply at once; the CPU each process spent meanwhile says where the time went."""
    cpu_before = {name: cpu_s(pid) for name, pid in pids.items()}
    here_before = sum(os.times()[:2])
    started = time.time()
    for n, (helper, mirror_ts, _) in enumerate(mirrors):
        text = f"Reply {tag}{n} suggests approach {secrets.token_hex(3)} for pricing"
        slack.user_post(helper, "C0INBOX001", "U0ADMIN", text, thread_ts=mirror_ts)
    await wait_for(lambda: len(_injected(slack, f"Reply {tag}")) >= len(mirrors), 600)
    done = _injected(slack, f"Reply {tag}")
    elapsed = max(done.values()) - started
    cpu = {name: round(cpu_s(pid) - cpu_before[name], 2) for name, pid in pids.items()}
    cpu["slack_stand_in_and_driver"] = round(sum(os.times()[:2]) - here_before, 2)
    return {
        "seconds": round(elapsed, 2),
        "replies_per_s": round(len(mirrors) / elapsed, 1),
        "cpu_s": cpu,
        "cores_busy": round(sum(cpu.values()) / elapsed, 2),  # of os.cpu_count(); Redis not counted
    }


async def _one_pair(port: int, slack: SlackStandIn, http: aiohttp.ClientSession) -> Driver:
    """An asker and a helper organisation, installed and partnered, the helper's inbox set."""
    driver = Driver(url=f"http://127.0.0.1:{port}", slack=slack, http=http)
    await driver.install("TASK000000")
    await driver.install("THLP000000")
    await driver.command("inbox", team="THLP000000", channel="C0INBOX001")
    await driver.partner("TASK000000", "THLP000000")
    return driver


async def memory(*, topics: int) -> dict:
    """RSS of a worker with ``topics`` open topics after replies to 500 of them; Redis bytes per topic."""
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    asker = workspace(slack, "TASK000000", "Asker", live_channels=50)
    helper = workspace(slack, "THLP000000", "Helper")
    for k in range(5):
        helper.add_user(f"U0H{k:05d}", f"helper{k}")
        asker.add_user(f"U0V{k:05d}", f"voter{k}")
    figures: dict = {"open_topics": topics}
    try:
        with redis_server() as server:
            port = free_port()
            env = _env(slack, port, {"REDIS_URL": server.url})
            ready = f"http://127.0.0.1:{port}/readyz"
            redis = connect(target=RedisTarget(url=server.url))
            with (
                process([sys.executable, "-m", "app", "web"], env=env, ready_url=ready),
                process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready) as worker,
            ):
                async with aiohttp.ClientSession() as http:
                    driver = await _one_pair(port, slack, http)
                    await asyncio.sleep(3)
                    figures["worker_rss_idle_mb"] = rss_mb(worker.pid)
                    before = int((await redis.info("memory"))["used_memory"])
                    # 50 topics the real way: asked, mirrored, answered 5 times, voted 10 times.
                    figures["redis_bytes_per_topic"] = await _real_topics(driver, slack, redis, before, count=50)
                    await _stored_topics(redis, count=topics)
                    await _replies_to_stored(driver, slack, redis, count=500)
                    figures["worker_rss_after_mb"] = rss_mb(worker.pid)
                    figures["redis_used_memory_mb"] = round(int((await redis.info("memory"))["used_memory"]) / 2**20, 1)
            await redis.aclose()
    finally:
        await slack.stop()
    return figures


async def _real_topics(driver: Driver, slack: SlackStandIn, redis, before: int, *, count: int) -> dict:  # type: ignore[no-untyped-def]
    for n in range(count):
        await driver.command(f"Memory question {n}?", team="TASK000000", channel=f"C0LIVE{n:04d}")
    await wait_for(lambda: len(mirror_roots(slack, "THLP000000")) == count, 300)
    for t, m in enumerate(mirror_roots(slack, "THLP000000")):
        for k in range(5):
            words = f"Answer t{t}k{k} {secrets.token_hex(4)}: try option {secrets.token_hex(3)} with the vendor"
            slack.user_post("THLP000000", "C0INBOX001", f"U0H{k:05d}", words, thread_ts=m["ts"])
    await wait_for(lambda: len(_injected(slack, "Answer ")) >= count * 5, 600)
    live = [c for c in slack.calls_to("chat.postMessage") if "Answer " in c.params.get("text", "")]
    for call in live[: count * 2]:
        message = next(
            m
            for m in slack.channel_messages("TASK000000", call.params["channel"])
            if m.get("text") == call.params["text"]
        )
        for v in range(5):
            slack.user_react("TASK000000", call.params["channel"], message["ts"], f"U0V{v:05d}", "+1")
    await asyncio.sleep(5)
    after = int((await redis.info("memory"))["used_memory"])
    tagged = [k async for k in redis.scan_iter(match="cercle:*", count=1000)]
    sizes = {k: int(await redis.memory_usage(k) or 0) for k in tagged}
    usage = sum(sizes.values())
    by_kind: dict[str, list[int]] = {}
    for key, size in sizes.items():
        kind = re.sub(r"\{[^}]*\}", "{…}", key)
        kind = ":".join(part if not re.search(r"\d{4}", part) else "…" for part in kind.split(":"))
        by_kind.setdefault(kind, []).append(size)
    topic_data = sum(size for key, size in sizes.items() if "{t:" in key or "{msg:" in key)
    job_marks = sum(size for key, size in sizes.items() if "{jobs:" in key and not key.endswith(":stream"))
    return {
        "topic_and_its_messages": round(topic_data / count),  # the topic, mirrors, answers, votes, refs
        "job_marks_expiring_in_24h": round(job_marks / count),
        "largest_kinds": {
            k: {"keys": len(v), "bytes_per_topic": round(sum(v) / count)}
            for k, v in sorted(by_kind.items(), key=lambda kv: -sum(kv[1]))[:12]
        },
        "topics": count,
        "answers_per_topic": 5,
        "votes_per_topic": 10,
        "by_used_memory": round((after - before) / count),
        "by_memory_usage_of_keys": round(usage / count),
    }


async def _stored_topics(redis, *, count: int) -> None:  # type: ignore[no-untyped-def]
    """Open topics written by the store itself (asking 10,000 questions through Slack would take
    hours at one message per second per channel)."""
    topics = RedisTopicRepository(redis=redis)
    place = Place(Platform.SLACK, "TASK000000", "C0MEET0001")
    meeting = await topics.ensure_meeting(place=place, now=time.time())
    assert isinstance(meeting, Meeting)
    for n in range(count):
        topic = Topic(
            id=f"stored{n:06d}",
            meeting_id=meeting.id,
            question=f"Stored question {n} about pricing and vendors?",
            asker=Person("U0ASKER", "ada"),
            place=Place(Platform.SLACK, "TASK000000", "C0MEET0001", f"1700000000.{n:06d}"),
            created_at=time.time(),
        )
        await topics.add_topic(topic=topic)


async def _replies_to_stored(driver: Driver, slack: SlackStandIn, redis, *, count: int) -> None:  # type: ignore[no-untyped-def]
    """Replies to live topics the worker must read, weigh and inject."""
    mirrors = mirror_roots(slack, "THLP000000")
    for n in range(count):
        m = mirrors[n % len(mirrors)]
        words = f"Later {n} {secrets.token_hex(4)}: consider plan {secrets.token_hex(3)}"
        slack.user_post("THLP000000", "C0INBOX001", "U0ADMIN", words, thread_ts=m["ts"])
        if n % 50 == 49:
            await asyncio.sleep(1)
    await wait_for(lambda: len(_injected(slack, "Later ")) >= count * 0.9, 600)


async def failover(*, reactions: int) -> dict:
    """Reactions at 100 per second on one answer while its topic's master is killed."""
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    workspace(slack, "TASK000000", "Asker", live_channels=1)
    workspace(slack, "THLP000000", "Helper")
    figures: dict = {"reactions": reactions}
    try:
        with a_redis("cluster") as (redis_env, cluster):
            assert cluster is not None
            port = free_port()
            env = _env(slack, port, redis_env)
            ready = f"http://127.0.0.1:{port}/readyz"
            with (
                process([sys.executable, "-m", "app", "web"], env=env, ready_url=ready),
                process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready),
            ):
                async with aiohttp.ClientSession() as http:
                    driver = await _one_pair(port, slack, http)
                    await driver.command("Failover question?", team="TASK000000", channel="C0LIVE0000")
                    await wait_for(lambda: mirror_roots(slack, "THLP000000"), 60)
                    mirror = mirror_roots(slack, "THLP000000")[0]
                    slack.user_post("THLP000000", "C0INBOX001", "U0ADMIN", "Use a pilot.", thread_ts=mirror["ts"])
                    await wait_for(lambda: _injected(slack, "Use a"), 60)
                    injected = next(
                        m for m in slack.channel_messages("TASK000000", "C0LIVE0000") if "Use a" in m["text"]
                    )
                    figures.update(await _react_through_failover(http, slack, cluster, port, injected, reactions))
    finally:
        await slack.stop()
    return figures


async def _react_through_failover(http, slack, cluster, port, injected, reactions) -> dict:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{port}/slack/events"
    bot = slack.workspaces["TASK000000"].bot_user_id
    results: list[tuple[float, float, int]] = []  # (sent, took, status)
    acknowledged: set[int] = set()

    async def react(n: int) -> None:
        body = _reaction_event(f"Ev{n:08d}", f"U0R{n:06d}", message_ts=injected["ts"], bot=bot)
        for attempt in range(4):  # Slack retries a request that failed or took over 3 s
            headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/json")
            sent = time.monotonic()
            try:
                async with http.post(url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=3)) as r:
                    results.append((sent, time.monotonic() - sent, r.status))
                    if r.status == 200:
                        acknowledged.add(n)
                        return
            except (TimeoutError, aiohttp.ClientError):
                results.append((sent, time.monotonic() - sent, 0))
            await asyncio.sleep(0.5 * (attempt + 1))

    # The master of the answer's slots: the topic's tag (its votes live there).
    ref_topic = await _topic_of(cluster, injected)
    doomed = cluster.master_of(keys.topic(ref_topic))
    tasks = []
    killed_at = 0.0
    start = time.monotonic()
    for n in range(reactions):
        tasks.append(asyncio.create_task(react(n)))
        if n == reactions // 3:
            cluster.kill(doomed)
            killed_at = time.monotonic()
        await asyncio.sleep(0.01)
    sending_s = time.monotonic() - start
    await asyncio.gather(*tasks)
    promoted_s = await asyncio.to_thread(_promotion_time, cluster, killed_at)
    redis = connect(target=RedisTarget(url=None, cluster=True, nodes=tuple(cluster.node_list.split(","))))
    answer_ids = await redis.zrange(keys.topic_answers(ref_topic), 0, -1)
    deadline = time.monotonic() + 60
    tally = 0
    while time.monotonic() < deadline:
        tally = sum(int(v) for v in await redis.hvals(keys.answer_votes(ref_topic, answer_ids[0])))
        if tally >= len(acknowledged):
            break
        await asyncio.sleep(0.2)
    await redis.aclose()
    during = [r for r in results if r[0] >= killed_at - 0.5]
    return {
        "sent_per_s": round(reactions / sending_s, 1),
        "replica_promoted_after_s": promoted_s,
        "longest_ack_s": round(max(took for _, took, _ in results), 2),
        "acks_over_3s_or_failed": sum(1 for _, took, status in results if status != 200 or took > 3),
        "p50_ack_ms_around_the_kill": round(sorted(t for _, t, _ in during)[len(during) // 2] * 1000, 1),
        "acknowledged": len(acknowledged),
        "tally": tally,
        "tally_exact": tally == len(acknowledged),  # every reaction acknowledged with a 200 counted once
        "refused_503": sum(1 for _, _, status in results if status == 503),
    }


async def replication_cost(*, requests: int) -> dict:
    """The acknowledgement of reaction events on a cluster, without and with waiting for a replica
    (CERCLE_REPLICA_ACKS 0 and 1), in alternating rounds of 50 concurrent requests."""
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    workspace(slack, "TASK000000", "Asker")
    latencies: dict[int, list[float]] = {0: [], 1: []}
    try:
        with a_redis("cluster") as (redis_env, _cluster):
            webs = {}
            with contextlib.ExitStack() as stack:
                for acks in (0, 1):
                    port = free_port()
                    env = _env(slack, port, redis_env, CERCLE_REPLICA_ACKS=str(acks))
                    ready = f"http://127.0.0.1:{port}/readyz"
                    stack.enter_context(process([sys.executable, "-m", "app", "web"], env=env, ready_url=ready))
                    webs[acks] = f"http://127.0.0.1:{port}/slack/events"
                async with aiohttp.ClientSession() as http:
                    for n in range(0, requests, 50):
                        for acks in (0, 1) if n % 100 == 0 else (1, 0):
                            batch = [_reaction_event(f"Ev{acks}{m:07d}", f"U0R{m:06d}") for m in range(n, n + 50)]
                            latencies[acks] += await asyncio.gather(
                                *(
                                    timed_signed_post(http, webs[acks], b, content_type="application/json")
                                    for b in batch
                                )
                            )
    finally:
        await slack.stop()
    without, with_wait = summary_ms(latencies[0]), summary_ms(latencies[1])
    return {
        "without_wait": without,
        "with_wait": with_wait,
        "ratio_p50": round(with_wait["p50_ms"] / without["p50_ms"], 2),
    }


def _reaction_event(event_id: str, user: str, *, message_ts: str = "1800000000.000100", bot: str = "U0BOT") -> str:
    """A signed-to-be reaction_added as Slack sends it, on a message of the asker's live channel."""
    return json.dumps(
        {
            "token": "t",
            "team_id": "TASK000000",
            "api_app_id": "A0CERCLE",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {
                "type": "reaction_added",
                "user": user,
                "reaction": "+1",
                "event_ts": f"{time.time():.6f}",
                "item": {"type": "message", "channel": "C0LIVE0000", "ts": message_ts},
            },
            "authorizations": [{"enterprise_id": None, "team_id": "TASK000000", "user_id": bot, "is_bot": True}],
        }
    )


async def _topic_of(cluster: LocalCluster, injected: dict) -> str:
    redis = connect(target=RedisTarget(url=None, cluster=True, nodes=tuple(cluster.node_list.split(","))))
    ref = keys.message_ref("injected", "slack:TASK000000:C0LIVE0000", injected["ts"])
    found = str(await redis.get(ref))
    await redis.aclose()
    return found.split("/")[0]


def _promotion_time(cluster: LocalCluster, killed_at: float) -> float:
    cluster.wait_ok(timeout=60)
    return round(time.monotonic() - killed_at, 2)


async def main(*, replies: int, topics: int, reactions: int) -> dict:
    figures: dict = {"benchmark": "scale", "cpus": os.cpu_count()}
    for kind in ("single", "cluster"):
        figures[f"throughput_{kind}"] = await throughput(kind, replies=replies)
    figures["memory"] = await memory(topics=topics)
    figures["failover"] = await failover(reactions=reactions)
    figures["replication_cost"] = await replication_cost(requests=1000)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--reactions", type=int, default=600)
    args = parser.parse_args()
    result = asyncio.run(main(replies=args.replies, topics=args.topics, reactions=args.reactions))
    path = write_results("scale", result)
    for kind in ("single", "cluster"):
        t = result[f"throughput_{kind}"]
        rates = ", ".join(f"{w} worker(s) {t[f'workers_{w}']['replies_per_s']}/s" for w in (1, 2, 4))
        print(f"replies, {kind:7}: {rates}; ratio 2:1 x{t['ratio_2_to_1']}, 4:1 x{t['ratio_4_to_1']}")
    m = result["memory"]
    print(
        f"worker RSS: {m['worker_rss_idle_mb']} MB idle, {m['worker_rss_after_mb']} MB with {m['open_topics']} open "
        f"topics after 500 replies; Redis bytes per topic: {m['redis_bytes_per_topic']}"
    )
    f = result["failover"]
    print(
        f"failover: replica promoted after {f['replica_promoted_after_s']} s; longest ack {f['longest_ack_s']} s; "
        f"{f['acks_over_3s_or_failed']} acks over 3 s or failed (Slack retries them); tally exact: {f['tally_exact']}"
    )
    r = result["replication_cost"]
    print(
        f"waiting for a replica: ack p50 {r['without_wait']['p50_ms']} -> {r['with_wait']['p50_ms']} ms, "
        f"p99 {r['without_wait']['p99_ms']} -> {r['with_wait']['p99_ms']} ms (x{r['ratio_p50']} at p50)"
    )
    print(f"figures in {path}")
