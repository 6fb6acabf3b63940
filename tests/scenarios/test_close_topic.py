"""Scenario: the "Close topic" button closes the topic once and updates the root."""

from __future__ import annotations

import secrets

from tests.waiting import eventually


def _click(*, team_id: str, channel_id: str, ts: str, topic_id: str, user_id: str, response_url: str) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "alphacorp"},
        "user": {"id": user_id, "username": "grace", "team_id": team_id},
        "api_app_id": "A0CERCLE",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": f"{secrets.randbelow(10**12)}.{secrets.token_hex(12)}",
        "channel": {"id": channel_id, "name": "meeting"},
        "message": {"type": "message", "ts": ts, "text": "Stuck on a topic"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "cercle_close_topic",
                "block_id": "topic_actions",
                "text": {"type": "plain_text", "text": "Close topic"},
                "value": topic_id,
                "type": "button",
                "action_ts": "1700000000.000100",
            }
        ],
    }


async def test_close_button_closes_once_and_updates_the_root(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.ask("Close me?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    post = slack.calls_to("chat.postMessage")[0]
    ts = post.response["ts"]
    topic_id = post.params["blocks"][2]["elements"][0]["value"]

    click = _click(
        team_id="TALPHA0001",
        channel_id="C0MEET0001",
        ts=ts,
        topic_id=topic_id,
        user_id="U0ADMIN",
        response_url=slack.response_url("TALPHA0001"),
    )
    assert (await cercle.interact(click)).status == 200
    await eventually(lambda: slack.calls_to("chat.update"))
    update = slack.calls_to("chat.update")[0].params
    assert update["ts"] == ts and update["channel"] == "C0MEET0001"
    context = update["blocks"][1]["elements"][0]["text"]
    assert "Closed" in context and "<@U0ADMIN>" in context
    assert all(block["type"] != "actions" for block in update["blocks"])

    topic = await cercle.runtime.repository.get_topic(topic_id=topic_id)
    assert topic is not None and topic.status == "closed" and topic.closed_by == "U0ADMIN"
    listing = await cercle.ask("list", team_id="TALPHA0001", channel_id="C0MEET0001")
    assert "No open topic" in await listing.text()

    second = dict(click, trigger_id="another.trigger")
    await cercle.interact(second)
    await eventually(lambda: len(slack.responses) == 2)
    assert "already closed" in slack.responses[1]["text"]
    assert len(slack.calls_to("chat.update")) == 1


async def test_click_from_another_workspace_is_refused(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.ask("Mine?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    post = slack.calls_to("chat.postMessage")[0]
    topic_id = post.params["blocks"][2]["elements"][0]["value"]
    click = _click(
        team_id="TOTHER0001",
        channel_id="C0MEET0001",
        ts=post.response["ts"],
        topic_id=topic_id,
        user_id="U0STRANGER",
        response_url=slack.response_url("TOTHER0001"),
    )
    await cercle.interact(click)
    await eventually(lambda: len(slack.responses) == 2)
    assert "do not know this topic" in slack.responses[1]["text"]
    assert slack.calls_to("chat.update") == []
