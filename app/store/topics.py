"""The Redis-backed repository of meetings and topics."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from app.domain.models import (
    Meeting,
    MeetingStatus,
    Person,
    Place,
    Reach,
    Topic,
    TopicStatus,
    place_fields,
    place_from_fields,
)
from app.store import keys
from app.store.connection import RedisClient

# Closes a topic only if it is open: the one caller that wins sees 1.
_CLOSE_IF_OPEN = """
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closed_by', ARGV[1], 'closed_at', ARGV[2])
return 1
"""


# How long an opening's mark outlives it: past any retry of its job.
OPENING_MARK_S = 24 * 3600


def new_id() -> str:
    return secrets.token_hex(6)


def topic_to_hash(topic: Topic) -> dict[str, str]:
    return {
        "id": topic.id,
        "meeting_id": topic.meeting_id,
        "question": topic.question,
        "asker_id": topic.asker.id,
        "asker_name": topic.asker.name,
        **place_fields(topic.place),
        "created_at": repr(topic.created_at),
        "status": str(topic.status),
        "reach": str(topic.reach),
        "share_asker": "1" if topic.share_asker else "",
        "review": "1" if topic.review else "",
        "permalink": topic.permalink,
        "closed_at": "" if topic.closed_at is None else repr(topic.closed_at),
        "closed_by": topic.closed_by or "",
    }


def topic_from_hash(data: dict[str, str]) -> Topic:
    return Topic(
        id=data["id"],
        meeting_id=data["meeting_id"],
        question=data["question"],
        asker=Person(id=data["asker_id"], name=data["asker_name"]),
        place=place_from_fields(data),
        created_at=float(data["created_at"]),
        status=TopicStatus(data["status"]),
        reach=Reach(data.get("reach") or Reach.PARTNERS),
        share_asker=bool(data.get("share_asker")),
        review=bool(data.get("review")),
        permalink=data.get("permalink", ""),
        closed_at=float(data["closed_at"]) if data.get("closed_at") else None,
        closed_by=data.get("closed_by") or None,
    )


# Ends an open meeting once, whoever asks (a command, a button, the idle job on any worker).
_END_IF_OPEN = """
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'ended', 'ended_at', ARGV[1], 'ended_by', ARGV[2])
return 1
"""
# The channel's pointer is let go only if it still names this meeting (a new one may have begun).
_RELEASE_POINTER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# A topic is stored by the first hand only (a retried opening finds it there).
_ADD_TOPIC = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""


def meeting_from_hash(data: dict[str, str]) -> Meeting:
    return Meeting(
        id=data["id"],
        place=place_from_fields(data),
        started_at=float(data["started_at"]),
        status=MeetingStatus(data["status"]),
        ended_at=float(data["ended_at"]) if data.get("ended_at") else None,
    )


QUESTION_INDEX_S = 24 * 3600  # how long a question typed again finds its open topic
TOPICS_INDEXED = 200  # an organisation's and a person's newest topics, for their page
TOPIC_INDEX_S = 90 * 24 * 3600


class RedisTopicRepository:
    """Implements ``app.domain.ports.TopicRepository`` on Redis hashes and sorted sets."""

    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self._close_script: Any = redis.register_script(_CLOSE_IF_OPEN)
        self._end_script: Any = redis.register_script(_END_IF_OPEN)
        self._release_pointer: Any = redis.register_script(_RELEASE_POINTER)
        self._add_topic: Any = redis.register_script(_ADD_TOPIC)

    async def ensure_meeting(self, *, place: Place, now: float) -> Meeting:
        channel_place = Place(place.platform, place.tenant, place.channel)
        pointer = keys.channel_meeting(channel_place.channel_key)
        candidate = new_id()
        if await self._redis.set(pointer, candidate, nx=True):
            meeting = Meeting(id=candidate, place=channel_place, started_at=now)
            await self._redis.hset(
                keys.meeting(candidate),
                mapping={
                    "id": candidate,
                    **place_fields(channel_place, prefix=""),
                    "started_at": repr(now),
                    "status": str(MeetingStatus.OPEN),
                },
            )
            return meeting
        meeting_id = await self._redis.get(pointer)
        data = await self._redis.hgetall(keys.meeting(meeting_id))
        if not data or "started_at" not in data:  # pointer written but hash not yet: a concurrent first ask
            return Meeting(id=meeting_id, place=channel_place, started_at=now)
        return meeting_from_hash(data)

    async def current_meeting(self, *, place: Place) -> Meeting | None:
        channel_key = Place(place.platform, place.tenant, place.channel).channel_key
        meeting_id = await self._redis.get(keys.channel_meeting(channel_key))
        return await self.meeting(meeting_id=meeting_id) if meeting_id else None

    async def meeting(self, *, meeting_id: str) -> Meeting | None:
        data = await self._redis.hgetall(keys.meeting(meeting_id))
        return meeting_from_hash(data) if data and "started_at" in data else None

    async def meeting_topics(self, *, meeting_id: str) -> list[Topic]:
        topic_ids = await self._redis.zrange(keys.meeting_topics(meeting_id), 0, -1)
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic_id in topic_ids:
                pipe.hgetall(keys.topic(topic_id))
            rows = await pipe.execute()
        return [topic_from_hash(row) for row in rows if row]

    async def end_meeting(self, *, meeting: Meeting, by: str, at: float) -> bool:
        """True for the one caller that ended it. The channel's pointer (another slot) goes first:
        a crash in between leaves the meeting open but out of the channel's way, and the retried
        ending job ends it."""
        pointer = keys.channel_meeting(meeting.place.channel_key)
        await self._release_pointer(keys=[pointer], args=[meeting.id])
        return bool(await self._end_script(keys=[keys.meeting(meeting.id)], args=[repr(at), by]))

    async def touch_meeting(self, *, meeting_id: str, at: float) -> None:
        await self._redis.hset(keys.meeting(meeting_id), "last_activity", repr(at))

    async def last_activity(self, *, meeting_id: str) -> float | None:
        value = await self._redis.hget(keys.meeting(meeting_id), "last_activity")
        return float(value) if value else None

    async def mark_meeting(self, *, meeting_id: str, field: str, value: str) -> None:
        await self._redis.hset(keys.meeting(meeting_id), field, value)

    async def meeting_mark(self, *, meeting_id: str, field: str) -> str | None:
        value = await self._redis.hget(keys.meeting(meeting_id), field)
        return str(value) if value else None

    async def add_topic(self, *, topic: Topic, question_key: str = "") -> bool:
        """True for the hand that stored it. The meeting's list and the question's index are other
        slots' keys, written by every hand (idempotent), so a retried opening completes them."""
        fields = [item for pair in topic_to_hash(topic).items() for item in pair]
        created = bool(await self._add_topic(keys=[keys.topic(topic.id)], args=fields))
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zadd(keys.meeting_topics(topic.meeting_id), {topic.id: topic.created_at}, nx=True)
            if question_key:
                question = _question(topic.place, topic.asker.id, question_key, "topic")
                pipe.set(question, topic.id, ex=QUESTION_INDEX_S)
            org = topic.place.org_key
            for index in (keys.organisation_topics(org), keys.person_topics(org, topic.asker.id)):
                pipe.zadd(index, {topic.id: topic.created_at}, nx=True)
                pipe.zremrangebyrank(index, 0, -TOPICS_INDEXED - 1)  # the newest only
                pipe.expire(index, TOPIC_INDEX_S)
            await pipe.execute()
        return created

    async def recent_topics(self, *, org_key: str, limit: int) -> list[Topic]:
        return await self._newest(keys.organisation_topics(org_key), limit)

    async def asked_by(self, *, org_key: str, user_id: str, limit: int) -> list[Topic]:
        return await self._newest(keys.person_topics(org_key, user_id), limit)

    async def _newest(self, index: str, limit: int) -> list[Topic]:
        topic_ids = await self._redis.zrevrange(index, 0, max(0, limit - 1))
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic_id in topic_ids:
                pipe.hgetall(keys.topic(topic_id))
            rows = await pipe.execute()
        return [topic_from_hash(row) for row in rows if row]

    async def get_topic(self, *, topic_id: str) -> Topic | None:
        data = await self._redis.hgetall(keys.topic(topic_id))
        return topic_from_hash(data) if data else None

    async def claim_question(self, *, place: Place, asker_id: str, key: str, holder: str, seconds: float) -> bool:
        claim = _question(place, asker_id, key, "claim")
        if await self._redis.set(claim, holder, nx=True, px=max(1, int(seconds * 1000))):
            return True
        return bool(await self._redis.get(claim) == holder)

    async def mark_opening(self, *, topic_id: str, at: float) -> float | None:
        earlier = await self._redis.set(keys.topic_opening(topic_id), repr(at), ex=OPENING_MARK_S, get=True)
        return float(earlier) if earlier else None

    async def forget_opening(self, *, topic_id: str) -> None:
        await self._redis.delete(keys.topic_opening(topic_id))

    async def release_question(self, *, place: Place, asker_id: str, key: str) -> None:
        await self._redis.delete(_question(place, asker_id, key, "claim"))

    async def topic_for_question(self, *, place: Place, asker_id: str, key: str) -> str | None:
        found = await self._redis.get(_question(place, asker_id, key, "topic"))
        return str(found) if found else None

    async def open_topics(self, *, place: Place) -> list[Topic]:
        channel_key = Place(place.platform, place.tenant, place.channel).channel_key
        meeting_id = await self._redis.get(keys.channel_meeting(channel_key))
        if not meeting_id:
            return []
        topic_ids = await self._redis.zrange(keys.meeting_topics(meeting_id), 0, -1)
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic_id in topic_ids:
                pipe.hgetall(keys.topic(topic_id))
            rows = await pipe.execute()
        topics = [topic_from_hash(row) for row in rows if row]
        return [t for t in topics if t.is_open]

    async def set_review(self, *, topic_id: str, review: bool) -> Topic | None:
        if not await self._redis.exists(keys.topic(topic_id)):
            return None
        await self._redis.hset(keys.topic(topic_id), "review", "1" if review else "")
        return await self.get_topic(topic_id=topic_id)

    async def close_topic(self, *, topic_id: str, by: str, at: float) -> Topic | None:
        changed = await self._close_script(keys=[keys.topic(topic_id)], args=[by, repr(at)])
        if not changed:
            return None
        return await self.get_topic(topic_id=topic_id)


class Deduplicator:
    """Exactly-once effects: the first caller to claim a key wins for ``ttl`` seconds."""

    def __init__(self, *, redis: RedisClient, ttl_seconds: int = 24 * 3600) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def claim(self, *, scope: str, key: str) -> bool:
        return bool(await self._redis.set(keys.dedupe(scope, key), "1", nx=True, ex=self._ttl))


def _question(place: Place, asker_id: str, key: str, kind: str) -> str:
    channel_key = Place(place.platform, place.tenant, place.channel).channel_key
    return keys.question(kind, channel_key, asker_id, hashlib.sha1(key.encode()).hexdigest()[:16])
