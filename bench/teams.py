"""Teams benchmarks, figures for the closing note of the Teams issue.

1. Acknowledgement: time to the 200 for bursts of concurrent questions, Teams' `@Cercle ask`
   activities to POST /api/messages beside Slack's signed `/ask` to POST /slack/events, in the
   same Cercle; baseline: a bare Bolt app acknowledging the same `/ask`. Rounds alternate.
2. Relay across platforms: a reply in a Teams partner's inbox thread until Cercle's
   chat.postMessage in the Slack meeting thread, p50 and p95 (topics in several Slack channels,
   replies paced under Slack's one message a second per channel). Baseline: a bare Bolt app that
   reposts each Slack thread reply at once (no checks, no queue, no store).

Cercle runs as `make run` starts it (`python -m app`: the embedded Redis, then web and worker), with
Slack's multi-workspace install (partnerships need it) and Teams in its local emulator mode; the
Slack and Bot Connector stand-ins run here.
    python -m bench.teams [--concurrency 100] [--rounds 3] [--replies 200] [--topics 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.harness import (
    SIGNING_SECRET,
    bare_bolt_process,
    free_port,
    oauth_cercle_env,
    process,
    summary_ms,
    timed_signed_post,
    write_results,
)
from bench.relay import Driver, bare_relay_latencies, wait_for, workspace
from tests.slack_signing import form_body
from tests.standins.bot_connector import BotConnectorStandIn, Team
from tests.standins.teams_activities import bot_added, channel_message, person

ASKER = "TASKER0001"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAMS_MEETING = "19:benchmeeting00001@thread.tacv2"
TEAMS_INBOX = "19:benchinbox000001@thread.tacv2"
GRACE = person("grace")


def cercle_as_make_run(env: dict[str, str], *, port: int, data_dir: Path):  # type: ignore[no-untyped-def]
    """`python -m app` with no REDIS_URL: the embedded Redis, web and worker, as `make run` starts them."""
    env = {k: v for k, v in env.items() if k != "REDIS_URL"}
    env["CERCLE_DATA_DIR"] = str(data_dir)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CERCLE_", "SLACK_", "MICROSOFT_"))}
    return process(
        [sys.executable, "-m", "app"],
        env={**clean, **env},
        ready_url=f"http://127.0.0.1:{port}/readyz",
        log=Path(tempfile.gettempdir()) / f"cercle-bench-teams-{port}.log",
        inherit=False,
    )


async def slack_burst(http: aiohttp.ClientSession, url: str, slack, team: str, n: int, label: str) -> list[float]:  # type: ignore[no-untyped-def]
    async def one(i: int) -> float:
        body = form_body(
            {
                "team_id": team,
                "channel_id": "C0MEET0001",
                "user_id": "U0ADMIN",
                "user_name": "bench",
                "command": "/ask",
                "text": f"Slack benchmark question {label}.{i}?",
                "trigger_id": f"{label}.{i}.{time.time()}",
                "response_url": slack.response_url(team),
            }
        )
        return await timed_signed_post(http, url, body, content_type="application/x-www-form-urlencoded")

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def teams_burst(
    http: aiohttp.ClientSession, url: str, teams: BotConnectorStandIn, team: Team, n: int, label: str
) -> list[float]:
    async def one(i: int) -> float:
        activity = channel_message(teams, team, TEAMS_MEETING, f"ask Teams benchmark question {label}.{i}?", by=GRACE)
        teams.people_said.add(activity["id"])
        started = time.perf_counter()
        async with http.post(url, json=activity) as response:
            await response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def acknowledgements(
    http, cercle_url: str, bare_url: str, slack, teams, team: Team, *, concurrency: int, rounds: int
) -> dict:  # type: ignore[no-untyped-def]
    for url_kind in ("bare", "slack", "teams"):  # warm-up: imports, pools
        await _burst(http, url_kind, cercle_url, bare_url, slack, teams, team, 20, "warm")
    times: dict[str, list[float]] = {"bare": [], "slack": [], "teams": []}
    for r in range(rounds):
        for kind in times:
            times[kind] += await _burst(http, kind, cercle_url, bare_url, slack, teams, team, concurrency, f"r{r}")
            await asyncio.sleep(2.0)  # the worker opens the burst's topics meanwhile
    figures = {kind: summary_ms(values) for kind, values in times.items()}
    return {
        "concurrency": concurrency,
        "rounds": rounds,
        "bare_bolt_slack_ask": figures["bare"],
        "cercle_slack_ask": figures["slack"],
        "cercle_teams_ask": figures["teams"],
        "ratio_teams_to_bare_p50": round(figures["teams"]["p50_ms"] / figures["bare"]["p50_ms"], 2),
        "ratio_teams_to_bare_p99": round(figures["teams"]["p99_ms"] / figures["bare"]["p99_ms"], 2),
        "ratio_teams_to_slack_p50": round(figures["teams"]["p50_ms"] / figures["slack"]["p50_ms"], 2),
    }


async def _burst(http, kind, cercle_url, bare_url, slack, teams, team, n, label):  # type: ignore[no-untyped-def]
    if kind == "bare":
        return await slack_burst(http, bare_url, slack, "TBAREACK01", n, label)
    if kind == "slack":
        return await slack_burst(http, f"{cercle_url}/slack/events", slack, ASKER, n, label)
    return await teams_burst(http, f"{cercle_url}/api/messages", teams, team, n, label)


async def teams_to_slack(
    driver: Driver, slack, teams: BotConnectorStandIn, team: Team, *, replies: int, topics: int
) -> list[float]:  # type: ignore[no-untyped-def]
    for i in range(topics):
        await driver.command(f"Cross relay question {i}?", team=ASKER, channel=f"C0LIVE{i:04d}")

    def mirrors() -> dict[int, str]:
        found = {}
        for posted in teams.in_conversation(TEAMS_INBOX):
            match = re.search(r"Cross relay question (\d+)\?", posted.words)
            if match and posted.card:
                found[int(match.group(1))] = posted.id
        return found

    await wait_for(lambda: len(mirrors()) == topics, 120)
    roots = mirrors()
    sent: dict[str, float] = {}
    interval = 1.0 / (0.8 * topics)  # each Slack live channel gets 0.8 replies a second
    for n in range(replies):
        text = f"teams reply {n}"
        activity = channel_message(
            teams,
            team,
            TEAMS_INBOX,
            f"{text} suggests option{n}",
            by=person(f"helper{n % 7}"),
            thread=roots[n % topics],
            mention=False,
        )
        sent[text] = time.time()
        asyncio.get_running_loop().create_task(teams.deliver(activity))
        await asyncio.sleep(interval)

    def injected() -> dict[str, float]:
        found = {}
        for call in slack.calls_to("chat.postMessage"):
            match = re.search(r"teams reply \d+(?= suggests)", call.params.get("text", ""))
            if match and call.params.get("thread_ts"):
                found[match.group(0)] = call.at
        return found

    await wait_for(lambda: len(injected()) == replies, 180)
    done = injected()
    return [done[text] - sent[text] for text in sent]


def max_in_window(teams: BotConnectorStandIn, window: float, *, until: float) -> int:
    """The most sends Cercle made to one channel (all its threads) within ``window`` seconds, as the
    stand-in saw them arrive, before ``until``: stopping Cercle blocks this loop (the stand-ins' own)
    while its worker still sends, and the requests held meanwhile would all be handled at once."""
    by_channel: dict[str, list[float]] = {}
    for posted in (p for p in teams.posted if p.at < until):
        by_channel.setdefault(posted.conversation.split(";", 1)[0], []).append(posted.at)
    best = 0
    for times in by_channel.values():
        times.sort()
        best = max(best, max(sum(1 for t in times if start <= t < start + window) for start in times))
    return best


async def loop_lag(lags: list[float]) -> None:
    """How late this process's loop wakes up: the stand-ins run on it, and a late loop sees sends
    that left Cercle seconds apart arrive together."""
    while True:
        started = time.monotonic()
        await asyncio.sleep(0.05)
        lags.append(time.monotonic() - started - 0.05)


async def main(concurrency: int, rounds: int, replies: int, topics: int) -> dict:
    from tests.standins.slack_api import SlackStandIn

    slack = await SlackStandIn().start()
    slack.signing_secret = SIGNING_SECRET  # the events the stand-in delivers are signed as Slack signs them
    teams = await BotConnectorStandIn(check_schemas=False).start()  # the tests check them; here, speed
    workspace(slack, ASKER, "Asker Org", live_channels=topics)
    team = teams.add_team(TENANT, "Contoso", channels={TEAMS_MEETING: "meeting", TEAMS_INBOX: "inbox"})
    figures: dict = {"benchmark": "teams"}
    lags: list[float] = []
    watcher: asyncio.Task[None] | None = None
    stopping = float("inf")
    violations: list[str] = []
    bare_port = free_port()
    bare_ws = slack.add_workspace("TBAREACK01", "Bare")
    bare_ws.add_channel("C0MEET0001", "meeting")
    bare_url = f"http://127.0.0.1:{bare_port}/slack/events"
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            port = free_port()
            env = oauth_cercle_env(
                slack, port=port, redis_url="", CERCLE_RELEVANCE_THRESHOLD="0", CERCLE_MAX_INJECT="100000"
            )
            env.pop("CERCLE_RELEVANCE_MODEL")  # the default tier, as `make run` reads replies
            url = f"http://127.0.0.1:{port}"
            teams.messages_url = f"{url}/api/messages"
            # Both servers start before anything is measured: starting a process blocks this loop, where the
            # stand-ins run, and sends that left Cercle meanwhile would arrive bunched.
            with (
                bare_bolt_process(port=bare_port, api_url=slack.api_url, bot_token=bare_ws.bot_token),
                cercle_as_make_run(env, port=port, data_dir=Path(data_dir)),
            ):
                async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                    driver = Driver(url=url, slack=slack, http=http)
                    await driver.install(ASKER)
                    await teams.deliver(bot_added(teams, team, by=GRACE))
                    await teams.deliver(channel_message(teams, team, TEAMS_INBOX, "inbox", by=GRACE))
                    invite = await driver.command("partners invite", team=ASKER, channel="C0MEET0001")
                    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)  # type: ignore[union-attr]
                    await teams.deliver(
                        channel_message(teams, team, TEAMS_MEETING, f"partners accept {code}", by=GRACE)
                    )
                    await wait_for(lambda: any("now partners" in p.words for p in teams.posted), 30)
                    watcher = asyncio.get_running_loop().create_task(loop_lag(lags))
                    figures["relay_teams_to_slack"] = summary_ms(
                        await teams_to_slack(driver, slack, teams, team, replies=replies, topics=topics)
                    )
                    figures["acknowledgement"] = await acknowledgements(
                        http, url, bare_url, slack, teams, team, concurrency=concurrency, rounds=rounds
                    )
                    await asyncio.sleep(5.0)  # the last sends of the bursts' topics, before anything stops
                    watcher.cancel()
                    stopping = time.monotonic()
                    violations = slack.violations + teams.violations  # before stopping blocks the stand-ins
        figures["bare_bolt_relay_slack_to_slack"] = summary_ms(await bare_relay_latencies(slack, replies=replies))
        figures["teams_max_sends_one_channel_in_1s"] = max_in_window(teams, 1.0, until=stopping)
        figures["teams_max_sends_one_channel_in_30s"] = max_in_window(teams, 30.0, until=stopping)
        figures["violations"] = violations[:5]
    finally:
        if watcher is not None:
            watcher.cancel()
        await teams.stop()
        await slack.stop()
    figures["standins_loop_lag_max_s"] = round(max(lags, default=0.0), 3)
    relay, bare = figures["relay_teams_to_slack"], figures["bare_bolt_relay_slack_to_slack"]
    figures["ratio_relay_p50"] = round(relay["p50_ms"] / bare["p50_ms"], 2)
    figures["ratio_relay_p95"] = round(relay["p95_ms"] / bare["p95_ms"], 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--topics", type=int, default=10)
    args = parser.parse_args()
    result = asyncio.run(main(args.concurrency, args.rounds, args.replies, args.topics))
    path = write_results("teams", result)
    ack = result["acknowledgement"]
    for label, key in (
        ("bare Bolt /ask", "bare_bolt_slack_ask"),
        ("Cercle Slack", "cercle_slack_ask"),
        ("Cercle Teams", "cercle_teams_ask"),
    ):
        f = ack[key]
        print(f"ack, {label:15}: p50 {f['p50_ms']} ms  p95 {f['p95_ms']} ms  p99 {f['p99_ms']} ms  (n={f['n']})")
    print(f"ack ratio Teams/bare: p50 x{ack['ratio_teams_to_bare_p50']}  p99 x{ack['ratio_teams_to_bare_p99']}")
    r, b = result["relay_teams_to_slack"], result["bare_bolt_relay_slack_to_slack"]
    print(f"relay Teams → Slack thread: p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  (n={r['n']})")
    print(f"relay, bare Bolt (Slack → Slack): p50 {b['p50_ms']} ms  p95 {b['p95_ms']} ms")
    print(f"relay ratio: p50 x{result['ratio_relay_p50']}  p95 x{result['ratio_relay_p95']}")
    print(
        f"Teams sends to one channel: at most {result['teams_max_sends_one_channel_in_1s']} in 1 s, "
        f"{result['teams_max_sends_one_channel_in_30s']} in 30 s (Teams allows 7 and 60); "
        f"the stand-ins' loop was up to {result['standins_loop_lag_max_s']} s late"
    )
    print(f"stand-in violations: {result['violations']}; figures in {path}")
