"""The meeting summary: a pure function of the core's data, rendered by each platform."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.models import Answer, AnswerStatus, Meeting, Topic

BEST_COUNT = 3
# Answers that competed for the meeting's attention (the others were filtered, skipped or deleted).
_CONTENDERS = {
    AnswerStatus.NEW,
    AnswerStatus.INJECTED,
    AnswerStatus.WAITING,
    AnswerStatus.DIGESTED,
    AnswerStatus.IN_REVIEW,
    AnswerStatus.LATE,
}


@dataclass(frozen=True, slots=True)
class RankedAnswer:
    answer: Answer
    votes: int
    rank: int  # competition ranking: two answers with the best score are both 1, the next is 3
    tied: bool


@dataclass(frozen=True, slots=True)
class TopicSummary:
    topic: Topic
    replies_by_source: tuple[tuple[str, int], ...]  # organisation or network → replies
    best: tuple[RankedAnswer, ...]
    first_answer_after_s: float | None
    other_replies: int  # under the relevance threshold
    late_replies: int

    @property
    def answered(self) -> bool:
        return bool(self.replies_by_source)

    @property
    def replies(self) -> int:
        return sum(count for _, count in self.replies_by_source)


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    meeting: Meeting
    ended_at: float
    topics: tuple[TopicSummary, ...]
    helpers: tuple[tuple[str, tuple[str, ...]], ...]  # organisation → people who replied

    @property
    def duration_s(self) -> float:
        return max(0.0, self.ended_at - self.meeting.started_at)

    @property
    def unanswered(self) -> tuple[Topic, ...]:
        return tuple(t.topic for t in self.topics if not t.answered)

    @property
    def total_replies(self) -> int:
        return sum(t.replies for t in self.topics)

    @property
    def total_votes(self) -> int:
        return sum(r.votes for t in self.topics for r in t.best)

    @property
    def helper_count(self) -> int:
        return sum(len(people) for _, people in self.helpers)


def rank_answers(
    answers: Sequence[Answer], votes: Mapping[str, int], *, count: int = BEST_COUNT
) -> tuple[RankedAnswer, ...]:
    """Best by votes; equal votes are shown as ties, the earliest first."""
    contenders = sorted(
        (a for a in answers if a.status in _CONTENDERS), key=lambda a: (-votes.get(a.id, 0), a.created_at)
    )[:count]
    ranked = []
    for answer in contenders:
        score = votes.get(answer.id, 0)
        rank = 1 + sum(1 for other in contenders if votes.get(other.id, 0) > score)
        tied = sum(1 for other in contenders if votes.get(other.id, 0) == score) > 1
        ranked.append(RankedAnswer(answer=answer, votes=score, rank=rank, tied=tied))
    return tuple(ranked)


def summarise_topic(topic: Topic, answers: Sequence[Answer], votes: Mapping[str, int]) -> TopicSummary:
    counted = [a for a in answers if a.status is not AnswerStatus.DELETED]
    by_source: dict[str, int] = defaultdict(int)
    for answer in counted:
        by_source[answer.organisation] += 1
        for credit in answer.also_from:  # the same answer, sent from another place
            by_source[credit.organisation] += 1
    first = min((a.created_at for a in counted), default=None)
    return TopicSummary(
        topic=topic,
        replies_by_source=tuple(sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        best=rank_answers(counted, votes),
        first_answer_after_s=None if first is None else max(0.0, first - topic.created_at),
        other_replies=sum(1 for a in counted if a.status is AnswerStatus.BELOW),
        late_replies=sum(1 for a in counted if a.status is AnswerStatus.LATE),
    )


def summarise(
    *,
    meeting: Meeting,
    ended_at: float,
    topics: Sequence[Topic],
    answers: Mapping[str, Sequence[Answer]],
    votes: Mapping[str, int],
) -> MeetingSummary:
    """``answers`` by topic id; ``votes`` by answer id."""
    summaries = tuple(
        summarise_topic(t, answers.get(t.id, ()), votes) for t in sorted(topics, key=lambda t: t.created_at)
    )
    people: dict[str, set[str]] = defaultdict(set)
    for topic_answers in answers.values():
        for answer in topic_answers:
            if answer.status is not AnswerStatus.DELETED:
                people[answer.organisation].add(answer.author.name)
                for credit in answer.also_from:
                    people[credit.organisation].add(credit.name)
    helpers = tuple(
        sorted(((org, tuple(sorted(names))) for org, names in people.items()), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    return MeetingSummary(meeting=meeting, ended_at=ended_at, topics=summaries, helpers=helpers)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a partner hears back: the question's best answer, and the credit for it."""

    topic: Topic
    best: RankedAnswer | None
    replies_from_partner: int


def outcome_for(summary: TopicSummary, *, partner_name: str) -> Outcome:
    from_partner = dict(summary.replies_by_source).get(partner_name, 0)
    return Outcome(
        topic=summary.topic, best=summary.best[0] if summary.best else None, replies_from_partner=from_partner
    )
