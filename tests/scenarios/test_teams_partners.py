"""Partners across Slack and Teams: an invitation made in one accepted in the other; a Slack topic
mirrored into a Teams inbox and a Teams topic into a Slack inbox; replies, edits, deletions and votes
crossing back; the meeting's end thanking the partner on the other platform."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from tests.flows import command, install, organisation
from tests.standins.bot_connector import BotConnectorStandIn, Team
from tests.standins.teams_activities import (
    bot_added,
    channel_message,
    deleted,
    edited,
    meeting_end,
    person,
    reaction,
)
from tests.waiting import eventually

ALPHA = "TALPHA0001"
MEET, INBOX = "C0MEET0001", "C0INBOX001"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAMS_MEETING = "19:meetingchannel0001@thread.tacv2"
TEAMS_INBOX = "19:inboxchannel00001@thread.tacv2"
GRACE, ADA, LINUS = person("grace"), person("ada"), person("linus")
EVERYTHING = {"CERCLE_RELEVANCE_THRESHOLD": "0", "CERCLE_MAX_INJECT": "1000"}


def slack_roots(slack, channel: str) -> list[dict]:
    return [m for m in slack.channel_messages(ALPHA, channel) if "thread_ts" not in m and m.get("blocks")]


def slack_thread(slack, channel: str, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(ALPHA, channel) if m.get("thread_ts") == ts]


async def teams_says(teams: BotConnectorStandIn, team: Team, channel: str, text: str, *, by=GRACE) -> str:
    """A command in Teams; returns Cercle's reply to it."""
    message = channel_message(teams, team, channel, text, by=by)
    assert (await teams.deliver(message)).status == 200
    replies = await eventually(lambda: [p.words for p in teams.posted if p.reply_to == message["id"]])
    return replies[0]


