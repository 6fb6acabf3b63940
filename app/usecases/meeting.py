"""A meeting's end: `/ask end`, the button on topic roots, or an idle timeout — whichever comes first."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from app.domain.models import Answer, Meeting, MirrorStatus, Topic
from app.domain.ports import (
    CLOSED_CODES,
    ChatDirectory,
    Jobs,
    PartnerRepository,
    PlatformError,
    RelayRepository,
    TopicRepository,
    VoteRepository,
)
from app.domain.summary import MeetingSummary, outcome_for, summarise, summarise_topic
from app.domain.timings import MeetingTimings
from app.domain.trust import meeting_record
from app.usecases.mirroring import close_mirrors, org_key_of

SUMMARY_JOB = "meeting.summary"
THANKS_JOB = "mirror.thanks"
IDLE_JOB = "meeting.idle"
LATE_DIGEST_JOB = "topic.late_digest"
ENDING_JOB = "meeting.ending"
# Ending closes each topic on Slack and tells each partner: seconds of work. A check scheduled first
# finishes it if the process doing it dies; "closed" marks the work done.
ENDING_CHECK_S = 60.0
_CLOSED = "closed"


def _ending_check_id(meeting_id: str) -> str:
    return f"ending:{meeting_id}"


async def note_activity(
    *, topics: TopicRepository, jobs: Jobs, meeting_id: str, now: float, timings: MeetingTimings
) -> None:
    """A new topic or answer keeps the meeting alive; the idle check moves past it."""
    if not meeting_id:
        return
    await topics.touch_meeting(meeting_id=meeting_id, at=now)
    await _check_idle_at(jobs=jobs, meeting_id=meeting_id, at=now + timings.idle_s)


async def _check_idle_at(*, jobs: Jobs, meeting_id: str, at: float) -> None:
    """One pending idle check per meeting: scheduling again moves it."""
    await jobs.schedule(kind=IDLE_JOB, payload={"meeting_id": meeting_id}, at=at, job_id=f"idle:{meeting_id}")


async def end_meeting(
    *,
    meeting: Meeting | None,
    by: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
) -> int | None:
    """Close every open topic and queue the summary; returns the number of topics, or None when
    there was no open meeting (or someone else ended it a moment before)."""
    if meeting is None:
        return None
    check = _ending_check_id(meeting.id)
    await jobs.schedule(
        kind=ENDING_JOB, payload={"meeting_id": meeting.id, "by": by}, at=now + ENDING_CHECK_S, job_id=check, move=False
    )
    if not await topics.end_meeting(meeting=meeting, by=by, at=now):
        return None  # the one who ended it finishes it, or its check does
    closed = await _close_meeting(
        meeting=meeting, by=by, topics=topics, relay=relay, directory=directory, jobs=jobs, timings=timings, now=now
    )
    await jobs.cancel(job_id=check)
    return closed


async def finish_ending(
    *,
    meeting_id: str,
    by: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
) -> bool:
    """The check of an ending whose process died: end the meeting if it was not, close what is still
    open and queue the summary; nothing when the ending was finished."""
    meeting = await topics.meeting(meeting_id=meeting_id)
    if meeting is None or await topics.meeting_mark(meeting_id=meeting_id, field=_CLOSED):
        return False
    if meeting.ended_at is None:
        await topics.end_meeting(meeting=meeting, by=by, at=now)
    await _close_meeting(
        meeting=meeting,
        by=by,
        topics=topics,
        relay=relay,
        directory=directory,
        jobs=jobs,
        timings=timings,
        now=now,
        again=True,
    )
    return True


async def _close_meeting(
    *,
    meeting: Meeting,
    by: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
    again: bool = False,
) -> int:
    """``again`` (a check after a process died) also re-renders the roots and re-closes the mirrors
    of topics already closed: the dead process may have closed one and died before either. Both
    are idempotent; the summary is queued once."""
    chat = await directory.chat_for(tenant=meeting.place.tenant)
    meeting_topics = await topics.meeting_topics(meeting_id=meeting.id)
    for topic in meeting_topics:
        if topic.is_open or again:
            closed = await topics.close_topic(topic_id=topic.id, by=by, at=now) if topic.is_open else topic
            if closed is not None and chat is not None:
                try:
                    await chat.update_topic(
                        topic=closed, place=closed.place, mirrors=await relay.mirrors(topic_id=topic.id)
                    )
                except PlatformError:
                    pass  # the summary below still says it is closed
            if closed is not None:
                await close_mirrors(topic=closed, relay=relay, jobs=jobs)
        await jobs.schedule(
            kind=LATE_DIGEST_JOB,
            payload={"topic_id": topic.id},
            at=now + timings.late_digest_s,
            job_id=f"late:{topic.id}",
        )
    await jobs.enqueue(kind=SUMMARY_JOB, payload={"meeting_id": meeting.id}, job_id=f"summary:{meeting.id}")
    await topics.mark_meeting(meeting_id=meeting.id, field=_CLOSED, value=repr(now))
    return len(meeting_topics)


async def end_if_idle(
    *,
    meeting_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
) -> bool:
    meeting = await topics.meeting(meeting_id=meeting_id)
    if meeting is None or meeting.ended_at is not None:
        return False
    last = await topics.last_activity(meeting_id=meeting_id) or meeting.started_at
    if now < last + timings.idle_s - 1:  # activity since this check was scheduled: check again later
        await jobs.schedule(
            kind=IDLE_JOB, payload={"meeting_id": meeting_id}, at=last + timings.idle_s, job_id=f"idle:{meeting_id}"
        )
        return False
    ended = await end_meeting(
        meeting=meeting, by="idle", topics=topics, relay=relay, directory=directory, jobs=jobs, timings=timings, now=now
    )
    return ended is not None


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


async def _meeting_answers(
    *, meeting_id: str, topics: TopicRepository, relay: RelayRepository, votes: VoteRepository
) -> _MeetingAnswers | None:
    meeting = await topics.meeting(meeting_id=meeting_id)
    if meeting is None:
        return None
    meeting_topics = await topics.meeting_topics(meeting_id=meeting_id)
    answers = {t.id: await relay.answers(topic_id=t.id) for t in meeting_topics}
    tallies: dict[str, int] = {}
    for topic_id, topic_answers in answers.items():
        tallies.update(await votes.tallies(topic_id=topic_id, answer_ids=[a.id for a in topic_answers]))
    return _MeetingAnswers(meeting, meeting_topics, answers, tallies)


async def post_summary(
    *,
    meeting_id: str,
    topics: TopicRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    jobs: Jobs,
    now: float,
) -> MeetingSummary | None:
    """Post once, part by part (a retried job posts only the parts it finds missing), then thank every
    mirror. First, the votes each author's answers earned go into their record (once per meeting)."""
    loaded = await _meeting_answers(meeting_id=meeting_id, topics=topics, relay=relay, votes=votes)
    if loaded is None:
        return None
    if loaded.meeting.ended_at is not None:
        given = [answer for topic_answers in loaded.answers.values() for answer in topic_answers]
        await votes.record_meeting(meeting_id=meeting_id, record=meeting_record(answers=given, votes=loaded.tallies))
    summary = _summarise(loaded)
    if await topics.meeting_mark(meeting_id=meeting_id, field="summary_posted"):
        return summary
    chat = await directory.chat_for(tenant=summary.meeting.place.tenant)
    if chat is not None:
        started = await topics.meeting_mark(meeting_id=meeting_id, field="summary_posting")
        if not started:
            await topics.mark_meeting(meeting_id=meeting_id, field="summary_posting", value=repr(now))
        try:
            await chat.post_summary(
                summary=summary,
                place=summary.meeting.place,
                marker=f"cercle-summary-{meeting_id}",
                resume_since=float(started) if started else None,
            )
        except PlatformError as error:
            if error.code not in CLOSED_CODES:
                raise
            # The channel is closed to Cercle now (removed, archived, uninstalled): the partners
            # who helped are thanked all the same.
    await topics.mark_meeting(meeting_id=meeting_id, field="summary_posted", value=repr(now))
    for topic_summary in summary.topics:
        for mirror in await relay.mirrors(topic_id=topic_summary.topic.id):
            if mirror.status is MirrorStatus.POSTED:
                await jobs.enqueue(
                    kind=THANKS_JOB,
                    payload={"meeting_id": meeting_id, "topic_id": mirror.topic_id, "partner": mirror.partner},
                    job_id=f"thanks:{mirror.topic_id}:{mirror.partner}",
                )
    return summary


