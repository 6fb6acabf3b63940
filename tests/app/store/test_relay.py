"""Votes kept aside on a real Redis: only while the message is unknown, bounded, and replayable."""

from __future__ import annotations

from dataclasses import replace

import redis.asyncio as aioredis

from app.domain.models import Answer, AnswerStatus, Credit, Person, Place, Platform
from app.domain.votes import Reaction
from app.runtime.directory import Directories
from app.store import keys
from app.store.partners import RedisPartnerRepository
from app.store.queue import JobQueue
from app.store.ratelimit import ChannelRateLimiter
from app.store.relay import PARKED_MAX, PARKED_TTL_S, RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.store.votes import RedisVoteRepository
from app.usecases.context import Context
from app.usecases.votes import adopt_parked

LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")
POSTED = "1700000000.000200"


def _answer() -> Answer:
    return Answer(
        id="a1",
        topic_id="t1",
        source=Place(Platform.SLACK, "TBETA00001", "C0INBOX001", "1.1"),
        source_message_id="1700000000.000100",
        author=Person("U1", "grace"),
        organisation="Beta Org",
        text="Price the pilot at cost",
        created_at=1.0,
    )


async def test_a_vote_on_an_unknown_message_waits_then_counts_once(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay, votes, jobs = RedisRelayRepository(redis=redis), RedisVoteRepository(redis=redis), JobQueue(redis=redis)
    sequence = [
        Reaction(voter="slack:TALPHA0001:U1", emoji="+1", direction=1, added=True),
        Reaction(voter="slack:TALPHA0001:U2", emoji="star", direction=1, added=True),
        Reaction(voter="slack:TALPHA0001:U2", emoji="thumbsdown", direction=-1, added=True),
        Reaction(voter="slack:TALPHA0001:U2", emoji="thumbsdown", direction=-1, added=False),
        Reaction(voter="slack:TALPHA0001:U3", emoji="fire", direction=1, added=True),
        Reaction(voter="slack:TALPHA0001:U3", emoji="fire", direction=1, added=False),
    ]
    for reaction in sequence:
        assert await relay.answer_or_park(place=LIVE, message_id=POSTED, reaction=reaction) is None
    parked_key = keys.parked_reactions(LIVE.channel_key, POSTED)
    assert 0 < await redis.ttl(parked_key) <= PARKED_TTL_S  # a message that never becomes an answer is forgotten
    assert await relay.parked(place=LIVE, message_id=POSTED) == sequence  # in the order they came

    answer = _answer()
    assert await relay.add_answer(answer=answer)
    injected = replace(answer, status=AnswerStatus.INJECTED, injected_id=POSTED)
    await relay.update_answer(answer=injected, live=LIVE, fields={"status", "injected_id"})
    # A worker that died after counting but before forgetting counts the same list again: same tally.
    for reaction in sequence:
        await votes.react(topic_id="t1", answer_id="a1", reaction=reaction)
    ctx = Context(
        topics=RedisTopicRepository(redis=redis),
        partners=RedisPartnerRepository(redis=redis),
        relay=relay,
        votes=votes,
        directory=Directories({}),
        jobs=jobs,
        limiter=ChannelRateLimiter(redis=redis),
        clock=lambda: 10.0,
    )
    tally = await adopt_parked(answer=injected, place=LIVE, message_id=POSTED, ctx=ctx)
    assert tally == 2  # U1 up, U2 up (down withdrawn), U3 withdrew
    assert await votes.tally(topic_id="t1", answer_id="a1") == 2
    assert await redis.exists(parked_key) == 0
    assert await adopt_parked(answer=injected, place=LIVE, message_id=POSTED, ctx=ctx) is None

    # Once the message is known, a reaction finds its answer and nothing is kept aside.
    late = Reaction(voter="slack:TALPHA0001:U4", emoji="+1", direction=1, added=True)
    found = await relay.answer_or_park(place=LIVE, message_id=POSTED, reaction=late)
    assert found is not None and found.id == "a1"
    assert await redis.exists(parked_key) == 0
    await redis.aclose()


async def test_votes_kept_aside_on_one_message_are_bounded(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    for i in range(PARKED_MAX + 50):
        reaction = Reaction(voter=f"slack:T1:U{i}", emoji="+1", direction=1, added=True)
        await relay.answer_or_park(place=LIVE, message_id="9.9", reaction=reaction)
    kept = await relay.parked(place=LIVE, message_id="9.9")
    assert len(kept) == PARKED_MAX
    assert kept[-1].voter == f"slack:T1:U{PARKED_MAX + 49}"  # the newest are kept
    await redis.aclose()


async def test_a_merge_and_a_delivery_of_one_answer_side_by_side_keep_both_changes(redis_url):
    """Both start from the same stored answer; each writes back only what it changed."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    stored = _answer()
    assert await relay.add_answer(answer=stored)
    copy = Credit(
        "linus", "Gamma Inc", "U2", Place(Platform.SLACK, "T2", "C2", "5.5"), "5.6", "https://x/p56", "Same", 5.6
    )
    merged = replace(stored, also_from=(copy,))
    injected = replace(stored, status=AnswerStatus.INJECTED, injected_id=POSTED)
    await relay.update_answer(answer=merged, live=LIVE, fields={"also_from"})
    await relay.update_answer(answer=injected, live=LIVE, fields={"status", "injected_id"})
    now = await relay.answer(topic_id="t1", answer_id="a1")
    assert now is not None
    assert (now.status, now.injected_id, now.also_from) == (
        AnswerStatus.INJECTED,
        POSTED,
        (copy,),  # where the copy was written reads back too: it may stand for the answer one day
    )
    assert await relay.answer_or_park(place=LIVE, message_id=POSTED, reaction=Reaction("v", "+1", 1, True)) == now
    await redis.aclose()


async def test_an_answer_stored_with_older_credits_still_reads(redis_url):
    """Before credits carried their organisation apart, they were stored as "Name (Org)"."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    assert await relay.add_answer(answer=_answer())
    await redis.hset(
        keys.answer("t1", "a1"), "also_from", '["linus (Gamma Inc)", "Bo (he/him) (Acme (EU)", ["ada", "Beta"]]'
    )
    stored = await relay.answer(topic_id="t1", answer_id="a1")
    assert stored is not None
    assert stored.also_from[0] == Credit("linus", "Gamma Inc")
    assert stored.also_from[1].label() == "Bo (he/him) (Acme (EU)"  # an odd old label reads back as it was shown
    assert stored.also_from[2] == Credit("ada", "Beta")  # a (name, organisation) pair, before places were kept
    await redis.aclose()


async def test_a_reply_deleted_before_it_was_read_stays_deleted(redis_url):
    """An edit event handled just after the deletion (events are handled side by side) is ignored."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    assert await relay.latest_text(place=LIVE, message_id="7.7") is None
    await relay.remember_change(place=LIVE, message_id="7.7", text="first words")
    await relay.remember_change(place=LIVE, message_id="7.7", text="second words")
    assert await relay.latest_text(place=LIVE, message_id="7.7") == "second words"
    await relay.remember_change(place=LIVE, message_id="7.7", text="")
    await relay.remember_change(place=LIVE, message_id="7.7", text="an edit raced the deletion")
    assert await relay.latest_text(place=LIVE, message_id="7.7") == ""
    await redis.aclose()


async def test_a_replys_latest_words_follow_slacks_edit_order_and_a_deletion_is_final(redis_url):
    """What the web side leaves for a worker that has not read the reply yet, edits arriving out of
    order (two web processes, a retry) included."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    relay = RedisRelayRepository(redis=redis)
    place, message = Place(Platform.SLACK, "TBETA00001", "C0INBOX001", "9.9"), "1700000000.000300"
    await relay.remember_change(place=place, message_id=message, text="30%", version=2_000_000)
    await relay.remember_change(place=place, message_id=message, text="25%", version=1_000_000)  # older, late
    assert await relay.latest_text(place=place, message_id=message) == "30%"
    assert not await relay.claim_edit(place=place, message_id=message, version=1_000_000)  # its job stands aside
    assert await relay.claim_edit(place=place, message_id=message, version=2_000_000)  # the newest applies
    await relay.remember_change(place=place, message_id=message, text="")
    await relay.remember_change(place=place, message_id=message, text="40%", version=3_000_000)
    assert await relay.latest_text(place=place, message_id=message) == ""
    await redis.aclose()
