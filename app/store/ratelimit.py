"""A token bucket per destination channel, in Redis, shared by every process.

Slack allows about one message per second per channel with short bursts (FACTS #7); posting
to the live thread and to partner inboxes waits here first. The clock is Redis's own TIME, so
processes on different machines agree.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.domain.errors import RetryLater
from app.store import keys
from app.store.connection import RedisClient

# Returns the milliseconds to wait before posting, with the slot reserved (0: post now), or minus the
# wait when it would exceed ARGV[3] ms (negative: no limit): then nothing is reserved.
_TAKE = """
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local rate = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens < 1 then
  wait = math.ceil((1 - tokens) / rate)
end
if max_wait >= 0 and wait > max_wait then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], 60000)
  return -wait
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000 + wait)
return wait
"""


class ChannelRateLimiter:
    """``max_wait_s``: a longer wait raises RetryLater instead (the worker's jobs stand aside; the web
    process, answering a person, waits)."""

    def __init__(
        self, *, redis: RedisClient, per_second: float = 1.0, burst: int = 2, max_wait_s: float | None = None
    ) -> None:
        self._take: Any = redis.register_script(_TAKE)
        self._per_second = per_second
        self._burst = burst
        self._max_wait_s = max_wait_s

    async def acquire(self, *, channel_key: str) -> float:
        """Wait until this channel may receive one more message; returns the seconds waited. The
        slot is reserved before the wait, so waiters go in turn and each wait is the real one."""
        max_wait_ms = -1 if self._max_wait_s is None else int(self._max_wait_s * 1000)
        wait_ms = int(
            await self._take(keys=[keys.rate_bucket(channel_key)], args=[self._per_second, self._burst, max_wait_ms])
        )
        if wait_ms < 0:
            raise RetryLater(-wait_ms / 1000)  # nothing was reserved: the bucket is as it was
        if wait_ms:
            await asyncio.sleep(wait_ms / 1000)
        return wait_ms / 1000
