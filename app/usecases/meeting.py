"""A meeting's end: the end command, the button on topic roots, or an idle timeout, whichever comes first."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from app.domain.errors import ClosedToCercle, PlatformError
from app.domain.models import Answer, Meeting, MirrorStatus, Place, Topic
from app.domain.summary import MeetingSummary, outcome_for, summarise, summarise_topic
from app.domain.trust import meeting_record
from app.usecases.context import Context
from app.usecases.jobs import CheckEnding, EndIfIdle, EndMeeting, LateDigest, PostSummary, ThankPartner
from app.usecases.mirroring import close_mirrors

# Ending closes each topic on the platform and tells each partner: seconds of work. A check scheduled
# first finishes it if the process doing it dies; "closed" marks the work done.
ENDING_CHECK_S = 60.0
_CLOSED = "closed"


async def note_activity(*, meeting_id: str, ctx: Context) -> None:
    """A new topic or answer keeps the meeting alive; the idle check moves past it."""
    if not meeting_id:
        return
    now = ctx.clock()
    await ctx.topics.touch_meeting(meeting_id=meeting_id, at=now)
    await ctx.jobs.schedule(EndIfIdle(meeting_id=meeting_id), at=now + ctx.timings.idle_s)


async def end_meeting(*, meeting: Meeting | None, by: str, ctx: Context) -> int | None:
    """Close every open topic and queue the summary; returns the number of topics, or None when
    there was no open meeting (or someone else ended it a moment before)."""
    if meeting is None:
        return None
    now = ctx.clock()
    check = CheckEnding(meeting_id=meeting.id, by=by)
    await ctx.jobs.schedule(check, at=now + ENDING_CHECK_S, move=False)
    if not await ctx.topics.end_meeting(meeting=meeting, by=by, at=now):
        return None  # the one who ended it finishes it, or its check does
    closed = await _close_meeting(meeting=meeting, by=by, ctx=ctx)
    await ctx.jobs.cancel(check)
    return closed


async def ask_to_end(*, place: Place, by: str, ctx: Context) -> Meeting | None:
    """Someone ended the channel's meeting (the command or the button): recorded for a worker to do;
    None when no meeting is going on there."""
    meeting = await ctx.topics.current_meeting(place=place)
    if meeting is not None:
        await ctx.jobs.enqueue(EndMeeting(meeting_id=meeting.id, by=by))
    return meeting


async def end_asked(job: EndMeeting, ctx: Context) -> int | None:
    """Someone ended the meeting (the command or the button): the web recorded it, a worker does
    it. Run again after a crash, it finishes what the first run started."""
    meeting = await ctx.topics.meeting(meeting_id=job.meeting_id)
    ended = await end_meeting(meeting=meeting, by=job.by, ctx=ctx)
    if ended is None and meeting is not None:
        await finish_ending(CheckEnding(meeting_id=meeting.id, by=job.by), ctx)
    return ended


async def finish_ending(job: CheckEnding, ctx: Context) -> bool:
    """The check of an ending whose process died: end the meeting if it was not, close what is still
    open and queue the summary; nothing when the ending was finished."""
    meeting = await ctx.topics.meeting(meeting_id=job.meeting_id)
    if meeting is None or await ctx.topics.meeting_mark(meeting_id=job.meeting_id, field=_CLOSED):
        return False
    if meeting.ended_at is None:
        await ctx.topics.end_meeting(meeting=meeting, by=job.by, at=ctx.clock())
    await _close_meeting(meeting=meeting, by=job.by, ctx=ctx, again=True)
    return True


async def _close_meeting(*, meeting: Meeting, by: str, ctx: Context, again: bool = False) -> int:
    """``again`` (a check after a process died) also re-renders the roots and re-closes the mirrors
    of topics already closed: the dead process may have closed one and died before either. Both
    are idempotent; the summary is queued once."""
    now = ctx.clock()
    chat = await ctx.directory.chat_for(platform=meeting.place.platform, tenant=meeting.place.tenant)
    meeting_topics = await ctx.topics.meeting_topics(meeting_id=meeting.id)
    for topic in meeting_topics:
        if topic.is_open or again:
            closed = await ctx.topics.close_topic(topic_id=topic.id, by=by, at=now) if topic.is_open else topic
            if closed is not None and chat is not None:
                try:
                    await chat.update_topic(
                        topic=closed, place=closed.place, mirrors=await ctx.relay.mirrors(topic_id=topic.id)
                    )
                except PlatformError:
                    pass  # the summary below still says it is closed
            if closed is not None:
                await close_mirrors(topic=closed, ctx=ctx)
        await ctx.jobs.schedule(LateDigest(topic_id=topic.id), at=now + ctx.timings.late_digest_s)
    await ctx.jobs.enqueue(PostSummary(meeting_id=meeting.id))
    await ctx.topics.mark_meeting(meeting_id=meeting.id, field=_CLOSED, value=repr(now))
    return len(meeting_topics)


async def end_if_idle(job: EndIfIdle, ctx: Context) -> bool:
    meeting = await ctx.topics.meeting(meeting_id=job.meeting_id)
    if meeting is None or meeting.ended_at is not None:
        return False
    last = await ctx.topics.last_activity(meeting_id=job.meeting_id) or meeting.started_at
    if ctx.clock() < last + ctx.timings.idle_s - 1:  # activity since this check was scheduled: check again later
        await ctx.jobs.schedule(job, at=last + ctx.timings.idle_s)
        return False
    return await end_meeting(meeting=meeting, by="idle", ctx=ctx) is not None


class _MeetingAnswers(NamedTuple):
    meeting: Meeting
    topics: list[Topic]
    answers: dict[str, list[Answer]]  # topic id → its answers
    tallies: dict[str, int]  # answer id → votes


def _summarise(loaded: _MeetingAnswers) -> MeetingSummary:
    meeting = loaded.meeting
    return summarise(
        meeting=meeting,
        ended_at=meeting.ended_at or meeting.started_at,
        topics=loaded.topics,
        answers=loaded.answers,
        votes=loaded.tallies,
    )


async def _meeting_answers(*, meeting_id: str, ctx: Context) -> _MeetingAnswers | None:
    meeting = await ctx.topics.meeting(meeting_id=meeting_id)
    if meeting is None:
        return None
    meeting_topics = await ctx.topics.meeting_topics(meeting_id=meeting_id)
    answers = {t.id: await ctx.relay.answers(topic_id=t.id) for t in meeting_topics}
    tallies: dict[str, int] = {}
    for topic_id, topic_answers in answers.items():
        tallies.update(await ctx.votes.tallies(topic_id=topic_id, answer_ids=[a.id for a in topic_answers]))
    return _MeetingAnswers(meeting, meeting_topics, answers, tallies)


async def post_summary(job: PostSummary, ctx: Context) -> MeetingSummary | None:
    """Post once, part by part (a retried job posts only the parts it finds missing), then thank every
    mirror. First, the votes each author's answers earned go into their record (once per meeting)."""
    meeting_id, now = job.meeting_id, ctx.clock()
    loaded = await _meeting_answers(meeting_id=meeting_id, ctx=ctx)
    if loaded is None:
        return None
    if loaded.meeting.ended_at is not None:
        given = [answer for topic_answers in loaded.answers.values() for answer in topic_answers]
        await ctx.votes.record_meeting(
            meeting_id=meeting_id, record=meeting_record(answers=given, votes=loaded.tallies)
        )
    summary = _summarise(loaded)
    if await ctx.topics.meeting_mark(meeting_id=meeting_id, field="summary_posted"):
        return summary
    chat = await ctx.directory.chat_for(platform=summary.meeting.place.platform, tenant=summary.meeting.place.tenant)
    if chat is not None:
        started = await ctx.topics.meeting_mark(meeting_id=meeting_id, field="summary_posting")
        if not started:
            await ctx.topics.mark_meeting(meeting_id=meeting_id, field="summary_posting", value=repr(now))
        try:
            await chat.post_summary(
                summary=summary,
                place=summary.meeting.place,
                marker=f"cercle-summary-{meeting_id}",
                resume_since=float(started) if started else None,
            )
        except ClosedToCercle:
            # The channel is closed to Cercle now (removed, archived, uninstalled): the partners
            # who helped are thanked all the same.
            pass
    await ctx.topics.mark_meeting(meeting_id=meeting_id, field="summary_posted", value=repr(now))
    for topic_summary in summary.topics:
        for mirror in await ctx.relay.mirrors(topic_id=topic_summary.topic.id):
            if mirror.status is MirrorStatus.POSTED:
                await ctx.jobs.enqueue(
                    ThankPartner(meeting_id=meeting_id, topic_id=mirror.topic_id, partner=mirror.partner)
                )
    return summary


