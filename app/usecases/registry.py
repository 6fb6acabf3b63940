"""Which use case runs each kind of job: the worker's one table (app/runtime/jobs.py reads it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.domain.asking import Hint
from app.domain.models import Platform
from app.domain.networks import is_network_key
from app.usecases import delivery, meeting, mirroring, networks, people, relay, reply_changes, topics, votes
from app.usecases.context import Context
from app.usecases.jobs import (
    CheckEnding,
    CloseMirror,
    CloseTopic,
    CountReaction,
    DeleteAnswer,
    DeleteReply,
    DeliverAnswer,
    EditReply,
    EndIfIdle,
    EndMeeting,
    Job,
    LateDigest,
    OpenTopic,
    PollNetwork,
    PostDigest,
    PostMirror,
    PostSummary,
    PublishHome,
    PublishQuestion,
    ReceiveReply,
    RefreshTopic,
    RescoreAnswer,
    ShowHint,
    ShowScore,
    ThankPartner,
    UpdateAnswer,
)
from app.usecases.language import reader_language


@dataclass(frozen=True, slots=True)
class JobKind:
    payload: type[Job]
    run: Callable[[Any, Context], Awaitable[object]]


async def _hint(job: ShowHint, ctx: Context) -> None:
    chat = await ctx.directory.chat_for(platform=job.place.platform, tenant=job.place.tenant)
    if chat is not None:
        language = await reader_language(chat=chat, user_id=job.user_id, ctx=ctx)
        await chat.show_hint(place=job.place, person=job.user_id, hint=Hint(job.hint), language=language)


async def _home(job: PublishHome, ctx: Context) -> None:
    chat = await ctx.directory.chat_for(platform=Platform(job.platform), tenant=job.tenant)
    if chat is not None:
        home = await people.home_view(platform=Platform(job.platform), tenant=job.tenant, user_id=job.user_id, ctx=ctx)
        language = await reader_language(chat=chat, user_id=job.user_id, ctx=ctx)
        await chat.publish_home(person=job.user_id, home=home, language=language)


async def _thank(job: ThankPartner, ctx: Context) -> bool:
    """A partner is thanked in its thread; a network gets the outcome under the question."""
    if is_network_key(job.partner):
        return await networks.answer_outcome(job, ctx)
    return await meeting.thank_partner(job, ctx)


_KINDS: tuple[JobKind, ...] = (
    JobKind(OpenTopic, topics.open_topic),
    JobKind(CloseTopic, topics.close_topic),
    JobKind(PostMirror, mirroring.post_mirror),
    JobKind(CloseMirror, mirroring.close_mirror),
    JobKind(RefreshTopic, mirroring.refresh_topic),
    JobKind(ReceiveReply, relay.receive_reply),
    JobKind(EditReply, reply_changes.edit_reply),
    JobKind(DeleteReply, reply_changes.delete_reply),
    JobKind(CountReaction, votes.record_reaction),
    JobKind(ShowScore, votes.show_score),
    JobKind(ShowHint, _hint),
    JobKind(PublishHome, _home),
    JobKind(DeliverAnswer, delivery.deliver_answer),
    JobKind(UpdateAnswer, relay.sync_injected),
    JobKind(DeleteAnswer, relay.sync_injected),
    JobKind(RescoreAnswer, delivery.rescore_edited),
    JobKind(PostDigest, delivery.post_digest),
    JobKind(LateDigest, delivery.post_digest),
    JobKind(EndMeeting, meeting.end_asked),
    JobKind(EndIfIdle, meeting.end_if_idle),
    JobKind(CheckEnding, meeting.finish_ending),
    JobKind(PostSummary, meeting.post_summary),
    JobKind(ThankPartner, _thank),
    JobKind(PublishQuestion, networks.publish_question),
    JobKind(PollNetwork, networks.poll_network),
)
REGISTRY: dict[str, JobKind] = {kind.payload.kind: kind for kind in _KINDS}
