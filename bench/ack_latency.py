"""Time to Slack's 200 for 200 concurrent signed `/ask` requests: Cercle vs a bare Bolt app.

Cercle runs as `make run` starts it (`python -m app`: the embedded Redis, then web and worker as
two processes, the default relevance tier); the bare Bolt app is one process on the same aiohttp +
Bolt stack; the Slack stand-in runs in a process of its own. Rounds alternate between the two, so
that both meet the same machine. Cercle's web records each question (one Redis round trip) and
acknowledges; its worker opens the topics meanwhile, on the same 2 cores, which is what a real
burst looks like.
    python -m bench.ack_latency [--concurrency 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.harness import (
    bare_bolt_process,
    cercle_as_make_run,
    free_port,
    slack_standin,
    standin_stats,
    summary_ms,
    timed_signed_post,
    write_results,
)
from tests.slack_signing import form_body

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
            return await timed_signed_post(http, url, body, content_type="application/x-www-form-urlencoded")

        return list(await asyncio.gather(*(one(i) for i in range(concurrency))))


async def _wait_opened(slack: dict, *, expected: int, timeout_s: float = 120.0) -> int:
    """Until the worker has posted the root of every question Cercle acknowledged (or the timeout)."""
    deadline = time.monotonic() + timeout_s
    posted = 0
    while time.monotonic() < deadline:
        posted = standin_stats(slack)["calls"].get("chat.postMessage:200", 0)  # the bare app posts nothing
        if posted >= expected:
            break
        await asyncio.sleep(0.5)
    return posted


async def main(concurrency: int, rounds: int) -> dict:
    with slack_standin() as slack, tempfile.TemporaryDirectory() as data_dir:
        token = slack["workspaces"]["TBENCH0000"]
        bare_port, cercle_port = free_port(), free_port()
        bare_url = f"http://127.0.0.1:{bare_port}/slack/events"
        cercle_url = f"http://127.0.0.1:{cercle_port}/slack/events"
        with (
            bare_bolt_process(port=bare_port, api_url=slack["api_url"], bot_token=token),
            cercle_as_make_run(port=cercle_port, data_dir=Path(data_dir), api_url=slack["api_url"], bot_token=token),
        ):
            await burst(bare_url, slack, 20, label="warm-up")  # imports, auth.test, connection pools
            await burst(cercle_url, slack, 20, label="warm-up")
            bare: list[float] = []
            cercle: list[float] = []
            for round_number in range(rounds):
                bare += await burst(bare_url, slack, concurrency, label=f"bare-{round_number}")
                await asyncio.sleep(1.0)
                cercle += await burst(cercle_url, slack, concurrency, label=f"cercle-{round_number}")
                await asyncio.sleep(3.0)  # the worker opens the burst's topics meanwhile
            opened = await _wait_opened(slack, expected=20 + concurrency * rounds)

    posted = opened
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