async def thank_partner(job: ThankPartner, ctx: Context) -> bool:
    """One partner, one question: only that question's answers and votes are read, not the
    whole meeting's (a meeting mirrored to 50 partners queues 50 of these per question)."""
    mirror = await ctx.relay.mirror(topic_id=job.topic_id, partner=job.partner)
    partner = await ctx.partners.organisation(org_key=job.partner)
    topic = await ctx.topics.get_topic(topic_id=job.topic_id)
    if mirror is None or mirror.place is None or partner is None or topic is None or mirror.reason == "thanked":
        return False
    if topic.meeting_id != job.meeting_id:
        return False
    chat = await ctx.directory.chat_for(platform=partner.platform, tenant=partner.tenant)
    if chat is None:
        return False
    answers = await ctx.relay.answers(topic_id=topic.id)
    tallies = await ctx.votes.tallies(topic_id=topic.id, answer_ids=[a.id for a in answers])
    topic_summary = summarise_topic(topic, answers, tallies)
    asker = await ctx.partners.organisation(org_key=topic_summary.topic.place.org_key)
    try:
        await chat.post_thanks(
            outcome=outcome_for(topic_summary, partner_name=partner.name),
            mirror=mirror.place,
            asker_org=asker.name if asker else topic_summary.topic.place.tenant,
            share=ctx.timings.share_outcome,
        )
    except PlatformError:
        return False
    await ctx.relay.save_mirror(mirror=replace(mirror, reason="thanked"))
    return True
