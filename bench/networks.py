"""Public networks benchmark (Mastodon), figures for the public-networks issue.

1. A reply appearing under a published question until Cercle posts it in the Slack thread, p50 and
   p95, with the default schedule (replies read every CERCLE_POLL_SECONDS=20 s). Baseline, in the
   same run: a bare poller on the same schedule and stack (aiohttp reads the context every 20 s and
   reposts each new reply with slack_sdk at once: no queue, no store, no scoring).
2. Requests spent reading replies per open topic per hour on each network account (Mastodon, X,
   Bluesky; the questions go to all three), against each one's budget: Mastodon 300 per 5 minutes,
   X's recent search 300 per 15 minutes, Bluesky 3,000 per 5 minutes. Matrix has none to keep.

Cercle runs as `make run` starts it (`python -m app`: the embedded Redis, web and worker, the default
relevance tier); the Slack and Mastodon stand-ins run here.
    python -m bench.networks [--topics 5] [--replies 30] [--seconds 150]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bench.harness import SIGNING_SECRET, free_port, process, summary_ms, timed_signed_post, write_results
from tests.slack_signing import form_body
from tests.standins.bluesky import BlueskyStandIn
from tests.standins.mastodon import MastodonStandIn
from tests.standins.slack_api import SlackStandIn
from tests.standins.x_api import XStandIn

TEAM = "TBENCH0000"
POLL_S = 20.0


BUDGETS_PER_HOUR = {"mastodon": 3600, "x": 1200, "bluesky": 36000}


def cercle_env(
    slack: SlackStandIn, mastodon: MastodonStandIn, x: XStandIn, bluesky: BlueskyStandIn, *, port: int, data_dir: Path
) -> dict[str, str]:
    token = slack.workspaces[TEAM].bot_token
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CERCLE_", "SLACK_", "MASTODON_"))}
    return {
        **clean,
        "PORT": str(port),
        "CERCLE_DATA_DIR": str(data_dir),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": token,
        "SLACK_API_URL": slack.api_url,
        "CERCLE_SECRET_KEY": "bench-secret-key-long-enough-0123456789",
        "MASTODON_BASE_URL": mastodon.base_url,
        "MASTODON_ACCESS_TOKEN": mastodon.token,
        "X_API_URL": x.api_url,
        "X_ACCESS_TOKEN": x.user_token,
        "BLUESKY_SERVICE_URL": bluesky.service_url,
        "BLUESKY_HANDLE": bluesky.handle,
        "BLUESKY_APP_PASSWORD": bluesky.password,
        "CERCLE_RELEVANCE_THRESHOLD": "0",  # the path is measured: every reply goes through
        "CERCLE_MAX_INJECT": "100000",
        "LOG_FORMAT": "json",
    }


async def ask(http: aiohttp.ClientSession, url: str, slack: SlackStandIn, channel: str, question: str) -> None:
    body = form_body(
        {
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": "U0BENCH",
            "user_name": "bench",
            "command": "/ask",
            "text": f"--public {question}",
            "trigger_id": f"bench.{channel}.{time.time()}",
            "response_url": slack.response_url(TEAM),
        }
    )
    await timed_signed_post(http, f"{url}/slack/events", body, content_type="application/x-www-form-urlencoded")


async def replies_over(
    mastodon: MastodonStandIn, roots: list[str], *, replies: int, seconds: float, tag: str
) -> dict[str, float]:
    """Replies at random moments over ``seconds``; returns when each appeared."""
    moments = sorted(random.uniform(0, seconds) for _ in range(replies))
    started = time.monotonic()
    appeared: dict[str, float] = {}
    for n, moment in enumerate(moments):
        await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
        text = f"{tag} reply {n} suggests option{n}"
        mastodon.reply(
            roots[n % len(roots)], acct=f"helper{n}@example.social", name=f"Helper {n}", html=f"<p>{text}</p>"
        )
        appeared[f"{tag} reply {n}"] = time.time()
    return appeared


def posted_at(slack: SlackStandIn, tag: str) -> dict[str, float]:
    found = {}
    for call in slack.calls_to("chat.postMessage"):
        match = re.search(rf"{tag} reply \d+(?= suggests)", call.params.get("text", ""))
        if match:
            found[match.group(0)] = call.at
    return found


async def bare_poller(mastodon: MastodonStandIn, slack: SlackStandIn, roots: list[str], stop: asyncio.Event) -> None:
    """The least a relay can do on the same schedule: read each context, repost what is new."""
    client = AsyncWebClient(token=slack.workspaces[TEAM].bot_token, base_url=slack.api_url)
    seen: set[str] = set()
    headers = {"Authorization": f"Bearer {mastodon.token}"}
    async with aiohttp.ClientSession() as http:
        while not stop.is_set():
            for root in roots:
                async with http.get(f"{mastodon.base_url}/api/v1/statuses/{root}/context", headers=headers) as r:
                    context = await r.json()
                for status in context.get("descendants", []):
                    if status["id"] not in seen:
                        seen.add(status["id"])
                        text = re.sub(r"<[^>]+>", "", status["content"])
                        await client.chat_postMessage(channel="C0BARE0001", text=text)
            try:
                await asyncio.wait_for(stop.wait(), POLL_S)
            except TimeoutError:
                pass


async def main(topics: int, replies: int, seconds: float) -> dict:
    slack = await SlackStandIn().start()
    mastodon = await MastodonStandIn().start()
    x = await XStandIn().start()
    bluesky = await BlueskyStandIn().start()
    ws = slack.add_workspace(TEAM, "Bench Org")
    for i in range(topics):
        ws.add_channel(f"C0LIVE{i:04d}", f"live-{i}")
    ws.add_channel("C0BARE0001", "bare")
    ws.add_user("U0BENCH", "bench", admin=True)
    figures: dict = {"benchmark": "networks", "network": "mastodon", "poll_seconds": POLL_S, "topics": topics}
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            port = free_port()
            env = cercle_env(slack, mastodon, x, bluesky, port=port, data_dir=Path(data_dir))
            url = f"http://127.0.0.1:{port}"
            log = Path(tempfile.gettempdir()) / f"cercle-bench-networks-{port}.log"
            with process([sys.executable, "-m", "app"], env=env, ready_url=f"{url}/readyz", log=log, inherit=False):
                async with aiohttp.ClientSession() as http:
                    for i in range(topics):
                        await ask(http, url, slack, f"C0LIVE{i:04d}", f"Benchmark question {i} about pilots?")
                    deadline = time.monotonic() + 60
                    while len(mastodon.published()) < topics and time.monotonic() < deadline:
                        await asyncio.sleep(0.2)
                    roots = [s.id for s in sorted(mastodon.published(), key=lambda s: int(s.id))]
                    calls_before = len(mastodon.calls)
                    x_before = x.calls.count(("GET", "/2/tweets/search/recent"))
                    bluesky_before = bluesky.thread_reads
                    measured_from = time.time()
                    stop = asyncio.Event()
                    bare = asyncio.get_running_loop().create_task(bare_poller(mastodon, slack, roots, stop))
                    cercle_appeared, bare_appeared = await asyncio.gather(
                        replies_over(mastodon, roots, replies=replies, seconds=seconds, tag="cercle"),
                        replies_over(mastodon, roots, replies=replies, seconds=seconds, tag="bare"),
                    )
                    deadline = time.monotonic() + 3 * POLL_S
                    while time.monotonic() < deadline and (
                        len(posted_at(slack, "cercle")) < replies or len(posted_at(slack, "bare")) < replies
                    ):
                        await asyncio.sleep(0.5)
                    stop.set()
                    await bare
                    elapsed_h = (time.time() - measured_from) / 3600
                    cercle_calls = [
                        call
                        for call, agent in zip(
                            mastodon.calls[calls_before:], mastodon.user_agents[calls_before:], strict=True
                        )
                        if agent == "Cercle"
                    ]
                    done_c, done_b = posted_at(slack, "cercle"), posted_at(slack, "bare")
                    figures["cercle"] = summary_ms([done_c[k] - t for k, t in cercle_appeared.items() if k in done_c])
                    figures["bare_poller"] = summary_ms(
                        [done_b[k] - t for k, t in bare_appeared.items() if k in done_b]
                    )
                    figures["replies_injected"] = {"cercle": len(done_c), "bare": len(done_b), "sent": replies}
                    reads = {
                        "mastodon": len(cercle_calls),
                        "x": x.calls.count(("GET", "/2/tweets/search/recent")) - x_before,
                        "bluesky": bluesky.thread_reads - bluesky_before,
                    }
                    figures["reads_per_topic_per_hour"] = {
                        name: {
                            "reads": round(count / max(1, topics) / max(elapsed_h, 1e-9), 1),
                            "budget_per_hour": BUDGETS_PER_HOUR[name],
                            "topics_at_full_pace": int(
                                0.8 * BUDGETS_PER_HOUR[name] * elapsed_h * topics // max(count, 1)
                            ),
                        }
                        for name, count in reads.items()
                    }
        figures["violations"] = (slack.violations + mastodon.violations + x.violations + bluesky.violations)[:5]
    finally:
        await bluesky.stop()
        await x.stop()
        await mastodon.stop()
        await slack.stop()
    figures["ratio_p50"] = round(figures["cercle"]["p50_ms"] / figures["bare_poller"]["p50_ms"], 2)
    figures["ratio_p95"] = round(figures["cercle"]["p95_ms"] / figures["bare_poller"]["p95_ms"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--topics", type=int, default=5)
    parser.add_argument("--replies", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=150.0)
    args = parser.parse_args()
    result = asyncio.run(main(args.topics, args.replies, args.seconds))
    path = write_results("networks", result)
    for label, key in (("Cercle", "cercle"), ("bare  ", "bare_poller")):
        f = result[key]
        print(
            f"Mastodon reply → Slack thread, {label}: "
            f"p50 {f['p50_ms'] / 1000:.1f} s  p95 {f['p95_ms'] / 1000:.1f} s (n={f['n']})"
        )
    print(f"ratio: p50 x{result['ratio_p50']}  p95 x{result['ratio_p95']}")
    for name, figure in result["reads_per_topic_per_hour"].items():
        print(
            f"{name}: {figure['reads']} reads per open topic per hour, of {figure['budget_per_hour']}; "
            f"{figure['topics_at_full_pace']} topics at this pace fit in 80% of it (more are spread out)"
        )
    print(f"violations: {result['violations']}; figures in {path}")
