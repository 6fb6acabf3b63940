"""Time to Slack's 200 for 200 concurrent signed `/ask` requests: Cercle vs a bare Bolt app.

Both servers run in their own process on the same aiohttp + Bolt stack; the Slack stand-in
runs here. Cercle's listener acks first and then posts, so its follow-up work (Redis, Slack
calls) shares the process with the acks, which is what a real burst looks like.
    python bench/ack_latency.py [--concurrency 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time

import aiohttp

from bench.harness import (
    SIGNING_SECRET,
    bare_bolt_process,
    cercle_process,
    free_port,
    redis_server,
    slack_standin,
    standin_stats,
    summary_ms,
    write_results,
)
from tests.slack_signing import form_body, signed_headers

QUESTION = "Benchmark question number {i}?"


def command(text: str, response_url: str) -> str:
    return form_body(
        {
            "team_id": "TBENCH0000",
            "channel_id": "C0BENCH000",
            "user_id": "U0BENCH",
            "user_name": "bench",
            "command": "/ask",
            "text": text,
            "trigger_id": f"{secrets.randbelow(10**12)}.{secrets.token_hex(16)}",
            "response_url": response_url,
        }
    )


async def burst(url: str, slack: dict, concurrency: int, *, label: str) -> list[float]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(i: int) -> float:
            response_url = f"{slack['base_url']}/commands/TBENCH0000/{i}/{secrets.token_hex(4)}"
            body = command(QUESTION.format(i=f"{label}.{i}"), response_url)  # each one new: a repeat is refused
            headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/x-www-form-urlencoded")
            started = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            return time.perf_counter() - started

        return list(await asyncio.gather(*(one(i) for i in range(concurrency))))


async def measure(url: str, slack: dict, *, concurrency: int, rounds: int) -> list[float]:
    await burst(url, slack, 20, label="warm-up")  # imports, auth.test, connection pools
    latencies: list[float] = []
    for round_number in range(rounds):
        latencies += await burst(url, slack, concurrency, label=str(round_number))
        await asyncio.sleep(1.0)  # let follow-up posts drain between bursts
    return latencies


async def main(concurrency: int, rounds: int) -> dict:
    with slack_standin() as slack, redis_server() as redis:
        token = slack["workspaces"]["TBENCH0000"]
        bare_port, cercle_port = free_port(), free_port()
        with bare_bolt_process(port=bare_port, api_url=slack["api_url"], bot_token=token):
            bare = await measure(
                f"http://127.0.0.1:{bare_port}/slack/events", slack, concurrency=concurrency, rounds=rounds
            )
        with cercle_process(port=cercle_port, redis_url=redis.url, api_url=slack["api_url"], bot_token=token):
            cercle = await measure(
                f"http://127.0.0.1:{cercle_port}/slack/events", slack, concurrency=concurrency, rounds=rounds
            )
            await asyncio.sleep(2)
        stats = standin_stats(slack)
    posted = stats["calls"].get("chat.postMessage:200", 0)
    figures = {
        "benchmark": "ack_latency",
        "concurrency": concurrency,
        "rounds": rounds,
        "text": QUESTION,
        "bare_bolt": summary_ms(bare),
        "cercle": summary_ms(cercle),
        "topics_posted_by_cercle": posted,
    }
    figures["ratio_p50"] = round(figures["cercle"]["p50_ms"] / figures["bare_bolt"]["p50_ms"], 2)
    figures["ratio_p99"] = round(figures["cercle"]["p99_ms"] / figures["bare_bolt"]["p99_ms"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--text", default=QUESTION, help="what follows /ask ('help' measures the ack path alone)")
    args = parser.parse_args()
    QUESTION = args.text
    result = asyncio.run(main(args.concurrency, args.rounds))
    path = write_results("ack_latency", result)
    b, c = result["bare_bolt"], result["cercle"]
    print(f"bare Bolt : p50 {b['p50_ms']} ms  p99 {b['p99_ms']} ms  (n={b['n']})")
    print(f"Cercle    : p50 {c['p50_ms']} ms  p99 {c['p99_ms']} ms  (n={c['n']})")
    print(f"ratio     : p50 x{result['ratio_p50']}  p99 x{result['ratio_p99']}")
    print(f"topics posted by Cercle: {result['topics_posted_by_cercle']}; figures in {path}")
