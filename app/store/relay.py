"""Mirrors, answers and the map from platform messages to them (cf. matterbridge's message-id map)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from app.domain.models import (
    Answer,
    AnswerStatus,
    Credit,
    Mirror,
    MirrorStatus,
    Person,
    Place,
    place_fields,
    place_from_fields,
)
from app.domain.ports import AnswerField
from app.domain.votes import Reaction
from app.store import keys
from app.store.connection import RedisClient

REF_TTL_S = 90 * 24 * 3600
PARKED_TTL_S = 3600  # long enough for a worker to restart and record the message it had posted
PARKED_MAX = 200  # reactions kept aside per message; the oldest go first
REPLIES_LOCK_S = 60.0  # one reply's weighing, Slack's rate-limit waits included


def _place_json(place: Place | None) -> dict[str, str] | None:
    return None if place is None else place_fields(place)


def _place_from(data: dict[str, Any] | None) -> Place | None:
    return place_from_fields(data) if data else None


def mirror_to_json(mirror: Mirror) -> str:
    return json.dumps(
        {
            "topic_id": mirror.topic_id,
            "partner": mirror.partner,
            "partner_name": mirror.partner_name,
            "status": str(mirror.status),
            "place": _place_json(mirror.place),
            "reason": mirror.reason,
            "started_at": mirror.started_at,
        }
    )


def mirror_from_json(raw: str) -> Mirror:
    data = json.loads(raw)
    return Mirror(
        topic_id=data["topic_id"],
        partner=data["partner"],
        partner_name=data["partner_name"],
        status=MirrorStatus(data["status"]),
        place=_place_from(data.get("place")),
        reason=data.get("reason", ""),
        started_at=float(data.get("started_at") or 0),
    )


def answer_to_hash(answer: Answer) -> dict[str, str]:
    return {
        "id": answer.id,
        "topic_id": answer.topic_id,
        "source": json.dumps(_place_json(answer.source)),
        "source_message_id": answer.source_message_id,
        "author_id": answer.author.id,
        "author_name": answer.author.name,
        "organisation": answer.organisation,
        "text": answer.text,
        "created_at": repr(answer.created_at),
        "link": answer.link,
        "status": str(answer.status),
        "injected_id": answer.injected_id,
        "posting_since": repr(answer.posting_since),
        "score": repr(answer.score),
        "reasons": json.dumps(list(answer.reasons)),
        "also_from": json.dumps([_credit_json(c) for c in answer.also_from]),
    }


def _credit_json(credit: Credit) -> dict[str, Any]:
    return {
        "name": credit.name,
        "organisation": credit.organisation,
        "user_id": credit.user_id,
        "source": _place_json(credit.source),
        "message_id": credit.message_id,
        "link": credit.link,
        "text": credit.text,
        "at": credit.at,
    }


def _credit(item: Any) -> Credit:
    if isinstance(item, str):  # stored before credits had their own organisation: "Name (Org)"
        name, _, organisation = item.rpartition(" (")
        return Credit(name or item, organisation.removesuffix(")") if name else "")
    if isinstance(item, list):  # stored before credits kept where the copy was written
        return Credit(str(item[0]), str(item[1]))
    return Credit(
        name=str(item["name"]),
        organisation=str(item["organisation"]),
        user_id=str(item.get("user_id") or ""),
        source=_place_from(item.get("source")),
        message_id=str(item.get("message_id") or ""),
        link=str(item.get("link") or ""),
        text=str(item.get("text") or ""),
        at=float(item.get("at") or 0.0),
    )


def answer_from_hash(data: dict[str, str]) -> Answer:
    source = _place_from(json.loads(data["source"]))
    assert source is not None
    return Answer(
        id=data["id"],
        topic_id=data["topic_id"],
        source=source,
        source_message_id=data["source_message_id"],
        author=Person(data["author_id"], data["author_name"]),
        organisation=data["organisation"],
        text=data["text"],
        created_at=float(data["created_at"]),
        link=data.get("link", ""),
        status=AnswerStatus(data["status"]),
        injected_id=data.get("injected_id", ""),
        posting_since=float(data.get("posting_since") or 0),
        score=float(data.get("score") or 0),
        reasons=tuple(json.loads(data.get("reasons") or "[]")),
        also_from=tuple(_credit(item) for item in json.loads(data.get("also_from") or "[]")),
    )


# Takes one of the window's injection slots if one is free: atomic, so workers never exceed it.
_RESERVE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local existing = redis.call('ZSCORE', KEYS[1], ARGV[4])
if existing then return {1, existing} end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 60)
  return {1, ARGV[1]}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, oldest[2]}
"""

