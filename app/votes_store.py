"""Votes on answers, in Redis, exact under concurrency (one Lua script per reaction).

For each answer: a hash voter → direction (the vote), and per voter a set of the vote emoji they
have on any copy of the answer. Adding an emoji sets the vote to its direction (the latest wins);
removing one removes the vote only when none of that voter's emoji of that direction remain.
"""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from app import keys

_REACT = """
local votes, emoji_set = KEYS[1], KEYS[2]
local voter, emoji, direction, action = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local member = (direction > 0 and '+' or '-') .. emoji
if action == 'add' then
  redis.call('SADD', emoji_set, member)
  redis.call('HSET', votes, voter, direction)
else
  redis.call('SREM', emoji_set, member)
  local prefix = direction > 0 and '+' or '-'
  local other = direction > 0 and '-' or '+'
  local same_left, other_left = 0, 0
  for _, m in ipairs(redis.call('SMEMBERS', emoji_set)) do
    local p = string.sub(m, 1, 1)
    if p == prefix then same_left = same_left + 1 elseif p == other then other_left = other_left + 1 end
  end
  local current = tonumber(redis.call('HGET', votes, voter) or '0')
  if current == direction and same_left == 0 then
    if other_left > 0 then redis.call('HSET', votes, voter, -direction) else redis.call('HDEL', votes, voter) end
  end
end
redis.call('EXPIRE', votes, 7776000)
redis.call('EXPIRE', emoji_set, 7776000)
local total = 0
for _, v in ipairs(redis.call('HVALS', votes)) do total = total + tonumber(v) end
return total
"""


class RedisVoteRepository:
    def __init__(self, *, redis: aioredis.Redis) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self._react: Any = redis.register_script(_REACT)

    async def react(self, *, topic_id: str, answer_id: str, voter: str, emoji: str, direction: int, added: bool) -> int:
        """Apply one reaction change; returns the answer's new tally."""
        return int(
            await self._react(
                keys=[keys.answer_votes(topic_id, answer_id), keys.voter_emoji(topic_id, answer_id, voter)],
                args=[voter, emoji, direction, "add" if added else "remove"],
            )
        )

    async def cast(self, *, topic_id: str, answer_id: str, voter: str, direction: int) -> None:
        """A vote that is not a reaction ("+1" written as a reply); 0 removes it."""
        key = keys.answer_votes(topic_id, answer_id)
        if direction == 0:
            await self._redis.hdel(key, voter)
        else:
            await self._redis.hset(key, voter, 1 if direction > 0 else -1)

    async def tally(self, *, topic_id: str, answer_id: str) -> int:
        values = await self._redis.hvals(keys.answer_votes(topic_id, answer_id))
        return sum(int(v) for v in values)

    async def tallies(self, *, topic_id: str, answer_ids: list[str]) -> dict[str, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for answer_id in answer_ids:
                pipe.hvals(keys.answer_votes(topic_id, answer_id))
            rows = await pipe.execute()
        return {a: sum(int(v) for v in row) for a, row in zip(answer_ids, rows, strict=True)}
