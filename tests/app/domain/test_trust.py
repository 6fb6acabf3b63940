"""Authors' records: what a meeting's votes say about each author, and how the scorer reads it."""

from __future__ import annotations

import pytest

from app.domain.models import Answer, AnswerStatus, Person, Place, Platform, person_key
from app.domain.trust import author_trust, meeting_record


def test_no_record_is_average_and_each_answer_moves_trust_a_little():
    assert author_trust(helpful=0, answers=0, prior=0.3) == pytest.approx(0.5)
    one, three = author_trust(helpful=1, answers=1, prior=0.3), author_trust(helpful=3, answers=3, prior=0.3)
    assert 0.5 < one < three
    assert author_trust(helpful=0, answers=3, prior=0.3) < 0.5
    assert author_trust(helpful=3, answers=10, prior=0.3) == pytest.approx(0.5)  # as helpful as the average


def _answer(n: int, user: str, *, tenant: str = "TBETA00001", status: AnswerStatus = AnswerStatus.INJECTED) -> Answer:
    return Answer(
        id=f"a{n}",
        topic_id="t",
        source=Place(Platform.SLACK, tenant, "C0INBOX001", "1.1"),
        source_message_id=f"m{n}",
        author=Person(user, user),
        organisation="Beta Org",
        text="an answer",
        created_at=0.0,
        status=status,
    )


def test_a_meeting_record_counts_answers_and_those_voted_up_per_person_and_workspace():
    answers = [
        _answer(1, "U1"),
        _answer(2, "U1", status=AnswerStatus.DIGESTED),
        _answer(3, "U1", status=AnswerStatus.DELETED),
        _answer(4, "U2", status=AnswerStatus.BELOW),
        _answer(5, "U1", tenant="TGAMMA0001"),  # the same user id in another workspace is someone else
    ]
    record = meeting_record(answers=answers, votes={"a1": 2, "a2": 0, "a3": 5, "a4": -1, "a5": 1})
    assert record == {
        person_key(platform="slack", tenant="TBETA00001", user="U1"): (2, 1),
        person_key(platform="slack", tenant="TBETA00001", user="U2"): (1, 0),
        person_key(platform="slack", tenant="TGAMMA0001", user="U1"): (1, 1),
    }
