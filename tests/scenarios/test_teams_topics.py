"""Teams: Cercle added to a team, then "@Cercle ask", "help", "list" and "end" in a channel, through
the real POST /api/messages, with the Bot Connector played by the stand-in at the serviceUrl."""

from __future__ import annotations

import time

import pytest

from tests.standins.bot_connector import BotConnectorStandIn, Team
from tests.standins.teams_activities import bot_added, channel_message, person
from tests.waiting import eventually

GRACE = person("grace")
ADA = person("ada")
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
MEETING = "19:meetingchannel0001@thread.tacv2"


@pytest.fixture
async def cercle_in_teams(start_cercle, teams: BotConnectorStandIn, workspace):
    cercle = await start_cercle()
    teams.messages_url = f"{cercle.url}/api/messages"
    team = teams.add_team(TENANT, "Contoso Research", channels={MEETING: "meeting"})
    response = await teams.deliver(bot_added(teams, team, by=GRACE))
    assert response.status == 200
    return cercle, team


def replies_to(teams: BotConnectorStandIn, message: dict) -> list[str]:
    return [p.words for p in teams.posted if p.reply_to == message["id"]]


async def say(teams: BotConnectorStandIn, team: Team, text: str, *, by=ADA) -> tuple[dict, int]:
    message = channel_message(teams, team, MEETING, text, by=by)
    response = await teams.deliver(message)
    return message, response.status


async def test_help_is_a_reply_to_the_command(cercle_in_teams, teams: BotConnectorStandIn) -> None:
    _, team = cercle_in_teams
    message, status = await say(teams, team, "help")
    assert status == 200
    [said] = await eventually(lambda: replies_to(teams, message))
    assert "@Cercle ask <question>" in said and "partners invite" in said


async def test_ask_opens_a_topic_thread_with_a_card_and_tells_the_asker(cercle_in_teams, teams) -> None:
    _, team = cercle_in_teams
    started = time.monotonic()
    message, status = await say(teams, team, "ask How do we price a pilot for a large customer?")
    assert status == 200
    assert time.monotonic() - started < 5
    root = await eventually(lambda: teams.in_conversation(MEETING))
    card = root[0].card
    assert card is not None and card["version"] == "1.5"
    assert "How do we price a pilot for a large customer?" in root[0].words and "ada" in root[0].words
    [told] = await eventually(lambda: replies_to(teams, message))
    assert "Your question is open" in told and "No partner organisation" in told
    message, _ = await say(teams, team, "list")
    [listed] = await eventually(lambda: replies_to(teams, message))
    assert "1 open topic" in listed and "How do we price a pilot" in listed


async def test_the_same_activity_delivered_twice_opens_one_topic(cercle_in_teams, teams) -> None:
    _, team = cercle_in_teams
    message = channel_message(teams, team, MEETING, "ask Who has run a pricing pilot before?", by=ADA)
    assert (await teams.deliver(message)).status == 200
    assert (await teams.deliver(message)).status == 200  # the connector's retry
    await eventually(lambda: teams.in_conversation(MEETING))
    await eventually(lambda: replies_to(teams, message))
    await teams_settle()
    assert len(teams.in_conversation(MEETING)) == 1
    assert len(replies_to(teams, message)) == 1


async def test_a_command_delivered_twice_is_answered_once(cercle_in_teams, teams) -> None:
    _, team = cercle_in_teams
    message = channel_message(teams, team, MEETING, "help", by=ADA)
    assert (await teams.deliver(message)).status == 200
    assert (await teams.deliver(message)).status == 200  # the connector's retry
    await eventually(lambda: replies_to(teams, message))
    await teams_settle()
    assert len(replies_to(teams, message)) == 1


async def test_end_without_a_meeting_and_a_mistyped_command_are_answered(cercle_in_teams, teams) -> None:
    _, team = cercle_in_teams
    message, _ = await say(teams, team, "end")
    [said] = await eventually(lambda: replies_to(teams, message))
    assert "no meeting going on" in said
    message, _ = await say(teams, team, "lsit")
    [said] = await eventually(lambda: replies_to(teams, message))
    assert "Did you mean `@Cercle list`" in said
    message, _ = await say(teams, team, "ask")
    [said] = await eventually(lambda: replies_to(teams, message))
    assert "@Cercle ask <question>" in said  # "ask" alone: the help


async def teams_settle(seconds: float = 0.5) -> None:
    import asyncio

    await asyncio.sleep(seconds)
