"""What Cercle reads of a Teams activity: where it happened, who did it, what they said, whether it
is addressed to the bot. Routing is by hand (``microsoft-agents-hosting-teams`` needs Python 3.12):
the activity's type, name and ``channelData.eventType`` say which Teams event it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from microsoft_agents.activity import Activity

from app.domain.models import Place, Platform, person_key
from integrations.teams.installs import Conversation
from integrations.teams.text import strip_mentions

MEETING_END = "application/vnd.microsoft.meetingEnd"
ASK_WORDS = ("ask", "demande")  # "@Cercle demande …": the question, in French too
CARD_ACTION = "adaptiveCard/action"
THREAD_MARK = ";messageid="


def _data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    if isinstance(data, dict):
        return data
    return data.model_dump(by_alias=True) if hasattr(data, "model_dump") else {}


@dataclass(frozen=True, slots=True)
class Turn:
    """One activity, read."""

    activity: Activity

    @property
    def data(self) -> dict[str, Any]:
        return _data(self.activity)

    @property
    def tenant(self) -> str:
        tenant = (self.data.get("tenant") or {}).get("id") or getattr(self.activity.conversation, "tenant_id", None)
        return str(tenant or "")

    @property
    def conversation_id(self) -> str:
        return str(self.activity.conversation.id if self.activity.conversation else "")

    @property
    def kind(self) -> str:
        """Teams' conversationType: channel, groupChat or personal."""
        conversation = self.activity.conversation
        return str((conversation.conversation_type if conversation else None) or "groupChat")

    @property
    def channel(self) -> str:
        """The conversation without its thread: a team channel's id, or the chat's."""
        channel = (self.data.get("channel") or {}).get("id")
        return str(channel or self.conversation_id.split(THREAD_MARK, 1)[0])

    @property
    def thread(self) -> str | None:
        """The root of the channel thread this activity is in (None for a new post, or a chat)."""
        _, _, root = self.conversation_id.partition(THREAD_MARK)
        return root or None

    @property
    def team(self) -> tuple[str, str]:
        team = self.data.get("team") or {}
        return str(team.get("id") or ""), str(team.get("name") or "")

    @property
    def place(self) -> Place:
        return Place(Platform.TEAMS, self.tenant, self.channel)

    @property
    def conversation(self) -> Conversation:
        team_id, team_name = self.team
        return Conversation(id=self.channel, kind=self.kind, team_id=team_id, team_name=team_name)

    @property
    def user_id(self) -> str:
        """A person as CERCLE_ADMINS names them: their Entra object id, else their Teams id."""
        person = self.activity.from_property
        return str((person.aad_object_id or person.id) if person else "")

    @property
    def user_name(self) -> str:
        person = self.activity.from_property
        return str((person.name if person else None) or self.user_id)

    @property
    def voter(self) -> str:
        return person_key(platform=str(Platform.TEAMS), tenant=self.tenant, user=self.user_id)

    @property
    def from_a_bot(self) -> bool:
        person = self.activity.from_property
        return bool(person and (str(person.id).startswith("28:") or person.role == "bot"))

    @property
    def bot_id(self) -> str:
        return str(self.activity.recipient.id if self.activity.recipient else "")

    @property
    def at(self) -> float:
        stamp = self.activity.timestamp
        if isinstance(stamp, datetime):
            return stamp.timestamp()
        return 0.0

    @property
    def reply_to(self) -> str:
        """How to answer this person: in reply to their message."""
        return f"{self.conversation_id}|{self.activity.id or ''}"

    def bot_mentions(self) -> tuple[str, ...]:
        """How the bot's mention reads in the text (``<at>Cercle</at>``), from the mention entities."""
        names = []
        for entity in self.activity.entities or []:
            found = entity.model_dump(by_alias=True) if hasattr(entity, "model_dump") else dict(entity)
            mentioned = found.get("mentioned") or {}
            if found.get("type") == "mention" and mentioned.get("id") == self.bot_id:
                names.append(str(mentioned.get("name") or ""))
                text = str(found.get("text") or "")
                if text.lower().startswith("<at>") and text.lower().endswith("</at>"):
                    names.append(text[4:-5])
        return tuple(n for n in names if n)

    @property
    def addressed_to_bot(self) -> bool:
        """A command: the bot is mentioned, or it is a 1:1 chat with the bot."""
        return self.kind == "personal" or bool(self.bot_mentions())

    def command_text(self) -> str:
        """What follows "@Cercle", and a leading "ask": "@Cercle ask how…" → "how…"."""
        said = strip_mentions(str(self.activity.text or ""), names=self.bot_mentions())
        head, _, rest = said.partition(" ")
        return rest.strip() if head.lower() in ASK_WORDS else said

    @property
    def event_kind(self) -> str:
        return str(self.data.get("eventType") or "")

    @property
    def event_name(self) -> str:
        return str(self.activity.name or "").strip()

    def members(self, field: str) -> list[str]:
        return [str(m.id) for m in getattr(self.activity, field) or [] if m is not None]


def micros(at: float) -> int:
    return int(at * 1_000_000)