@pytest.fixture
async def partners(start_cercle, slack, teams: BotConnectorStandIn):
    """Alpha Corp on Slack and Contoso on Teams, partners, each with its inbox."""
    alpha = organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True, **EVERYTHING)
    teams.messages_url = f"{cercle.url}/api/messages"
    assert (await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")).status == 200
    team = teams.add_team(TENANT, "Contoso", channels={TEAMS_MEETING: "meeting", TEAMS_INBOX: "cercle-inbox"})
    assert (await teams.deliver(bot_added(teams, team, by=GRACE))).status == 200

    said = await command(cercle, slack, "inbox", team_id=ALPHA, channel=INBOX, user="U0ADMIN")
    assert "now your inbox" in said
    assert "now your inbox" in await teams_says(teams, team, TEAMS_INBOX, "inbox")
    assert "Only the person who added Cercle" in await teams_says(teams, team, TEAMS_MEETING, "partners invite", by=ADA)
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    accepted = await teams_says(teams, team, TEAMS_MEETING, f"partners accept {code}")
    assert "now partners with Alpha Corp" in accepted
    listing = await command(cercle, slack, "partners", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    assert "Contoso: active" in listing
    return cercle, alpha, team


async def test_a_slack_topic_reaches_teams_and_the_teams_reply_comes_back(partners, slack, teams) -> None:
    cercle, _, team = partners
    await command(cercle, slack, "How do we price a pilot?", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    live = (await eventually(lambda: slack_roots(slack, MEET)))[0]
    mirror = (await eventually(lambda: [p for p in teams.in_conversation(TEAMS_INBOX) if p.card]))[0]
    assert "A question from Alpha Corp" in mirror.words and "How do we price a pilot?" in mirror.words
    await eventually(lambda: "Sent to 1 partner: Contoso" in json.dumps(slack_roots(slack, MEET)[0]["blocks"]))

    reply = channel_message(
        teams,
        team,
        TEAMS_INBOX,
        "<p>Run a <b>paid</b> pilot at 20% of list price.</p>",
        by=LINUS,
        thread=mirror.id,
        mention=False,
    )
    assert (await teams.deliver(reply)).status == 200
    injected = (await eventually(lambda: slack_thread(slack, MEET, live["ts"])))[0]
    assert injected["text"] == "linus (Contoso): Run a paid pilot at 20% of list price."

    assert (await teams.deliver(edited(reply, "Run a paid pilot at 30% of list price."))).status == 200
    await eventually(lambda: "30%" in slack_thread(slack, MEET, live["ts"])[0]["text"])
    assert (await teams.deliver(deleted(reply))).status == 200
    await eventually(lambda: slack_thread(slack, MEET, live["ts"]) == [])

    await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    thanks = await eventually(lambda: [p for p in teams.thread(TEAMS_INBOX, mirror.id) if "Thank you" in p.words])
    assert "Alpha Corp's meeting has ended" in thanks[0].words
    closed = await eventually(lambda: teams.message(mirror.id).updates)
    assert "This question is closed" in teams.message(mirror.id).words and closed


async def test_a_teams_topic_reaches_slack_and_votes_count_from_teams_reactions(partners, slack, teams) -> None:
    cercle, _, team = partners
    told = await teams_says(teams, team, TEAMS_MEETING, "ask Who has run a pricing pilot with a bank?", by=ADA)
    assert "on its way to 1 partner" in told
    root = next(p for p in teams.in_conversation(TEAMS_MEETING) if "pricing pilot" in p.words)
    mirror = (await eventually(lambda: [m for m in slack_roots(slack, INBOX) if "pricing pilot" in m["text"]]))[0]
    assert mirror["text"] == "Contoso is stuck on: Who has run a pricing pilot with a bank?"

    reply_ts = slack.user_post(
        ALPHA, INBOX, "U0ADMIN", "We did, with <https://example.com|our case study>.", thread_ts=mirror["ts"]
    )
    [answer] = await eventually(lambda: teams.thread(TEAMS_MEETING, root.id))
    assert "grace" in answer.words and "Alpha Corp" in answer.words and "our case study" in answer.words
    topic = (await cercle.runtime.topics.open_topics(place=_place()))[0]
    stored = await eventually(lambda: _injected(cercle, topic.id))
    slack.user_edit(ALPHA, INBOX, reply_ts, "We did, twice, with <https://example.com|our case study>.")
    await eventually(lambda: "twice" in teams.message(answer.id).words)

    for voter in (ADA, LINUS, LINUS):  # one vote a person, however often they react
        await teams.deliver(reaction(teams, team, TEAMS_MEETING, message_id=answer.id, kind="like", by=voter))
    await teams.deliver(reaction(teams, team, TEAMS_MEETING, message_id=answer.id, kind="laugh", by=GRACE))
    assert await eventually(lambda: _tally(cercle, topic.id, stored.id, 2)) == 2
    await teams.deliver(reaction(teams, team, TEAMS_MEETING, message_id=answer.id, kind="like", by=LINUS, added=False))
    await eventually(lambda: _tally(cercle, topic.id, stored.id, 1))

    ended = meeting_end(teams, tenant=TENANT, conversation=TEAMS_MEETING)
    assert (await teams.deliver(ended)).status == 200
    summary = await eventually(
        lambda: [p for p in teams.in_conversation(TEAMS_MEETING) if "Meeting summary" in p.words]
    )
    assert "Who has run a pricing pilot with a bank?" in summary[0].words and "+1 vote" in summary[0].words
    thanks = await eventually(lambda: [m for m in slack_thread(slack, INBOX, mirror["ts"]) if "Thank you" in m["text"]])
    assert "Contoso's meeting has ended" in thanks[0]["text"]
    slack.user_delete(ALPHA, INBOX, reply_ts)  # its author takes it back: the copy in Teams goes too
    await eventually(lambda: teams.message(answer.id).deleted)


async def test_votes_from_many_people_at_once_are_counted_exactly(partners, slack, teams) -> None:
    cercle, _, team = partners
    await teams_says(teams, team, TEAMS_MEETING, "ask Which CRM do partners use?", by=ADA)
    root = next(p for p in teams.in_conversation(TEAMS_MEETING) if "Which CRM" in p.words)
    mirror = (await eventually(lambda: [m for m in slack_roots(slack, INBOX) if "Which CRM" in m["text"]]))[0]
    slack.user_post(ALPHA, INBOX, "U0ADMIN", "We moved to an open-source CRM last year.", thread_ts=mirror["ts"])
    [answer] = await eventually(lambda: teams.thread(TEAMS_MEETING, root.id))
    topic = next(t for t in await cercle.runtime.topics.open_topics(place=_place()) if "CRM" in t.question)
    stored = await eventually(lambda: _injected(cercle, topic.id))
    voters = [person(f"voter{n}") for n in range(30)]
    kinds = ["like", "heart"]
    await asyncio.gather(
        *(
            teams.deliver(reaction(teams, team, TEAMS_MEETING, message_id=answer.id, kind=kinds[n % 2], by=v))
            for n, v in enumerate(voters)
        )
    )
    assert await eventually(lambda: _tally(cercle, topic.id, stored.id, 30), timeout=20) == 30


def _place():
    from app.domain.models import Place, Platform

    return Place(Platform.TEAMS, TENANT, TEAMS_MEETING)


async def _injected(cercle, topic_id: str):
    answers = await cercle.runtime.relay.answers(topic_id=topic_id)
    return next((a for a in answers if a.injected_id), None)


async def _tally(cercle, topic_id: str, answer_id: str, expected: int) -> int | None:
    tally = await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer_id)
    return tally if tally == expected else None
