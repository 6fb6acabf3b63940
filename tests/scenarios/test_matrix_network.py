"""Public networks, with Matrix on a real Synapse: the question posted to the configured room, real
users' replies in its thread brought into the Slack thread, a redacted reply removed, the outcome
answered in the thread when the meeting ends."""

from __future__ import annotations

import asyncio

import pytest

from tests.flows import command
from tests.synapse import LocalSynapse
from tests.waiting import eventually

TEAM, MEET = "TALPHA0001", "C0MEET0001"


@pytest.fixture
def matrix_room(synapse: LocalSynapse):
    cercle, alice = synapse.register(f"cercle{id(object())}"), synapse.register(f"alice{id(object())}")
    room = synapse.public_room(owner=cercle, members=[alice])
    return cercle, alice, room


def thread(slack, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(TEAM, MEET) if m.get("thread_ts") == ts]


async def test_a_question_in_a_matrix_room_and_the_replies_in_its_thread(
    start_cercle, slack, workspace, synapse: LocalSynapse, matrix_room
) -> None:
    cercle_user, alice, room = matrix_room
    cercle = await start_cercle(
        MATRIX_HOMESERVER_URL=synapse.url,
        MATRIX_ACCESS_TOKEN=cercle_user.access_token,
        MATRIX_ROOM_IDS=room,
        CERCLE_POLL_SECONDS="0.3",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )
    told = await command(cercle, slack, "--public How do we price a pilot?", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "published on 1 public network" in told
    question = await eventually(
        lambda: [e for e in synapse.messages(alice, room) if e["content"].get("body") == "How do we price a pilot?"]
    )
    live = next(m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and m.get("blocks"))

    reply = synapse.reply_in_thread(alice, room, question[0]["event_id"], "Run a paid pilot at 20% of list price.")
    injected = (await eventually(lambda: thread(slack, live["ts"]), timeout=10))[0]
    assert injected["text"].endswith(": Run a paid pilot at 20% of list price.")
    assert alice.user_id in injected["text"] and "Matrix (127.0.0.1" in injected["text"]
    await asyncio.sleep(1.0)
    assert len(thread(slack, live["ts"])) == 1  # read again and again: posted once

    synapse.redact(alice, room, reply)
    await eventually(lambda: thread(slack, live["ts"]) == [], timeout=10)

    synapse.reply_in_thread(alice, room, question[0]["event_id"], "Price it at cost, then convert to a licence.")
    await eventually(lambda: thread(slack, live["ts"]), timeout=10)
    await command(cercle, slack, "end", team_id=TEAM, channel=MEET, user="U0ASKER")
    outcome = await eventually(
        lambda: [
            e
            for e in synapse.messages(alice, room)
            if e["sender"] == cercle_user.user_id and "meeting has ended" in e["content"].get("body", "")
        ],
        timeout=15,
    )
    relation = outcome[0]["content"]["m.relates_to"]
    assert relation["rel_type"] == "m.thread" and relation["event_id"] == question[0]["event_id"]
    listed = await command(cercle, slack, "networks", team_id=TEAM, channel=MEET, user="U0ASKER")
    assert "Matrix (127.0.0.1" in listed and "working" in listed


async def test_edits_and_reactions_in_the_thread_follow_into_the_meeting(
    start_cercle, slack, workspace, synapse: LocalSynapse, matrix_room
) -> None:
    cercle_user, alice, room = matrix_room
    bob = synapse.register(f"bob{id(object())}")
    synapse.call("POST", f"/_matrix/client/v3/join/{room}", {}, token=bob.access_token)
    cercle = await start_cercle(
        MATRIX_HOMESERVER_URL=synapse.url,
        MATRIX_ACCESS_TOKEN=cercle_user.access_token,
        MATRIX_ROOM_IDS=room,
        CERCLE_POLL_SECONDS="0.3",
        CERCLE_RELEVANCE_THRESHOLD="0",
    )
    await command(cercle, slack, "--public Who audits cloud costs?", team_id=TEAM, channel=MEET, user="U0ASKER")
    question = await eventually(
        lambda: [e for e in synapse.messages(alice, room) if e["content"].get("body") == "Who audits cloud costs?"]
    )
    live = next(m for m in slack.channel_messages(TEAM, MEET) if "thread_ts" not in m and m.get("blocks"))
    reply = synapse.reply_in_thread(alice, room, question[0]["event_id"], "We use a small firm in Lyon.")
    await eventually(lambda: thread(slack, live["ts"]), timeout=10)

    synapse.edit(alice, room, reply, "We use a small firm in Lyon, and it costs little.")
    await eventually(lambda: "costs little" in thread(slack, live["ts"])[0]["text"], timeout=10)

    topic = (await cercle.runtime.topics.open_topics(place=_live_place()))[0]
    answer = (await cercle.runtime.relay.answers(topic_id=topic.id))[0]
    reaction = synapse.react(bob, room, reply, "👍")
    synapse.react(alice, room, reply, "🎉")  # no vote
    await eventually(lambda: _tally(cercle, topic.id, answer.id, 1), timeout=10)
    synapse.redact(bob, room, reaction)  # the vote taken back
    await eventually(lambda: _tally(cercle, topic.id, answer.id, 0), timeout=10)


def _live_place():
    from app.domain.models import Place, Platform

    return Place(Platform.SLACK, TEAM, MEET)


async def _tally(cercle, topic_id: str, answer_id: str, expected: int) -> bool:
    return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer_id) == expected
