"""Run the Slack stand-in in its own process so it does not share the load generator's loop.
Prints one JSON line {port, workspaces: {team_id: bot_token}} then serves until terminated."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.standins.slack_api import SlackStandIn


async def main(workspaces: int, channels: int) -> None:
    slack = await SlackStandIn().start()
    tokens = {}
    for w in range(workspaces):
        ws = slack.add_workspace(f"TBENCH{w:04d}", f"Bench Org {w}")
        for c in range(channels):
            ws.add_channel(f"C0BENCH{c:03d}", f"bench-{c}")
        ws.add_user("U0BENCH", "bench", admin=True)
        tokens[ws.team_id] = ws.bot_token
    print(json.dumps({"port": slack.port, "workspaces": tokens}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await slack.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, int(sys.argv[2]) if len(sys.argv) > 2 else 1))
