"""Teams: card buttons answered to the person who pressed (review only for the asker), the meeting's
end from a group chat's meeting event (the 2023 documentation's camelCase), and Cercle removed from
a team: its organisation leaves, and partners' questions stop going there."""

from __future__ import annotations

import json
import re

from app.domain.models import Place, Platform
from tests.flows import command, install, organisation
from tests.standins.bot_connector import BotConnectorStandIn
from tests.standins.teams_activities import bot_added, bot_removed, card_press, channel_message, meeting_end, person
from tests.waiting import eventually

ALPHA, MEET, INBOX = "TALPHA0001", "C0MEET0001", "C0INBOX001"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAMS_MEETING = "19:meetingchannel0001@thread.tacv2"
TEAMS_INBOX = "19:inboxchannel00001@thread.tacv2"
GROUP_CHAT = "19:meeting_NTM3ZDJjOTUtZGRhOS00MzYx@thread.v2"
GRACE, ADA, LINUS = person("grace"), person("ada"), person("linus")


async def press(teams: BotConnectorStandIn, team, verb: str, data: dict, *, by) -> str:
    response = await teams.deliver(card_press(teams, team, TEAMS_MEETING, verb=verb, data=data, by=by))
    assert response.status == 200
    body = json.loads(await response.text())
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.activity.message"
    return str(body["value"])


async def test_review_buttons_answer_only_the_asker(start_cercle, slack, teams: BotConnectorStandIn) -> None:
    organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True, CERCLE_RELEVANCE_THRESHOLD="0")
    teams.messages_url = f"{cercle.url}/api/messages"
    await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")
    team = teams.add_team(TENANT, "Contoso", channels={TEAMS_MEETING: "meeting"})
    await teams.deliver(bot_added(teams, team, by=GRACE))
    await command(cercle, slack, "inbox", team_id=ALPHA, channel=INBOX, user="U0ADMIN")
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    await teams.deliver(channel_message(teams, team, TEAMS_MEETING, f"partners accept {code}", by=GRACE))

    await teams.deliver(channel_message(teams, team, TEAMS_MEETING, "ask How do we onboard a bank?", by=ADA))
    root = (await eventually(lambda: [p for p in teams.in_conversation(TEAMS_MEETING) if p.card]))[0]
    # The root is posted, then stored: wait for the record, not only the card.
    place = Place(Platform.TEAMS, TENANT, TEAMS_MEETING)
    [topic] = await eventually(lambda: cercle.runtime.topics.open_topics(place=place))
    said = await press(teams, team, "cercle_review_mode", {"topic": topic.id, "review": "on"}, by=LINUS)
    assert said == "Only the person who asked can change how answers arrive."
    said = await press(teams, team, "cercle_review_mode", {"topic": topic.id, "review": "on"}, by=ADA)
    assert said.startswith("Review mode is on")

    mirror = (await eventually(lambda: [m for m in slack.channel_messages(ALPHA, INBOX) if "onboard" in m["text"]]))[0]
    slack.user_post(ALPHA, INBOX, "U0ADMIN", "Start with a sandbox and a named sponsor.", thread_ts=mirror["ts"])
    review = await eventually(
        lambda: [p for p in teams.thread(TEAMS_MEETING, root.id) if "Post this answer" in p.words]
    )
    [approve, _] = review[0].card["actions"]
    said = await press(teams, team, approve["verb"], approve["data"], by=LINUS)
    assert said == "Only the person who asked can approve or skip answers."
    assert (
        await press(teams, team, approve["verb"], approve["data"], by=ADA) == "Answer from grace posted in the thread."
    )
    injected = await eventually(
        lambda: [p for p in teams.thread(TEAMS_MEETING, root.id) if "sandbox" in p.words and "💡" in p.words]
    )
    assert "Alpha Corp" in injected[0].words
    assert await press(teams, team, approve["verb"], approve["data"], by=ADA) == "This answer was already handled."

    said = await press(teams, team, "cercle_close_topic", {"topic": topic.id}, by=ADA)
    assert said.startswith("Topic closed")
    assert (
        await press(teams, team, "cercle_close_topic", {"topic": topic.id}, by=ADA) == "This topic is already closed."
    )
    assert (await press(teams, team, "cercle_other_replies", {"topic": topic.id}, by=LINUS)).startswith(
        "No other replies"
    )


async def test_a_group_chat_meeting_ends_on_the_camel_case_event(start_cercle, teams, workspace) -> None:
    cercle = await start_cercle()
    teams.messages_url = f"{cercle.url}/api/messages"
    team = teams.add_team(TENANT, "Contoso")
    teams.chats[GROUP_CHAT] = TENANT
    message = channel_message(teams, team, GROUP_CHAT, "ask What did the last pilot cost?", by=ADA)
    message["conversation"] = {"isGroup": True, "conversationType": "groupChat", "id": GROUP_CHAT, "tenantId": TENANT}
    message["channelData"] = {"tenant": {"id": TENANT}}
    assert (await teams.deliver(message)).status == 200
    await eventually(lambda: [p for p in teams.in_conversation(GROUP_CHAT) if p.card])
    ended = meeting_end(teams, tenant=TENANT, conversation=GROUP_CHAT, camel=True)
    assert ended["name"].startswith(" ")  # the documented stray space
    assert (await teams.deliver(ended)).status == 200
    summary = await eventually(lambda: [p for p in teams.in_conversation(GROUP_CHAT) if "Meeting summary" in p.words])
    assert "What did the last pilot cost?" in summary[0].words and "nobody answered" in summary[0].words
    assert (await teams.deliver(ended)).status == 200  # the event again: one summary
    assert len([p for p in teams.in_conversation(GROUP_CHAT) if "Meeting summary" in p.words]) == 1


async def test_removing_cercle_from_the_team_stops_mirroring_there(start_cercle, slack, teams) -> None:
    organisation(slack, ALPHA, "Alpha Corp")
    cercle = await start_cercle(oauth=True)
    teams.messages_url = f"{cercle.url}/api/messages"
    await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")
    team = teams.add_team(TENANT, "Contoso", channels={TEAMS_INBOX: "inbox"})
    await teams.deliver(bot_added(teams, team, by=GRACE))
    await teams.deliver(channel_message(teams, team, TEAMS_INBOX, "inbox", by=GRACE))
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    await teams.deliver(channel_message(teams, team, TEAMS_MEETING, f"partners accept {code}", by=GRACE))
    await eventually(lambda: cercle.runtime.partners.are_partners(a=f"slack:{ALPHA}", b=f"teams:{TENANT}"))

    assert (await teams.deliver(bot_removed(teams, team, by=GRACE))).status == 200
    listing = await command(cercle, slack, "partners", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    assert "Contoso: Cercle was removed" in listing
    await command(cercle, slack, "Who else prices pilots?", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    root = await eventually(lambda: [m for m in slack.channel_messages(ALPHA, MEET) if "prices pilots" in m["text"]])
    await eventually(lambda: "not sent" in json.dumps(root[0].get("blocks")) or None, timeout=5)
    assert [p for p in teams.in_conversation(TEAMS_INBOX) if p.card] == []
