"""Partner network benchmarks, figures for the closing note of the partner-network issue.

1. Relay latency: a reply event in a mirror thread until the chat.postMessage in the live
   thread, p50 and p95 over 500 replies (25 topics in 25 live channels, replies paced under
   Slack's 1 msg/s per channel). Baseline: a bare Bolt app that reposts each reply at once.
2. Fan-out: one `/ask` to 50 partner workspaces: time to the last mirror, and the highest
   rate seen in any one channel. Baseline: 50 concurrent chat.postMessage calls, nothing else.
3. Fan-in: 25 replies at the same moment, all to one question (one per partner), until each is
   stored as an answer: replies to one question are weighed one at a time (so that copies merge).
   Baseline: 25 replies at the same moment to 25 different questions.

Cercle runs as real `web` and `worker` processes; the Slack stand-in runs here.
    python -m bench.relay [--replies 500] [--partners 50]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
import time
from collections import defaultdict

import aiohttp
import redis.asyncio as aioredis
from slack_sdk.web.async_client import AsyncWebClient

from app.store import keys
from bench.harness import (
    SIGNING_SECRET,
    bare_bolt_process,
    free_port,
    oauth_cercle_env,
    process,
    redis_server,
    summary_ms,
    write_results,
)
from tests.slack_signing import form_body, signed_headers
from tests.standins.slack_api import SlackStandIn


class Driver:
    """Does what Slack and people do, against Cercle's real HTTP endpoint."""

    def __init__(self, *, url: str, slack: SlackStandIn, http: aiohttp.ClientSession) -> None:
        self.url, self.slack, self.http = url, slack, http
        self.n = 0

    async def install(self, team: str) -> None:
        page = await self.http.get(f"{self.url}/slack/install")
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        authorize = html.unescape(re.search(r'<a href="([^"]+)"><img alt="Add', await page.text()).group(1))
        self.slack.authorize_as(team, "U0ADMIN")
        approved = await self.http.get(authorize, allow_redirects=False)
        done = await self.http.get(approved.headers["Location"], headers={"Cookie": cookie})
        assert done.status == 200, await done.text()

    async def command(self, text: str, *, team: str, channel: str, user: str = "U0ADMIN") -> str:
        self.n += 1
        before = len(self.slack.responses)
        body = form_body(
            {
                "team_id": team,
                "channel_id": channel,
                "user_id": user,
                "user_name": "bench",
                "command": "/ask",
                "text": text,
                "trigger_id": f"bench.{self.n}.{time.time()}",
                "response_url": self.slack.response_url(team),
            }
        )
        headers = signed_headers(secret=SIGNING_SECRET, body=body, content_type="application/x-www-form-urlencoded")
        async with self.http.post(f"{self.url}/slack/events", data=body, headers=headers) as response:
            text_back = await response.text()
        if text_back:
            return text_back
        deadline = time.monotonic() + 30
        while len(self.slack.responses) <= before and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return str(self.slack.responses[before]["text"])

    async def partner(self, asker: str, partner: str) -> None:
        invite = await self.command("partners invite", team=asker, channel="C0MEET0001")
        code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
        reply = await self.command(f"partners accept {code}", team=partner, channel="C0MEET0001")
        assert "now partners" in reply, reply


def workspace(slack: SlackStandIn, team: str, name: str, *, live_channels: int = 1):
    ws = slack.add_workspace(team, name, installed=False)
    ws.add_channel("C0MEET0001", "meeting")
    for i in range(live_channels):
        ws.add_channel(f"C0LIVE{i:04d}", f"live-{i}")
    ws.add_channel("C0INBOX001", "inbox", bot_member=False)
    ws.add_user("U0ADMIN", "grace", admin=True)
    return ws


def mirror_roots(slack: SlackStandIn, team: str) -> list[dict]:
    return [m for m in slack.channel_messages(team, "C0INBOX001") if "stuck on" in m.get("text", "")]


def max_rate_per_channel(slack: SlackStandIn, since: float) -> int:
    by_channel: dict[str, list[float]] = defaultdict(list)
    for call in slack.calls_to("chat.postMessage"):
        if call.at >= since:
            by_channel[call.params["channel"] + call.token[:20]].append(call.at)
    best = 0
    for times in by_channel.values():
        times.sort()
        best = max(best, max(sum(1 for t in times if start <= t < start + 1.0) for start in times))
    return best


async def wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(0.01)


