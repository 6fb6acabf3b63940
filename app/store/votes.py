"""Votes on answers, in Redis, exact under concurrency (one Lua script per reaction).

For each answer: a hash voter → direction (the vote), and a hash voter → the vote emoji they have
on any copy of the answer ("+👍,+⭐": one small hash per answer, not one set per voter). Adding an
emoji sets the vote to its direction (the latest wins); removing one removes the vote only when
none of that voter's emoji of that direction remain.
Each author's record (answers given, answers voted up) grows once per ended meeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.trust import author_trust
from app.domain.votes import Reaction
from app.store import keys
from app.store.connection import RedisClient

# A reaction's change is applied in the platform's order (ARGV[5], its time; 0: unknown): a worker may
# run "added" and "removed" of one quick toggle side by side, and the later one must win.
_REACT = """
local votes, emoji_held, times = KEYS[1], KEYS[2], KEYS[3]
local voter, emoji, direction, action, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local member = (direction > 0 and '+' or '-') .. emoji
local field = voter .. '|' .. member
if at > 0 and at < tonumber(redis.call('HGET', times, field) or '0') then
  action = 'stale'
elseif at > 0 then
  redis.call('HSET', times, field, ARGV[5])
  redis.call('EXPIRE', times, 7776000)
end
local held = {}
for m in string.gmatch(redis.call('HGET', emoji_held, voter) or '', '[^,]+') do
  if m ~= member then table.insert(held, m) end
end
if action == 'stale' then
elseif action == 'add' then
  table.insert(held, member)
  redis.call('HSET', emoji_held, voter, table.concat(held, ','))
  redis.call('HSET', votes, voter, direction)
else
  if #held > 0 then
    redis.call('HSET', emoji_held, voter, table.concat(held, ','))
  else
    redis.call('HDEL', emoji_held, voter)
  end
  local prefix = direction > 0 and '+' or '-'
  local other = direction > 0 and '-' or '+'
  local same_left, other_left = 0, 0
  for _, m in ipairs(held) do
    local p = string.sub(m, 1, 1)
    if p == prefix then same_left = same_left + 1 elseif p == other then other_left = other_left + 1 end
  end
  local current = tonumber(redis.call('HGET', votes, voter) or '0')
  if current == direction and same_left == 0 then
    if other_left > 0 then redis.call('HSET', votes, voter, -direction) else redis.call('HDEL', votes, voter) end
  end
end
redis.call('EXPIRE', votes, 7776000)
if redis.call('EXISTS', emoji_held) == 1 then redis.call('EXPIRE', emoji_held, 7776000) end
local total = 0
for _, v in ipairs(redis.call('HVALS', votes)) do total = total + tonumber(v) end
return total
"""

_TOGGLE_UP = """
local up = redis.call('HGET', KEYS[1], ARGV[1]) ~= '1'
if up then redis.call('HSET', KEYS[1], ARGV[1], 1) else redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], 7776000)
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
return {up and 1 or 0, total}
"""

# A meeting's outcome, added to its authors' records once (KEYS[1] is set the first time only).
_RECORD = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', 7776000) == false then return 0 end
local given, helpful = 0, 0
for i = 3, #KEYS do
  local a, h = tonumber(ARGV[2 * i - 5]), tonumber(ARGV[2 * i - 4])
  redis.call('HINCRBY', KEYS[i], 'answers', a)
  redis.call('HINCRBY', KEYS[i], 'helpful', h)
  redis.call('EXPIRE', KEYS[i], 31536000)
  given, helpful = given + a, helpful + h
end
redis.call('HINCRBY', KEYS[2], 'answers', given)
redis.call('HINCRBY', KEYS[2], 'helpful', helpful)
return 1
"""


class RedisVoteRepository:
    def __init__(self, *, redis: RedisClient) -> None:
        self._redis: Any = redis  # redis-py's stubs do not model decode_responses=True
        self._react: Any = redis.register_script(_REACT)
        self._record: Any = redis.register_script(_RECORD)
        self._toggle_up: Any = redis.register_script(_TOGGLE_UP)

    async def react(self, *, topic_id: str, answer_id: str, reaction: Reaction) -> int:
        """Apply one reaction change (unless a later one of the same emoji was applied already);
        returns the answer's new tally."""
        votes_key = keys.answer_votes(topic_id, answer_id)
        emoji_key = keys.vote_emoji(topic_id, answer_id)
        return int(
            await self._react(
                keys=[votes_key, emoji_key, keys.vote_times(topic_id, answer_id)],
                args=[
                    reaction.voter,
                    reaction.emoji,
                    reaction.direction,
                    "add" if reaction.added else "remove",
                    repr(reaction.at),
                ],
            )
        )

    async def toggle_up(self, *, topic_id: str, answer_id: str, voter: str) -> tuple[bool, int]:
        up, total = await self._toggle_up(keys=[keys.answer_votes(topic_id, answer_id)], args=[voter])
        return bool(up), int(total)

    async def tally(self, *, topic_id: str, answer_id: str) -> int:
        values = await self._redis.hvals(keys.answer_votes(topic_id, answer_id))
        return sum(int(v) for v in values)

    async def tallies(self, *, topic_id: str, answer_ids: list[str]) -> dict[str, int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for answer_id in answer_ids:
                pipe.hvals(keys.answer_votes(topic_id, answer_id))
            rows = await pipe.execute()
        return {a: sum(int(v) for v in row) for a, row in zip(answer_ids, rows, strict=True)}

    async def record_meeting(self, *, meeting_id: str, record: Mapping[str, tuple[int, int]]) -> bool:
        """Add one meeting's (answers, helpful) per author; False when it was already added."""
        authors = sorted(record)
        args = [count for author in authors for count in record[author]]
        author_keys = [keys.author_record(author) for author in authors]
        counted = keys.trust_counted(meeting_id)
        return bool(await self._record(keys=[counted, keys.TRUST_TOTALS, *author_keys], args=args))

    async def author_trust(self, *, author: str) -> float:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(keys.author_record(author), "answers", "helpful")
            pipe.hmget(keys.TRUST_TOTALS, "answers", "helpful")
            (answers, helpful), (all_answers, all_helpful) = await pipe.execute()
        prior = int(all_helpful or 0) / int(all_answers) if all_answers and int(all_answers) else 0.5
        return author_trust(helpful=int(helpful or 0), answers=int(answers or 0), prior=prior)
