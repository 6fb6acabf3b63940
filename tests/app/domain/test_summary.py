"""The summary is a pure function: its content and its ranking rules."""

from __future__ import annotations

from app.domain.models import Answer, AnswerStatus, Credit, Meeting, Person, Place, Platform, Topic
from app.domain.summary import outcome_for, rank_answers, summarise

T0 = 1_800_000_000.0
LIVE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")


def topic(n: int, at: float, question: str = "") -> Topic:
    return Topic(
        id=f"t{n}",
        meeting_id="m",
        question=question or f"question {n}?",
        asker=Person("U0ASKER", "ada"),
        place=LIVE.in_thread(f"{n}.0"),
        created_at=at,
    )


def answer(
    n: int,
    topic_id: str,
    at: float,
    org: str = "Beta Org",
    who: str = "grace",
    status: AnswerStatus = AnswerStatus.INJECTED,
    also: tuple[Credit, ...] = (),
) -> Answer:
    return Answer(
        id=f"a{n}",
        topic_id=topic_id,
        source=Place(Platform.SLACK, "TB", "C0INBOX001", "1.0"),
        source_message_id=f"{n}",
        author=Person(f"U{n}", who),
        organisation=org,
        text=f"answer {n}",
        created_at=at,
        status=status,
        also_from=also,
        link=f"https://b.slack.com/archives/C/p{n}",
    )


def test_ranking_shows_ties_and_puts_the_earliest_first():
    answers = [answer(1, "t", T0 + 30), answer(2, "t", T0 + 10), answer(3, "t", T0 + 20), answer(4, "t", T0 + 5)]
    ranked = rank_answers(answers, {"a1": 5, "a2": 2, "a3": 2, "a4": 2})
    assert [(r.answer.id, r.rank, r.tied) for r in ranked] == [("a1", 1, False), ("a4", 2, True), ("a2", 2, True)]


def test_filtered_skipped_and_deleted_replies_never_rank():
    answers = [
        answer(1, "t", T0, status=AnswerStatus.BELOW),
        answer(2, "t", T0, status=AnswerStatus.SKIPPED),
        answer(3, "t", T0, status=AnswerStatus.DELETED),
        answer(4, "t", T0, status=AnswerStatus.LATE),
    ]
    assert [r.answer.id for r in rank_answers(answers, {"a1": 9, "a2": 9, "a3": 9})] == ["a4"]


def test_meeting_summary_content():
    meeting = Meeting(id="m", place=LIVE, started_at=T0)
    topics = [topic(1, T0 + 60), topic(2, T0 + 120)]
    answers = {
        "t1": [
            answer(1, "t1", T0 + 300, also=(Credit("mira", "Delta Co"),)),  # mira sent the same from Delta
            answer(2, "t1", T0 + 200, org="Gamma Inc", who="linus"),
            answer(3, "t1", T0 + 400, status=AnswerStatus.BELOW, who="ken"),
            answer(4, "t1", T0 + 500, status=AnswerStatus.DELETED, who="rob"),
        ],
        "t2": [],
    }
    summary = summarise(meeting=meeting, ended_at=T0 + 5400, topics=topics, answers=answers, votes={"a1": 3, "a2": 1})
    assert summary.duration_s == 5400
    first, second = summary.topics
    # A merged answer counts once for each place it came from, each for its own organisation.
    assert first.replies_by_source == (("Beta Org", 2), ("Delta Co", 1), ("Gamma Inc", 1))
    assert first.first_answer_after_s == 140 and first.other_replies == 1
    assert [r.answer.id for r in first.best] == ["a1", "a2"]
    assert not second.answered and summary.unanswered == (topics[1],)
    assert summary.helpers == (("Beta Org", ("grace", "ken")), ("Delta Co", ("mira",)), ("Gamma Inc", ("linus",)))
    assert summary.total_replies == 4 and summary.total_votes == 4 and summary.helper_count == 4
    outcome = outcome_for(first, partner_name="Gamma Inc")
    assert outcome.best is not None and outcome.best.answer.id == "a1" and outcome.replies_from_partner == 1
    assert outcome_for(first, partner_name="Delta Co").replies_from_partner == 1  # thanked for the copy too
