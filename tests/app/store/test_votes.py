"""Authors' records on a real Redis: a meeting counts once, and trust is read against the average."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from app.domain.trust import author_trust
from app.domain.votes import Reaction
from app.store.votes import RedisVoteRepository


async def test_a_meeting_outcome_is_added_once_and_read_as_trust(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    votes = RedisVoteRepository(redis=redis)
    assert await votes.author_trust(author="slack:T1:U1") == pytest.approx(0.5)  # no record yet
    record = {"slack:T1:U1": (3, 3), "slack:T1:U2": (3, 0)}
    # Two workers finishing the same summary job at once: the outcome is added once.
    first, second = await asyncio.gather(
        votes.record_meeting(meeting_id="m1", record=record), votes.record_meeting(meeting_id="m1", record=record)
    )
    assert sorted([first, second]) == [False, True]
    helpful_author, unhelpful_author = (
        await votes.author_trust(author="slack:T1:U1"),
        await votes.author_trust(author="slack:T1:U2"),
    )
    assert helpful_author == pytest.approx(author_trust(helpful=3, answers=3, prior=0.5))
    assert unhelpful_author == pytest.approx(author_trust(helpful=0, answers=3, prior=0.5))
    assert unhelpful_author < 0.5 < helpful_author

    assert await votes.record_meeting(meeting_id="m2", record={"slack:T1:U3": (4, 0)})
    prior = 3 / 10  # helpful answers over all answers, every author
    assert await votes.author_trust(author="slack:T1:U1") == pytest.approx(
        author_trust(helpful=3, answers=3, prior=prior)
    )
    assert await votes.author_trust(author="slack:T9:U1") == pytest.approx(0.5)  # someone else
    await redis.aclose()


async def test_button_votes_toggle_exactly_under_concurrency(redis_url):
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    votes = RedisVoteRepository(redis=redis)
    voters = [f"slack:T1:U{i}" for i in range(40)]
    await asyncio.gather(*(votes.toggle_up(topic_id="t", answer_id="a", voter=v) for v in voters))
    assert await votes.tally(topic_id="t", answer_id="a") == 40
    # Every other voter presses again: their vote is taken back, the others' stay.
    results = await asyncio.gather(*(votes.toggle_up(topic_id="t", answer_id="a", voter=v) for v in voters[::2]))
    assert all(up is False for up, _ in results)
    assert await votes.tally(topic_id="t", answer_id="a") == 20
    # A down vote by reaction is replaced by the button's up vote, not added to it.
    await votes.react(topic_id="t", answer_id="a", reaction=Reaction(voters[0], "👎", direction=-1, added=True))
    assert await votes.tally(topic_id="t", answer_id="a") == 19
    assert await votes.toggle_up(topic_id="t", answer_id="a", voter=voters[0]) == (True, 21)
    await redis.aclose()


async def test_changes_of_one_emoji_apply_in_the_platforms_order_whatever_order_they_run_in(redis_url):
    """A quick toggle's "removed" may be counted before its "added" (two workers): the later one wins."""
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    votes = RedisVoteRepository(redis=redis)
    added = Reaction("slack:T1:U1", "👍", direction=1, added=True, at=100.0)
    removed = Reaction("slack:T1:U1", "👍", direction=1, added=False, at=101.0)
    assert await votes.react(topic_id="t", answer_id="a", reaction=removed) == 0
    assert await votes.react(topic_id="t", answer_id="a", reaction=added) == 0  # older than the removal: ignored
    again = Reaction("slack:T1:U1", "👍", direction=1, added=True, at=102.0)
    assert await votes.react(topic_id="t", answer_id="a", reaction=again) == 1
    assert await votes.react(topic_id="t", answer_id="a", reaction=again) == 1  # the same event twice
    await redis.aclose()
