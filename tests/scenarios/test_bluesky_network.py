"""Public networks, with Bluesky: one session for every call, the question posted within its length
with its link and hashtag as facets, replies from its thread brought into the meeting, a deleted one
removed, the outcome posted as a reply; a publication run again posts once."""

from __future__ import annotations

import asyncio

import pytest

from tests.flows import command
from tests.standins.bluesky import BlueskyStandIn
from tests.waiting import eventually

TEAM, MEET = "TALPHA0001", "C0MEET0001"


@pytest.fixture
async def bluesky():
    standin = await BlueskyStandIn().start()
    yield standin
    await standin.stop()
    assert standin.violations == [], "requests Bluesky would refuse:\n" + "\n".join(standin.violations)


def thread(slack, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if m.get("thread_ts") == ts]


async def test_a_question_on_bluesky_and_its_replies_back(start_cercle, slack, workspace, bluesky) -> None:
    cercle = await start_cercle(
        BLUESKY_SERVICE_URL=bluesky.service_url,
        BLUESKY_HANDLE=bluesky.handle,
        BLUESKY_APP_PASSWORD=bluesky.password,
        CERCLE_NETWORK_HASHTAG="cercle",
        CERCLE_POLL_SECONDS="0.3",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )
    question_text = "How do we price a pilot? Our draft: https://example.com/pilot " + "and more words " * 30
    told = await command(cercle, slack, f"--public {question_text}", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "published on 1 public network" in told
    [question] = await eventually(lambda: bluesky.published())
    record = question.record
    assert len(record["text"]) <= 300 and record["text"].endswith("\n\n#cercle")
    features = [f["features"][0]["$type"] for f in record["facets"]]
    assert features == ["app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"]
    live = next(m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and m.get("blocks"))

    reply = bluesky.reply(question.uri, handle="alice.bsky.test", name="Alice", text="Start with a paid pilot.")
    injected = (await eventually(lambda: thread(slack, live["ts"]), timeout=10))[0]
    assert injected["text"] == f"Alice (Bluesky ({bluesky.handle})): Start with a paid pilot."
    assert "https://bsky.app/profile/alice.bsky.test/post/" in str(injected["blocks"])
    await asyncio.sleep(1.0)
    assert len(thread(slack, live["ts"])) == 1
    bluesky.delete(reply.uri)
    await eventually(lambda: thread(slack, live["ts"]) == [], timeout=10)

    bluesky.reply(question.uri, handle="bob.bsky.test", name="Bob", text="Price it at cost, then convert.")
    await eventually(lambda: thread(slack, live["ts"]), timeout=10)
    await command(cercle, slack, "end", team_id=TEAM, channel=MEET, user="U0ASKER")
    outcome = await eventually(lambda: [p for p in bluesky.published() if p.parent == question.uri], timeout=15)
    assert "meeting has ended" in outcome[0].record["text"]
    assert outcome[0].record["reply"]["root"]["uri"] == question.uri
    assert bluesky.sessions_created == 1  # one session for every call


async def test_a_publication_run_again_posts_once(bluesky) -> None:
    from integrations.networks.bluesky import BlueskyNetwork

    network = BlueskyNetwork(service_url=bluesky.service_url, handle=bluesky.handle, app_password=bluesky.password)
    first = await network.publish(question="Who audits cloud costs?", key="cercle-topic-1")
    again = await network.publish(question="Who audits cloud costs?", key="cercle-topic-1")
    assert first.post_id == again.post_id and len(bluesky.published()) == 1


async def test_one_session_then_refreshes_as_the_access_token_expires(start_cercle, slack, workspace) -> None:
    """createSession is limited to 30 per 5 minutes: Cercle logs in once and refreshes after."""
    bluesky = await BlueskyStandIn(access_ttl_s=2).start()
    try:
        cercle = await start_cercle(
            BLUESKY_SERVICE_URL=bluesky.service_url,
            BLUESKY_HANDLE=bluesky.handle,
            BLUESKY_APP_PASSWORD=bluesky.password,
            CERCLE_POLL_SECONDS="0.5",
        )
        await command(cercle, slack, "--public Who audits cloud costs?", team_id=TEAM, channel=MEET, user="U0ASKER")
        await eventually(lambda: bluesky.published())
        await eventually(lambda: bluesky.refreshed >= 1 and bluesky.thread_reads >= 3, timeout=15)
        assert bluesky.sessions_created == 1
    finally:
        await bluesky.stop()
    assert bluesky.violations == []