async def relay_latencies(driver: Driver, slack: SlackStandIn, *, replies: int, topics: int) -> tuple[list[float], int]:
    asker, helper = "TASKER0001", "THELPER001"
    for i in range(topics):
        await driver.command(f"Relay benchmark question {i}?", team=asker, channel=f"C0LIVE{i:04d}", user="U0ADMIN")
    await wait_for(lambda: len(mirror_roots(slack, helper)) == topics, 120)
    mirrors = sorted(mirror_roots(slack, helper), key=lambda m: m["text"])
    by_topic = {int(re.search(r"question (\d+)\?", m["text"]).group(1)): m["ts"] for m in mirrors}
    sent: dict[str, float] = {}
    interval = 1.0 / (0.8 * topics)  # each live channel gets 0.8 replies per second
    for n in range(replies):
        text = f"reply number {n}"
        sent[text] = time.time()
        # Distinct content: near-identical replies in one thread would rightly merge into one answer.
        body = f"{text} suggests option{n}"
        slack.user_post(helper, "C0INBOX001", "U0ADMIN", body, thread_ts=by_topic[n % topics])
        await asyncio.sleep(interval)

    def injected() -> dict[str, float]:
        found = {}
        for call in slack.calls_to("chat.postMessage"):
            match = re.search(r"reply number \d+(?= suggests)", call.params.get("text", ""))
            if match and call.params.get("thread_ts"):
                found[match.group(0)] = call.at
        return found

    await wait_for(lambda: len(injected()) == replies, 120)
    done = injected()
    return [done[text] - sent[text] for text in sent], max_rate_per_channel(slack, min(sent.values()))


async def bare_relay_latencies(slack: SlackStandIn, *, replies: int) -> list[float]:
    slack.add_workspace("TBARE00001", "Bare").add_channel("C0BARE0001", "bare")
    ws = slack.workspaces["TBARE00001"]
    ws.add_channel("C0INBOX001", "inbox")
    root = slack.user_post("TBARE00001", "C0INBOX001", "U0ADMIN", "root")
    port = free_port()
    slack.events_url = f"http://127.0.0.1:{port}/slack/events"
    sent: dict[str, float] = {}
    with bare_bolt_process(port=port, api_url=slack.api_url, bot_token=ws.bot_token, relay_to="C0BARE0001"):
        for n in range(replies):
            text = f"bare reply {n}"
            sent[text] = time.time()
            slack.user_post("TBARE00001", "C0INBOX001", "U0ADMIN", text, thread_ts=root)
            await asyncio.sleep(0.05)

        def relayed() -> dict[str, float]:
            return {
                c.params["text"].removeprefix("relay: "): c.at
                for c in slack.calls_to("chat.postMessage")
                if c.params.get("text", "").startswith("relay: ")
            }

        await wait_for(lambda: len(relayed()) == replies, 60)
        done = relayed()
    return [done[t] - sent[t] for t in sent]


async def fan_out(driver: Driver, slack: SlackStandIn, *, partners: int) -> dict:
    started = time.time()
    await driver.command("Fan-out benchmark: who knows a good auditor?", team="TFAN000001", channel="C0MEET0001")
    teams = [f"TFANP{i:05d}" for i in range(partners)]
    await wait_for(lambda: all(mirror_roots(slack, t) for t in teams), 120)
    last = max(c.at for c in slack.calls_to("chat.postMessage") if "Fan-out benchmark" in c.params.get("text", ""))
    return {
        "partners": partners,
        "time_to_last_mirror_s": round(last - started, 3),
        "max_rate_one_channel_per_s": max_rate_per_channel(slack, started),
    }


def topic_ids(slack: SlackStandIn, team: str) -> list[str]:
    roots = [m for m in slack.channel_messages(team, "C0MEET0001") if "Stuck on a topic" in m.get("text", "")]
    roots += [
        m for c in slack.workspaces[team].channels if c.startswith("C0LIVE") for m in slack.channel_messages(team, c)
    ]
    return [m["blocks"][2]["elements"][0]["value"] for m in roots if len(m.get("blocks") or []) > 2]


