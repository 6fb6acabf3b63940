"""Reactions on answers — on the injected copy or on the original in a partner thread — are votes."""

from __future__ import annotations

from typing import NamedTuple

from app.domain.errors import PlatformError
from app.domain.models import Answer, AnswerStatus, Place
from app.domain.votes import Reaction
from app.usecases.context import Context
from app.usecases.jobs import CountReaction, ShowScore
from app.usecases.language import reader_language

SCORE_REFRESH_S = 3.0  # the injected message shows its score, updated at most this often


class OnDigest(NamedTuple):
    """A vote reaction on a digest, which carries several answers: it cannot say which one it is for."""

    topic_id: str
    thread: str


async def accept_reaction(*, job: CountReaction, ctx: Context) -> bool:
    """The web side of a reaction: a vote emoji becomes one durable job (one Redis round trip); the
    worker counts it. False, and nothing recorded, for an emoji that is no vote."""
    if ctx.vote_rules.direction(job.emoji) == 0:
        return False
    await ctx.jobs.enqueue(job)
    return True


async def record_reaction(job: CountReaction, ctx: Context) -> int | OnDigest | None:
    """Returns the answer's new tally, or None when the reaction is not (yet) a vote on an answer;
    OnDigest for a vote emoji added on a digest, whose voter is shown the Helpful buttons instead.

    A vote on a message Cercle does not know yet is kept aside for a while: the message may be an
    answer whose posting the worker has not recorded yet, or a partner's reply still in the queue."""
    direction = ctx.vote_rules.direction(job.emoji)
    if direction == 0:
        return None
    place, message_id = job.place, job.message_id
    reaction = Reaction(voter=job.voter, emoji=job.emoji, direction=direction, added=job.added, at=job.at)
    answer = await ctx.relay.answer_or_park(place=place, message_id=message_id, reaction=reaction)
    if answer is not None:
        return await _count(answer=answer, reactions=[reaction], ctx=ctx)
    digest = await ctx.relay.digest_at(place=place, message_id=message_id)
    if digest is None:
        return None  # kept aside: the message may become an answer's
    await ctx.relay.forget_parked(place=place, message_id=message_id)  # it never will: a digest has several
    if not job.added:
        return None
    chat = await ctx.directory.chat_for(platform=place.platform, tenant=place.tenant)
    if chat is not None:  # the voter is shown the Helpful buttons instead
        try:
            language = await reader_language(chat=chat, user_id=job.user_id, ctx=ctx)
            await chat.explain_digest_vote(place=place.in_thread(digest[1]), person=job.user_id, language=language)
        except PlatformError:
            pass  # a pointer, best effort: they may have left the channel
    return OnDigest(topic_id=digest[0], thread=digest[1])


async def agree_by_reply(
    *, answer: Answer, voter: str, place: Place, message_id: str, added: bool, ctx: Context
) -> int:
    """A "+1" written as a reply counts as an up vote, like a reaction of its own: deleting the reply
    takes it back, and a 👍 from the same person still counts once."""
    reaction = Reaction(voter=voter, emoji=f"reply:{place.channel_key}:{message_id}", direction=1, added=added)
    return await _count(answer=answer, reactions=[reaction], ctx=ctx)


async def adopt_parked(*, answer: Answer, place: Place, message_id: str, ctx: Context) -> int | None:
    """Votes cast on this message before Cercle recorded it as the answer's copy count now.

    Called once the message's reference is saved, so no later reaction can be kept aside; replaying
    is idempotent, so a crash before the list is forgotten only replays it again."""
    parked = await ctx.relay.parked(place=place, message_id=message_id)
    if not parked:
        return None
    tally = await _count(answer=answer, reactions=parked, ctx=ctx)
    await ctx.relay.forget_parked(place=place, message_id=message_id)
    return tally


async def _count(*, answer: Answer, reactions: list[Reaction], ctx: Context) -> int:
    tally = 0
    for reaction in reactions:
        tally = await ctx.votes.react(topic_id=answer.topic_id, answer_id=answer.id, reaction=reaction)
    if answer.status is AnswerStatus.INJECTED:
        score = ShowScore(topic_id=answer.topic_id, answer_id=answer.id)
        await ctx.jobs.schedule(score, at=ctx.clock() + SCORE_REFRESH_S, move=False)
    return tally


class ButtonVote(NamedTuple):
    answer: Answer
    counted: bool  # False: the press took an earlier vote back
    tally: int


async def vote_with_button(
    *, topic_id: str, answer_id: str, tenant: str, voter: str, ctx: Context
) -> ButtonVote | None:
    """A digest carries several answers in one message, so a reaction on it cannot say which one
    it is for: each answer has a button instead, and pressing it again takes the vote back. Only
    the workspace (tenant) where the topic was asked can press it."""
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    answer = await ctx.relay.answer(topic_id=topic_id, answer_id=answer_id)
    if topic is None or topic.place.tenant != tenant or answer is None:
        return None
    if answer.status not in (AnswerStatus.DIGESTED, AnswerStatus.WAITING):  # WAITING: posted, not yet recorded
        return None
    counted, tally = await ctx.votes.toggle_up(topic_id=topic_id, answer_id=answer_id, voter=voter)
    return ButtonVote(answer=answer, counted=counted, tally=tally)


async def show_score(job: ShowScore, ctx: Context) -> int | None:
    topic_id, answer_id = job.topic_id, job.answer_id
    answer = await ctx.relay.answer(topic_id=topic_id, answer_id=answer_id)
    topic = await ctx.topics.get_topic(topic_id=topic_id)
    if answer is None or topic is None or answer.status is not AnswerStatus.INJECTED:
        return None
    chat = await ctx.directory.chat_for(platform=topic.place.platform, tenant=topic.place.tenant)
    if chat is None:
        return None
    tally = await ctx.votes.tally(topic_id=topic_id, answer_id=answer_id)
    try:
        await chat.update_answer(answer=answer, topic=topic, votes=tally)
    except PlatformError:
        return None
    return tally
