"""Reactions on answers — on the injected copy or on the original in a partner thread — are votes."""

from __future__ import annotations

from typing import NamedTuple

from app.domain.models import Answer, AnswerStatus, Place
from app.domain.ports import ChatDirectory, Jobs, PlatformError, RelayRepository, TopicRepository, VoteRepository
from app.domain.votes import Reaction, VoteRules

SCORE_JOB = "answer.score"
SCORE_REFRESH_S = 3.0  # the injected message shows its score, updated at most this often


class OnDigest(NamedTuple):
    """A vote reaction on a digest, which carries several answers: it cannot say which one it is for."""

    topic_id: str
    thread: str


async def record_reaction(
    *,
    place: Place,
    message_id: str,
    voter: str,
    emoji: str,
    added: bool,
    from_bot: bool,
    relay: RelayRepository,
    votes: VoteRepository,
    jobs: Jobs,
    rules: VoteRules,
    now: float,
) -> int | OnDigest | None:
    """Returns the answer's new tally, or None when the reaction is not (yet) a vote on an answer;
    OnDigest for a vote emoji added on a digest, whose voter is shown the Helpful buttons instead.

    A vote on a message Cercle does not know yet is kept aside for a while: the message may be an
    answer whose posting the worker has not recorded yet, or a partner's reply still in the queue."""
    if from_bot:
        return None  # Cercle's own reactions never count
    direction = rules.direction(emoji)
    if direction == 0:
        return None
    reaction = Reaction(voter=voter, emoji=emoji, direction=direction, added=added)
    answer = await relay.answer_or_park(place=place, message_id=message_id, reaction=reaction)
    if answer is not None:
        return await _count(answer=answer, reactions=[reaction], votes=votes, jobs=jobs, now=now)
    digest = await relay.digest_at(place=place, message_id=message_id)
    if digest is None:
        return None  # kept aside: the message may become an answer's
    await relay.forget_parked(place=place, message_id=message_id)  # it never will: a digest has several
    return OnDigest(topic_id=digest[0], thread=digest[1]) if added else None


async def agree_by_reply(
    *,
    answer: Answer,
    voter: str,
    place: Place,
    message_id: str,
    added: bool,
    votes: VoteRepository,
    jobs: Jobs,
    now: float,
) -> int:
    """A "+1" written as a reply counts as an up vote, like a reaction of its own: deleting the reply
    takes it back, and a 👍 from the same person still counts once."""
    reaction = Reaction(voter=voter, emoji=f"reply:{place.channel_key}:{message_id}", direction=1, added=added)
    return await _count(answer=answer, reactions=[reaction], votes=votes, jobs=jobs, now=now)


async def adopt_parked(
    *,
    answer: Answer,
    place: Place,
    message_id: str,
    relay: RelayRepository,
    votes: VoteRepository,
    jobs: Jobs,
    now: float,
) -> int | None:
    """Votes cast on this message before Cercle recorded it as the answer's copy count now.

    Called once the message's reference is saved, so no later reaction can be kept aside; replaying
    is idempotent, so a crash before the list is forgotten only replays it again."""
    parked = await relay.parked(place=place, message_id=message_id)
    if not parked:
        return None
    tally = await _count(answer=answer, reactions=parked, votes=votes, jobs=jobs, now=now)
    await relay.forget_parked(place=place, message_id=message_id)
    return tally


async def _count(*, answer: Answer, reactions: list[Reaction], votes: VoteRepository, jobs: Jobs, now: float) -> int:
    tally = 0
    for reaction in reactions:
        tally = await votes.react(
            topic_id=answer.topic_id,
            answer_id=answer.id,
            voter=reaction.voter,
            emoji=reaction.emoji,
            direction=reaction.direction,
            added=reaction.added,
        )
    if answer.status is AnswerStatus.INJECTED:
        await jobs.schedule(
            kind=SCORE_JOB,
            payload={"topic_id": answer.topic_id, "answer_id": answer.id},
            at=now + SCORE_REFRESH_S,
            job_id=f"score:{answer.id}",
            move=False,
        )
    return tally


class ButtonVote(NamedTuple):
    answer: Answer
    counted: bool  # False: the press took an earlier vote back
    tally: int


async def vote_with_button(
    *,
    topic_id: str,
    answer_id: str,
    tenant: str,
    voter: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
) -> ButtonVote | None:
    """A digest carries several answers in one message, so a reaction on it cannot say which one
    it is for: each answer has a button instead, and pressing it again takes the vote back. Only
    the workspace (tenant) where the topic was asked can press it."""
    topic = await topics.get_topic(topic_id=topic_id)
    answer = await relay.answer(topic_id=topic_id, answer_id=answer_id)
    if topic is None or topic.place.tenant != tenant or answer is None:
        return None
    if answer.status not in (AnswerStatus.DIGESTED, AnswerStatus.WAITING):  # WAITING: posted, not yet recorded
        return None
    counted, tally = await votes.toggle_up(topic_id=topic_id, answer_id=answer_id, voter=voter)
    return ButtonVote(answer=answer, counted=counted, tally=tally)


async def show_score(
    *,
    topic_id: str,
    answer_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
) -> int | None:
    answer = await relay.answer(topic_id=topic_id, answer_id=answer_id)
    topic = await topics.get_topic(topic_id=topic_id)
    if answer is None or topic is None or answer.status is not AnswerStatus.INJECTED:
        return None
    chat = await directory.chat_for(tenant=topic.place.tenant)
    if chat is None:
        return None
    tally = await votes.tally(topic_id=topic_id, answer_id=answer_id)
    try:
        await chat.update_answer(answer=answer, topic=topic, votes=tally)
    except PlatformError:
        return None
    return tally