async def burst_seconds(redis_url: str, slack: SlackStandIn, posts: list[tuple[str, str]], topics: list[str]) -> float:
    """Post every (team, mirror ts) reply at once; seconds until each is stored as an answer (the texts
    differ enough not to merge)."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:

        async def stored() -> int:
            return sum([await client.zcard(keys.topic_answers(t)) for t in topics])

        before = await stored()
        started = time.time()
        for n, (team, thread_ts) in enumerate(posts):
            slack.user_post(
                team, "C0INBOX001", "U0ADMIN", f"burst {n} suggests plan{n} with vendor{n * 7919}", thread_ts=thread_ts
            )
        deadline = time.monotonic() + 120
        while await stored() < before + len(posts):
            if time.monotonic() > deadline:
                raise TimeoutError("burst not stored")
            await asyncio.sleep(0.005)
        return time.time() - started
    finally:
        await client.aclose()


async def fan_in(redis_url: str, slack: SlackStandIn, *, replies: int) -> dict:
    fan_topics = topic_ids(slack, "TFAN000001")
    one_question = [(f"TFANP{i:05d}", mirror_roots(slack, f"TFANP{i:05d}")[0]["ts"]) for i in range(replies)]
    contended = await burst_seconds(redis_url, slack, one_question, fan_topics)
    helper_mirrors = mirror_roots(slack, "THELPER001")[:replies]
    spread = await burst_seconds(
        redis_url, slack, [("THELPER001", m["ts"]) for m in helper_mirrors], topic_ids(slack, "TASKER0001")
    )
    return {
        "replies": replies,
        "one_question_s": round(contended, 3),
        "spread_over_questions_s": round(spread, 3),
        "ratio": round(contended / spread, 2),
    }


async def bare_fan_out(slack: SlackStandIn, *, partners: int) -> float:
    clients = []
    for i in range(partners):
        ws = slack.add_workspace(f"TRAW{i:06d}", f"Raw {i}")
        ws.add_channel("C0INBOX001", "inbox")
        clients.append(AsyncWebClient(token=ws.bot_token, base_url=slack.api_url))
    started = time.time()
    await asyncio.gather(*(c.chat_postMessage(channel="C0INBOX001", text="raw fan-out") for c in clients))
    return time.time() - started


async def main(replies: int, partners: int, topics: int) -> dict:
    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET
    workspace(slack, "TASKER0001", "Asker Org", live_channels=topics)
    workspace(slack, "THELPER001", "Helper Org")
    workspace(slack, "TFAN000001", "Fan Org")
    fan_partners = [workspace(slack, f"TFANP{i:05d}", f"Fan Partner {i}") for i in range(partners)]
    figures: dict = {"benchmark": "relay", "replies": replies, "topics": topics}
    try:
        with redis_server() as redis:
            web_port = free_port()
            # The relay path is measured: every reply goes through (no threshold, no window quota).
            env = oauth_cercle_env(
                slack, port=web_port, redis_url=redis.url, CERCLE_RELEVANCE_THRESHOLD="0", CERCLE_MAX_INJECT="100000"
            )
            ready = f"http://127.0.0.1:{web_port}/readyz"
            with (
                process([sys.executable, "-m", "app", "web"], env=env, ready_url=ready),
                process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready),
                process([sys.executable, "-m", "app", "worker"], env=env, ready_url=ready),
            ):
                async with aiohttp.ClientSession() as http:
                    driver = Driver(url=f"http://127.0.0.1:{web_port}", slack=slack, http=http)
                    for team in ["TASKER0001", "THELPER001", "TFAN000001", *(w.team_id for w in fan_partners)]:
                        await driver.install(team)
                    for team in ["THELPER001", *(w.team_id for w in fan_partners)]:
                        await driver.command("inbox", team=team, channel="C0INBOX001")
                    await driver.partner("TASKER0001", "THELPER001")
                    for ws in fan_partners:
                        await driver.partner("TFAN000001", ws.team_id)
                    latencies, relay_rate = await relay_latencies(driver, slack, replies=replies, topics=topics)
                    figures["cercle_relay"] = summary_ms(latencies)
                    figures["cercle_relay_max_rate_one_channel_per_s"] = relay_rate
                    figures["fan_out"] = await fan_out(driver, slack, partners=partners)
                    figures["fan_in"] = await fan_in(redis.url, slack, replies=min(25, partners, topics))
        figures["bare_bolt_relay"] = summary_ms(await bare_relay_latencies(slack, replies=replies))
        figures["bare_fan_out_time_s"] = round(await bare_fan_out(slack, partners=partners), 3)
        figures["violations"] = slack.violations[:5]
    finally:
        await slack.stop()
    figures["ratio_relay_p50"] = round(figures["cercle_relay"]["p50_ms"] / figures["bare_bolt_relay"]["p50_ms"], 2)
    figures["ratio_relay_p95"] = round(figures["cercle_relay"]["p95_ms"] / figures["bare_bolt_relay"]["p95_ms"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=500)
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--topics", type=int, default=25)
    args = parser.parse_args()
    result = asyncio.run(main(args.replies, args.partners, args.topics))
    path = write_results("relay", result)
    c, b, f = result["cercle_relay"], result["bare_bolt_relay"], result["fan_out"]
    print(f"relay, bare Bolt : p50 {b['p50_ms']} ms  p95 {b['p95_ms']} ms  (n={b['n']})")
    print(f"relay, Cercle    : p50 {c['p50_ms']} ms  p95 {c['p95_ms']} ms  (n={c['n']})")
    print(f"relay ratio      : p50 x{result['ratio_relay_p50']}  p95 x{result['ratio_relay_p95']}")
    print(
        f"fan-out to {f['partners']} partners: last mirror after {f['time_to_last_mirror_s']} s "
        f"(raw concurrent posts: {result['bare_fan_out_time_s']} s); "
        f"highest rate in one channel: {f['max_rate_one_channel_per_s']}/s "
        f"(relay: {result['cercle_relay_max_rate_one_channel_per_s']}/s)"
    )
    i = result["fan_in"]
    print(
        f"fan-in of {i['replies']} replies at once: all stored after {i['one_question_s']} s to one question, "
        f"{i['spread_over_questions_s']} s spread over as many questions (x{i['ratio']})"
    )
    print(f"stand-in violations: {result['violations']}; figures in {path}")