async def thank_partner(
    *,
    meeting_id: str,
    topic_id: str,
    partner_key: str,
    topics: TopicRepository,
    partners: PartnerRepository,
    relay: RelayRepository,
    votes: VoteRepository,
    directory: ChatDirectory,
    timings: MeetingTimings,
) -> bool:
    """One partner, one question: only that question's answers and votes are read, not the
    whole meeting's (a meeting mirrored to 50 partners queues 50 of these per question)."""
    mirror = await relay.mirror(topic_id=topic_id, partner=partner_key)
    partner = await partners.organisation(org_key=partner_key)
    topic = await topics.get_topic(topic_id=topic_id)
    if mirror is None or mirror.place is None or partner is None or topic is None or mirror.reason == "thanked":
        return False
    if topic.meeting_id != meeting_id:
        return False
    chat = await directory.chat_for(tenant=partner.tenant)
    if chat is None:
        return False
    answers = await relay.answers(topic_id=topic_id)
    tallies = await votes.tallies(topic_id=topic_id, answer_ids=[a.id for a in answers])
    topic_summary = summarise_topic(topic, answers, tallies)
    asker = await partners.organisation(org_key=org_key_of(topic_summary.topic))
    try:
        await chat.post_thanks(
            outcome=outcome_for(topic_summary, partner_name=partner.name),
            mirror=mirror.place,
            asker_org=asker.name if asker else topic_summary.topic.place.tenant,
            share=timings.share_outcome,
        )
    except PlatformError:
        return False
    await relay.save_mirror(mirror=replace(mirror, reason="thanked"))
    return True
