"""Scenario: the "Close topic" button closes the topic once and updates the root."""

from __future__ import annotations

from tests.flows import click_close
from tests.waiting import eventually


async def test_close_button_closes_once_and_updates_the_root(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.ask("Close me?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    post = slack.calls_to("chat.postMessage")[0]
    ts = post.response["ts"]
    topic_id = post.params["blocks"][2]["elements"][0]["value"]

    click = click_close(
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
    buttons = [e["action_id"] for b in update["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["cercle_other_replies"]  # closing and review are over; the kept-aside replies stay readable

    topic = await cercle.runtime.topics.get_topic(topic_id=topic_id)
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
    click = click_close(
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