# The message's answer (injected copy first, then source) or, when neither is known yet, the reaction
# kept aside. Atomic, so a reaction either sees the answer or is in the list its recorder reads after.
_ANSWER_OR_PARK = """
local ref = redis.call('GET', KEYS[1]) or redis.call('GET', KEYS[2])
if ref then return ref end
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[2]))
return false
"""

# A reply's latest words; once deleted (empty) it stays deleted: an edit event handled just after
# the deletion (events are handled side by side) must not bring it back. An edit older than one
# already seen (ARGV[3], Slack's edited.ts in µs; 0: unknown) leaves the words alone, and a newer
# one also moves the version that edit jobs claim (_CLAIM_EDIT).
_REMEMBER_CHANGE = """
if redis.call('GET', KEYS[1]) == '' then return 0 end
local version = tonumber(ARGV[3])
if version > 0 then
  if version < tonumber(redis.call('GET', KEYS[2]) or '0') then return 0 end
  redis.call('SET', KEYS[2], ARGV[3], 'EX', tonumber(ARGV[2]))
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""

# The latest edit of a reply wins, whatever order the edit jobs run in; the same edit again (a
# retried job) passes.
_CLAIM_EDIT = """
if tonumber(ARGV[1]) < tonumber(redis.call('GET', KEYS[1]) or '0') then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""

# An answer just posted (alone, or in a digest) is recorded as such unless its author deleted it
# meanwhile: then only the posted message's id is kept, for the clean-up. Atomic with _MARK_DELETED:
# one of the two always sees the other. The message's ref is another slot's key: it is written just
# before (a reaction then finds the answer) and taken back if the answer was deleted.
_RECORD_POSTED = """
if redis.call('HGET', KEYS[1], 'status') == 'deleted' then
  redis.call('HSET', KEYS[1], 'injected_id', ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'injected_id', ARGV[1])
return 1
"""

_MARK_DELETED = """
local previous = redis.call('HGET', KEYS[1], 'status')
if previous then redis.call('HSET', KEYS[1], 'status', 'deleted') end
return previous
"""


