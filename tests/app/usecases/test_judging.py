"""Judging a reply with the text models (app/usecases/judging.py): the MiniLM topic gate is asked only
for a reply the answer model left in doubt and that would otherwise reach the meeting."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from app.domain.delivery import DeliveryRules, Route
from app.domain.models import Person, Place, Platform, Topic
from app.relevance.reading import TextRelevance
from app.store.votes import RedisVoteRepository
from app.usecases.judging import judge_reply
from tests.app.relevance.test_multilingual import GOOD, LICENCE

WEATHER = "The weather is nice in Paris today."  # in doubt, scores 0.53 unchecked: the gate stops it
LUNCH = "I had lunch with my sister yesterday."  # in doubt, 0.25 unchecked: below the threshold anyway


@pytest.fixture(scope="module")
def recorded() -> tuple[TextRelevance, list[str]]:
    """The worker's matcher, noting each reply the MiniLM gate reads."""
    matcher, asked = TextRelevance(models="semantic"), []
    gate = matcher.off_topic

    async def off_topic(*, question: str, reply: str) -> bool:
        asked.append(reply)
        return await gate(question=question, reply=reply)

    matcher.off_topic = off_topic  # type: ignore[method-assign]
    return matcher, asked


@pytest.fixture
async def votes(redis_url: str) -> AsyncIterator[RedisVoteRepository]:
    redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
    yield RedisVoteRepository(redis=redis)
    await redis.aclose()


async def judged(reply: str, matcher: TextRelevance, votes: RedisVoteRepository, threshold: float = 0.3):
    topic = Topic("t1", "m1", LICENCE, Person("U0ASKER", "ada"), Place(Platform.SLACK, "T1", "C1", "1.0"), 0.0)
    return await judge_reply(
        topic=topic,
        text=reply,
        author="slack:T2:U0BOB",
        source_kind="partner",
        at=60.0,
        by_asker=False,
        earlier=[],
        votes=votes,
        rules=DeliveryRules(threshold=threshold),
        matcher=matcher,
    )


async def test_the_gate_reads_only_the_doubtful_replies_that_would_reach_the_meeting(recorded, votes):
    matcher, asked = recorded
    asked.clear()
    relevance, to = await judged(GOOD, matcher, votes)
    assert relevance.score > 0.9 and to is Route.DELIVER and asked == []  # plainly on topic: not asked
    relevance, to = await judged(WEATHER, matcher, votes)
    assert asked == [WEATHER]  # in doubt and above the threshold: asked, and it stops it
    assert relevance.score == 0.1 and relevance.reasons[0] == "-off topic" and to is Route.BELOW
    relevance, to = await judged(LUNCH, matcher, votes)
    assert asked == [WEATHER]  # in doubt but below the threshold: never injected, so not asked
    assert 0.1 < relevance.score < 0.3 and to is Route.BELOW


async def test_a_lower_threshold_has_the_gate_read_what_it_lets_through(recorded, votes):
    matcher, asked = recorded
    asked.clear()
    relevance, to = await judged(LUNCH, matcher, votes, threshold=0.2)
    assert asked == [LUNCH] and relevance.score == 0.1 and to is Route.BELOW
