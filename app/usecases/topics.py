"""Opening, listing and closing topics: the first use cases of the flow."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.domain.commands import question_key
from app.domain.models import Mirror, Person, Place, Reach, Topic
from app.domain.ports import BotNotInChannel, ChatPlatform, PlatformError, TopicRepository


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


async def open_topic(
    *,
    repository: TopicRepository,
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
        asked = await repository.topic_for_question(place=place, asker_id=asker.id, key=key)
        repeated = await repository.get_topic(topic_id=asked) if asked else None
        if repeated is not None and repeated.is_open:
            link = f": {repeated.permalink}" if repeated.permalink else "."
            return TopicRefused(code=ALREADY_ASKED, reason=f"You already asked this here, and it is still open{link}")
        posted = await chat.post_topic(topic=draft)
        meeting = await repository.ensure_meeting(place=place, now=now)
        topic = replace(draft, meeting_id=meeting.id, place=posted.place, permalink=posted.permalink)
        await repository.add_topic(topic=topic, question_key=key)
    except PlatformError as error:
        return TopicRefused(code=error.code, reason=reason_for(error))
    finally:
        await repository.release_question(place=place, asker_id=asker.id, key=key)
    return TopicOpened(topic=topic)


async def close_topic(
    *,
    repository: TopicRepository,
    chat: ChatPlatform,
    topic_id: str,
    by: str,
    now: float,
    mirrors: Sequence[Mirror] = (),
) -> Topic | None:
    """Close once: a second click, or a click on an unknown topic, changes nothing."""
    topic = await repository.close_topic(topic_id=topic_id, by=by, at=now)
    if topic is None:
        return None
    try:
        await chat.update_topic(topic=topic, place=topic.place, mirrors=mirrors)
    except PlatformError:
        pass  # closed all the same: the partners must still be told, and the summary says it
    return topic


async def list_open_topics(*, repository: TopicRepository, place: Place) -> list[Topic]:
    return await repository.open_topics(place=place)
