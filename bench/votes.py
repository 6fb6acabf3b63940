"""Reaction events per second through the real HTTP endpoint on one process, tallies checked exactly
at the end, against a bare Bolt app on the same stack that only acknowledges the same events.
    python -m bench.votes [--events 4000] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time

import aiohttp
import redis.asyncio as aioredis

from bench.harness import (
    SIGNING_SECRET,
    bare_bolt_process,
    free_port,
    oauth_cercle_env,
    process,
    redis_server,
    write_results,
)
from bench.relay import Driver, mirror_roots, workspace
from tests.slack_signing import signed_headers
from tests.standins.slack_api import SlackStandIn

UP = ("+1", "star", "fire")


def reaction_events(*, team: str, channel: str, ts: str, bot: str, count: int) -> tuple[list[str], int]:
    """Signed-ready bodies: voters add one or two up emoji, some a thumbs down; the exact tally follows."""
    bodies, expected = [], 0
    voter = 0
    while len(bodies) < count:
        voter += 1
        user = f"U0V{voter:06d}"
        emoji = ["-1"] if voter % 5 == 0 else list(UP[: 1 + voter % 2])
        expected += -1 if emoji == ["-1"] else 1
        for e in emoji:
            bodies.append(
                json.dumps(
                    {
                        "token": "t",
                        "team_id": team,
                        "api_app_id": "A0CERCLE",
                        "type": "event_callback",
                        "event_id": f"Ev{secrets.token_hex(6).upper()}",
                        "event_time": int(time.time()),
                        "event": {
                            "type": "reaction_added",
                            "user": user,
                            "reaction": e,
                            "item": {"type": "message", "channel": channel, "ts": ts},
                            "event_ts": f"{time.time():.6f}",
                        },
                        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": bot, "is_bot": True}],
                    }
                )
            )
    if len(bodies) > count:  # the last voter's second emoji did not fit: one up vote all the same
        bodies = bodies[:count]
    return bodies, expected


async def fire(url: str, bodies: list[str], concurrency: int) -> float:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:

        async def worker() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/json")
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    assert response.status == 200, response.status

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def main(events: int, concurrency: int) -> dict:
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    workspace(slack, "TASKER0001", "Asker Org")
    workspace(slack, "THELPER001", "Helper Org")
    figures: dict = {"benchmark": "votes", "events": events, "concurrency": concurrency}
    try:
        with redis_server() as redis:
            port = free_port()
            env = oauth_cercle_env(slack, port=port, redis_url=redis.url, CERCLE_RELEVANCE_THRESHOLD="0")
            ready = f"http://127.0.0.1:{port}/readyz"
            # As `make run` starts it (web and worker as two processes, the worker at a lower CPU
            # priority), on this benchmark's Redis so that the tallies can be read.
            with process([sys.executable, "-m", "app"], env=env, ready_url=ready):
                async with aiohttp.ClientSession() as http:
                    driver = Driver(url=f"http://127.0.0.1:{port}", slack=slack, http=http)
                    for team in ("TASKER0001", "THELPER001"):
                        await driver.install(team)
                    await driver.command("inbox", team="THELPER001", channel="C0INBOX001")
                    await driver.partner("TASKER0001", "THELPER001")
                    await driver.command("A question to vote on?", team="TASKER0001", channel="C0LIVE0000")
                    while not mirror_roots(slack, "THELPER001"):
                        await asyncio.sleep(0.02)
                    mirror = mirror_roots(slack, "THELPER001")[0]
                    slack.user_post("THELPER001", "C0INBOX001", "U0ADMIN", "Vote for me", thread_ts=mirror["ts"])
                    while not [
                        c for c in slack.calls_to("chat.postMessage") if "Vote for me" in c.params.get("text", "")
                    ]:
                        await asyncio.sleep(0.02)
                injected = next(
                    c for c in slack.calls_to("chat.postMessage") if "Vote for me" in c.params.get("text", "")
                )
                slack.events_url = None  # from here on, only the benchmark's events reach Cercle
                bot = slack.workspaces["TASKER0001"].bot_user_id
                bodies, expected = reaction_events(
                    team="TASKER0001", channel="C0LIVE0000", ts=injected.response["ts"], bot=bot, count=events
                )
                cercle_s = await fire(f"http://127.0.0.1:{port}/slack/events", bodies, concurrency)
                client = aioredis.Redis.from_url(redis.url, decode_responses=True)
                deadline = time.monotonic() + 30
                tally = None
                while time.monotonic() < deadline:
                    tally = 0
                    async for key in client.scan_iter(match="cercle:{t:*}:votes:*"):
                        tally += sum(int(v) for v in await client.hvals(key))
                    if tally == expected:
                        break
                    await asyncio.sleep(0.1)
                await client.aclose()
                figures["cercle"] = {"seconds": round(cercle_s, 3), "events_per_s": round(events / cercle_s, 1)}
                figures["tally"] = tally
                figures["expected_tally"] = expected
        bare_port = free_port()
        ws = slack.workspaces["TASKER0001"]
        with bare_bolt_process(port=bare_port, api_url=slack.api_url, bot_token=ws.bot_token):
            bare_bodies, _ = reaction_events(team="TASKER0001", channel="C0LIVE0000", ts="1.1", bot=bot, count=events)
            bare_s = await fire(f"http://127.0.0.1:{bare_port}/slack/events", bare_bodies, concurrency)
        figures["bare_bolt"] = {"seconds": round(bare_s, 3), "events_per_s": round(events / bare_s, 1)}
    finally:
        await slack.stop()
    figures["ratio_throughput"] = round(figures["cercle"]["events_per_s"] / figures["bare_bolt"]["events_per_s"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    result = asyncio.run(main(args.events, args.concurrency))
    path = write_results("votes", result)
    print(f"bare Bolt : {result['bare_bolt']['events_per_s']} reaction events/s")
    print(f"Cercle    : {result['cercle']['events_per_s']} reaction events/s (one web process)")
    print(f"ratio     : x{result['ratio_throughput']}")
    ok = "exact" if result["tally"] == result["expected_tally"] else "WRONG"
    print(f"tally     : {result['tally']} (expected {result['expected_tally']}: {ok}); figures in {path}")
    if ok != "exact":
        sys.exit(1)
