"""Activities as Teams sends them, built from the documented samples (tests/specs/teams/activities)
with this test's ids: the shape stays the documentation's."""

from __future__ import annotations

import copy
import itertools
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.standins.bot_connector import BotConnectorStandIn, Team, sample

_IDS = itertools.count(int(time.time() * 1000) + 10_000_000)


@dataclass(frozen=True)
class TeamsUser:
    aad: str
    name: str

    @property
    def teams_id(self) -> str:
        return f"29:1{self.aad.replace('-', '')[:20]}"

    def account(self) -> dict[str, str]:
        return {"id": self.teams_id, "name": self.name, "aadObjectId": self.aad}


def person(name: str) -> TeamsUser:
    return TeamsUser(str(uuid.uuid5(uuid.NAMESPACE_DNS, name)), name)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _stamp(activity: dict[str, Any], connector: BotConnectorStandIn) -> dict[str, Any]:
    activity["serviceUrl"] = connector.service_url
    activity["timestamp"] = _now()
    activity["recipient"] = {"id": connector.bot_id, "name": connector.bot_name}
    return activity


def _channel_data(team: Team, channel: str) -> dict[str, Any]:
    return {
        "teamsChannelId": channel,
        "teamsTeamId": team.team_id,
        "channel": {"id": channel},
        "team": {"id": team.team_id, "name": team.name},
        "tenant": {"id": team.tenant},
    }


def bot_added(connector: BotConnectorStandIn, team: Team, *, by: TeamsUser) -> dict[str, Any]:
    """Cercle added to a team: the documented team conversationUpdate, with the bot among the added."""
    activity = sample("conversationUpdate.membersRemoved.team")
    del activity["membersRemoved"]
    activity.update(id=f"f:{next(_IDS)}", membersAdded=[{"id": connector.bot_id}], **{"from": by.account()})
    activity["conversation"]["id"] = team.team_id
    activity["channelData"] = {"team": {"id": team.team_id, "name": team.name}, "eventType": "teamMemberAdded"}
    activity["channelData"]["tenant"] = {"id": team.tenant}
    return _stamp(activity, connector)


def bot_added_for_oneself(
    connector: BotConnectorStandIn, team: Team, *, by: TeamsUser, locale: str = "en-US"
) -> dict[str, Any]:
    """Someone adds Cercle for themselves (personal scope): a conversationUpdate in their 1:1 chat."""
    activity = bot_added(connector, team, by=by)
    chat = f"a:1{by.aad.replace('-', '')}"
    connector.chats[chat] = team.tenant
    activity["conversation"] = {"conversationType": "personal", "id": chat, "tenantId": team.tenant}
    activity["channelData"] = {"tenant": {"id": team.tenant}}
    activity["locale"] = locale
    return activity


def bot_removed(connector: BotConnectorStandIn, team: Team, *, by: TeamsUser) -> dict[str, Any]:
    activity = sample("conversationUpdate.membersRemoved.team")
    activity.update(id=f"f:{next(_IDS)}", membersRemoved=[{"id": connector.bot_id}], **{"from": by.account()})
    activity["conversation"]["id"] = team.team_id
    activity["channelData"] = {"team": {"id": team.team_id, "name": team.name}, "eventType": "teamMemberRemoved"}
    activity["channelData"]["tenant"] = {"id": team.tenant}
    return _stamp(activity, connector)


def channel_message(
    connector: BotConnectorStandIn,
    team: Team,
    channel: str,
    text: str,
    *,
    by: TeamsUser,
    thread: str | None = None,
    mention: bool = True,
    locale: str | None = None,
) -> dict[str, Any]:
    """A message in a team channel: a new post (its conversation is the thread it starts), or a reply
    in ``thread``; with ``mention``, "@Cercle" first, as Teams writes it (``<at>`` and an entity);
    ``locale``: the sender's Teams language (the sample's is en-US)."""
    activity = sample("message.personal.inbound")
    if locale is not None:
        activity["locale"] = locale
    message_id = str(next(_IDS))
    root = thread or message_id
    activity.update(id=message_id, text=text, textFormat="plain", **{"from": by.account()})
    activity["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "id": f"{channel};messageid={root}",
        "tenantId": team.tenant,
    }
    activity["channelData"] = _channel_data(team, channel)
    if mention:
        activity["text"] = f"<at>{connector.bot_name}</at> {text}"
        activity["entities"] = [
            *activity["entities"],
            {
                "type": "mention",
                "mentioned": {"id": connector.bot_id, "name": connector.bot_name},
                "text": f"<at>{connector.bot_name}</at>",
            },
        ]
    return _stamp(activity, connector)


def edited(message: dict[str, Any], text: str) -> dict[str, Any]:
    activity = copy.deepcopy(message)
    activity.update(type="messageUpdate", text=text, timestamp=_now())
    activity["channelData"]["eventType"] = "editMessage"
    return activity


def deleted(message: dict[str, Any]) -> dict[str, Any]:
    activity = copy.deepcopy(message)
    activity.update(type="messageDelete", text="", timestamp=_now())
    activity["channelData"]["eventType"] = "softDeleteMessage"
    return activity


def reaction(
    connector: BotConnectorStandIn,
    team: Team,
    channel: str,
    *,
    message_id: str,
    kind: str,
    by: TeamsUser,
    added: bool = True,
) -> dict[str, Any]:
    activity = sample("messageReaction.reactionsAdded" if added else "messageReaction.reactionsRemoved")
    activity.pop("reactionsAdded", None)
    activity.pop("reactionsRemoved", None)
    activity["reactionsAdded" if added else "reactionsRemoved"] = [{"type": kind}]
    activity.update(id=f"f:{next(_IDS)}", replyToId=message_id, **{"from": by.account()})
    activity["conversation"] = {"isGroup": True, "conversationType": "channel", "id": channel}
    activity["channelData"] = _channel_data(team, channel)
    return _stamp(activity, connector)


def meeting_end(
    connector: BotConnectorStandIn, *, tenant: str, conversation: str, camel: bool = False
) -> dict[str, Any]:
    """The meeting-end event: the 2022 documentation's PascalCase value, or the 2023 one's camelCase
    (with its stray space in the name, which Cercle reads through)."""
    activity = sample("event.meetingEnd.2023-doc" if camel else "event.meetingEnd.2022-doc")
    activity.update(id=f"f:{next(_IDS)}")
    activity["conversation"] = {
        "isGroup": True,
        "conversationType": "groupChat",
        "id": conversation,
        "tenantId": tenant,
    }
    activity["channelData"] = {"tenant": {"id": tenant}, "meeting": {"id": f"MCM{conversation[-12:]}"}}
    return _stamp(activity, connector)


def card_press(
    connector: BotConnectorStandIn, team: Team, channel: str, *, verb: str, data: dict[str, str], by: TeamsUser
) -> dict[str, Any]:
    """A press on a card's Action.Execute button: an ``adaptiveCard/action`` invoke."""
    activity = sample("message.personal.inbound")
    for key in ("text", "textFormat"):
        activity.pop(key, None)
    activity.update(id=f"f:{next(_IDS)}", type="invoke", name="adaptiveCard/action", **{"from": by.account()})
    activity["value"] = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    activity["conversation"] = {"isGroup": True, "conversationType": "channel", "id": channel}
    activity["channelData"] = _channel_data(team, channel)
    return _stamp(activity, connector)
