"""Opening, listing and closing topics: the first use cases of the flow.

Opening survives the process that does it: before the root is posted, a check is scheduled that
carries the whole draft, and it is cancelled once the partners are asked. A web process that dies
between the two (a crash, an out-of-memory kill) leaves the check to a worker, which finds the root
it may have posted (or posts it), stores the topic and asks the partners: nothing is posted twice,
and a question the asker was told nothing about is not lost."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace

from app.domain.commands import question_key
from app.domain.models import Person, Place, PostedMessage, Reach, Topic
from app.domain.ports import (
    CLOSED_CODES,
    BotNotInChannel,
    ChatDirectory,
    ChatPlatform,
    Jobs,
    PartnerRepository,
    PlatformError,
    RelayRepository,
    RetryLater,
    TopicRepository,
)
from app.domain.timings import MeetingTimings
from app.usecases.incoming import place_from_payload, place_to_payload
from app.usecases.meeting import note_activity
from app.usecases.mirroring import close_mirrors, fan_out


@dataclass(frozen=True, slots=True)
class TopicOpened:
    topic: Topic


@dataclass(frozen=True, slots=True)
class TopicRefused:
    """The platform refused; ``reason`` is meant for the asker, ``code`` for the logs."""

    code: str
    reason: str


ALREADY_ASKED = "already_asked"  # the same question, by the same person, still open in this channel
ASKING_S = 30.0  # a second /ask of a question being opened waits this long behind the first
OPENING_JOB = "topic.opening"
# Past the question's claim, so the /ask that scheduled the check is over, finished or dead.
OPENING_CHECK_S = 2 * ASKING_S

_USER_REASONS = {
    "channel_not_found": "I cannot see this channel. If it is private, invite me first: `/invite @Cercle`.",
    "is_archived": "This channel is archived, so I cannot open a topic here.",
    "msg_too_long": "That question is too long for Slack. Shorten it and ask again.",
    "restricted_action": "This workspace does not let me post in this channel.",
    "ratelimited": "Slack is busy right now. Please ask again in a minute.",
    "invalid_auth": "Cercle's installation here is no longer valid. Ask an admin to reinstall it.",
    "token_revoked": "Cercle's installation here is no longer valid. Ask an admin to reinstall it.",
    "account_inactive": "Cercle's installation here is no longer valid. Ask an admin to reinstall it.",
}


def reason_for(error: PlatformError) -> str:
    if isinstance(error, BotNotInChannel):
        return "I am not in this private channel. Invite me with `/invite @Cercle`, then ask again."
    return _USER_REASONS.get(
        error.code, f"Slack refused to open the topic ({error.code}). Nothing was posted; please try again."
    )


def opening_job_id(topic_id: str) -> str:
    return f"opening:{topic_id}"


def draft_to_payload(draft: Topic, *, key: str) -> dict[str, object]:
    return {
        **place_to_payload(draft.place),
        "topic_id": draft.id,
        "question": draft.question,
        "question_key": key,
        "asker_id": draft.asker.id,
        "asker_name": draft.asker.name,
        "created_at": draft.created_at,
        "reach": str(draft.reach),
        "share_asker": draft.share_asker,
    }


def draft_from_payload(payload: Mapping[str, object]) -> tuple[Topic, str]:
    draft = Topic(
        id=str(payload["topic_id"]),
        meeting_id="",
        question=str(payload["question"]),
        asker=Person(str(payload["asker_id"]), str(payload["asker_name"])),
        place=place_from_payload(payload),
        created_at=float(str(payload["created_at"])),
        reach=Reach(str(payload["reach"])),
        share_asker=bool(payload["share_asker"]),
    )
    return draft, str(payload["question_key"])


async def _store(
    *, repository: TopicRepository, chat: ChatPlatform, draft: Topic, posted: PostedMessage, key: str, now: float
) -> Topic:
    """Store the topic with its root, unless the other hand (the /ask, or its check when Slack was
    slower than the check's delay) stored it first with a root of its own: then this root goes."""
    meeting = await repository.ensure_meeting(place=draft.place, now=now)
    topic = replace(draft, meeting_id=meeting.id, place=posted.place, permalink=posted.permalink)
    while not await repository.add_topic(topic=topic, question_key=key):
        stored = await repository.get_topic(topic_id=draft.id)
        if stored is None:
            continue  # stored and removed in between: store ours
        if stored.place.thread != posted.message_id:
            try:
                await chat.delete_message(place=draft.place, message_id=posted.message_id)
            except PlatformError:
                pass  # a spare root with no topic behind it: its buttons say "I do not know this topic"
        return stored
    return topic


async def _asked_again(*, repository: TopicRepository, place: Place, asker_id: str, key: str) -> Topic | None:
    """The same question by the same person, still open here."""
    asked = await repository.topic_for_question(place=place, asker_id=asker_id, key=key)
    repeated = await repository.get_topic(topic_id=asked) if asked else None
    return repeated if repeated is not None and repeated.is_open else None


async def open_topic(
    *,
    repository: TopicRepository,
    jobs: Jobs,
    chat: ChatPlatform,
    place: Place,
    asker: Person,
    question: str,
    now: float,
    reach: Reach = Reach.PARTNERS,
    share_asker: bool = False,
) -> TopicOpened | TopicRefused:
    """Post the topic root first, store it only once it exists: no half-written topic."""
    draft = Topic(
        id=secrets.token_hex(6),
        meeting_id="",
        question=question,
        asker=asker,
        place=place,
        created_at=now,
        reach=reach,
        share_asker=share_asker,
    )
    key = question_key(question)
    # The same question sent twice (a double Enter, or again because the first seemed slow) is opened
    # once. The claim covers the posting; the question's index, read under it, covers the rest.
    if not await repository.claim_question(place=place, asker_id=asker.id, key=key, seconds=ASKING_S):
        return TopicRefused(code=ALREADY_ASKED, reason="You just asked this here: it is on its way.")
    try:
        repeated = await _asked_again(repository=repository, place=place, asker_id=asker.id, key=key)
        if repeated is not None:
            link = f": {repeated.permalink}" if repeated.permalink else "."
            return TopicRefused(code=ALREADY_ASKED, reason=f"You already asked this here, and it is still open{link}")
        await jobs.schedule(
            kind=OPENING_JOB,
            payload=draft_to_payload(draft, key=key),
            at=now + OPENING_CHECK_S,
            job_id=opening_job_id(draft.id),
        )
        try:
            posted = await chat.post_topic(topic=draft)
        except PlatformError:
            await jobs.cancel(job_id=opening_job_id(draft.id))  # refused: nothing was posted
            raise
        topic = await _store(repository=repository, chat=chat, draft=draft, posted=posted, key=key, now=now)
    except PlatformError as error:
        return TopicRefused(code=error.code, reason=reason_for(error))
    finally:
        await repository.release_question(place=place, asker_id=asker.id, key=key)
    return TopicOpened(topic=topic)


async def finish_opening(
    *,
    topic: Topic,
    topics: TopicRepository,
    partners: PartnerRepository,
    relay: RelayRepository,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
) -> int:
    """Ask the partners, keep the meeting alive, then cancel the check: run twice, it asks no one
    twice (one mirror job per partner). Returns how many partners the question goes to."""
    sent = await fan_out(topic=topic, partners=partners, relay=relay, jobs=jobs)
    await note_activity(topics=topics, jobs=jobs, meeting_id=topic.meeting_id, now=now, timings=timings)
    await jobs.cancel(job_id=opening_job_id(topic.id))
    return sent


async def recover_opening(
    *,
    payload: Mapping[str, object],
    topics: TopicRepository,
    directory: ChatDirectory,
    partners: PartnerRepository,
    relay: RelayRepository,
    jobs: Jobs,
    timings: MeetingTimings,
    now: float,
) -> Topic | None:
    """The check of an opening whose process died: finish what it started, once."""
    draft, key = draft_from_payload(payload)
    chat = await directory.chat_for(tenant=draft.place.tenant)
    topic = await topics.get_topic(topic_id=draft.id)
    if topic is None and chat is not None:  # no chat: uninstalled since, there is nowhere to post
        topic = await _adopt_or_post(repository=topics, chat=chat, draft=draft, key=key, now=now)
    if topic is None or not topic.is_open:
        return None
    sent = await finish_opening(
        topic=topic, topics=topics, partners=partners, relay=relay, jobs=jobs, timings=timings, now=now
    )
    if chat is not None:
        try:
            await chat.tell_opened(topic=topic, partners=sent)
        except PlatformError:
            pass  # the topic is open and its partners asked all the same
    return topic


async def _adopt_or_post(
    *, repository: TopicRepository, chat: ChatPlatform, draft: Topic, key: str, now: float
) -> Topic | None:
    """The root the dead process posted, found by its marker, or posted now if it never was."""
    place, asker_id = draft.place, draft.asker.id
    if not await repository.claim_question(place=place, asker_id=asker_id, key=key, seconds=ASKING_S):
        raise RetryLater(ASKING_S)  # the same question is being opened right now: see after it
    try:
        if await _asked_again(repository=repository, place=place, asker_id=asker_id, key=key) is not None:
            return None  # asked again since, and open: that topic is the one
        root = await chat.find_topic(topic_id=draft.id, place=place, since=draft.created_at)
        if root is None:
            posted = await chat.post_topic(topic=draft)
        else:
            link = await chat.permalink(place=place, message_id=root)
            posted = PostedMessage(place=place.in_thread(root), message_id=root, permalink=link)
        return await _store(repository=repository, chat=chat, draft=draft, posted=posted, key=key, now=now)
    except PlatformError as error:
        if error.code in CLOSED_CODES:
            return None  # the channel or the installation is closed to Cercle: no one left to ask for
        raise  # a busy Slack: the job runs again
    finally:
        await repository.release_question(place=place, asker_id=asker_id, key=key)


async def close_topic(
    *,
    repository: TopicRepository,
    relay: RelayRepository,
    jobs: Jobs,
    chat: ChatPlatform,
    topic_id: str,
    by: str,
    now: float,
) -> Topic | None:
    """Close once: a second click, or a click on an unknown topic, changes nothing. The partners'
    mirrors are queued for closing before the root is re-rendered, so that a process killed while
    Slack is slow to answer has already told them."""
    topic = await repository.close_topic(topic_id=topic_id, by=by, at=now)
    if topic is None:
        return None
    await close_mirrors(topic=topic, relay=relay, jobs=jobs)
    try:
        await chat.update_topic(topic=topic, place=topic.place, mirrors=await relay.mirrors(topic_id=topic_id))
    except PlatformError:
        pass  # closed all the same: the partners must still be told, and the summary says it
    return topic


async def list_open_topics(*, repository: TopicRepository, place: Place) -> list[Topic]:
    return await repository.open_topics(place=place)