class RedisRelayRepository:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self._reserve: Any = redis.register_script(_RESERVE_SLOT)
        self._answer_or_park: Any = redis.register_script(_ANSWER_OR_PARK)
        self._remember_change: Any = redis.register_script(_REMEMBER_CHANGE)
        self._claim_edit: Any = redis.register_script(_CLAIM_EDIT)
        self._record_posted: Any = redis.register_script(_RECORD_POSTED)
        self._mark_deleted: Any = redis.register_script(_MARK_DELETED)

    async def reserve_slot(
        self, *, topic_id: str, answer_id: str, now: float, window_s: float, limit: int
    ) -> tuple[bool, float]:
        """(True, now) when the answer may go in now; else (False, when the oldest slot was taken)."""
        granted, at = await self._reserve(
            keys=[keys.topic_injections(topic_id)], args=[repr(now), repr(window_s), limit, answer_id]
        )
        return bool(granted), float(at)

    async def map_source(self, *, place: Place, message_id: str, answer: Answer) -> None:
        """Another copy of an existing answer: votes on it count for that answer (its edits and
        deletions do not change it: the words are the first author's)."""
        ref = keys.message_ref("source", place.channel_key, message_id)
        await self._redis.set(ref, f"{answer.topic_id}/{answer.id}", ex=REF_TTL_S, nx=True)

    async def forget_source(self, *, place: Place, message_id: str) -> None:
        await self._redis.delete(keys.message_ref("source", place.channel_key, message_id))

    async def remember_change(self, *, place: Place, message_id: str, text: str, version: int = 0) -> None:
        changed = [keys.reply_change(place.channel_key, message_id), keys.reply_edit(place.channel_key, message_id)]
        await self._remember_change(keys=changed, args=[text, REF_TTL_S, version])

    async def latest_text(self, *, place: Place, message_id: str) -> str | None:
        found = await self._redis.get(keys.reply_change(place.channel_key, message_id))
        return None if found is None else str(found)

    async def claim_edit(self, *, place: Place, message_id: str, version: int) -> bool:
        if not version:
            return True
        key = keys.reply_edit(place.channel_key, message_id)
        return bool(await self._claim_edit(keys=[key], args=[version, REF_TTL_S]))

    async def remember_vote(self, *, place: Place, message_id: str, answer: Answer, voter: str) -> None:
        ref = keys.message_ref("vote", place.channel_key, message_id)
        await self._redis.set(ref, f"{answer.topic_id}/{answer.id}/{voter}", ex=REF_TTL_S)

    async def vote_at(self, *, place: Place, message_id: str) -> tuple[Answer, str] | None:
        found = await self._redis.get(keys.message_ref("vote", place.channel_key, message_id))
        if not found:
            return None
        topic_id, answer_id, voter = str(found).split("/", 2)
        answer = await self.answer(topic_id=topic_id, answer_id=answer_id)
        return (answer, voter) if answer else None

    async def claim_review(self, *, topic_id: str, answer_id: str, seconds: float) -> bool:
        key = keys.review_decision(topic_id, answer_id)
        return bool(await self._redis.set(key, "1", nx=True, px=max(1, int(seconds * 1000))))

    async def release_review(self, *, topic_id: str, answer_id: str) -> None:
        await self._redis.delete(keys.review_decision(topic_id, answer_id))

    @asynccontextmanager
    async def holding_topic(self, *, topic_id: str) -> AsyncIterator[None]:
        # redis-py's lock: it expires if its holder dies; a waiter that gives up fails its job, which
        # is retried.
        async with self._redis.lock(
            keys.topic_replies_lock(topic_id), timeout=REPLIES_LOCK_S, blocking_timeout=REPLIES_LOCK_S, sleep=0.02
        ):  # waiters poll every 20 ms (redis-py's default, 100 ms, would pace a burst of replies to 10/s)
            yield

    # --- mirrors ----------------------------------------------------------------------------
    async def save_mirror(self, *, mirror: Mirror) -> None:
        """The mirror, and its thread's ref (another slot: a retried job writes both again)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(keys.topic_mirrors(mirror.topic_id), mirror.partner, mirror_to_json(mirror))
            if mirror.status is MirrorStatus.POSTED and mirror.place and mirror.place.thread:
                ref = keys.message_ref("mirror", mirror.place.channel_key, mirror.place.thread)
                pipe.set(ref, mirror.topic_id, ex=REF_TTL_S)
            await pipe.execute()

    async def mirror(self, *, topic_id: str, partner: str) -> Mirror | None:
        raw = await self._redis.hget(keys.topic_mirrors(topic_id), partner)
        return mirror_from_json(raw) if raw else None

    async def mirrors(self, *, topic_id: str) -> list[Mirror]:
        raw = await self._redis.hgetall(keys.topic_mirrors(topic_id))
        return sorted((mirror_from_json(v) for v in raw.values()), key=lambda m: m.partner_name.lower())

    async def topic_for_mirror_thread(self, *, place: Place) -> str | None:
        if not place.thread:
            return None
        found = await self._redis.get(keys.message_ref("mirror", place.channel_key, place.thread))
        return str(found) if found else None

    # --- answers ----------------------------------------------------------------------------
    async def add_answer(self, *, answer: Answer) -> bool:
        """Store a new answer; False when this source message was already an answer."""
        ref = keys.message_ref("source", answer.source.channel_key, answer.source_message_id)
        if not await self._redis.set(ref, f"{answer.topic_id}/{answer.id}", nx=True, ex=REF_TTL_S):
            return False
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.answer(answer.topic_id, answer.id), mapping=answer_to_hash(answer))
            pipe.zadd(keys.topic_answers(answer.topic_id), {answer.id: answer.created_at})
            await pipe.execute()
        return True

    async def answer(self, *, topic_id: str, answer_id: str) -> Answer | None:
        data = await self._redis.hgetall(keys.answer(topic_id, answer_id))
        return answer_from_hash(data) if data else None

    async def answer_for_source(self, *, place: Place, message_id: str) -> Answer | None:
        return await self._answer_at(await self._redis.get(keys.message_ref("source", place.channel_key, message_id)))

    async def answer_or_park(self, *, place: Place, message_id: str, reaction: Reaction) -> Answer | None:
        ref = await self._answer_or_park(
            keys=[
                keys.message_ref("injected", place.channel_key, message_id),
                keys.message_ref("source", place.channel_key, message_id),
                keys.parked_reactions(place.channel_key, message_id),
            ],
            args=[
                json.dumps([reaction.voter, reaction.emoji, reaction.direction, reaction.added, reaction.at]),
                PARKED_TTL_S,
                PARKED_MAX,
            ],
        )
        return await self._answer_at(ref)

    async def parked(self, *, place: Place, message_id: str) -> list[Reaction]:
        rows = await self._redis.lrange(keys.parked_reactions(place.channel_key, message_id), 0, -1)
        return [Reaction(*json.loads(row)) for row in rows]

    async def forget_parked(self, *, place: Place, message_id: str) -> None:
        await self._redis.delete(keys.parked_reactions(place.channel_key, message_id))

    async def _answer_at(self, ref: str | None) -> Answer | None:
        if not ref:
            return None
        topic_id, _, answer_id = str(ref).partition("/")
        return await self.answer(topic_id=topic_id, answer_id=answer_id)

    async def answers(self, *, topic_id: str) -> list[Answer]:
        ids = await self._redis.zrange(keys.topic_answers(topic_id), 0, -1)
        async with self._redis.pipeline(transaction=False) as pipe:
            for answer_id in ids:
                pipe.hgetall(keys.answer(topic_id, answer_id))
            rows = await pipe.execute()
        return [answer_from_hash(row) for row in rows if row]

    async def update_answer(self, *, answer: Answer, live: Place, fields: Collection[AnswerField]) -> None:
        """Once injected, the live message maps back to the answer (for votes and edits)."""
        written = answer_to_hash(answer)
        async with self._redis.pipeline(transaction=False) as pipe:  # the ref is another slot's key
            pipe.hset(keys.answer(answer.topic_id, answer.id), mapping={field: written[field] for field in fields})
            if answer.injected_id and answer.status is AnswerStatus.INJECTED:  # a digest carries several
                ref = keys.message_ref("injected", live.channel_key, answer.injected_id)
                pipe.set(ref, f"{answer.topic_id}/{answer.id}", ex=REF_TTL_S)
            await pipe.execute()

    async def record_posted(self, *, answer: Answer, live: Place) -> bool:
        if answer.status is AnswerStatus.DIGESTED:
            ref = keys.message_ref("digest", live.channel_key, answer.injected_id)
            value = f"{answer.topic_id}/{live.thread or ''}"
        else:
            ref = keys.message_ref("injected", live.channel_key, answer.injected_id)
            value = f"{answer.topic_id}/{answer.id}"
        await self._redis.set(ref, value, ex=REF_TTL_S)
        recorded = bool(
            await self._record_posted(
                keys=[keys.answer(answer.topic_id, answer.id)], args=[answer.injected_id, str(answer.status)]
            )
        )
        if not recorded:
            await self._redis.delete(ref)
        return recorded

    async def digest_at(self, *, place: Place, message_id: str) -> tuple[str, str] | None:
        found = await self._redis.get(keys.message_ref("digest", place.channel_key, message_id))
        if not found:
            return None
        topic_id, _, thread = str(found).partition("/")
        return topic_id, thread

    async def mark_deleted(self, *, answer: Answer) -> AnswerStatus | None:
        previous = await self._mark_deleted(keys=[keys.answer(answer.topic_id, answer.id)])
        return AnswerStatus(previous) if previous else None

    async def mark_posting(self, *, answer: Answer, now: float) -> Answer:
        updated = replace(answer, posting_since=now)
        await self._redis.hset(keys.answer(answer.topic_id, answer.id), "posting_since", repr(now))
        return updated
