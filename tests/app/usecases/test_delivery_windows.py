"""Delivery windows with a controllable clock: real Redis, real Slack client against the stand-in."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from app.domain.delivery import DeliveryRules
from app.domain.models import Answer, AnswerStatus, Person, Place, Platform, Topic
from app.domain.votes import Reaction
from app.store.queue import JobQueue
from app.store.ratelimit import ChannelRateLimiter
from app.store.relay import RedisRelayRepository
from app.store.topics import RedisTopicRepository
from app.store.votes import RedisVoteRepository
from app.usecases.context import Context
from app.usecases.delivery import deliver_answer, post_digest
from app.usecases.jobs import DeliverAnswer, PostDigest
from integrations.slack.chat import SlackChat
from tests.app.usecases.conftest import context

T0 = 1_800_000_000.0
RULES = DeliveryRules(max_per_window=3, window_s=300, threshold=0.3)


@pytest.fixture
async def world(connected):
    redis, directory = connected.redis, connected.directory
    topics, relay = RedisTopicRepository(redis=redis), RedisRelayRepository(redis=redis)
    queue = JobQueue(redis=redis)
    live = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")
    chat = await directory.chat_for(platform=Platform.SLACK, tenant="TALPHA0001")
    topic = Topic(
        id="topic1",
        meeting_id="",
        question="How to price a pilot?",
        asker=Person("U0ASKER", "ada"),
        place=live,
        created_at=T0,
    )
    posted = await chat.post_topic(topic=topic)
    topic = replace(topic, place=posted.place)
    await topics.add_topic(topic=topic)
    yield {
        "redis": redis,
        "topics": topics,
        "relay": relay,
        "queue": queue,
        "directory": directory,
        "limiter": ChannelRateLimiter(redis=redis, per_second=1000, burst=1000),
        "votes": RedisVoteRepository(redis=redis),
        "topic": topic,
    }


async def _answer(world, n: int, score: float, at: float) -> Answer:
    answer = Answer(
        id=f"a{n}",
        topic_id="topic1",
        source=Place(Platform.SLACK, "TBETA00001", "C0INBOX001", "1.1"),
        source_message_id=f"m{n}",
        author=Person(f"U{n}", f"helper{n}"),
        organisation="Beta Org",
        text=f"answer number {n}",
        created_at=at,
        score=score,
    )
    assert await world["relay"].add_answer(answer=answer)
    return answer


def _ctx(world, *, now: float, relay: RedisRelayRepository | None = None) -> Context:
    return context(
        redis=world["redis"],
        directory=world["directory"],
        topics=world["topics"],
        relay=relay or world["relay"],
        votes=world["votes"],
        jobs=world["queue"],
        limiter=world["limiter"],
        rules=RULES,
        clock=lambda: now,
    )


async def _deliver(world, answer: Answer, now: float, *, relay: RedisRelayRepository | None = None) -> Answer:
    result = await deliver_answer(
        DeliverAnswer(topic_id="topic1", answer_id=answer.id), _ctx(world, now=now, relay=relay)
    )
    assert result is not None
    return result


async def _digest(world, *, now: float, relay: RedisRelayRepository | None = None) -> int:
    return await post_digest(PostDigest(topic_id="topic1"), _ctx(world, now=now, relay=relay))


def _thread(slack, topic: Topic) -> list[dict]:
    return [m for m in slack.channel_messages("TALPHA0001", "C0MEET0001") if m.get("thread_ts") == topic.place.thread]


async def test_three_per_window_then_one_digest_best_first(world, slack):
    statuses = []
    for n, (score, at) in enumerate([(0.5, 0), (0.6, 10), (0.7, 20), (0.4, 30), (0.9, 40), (0.8, 299)]):
        answer = await _answer(world, n, score, T0 + at)
        statuses.append((await _deliver(world, answer, now=T0 + at)).status)
    assert statuses == ["injected"] * 3 + ["waiting"] * 3
    assert len(_thread(slack, world["topic"])) == 3

    # The digest is scheduled for the end of the window opened by the first injection.
    queue: JobQueue = world["queue"]
    assert await queue.promote_due(now=T0 + 299.9) == 0
    assert await queue.promote_due(now=T0 + 300.0) == 1
    await queue.ensure_group()
    (job,) = await queue.read_new(consumer="test", block_ms=10)
    assert job.kind == PostDigest.kind
    posted = await _digest(world, now=T0 + 300)
    assert posted == 3
    digest = _thread(slack, world["topic"])[-1]
    lines = [b["text"]["text"] for b in digest["blocks"][1:]]
    assert [line.split(": ", 1)[1].split(" ·")[0] for line in lines] == [
        "answer number 4",
        "answer number 5",
        "answer number 3",
    ]  # best first
    assert all(a.status in ("injected", "digested") for a in await world["relay"].answers(topic_id="topic1"))
    # Running the digest job again (a retry) posts nothing more.
    again = await _digest(world, now=T0 + 301)
    assert again == 0 and len(_thread(slack, world["topic"])) == 4


async def test_a_digest_too_long_for_one_message_goes_out_in_several(world, slack):
    for n in range(3 + SlackChat.digest_capacity + 5):
        await _deliver(world, await _answer(world, n, 0.5 + n / 1000, T0 + n), now=T0 + n)
    assert await _digest(world, now=T0 + 300) == SlackChat.digest_capacity + 5
    first, second = _thread(slack, world["topic"])[3:]
    assert len(first["blocks"]) == 1 + SlackChat.digest_capacity <= 50  # Slack's limit of blocks a message
    shown = [b["text"]["text"].split(": ", 1)[1].split(" ·")[0] for m in (first, second) for b in m["blocks"][1:]]
    assert shown == [
        f"answer number {n}" for n in range(3 + SlackChat.digest_capacity + 4, 2, -1)
    ]  # each once, best first
    assert {a.injected_id for a in await world["relay"].answers(topic_id="topic1")} >= {first["ts"], second["ts"]}
    assert await _digest(world, now=T0 + 301) == 0


async def test_answers_waiting_for_the_window_go_to_review_when_the_asker_switched_it_on(world, slack):
    for n in range(5):
        await _deliver(world, await _answer(world, n, 0.5, T0 + n), now=T0 + n)
    await world["topics"].set_review(topic_id="topic1", review=True)
    assert await _digest(world, now=T0 + 300) == 0  # no digest: the asker decides
    assert len(_thread(slack, world["topic"])) == 3
    prompts = slack.calls_to("chat.postEphemeral")
    assert [p.params["user"] for p in prompts] == ["U0ASKER", "U0ASKER"]
    statuses = [a.status for a in await world["relay"].answers(topic_id="topic1")]
    assert statuses == ["injected"] * 3 + ["in_review"] * 2


async def test_a_slot_frees_when_its_injection_leaves_the_window(world, slack):
    for n, at in enumerate([0, 100, 200]):
        await _deliver(world, await _answer(world, n, 0.9, T0 + at), now=T0 + at)
    full = await _deliver(world, await _answer(world, 3, 0.9, T0 + 299), now=T0 + 299)
    assert full.status == AnswerStatus.WAITING
    freed = await _deliver(world, await _answer(world, 4, 0.9, T0 + 300), now=T0 + 300)
    assert freed.status == AnswerStatus.INJECTED  # the injection of T0 is now 300 s old
    again_full = await _deliver(world, await _answer(world, 5, 0.9, T0 + 301), now=T0 + 301)
    assert again_full.status == AnswerStatus.WAITING


async def test_a_retried_delivery_takes_one_slot(world, slack):
    answer = await _answer(world, 0, 0.9, T0)
    await _deliver(world, answer, now=T0)
    again = await _deliver(world, answer, now=T0 + 1)  # the job ran twice
    assert again.status == AnswerStatus.INJECTED and len(_thread(slack, world["topic"])) == 1


class _DiesAfterSlackAnswers(RedisRelayRepository):
    """The worker dies once Slack has accepted the post (a digest, by default), before recording it:
    the record raises, as a killed process would stop there."""

    def __init__(self, *, redis, status: AnswerStatus = AnswerStatus.DIGESTED) -> None:
        super().__init__(redis=redis)
        self.status = status

    async def record_posted(self, *, answer: Answer, live: Place) -> bool:
        if answer.status is self.status:
            raise ConnectionError("worker killed")
        return await super().record_posted(answer=answer, live=live)


async def test_an_answer_deleted_while_a_dying_worker_posted_it_is_taken_back(world, slack):
    """Deleted by its author mid-post, and the worker killed before it could record the post: the
    retried job finds the post in the thread and removes it."""
    t0 = time.time()  # the retry reads Slack's history from its own clock: keep them aligned
    answer = await _answer(world, 0, 0.9, t0)
    dying = _DiesAfterSlackAnswers(redis=world["redis"], status=AnswerStatus.INJECTED)
    with pytest.raises(ConnectionError):
        await _deliver(world, answer, now=t0, relay=dying)
    assert len(_thread(slack, world["topic"])) == 1  # posted, not recorded
    assert await world["relay"].mark_deleted(answer=answer) is AnswerStatus.NEW  # what the web does on deletion
    again = await _deliver(world, answer, now=t0 + 1)  # the job, retried
    assert again.status == AnswerStatus.DELETED and _thread(slack, world["topic"]) == []


async def test_a_digest_retried_after_a_crash_is_not_posted_twice_and_loses_no_later_answer(world, slack):
    t0 = time.time() - 1000  # a recovering attempt reads Slack's history from its own clock: keep them aligned
    for n, at in enumerate([0, 10, 20, 30, 40]):
        await _deliver(world, await _answer(world, n, 0.5 + n / 100, t0 + at), now=t0 + at)
    dying = _DiesAfterSlackAnswers(redis=world["redis"])
    with pytest.raises(ConnectionError):
        await _digest(world, now=t0 + 300, relay=dying)
    assert len(_thread(slack, world["topic"])) == 4  # 3 injected + the digest of answers 3 and 4
    freed = await _deliver(world, await _answer(world, 5, 0.9, t0 + 301), now=t0 + 301)  # the slot of T0 freed
    late = await _deliver(world, await _answer(world, 6, 0.9, t0 + 302), now=t0 + 302)  # full again: waits
    assert (freed.status, late.status) == (AnswerStatus.INJECTED, AnswerStatus.WAITING)

    assert await _digest(world, now=t0 + 330) == 3  # the crashed job, retried
    thread = _thread(slack, world["topic"])
    assert len(thread) == 6  # 4 injected, the first digest found again (not reposted), one new digest
    first, second = thread[3], thread[5]
    assert "answer number 3" in first["text"] and "answer number 6" not in first["text"]
    assert "answer number 6" in second["text"] and "answer number 3" not in second["text"]
    answers = {a.id: a for a in await world["relay"].answers(topic_id="topic1")}
    assert {a.status for a in answers.values()} == {"injected", "digested"}
    assert answers["a3"].injected_id == answers["a4"].injected_id == first["ts"]
    assert answers["a6"].injected_id == second["ts"]
    assert await _digest(world, now=t0 + 410) == 0  # the later answer's own digest job finds nothing left


class _ReactsAsItIsRecorded(RedisRelayRepository):
    """Someone votes on the injected message in the instant between Slack's answer and Cercle's record."""

    async def record_posted(self, *, answer: Answer, live: Place) -> bool:
        if answer.status is AnswerStatus.INJECTED:
            vote = Reaction(voter="slack:TALPHA0001:U0FAST", emoji="+1", direction=1, added=True)
            assert await self.answer_or_park(place=live, message_id=answer.injected_id, reaction=vote) is None
        return await super().record_posted(answer=answer, live=live)


class _RedisDropsOnce(RedisVoteRepository):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.dropped = False

    async def react(self, **kwargs) -> int:
        if not self.dropped:
            self.dropped = True
            raise ConnectionError("Connection reset by peer")
        return await super().react(**kwargs)


async def test_a_vote_kept_aside_survives_a_crash_before_it_counted(world, slack):
    answer = await _answer(world, 1, 0.9, T0)
    relay, votes = _ReactsAsItIsRecorded(redis=world["redis"]), _RedisDropsOnce(redis=world["redis"])
    delivery = {**world, "relay": relay, "votes": votes}
    with pytest.raises(ConnectionError):  # the job fails after the record, before the vote counted
        await _deliver(delivery, answer, now=T0)
    assert (await relay.answer(topic_id="topic1", answer_id=answer.id)).status == "injected"
    assert await votes.tally(topic_id="topic1", answer_id=answer.id) == 0

    retried = await _deliver(delivery, answer, now=T0 + 30)  # the queue runs the job again
    assert retried.status == "injected" and len(_thread(slack, world["topic"])) == 1  # not posted twice
    assert await votes.tally(topic_id="topic1", answer_id=answer.id) == 1
