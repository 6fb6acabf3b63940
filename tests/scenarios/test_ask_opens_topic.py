"""Scenario: `/ask <question>` in Slack opens a "stuck on a topic" thread."""

from __future__ import annotations

import asyncio
import json

import redis.asyncio as aioredis

from app.store import keys
from tests.conftest import reply_text
from tests.flows import click_close
from tests.waiting import eventually


async def test_ask_posts_one_topic_root_and_stores_one_topic(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()
    response = await cercle.ask("How do we price a pilot?", team_id="TALPHA0001", channel_id="C0MEET0001")
    assert response.status == 200
    assert await response.text() == ""  # acknowledged at once, nothing shown yet

    await eventually(lambda: slack.responses)
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1
    post = posts[0]
    assert post.params["channel"] == "C0MEET0001"
    assert "How do we price a pilot?" in post.params["text"]
    blocks = post.params["blocks"]
    assert blocks[0]["type"] == "section" and "How do we price a pilot?" in blocks[0]["text"]["text"]
    assert "<@U0ASKER>" in blocks[1]["elements"][0]["text"] and "Open" in blocks[1]["elements"][0]["text"]
    button = blocks[2]["elements"][0]
    assert button["action_id"] == "cercle_close_topic" and button["text"]["text"] == "Close topic"

    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    topic_keys = [k async for k in redis.scan_iter(match=keys.topic("*"))]
    assert len(topic_keys) == 1
    topic = await redis.hgetall(topic_keys[0])
    assert topic["question"] == "How do we price a pilot?"
    assert topic["thread"] == post.response["ts"] and topic["status"] == "open"
    assert topic["asker_id"] == "U0ASKER" and topic["tenant"] == "TALPHA0001"
    assert await redis.get(keys.channel_meeting("slack:TALPHA0001:C0MEET0001")) == topic["meeting_id"]
    await redis.aclose()

    (ephemeral,) = slack.responses
    assert ephemeral["response_type"] == "ephemeral"
    assert "Only this channel sees it: this Cercle runs for one workspace" in ephemeral["text"]  # no partners here
    assert (
        f"https://alphacorp.slack.com/archives/C0MEET0001/p{post.response['ts'].replace('.', '')}" in ephemeral["text"]
    )


async def test_list_shows_open_topics_with_permalinks(start_cercle, slack, workspace):
    cercle = await start_cercle()
    for question in ("First question?", "Second question?"):
        await cercle.ask(question, team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: len(slack.responses) == 2)
    response = await cercle.ask("list", team_id="TALPHA0001", channel_id="C0MEET0001")
    listing = await reply_text(response)
    assert "Open topics here (2)" in listing
    assert listing.index("First question?") < listing.index("Second question?")
    assert listing.count("https://alphacorp.slack.com/archives/C0MEET0001/p") == 2

    empty = await cercle.ask("list", team_id="TALPHA0001", channel_id="C0OTHER001")
    assert "No open topic" in await reply_text(empty)


async def test_help_lists_every_command(start_cercle, slack, workspace):
    cercle = await start_cercle()
    for text in ("", "help", "HELP"):
        response = await cercle.ask(text, team_id="TALPHA0001", channel_id="C0MEET0001")
        help_text = await reply_text(response)
        for usage in (
            "/ask <question>",
            "/ask help",
            "/ask list",
            "/ask end",
            "/ask partners`",
            "/ask partners invite",
            "/ask partners accept <code>",
            "/ask partners remove <org>",
            "/ask inbox",
            "/ask networks",
        ):
            assert usage in help_text, usage
    assert slack.calls_to("chat.postMessage") == []


async def test_invalid_questions_are_refused_and_nothing_is_stored(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()
    whitespace = await cercle.ask("   \t ", team_id="TALPHA0001", channel_id="C0MEET0001")
    assert "empty" in await reply_text(whitespace)
    too_long = await cercle.ask("x" * 1001, team_id="TALPHA0001", channel_id="C0MEET0001")
    assert "1,001 characters" in await reply_text(too_long)
    mistyped = await cercle.ask("end meeting", team_id="TALPHA0001", channel_id="C0MEET0001")
    assert "Did you mean `/ask end`?" in await reply_text(mistyped)  # not a question for every partner
    just_right = await cercle.ask("y" * 1000, team_id="TALPHA0001", channel_id="C0MEET0001")
    assert just_right.status == 200
    await eventually(lambda: slack.responses)
    assert len(slack.calls_to("chat.postMessage")) == 1
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    assert len([k async for k in redis.scan_iter(match=keys.topic("*"))]) == 1
    await redis.aclose()


async def test_bot_joins_a_public_channel_it_is_not_in(start_cercle, slack, workspace):
    cercle = await start_cercle()
    await cercle.ask("Who knows a good lawyer?", team_id="TALPHA0001", channel_id="C0OTHER001")
    await eventually(lambda: slack.responses)
    assert [c.method for c in slack.calls if c.method != "auth.test"][:3] == [
        "chat.postMessage",
        "conversations.join",
        "chat.postMessage",
    ]
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert "open in" in slack.responses[0]["text"]


async def test_private_channel_explains_how_to_invite_the_bot(start_cercle, slack, workspace, redis_url):
    cercle = await start_cercle()
    await cercle.ask("Secret question?", team_id="TALPHA0001", channel_id="G0SECRET01")
    await eventually(lambda: slack.responses)
    assert "/invite @Cercle" in slack.responses[0]["text"]
    assert slack.calls_to("chat.postMessage") == []
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    assert [k async for k in redis.scan_iter(match="cercle:{t:*")] == []
    await redis.aclose()


async def test_slack_error_gives_a_clear_message_and_leaves_nothing_half_written(
    start_cercle, slack, workspace, redis_url, capsys
):
    cercle = await start_cercle()
    slack.fail_next("chat.postMessage", "is_archived")
    await cercle.ask("Anyone?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses)
    assert "archived" in slack.responses[0]["text"]
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    for half_written in ("cercle:{t:*", "cercle:{m:*", "cercle:chan:*"):  # no topic, no meeting
        assert [k async for k in redis.scan_iter(match=half_written)] == []
    await redis.aclose()
    captured = capsys.readouterr()
    assert "slack.post_failed" in captured.out + captured.err  # logged with its code
    assert "code=is_archived" in captured.out + captured.err


async def test_rate_limited_post_is_retried_after_retry_after(start_cercle, slack, workspace):
    cercle = await start_cercle()
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    await cercle.ask("Patience?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: slack.responses, timeout=8)
    attempts = [c for c in slack.calls if c.method == "chat.postMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.9
    assert "open in" in slack.responses[0]["text"]


async def test_the_same_question_asked_twice_opens_one_topic(start_cercle, slack, workspace):
    """A double Enter, or the question sent again because the first seemed slow: the partners get it once."""
    cercle = await start_cercle()
    at_once = await asyncio.gather(
        *(cercle.ask("How do we price a pilot?", team_id="TALPHA0001", channel_id="C0MEET0001") for _ in range(3))
    )
    assert all(r.status == 200 for r in at_once)
    await eventually(lambda: len(slack.responses) == 3)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert sorted("open in" in r["text"] for r in slack.responses) == [False, False, True]

    again = len(slack.responses)
    await cercle.ask("how do we price a  PILOT", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: len(slack.responses) > again)
    root = slack.calls_to("chat.postMessage")[0].response["ts"]
    link = f"https://alphacorp.slack.com/archives/C0MEET0001/p{root.replace('.', '')}"
    assert slack.responses[again]["text"] == f"You already asked this here, and it is still open: {link}"
    assert len(slack.calls_to("chat.postMessage")) == 1

    # Someone else may ask the same; and once the topic is closed, so may the asker again.
    await cercle.ask("How do we price a pilot?", team_id="TALPHA0001", channel_id="C0MEET0001", user_id="U0OTHER")
    await eventually(lambda: len(slack.calls_to("chat.postMessage")) == 2)
    click = click_close(
        team_id="TALPHA0001",
        channel_id="C0MEET0001",
        ts=root,
        topic_id=slack.calls_to("chat.postMessage")[0].params["blocks"][2]["elements"][0]["value"],
        user_id="U0ASKER",
        response_url=slack.response_url("TALPHA0001"),
    )
    await cercle.interact(click)
    await eventually(lambda: "Closed" in json.dumps(slack.channel_messages("TALPHA0001", "C0MEET0001")[0]["blocks"]))
    await cercle.ask("How do we price a pilot?", team_id="TALPHA0001", channel_id="C0MEET0001")
    await eventually(lambda: len(slack.calls_to("chat.postMessage")) == 3)


async def test_mentioning_the_bot_shows_how_to_ask(start_cercle, slack, workspace):
    """ "@Cercle how do we…" in the channel is not a question Cercle can open (only /ask is): the
    person is told privately how to ask, and nothing is posted for everyone."""
    await start_cercle()
    bot = workspace.bot_user_id
    slack.user_post("TALPHA0001", "C0MEET0001", "U0ASKER", f"<@{bot}> how do we price a pilot?")
    slack.user_post("TALPHA0001", "C0MEET0001", "U0ASKER", "no mention here, just talk")
    hints = await eventually(lambda: slack.calls_to("chat.postEphemeral"))
    await slack.settle()
    assert len(slack.calls_to("chat.postEphemeral")) == 1
    assert hints[0].params["user"] == "U0ASKER" and "/ask <your question>" in hints[0].params["text"]
    assert slack.calls_to("chat.postMessage") == []
