"""What the ephemeral listings and notices say, at their edges."""

from __future__ import annotations

from dataclasses import replace

from app.domain.models import Answer, AnswerStatus, Credit, Person, Place, Platform, Topic
from integrations.slack.render import (
    ALSO_FROM_SHOWN,
    OTHER_REPLIES_SHOWN,
    answer_blocks,
    other_replies_text,
    review_mode_text,
)

SOURCE = Place(Platform.SLACK, "TBETA00001", "C0INBOX001", "1.1")


def _below(n: int) -> Answer:
    return Answer(
        id=f"a{n}",
        topic_id="t1",
        source=SOURCE,
        source_message_id=f"m{n}",
        author=Person(f"U{n}", f"helper{n}"),
        organisation="Beta Org",
        text=f"reply {n} " + "x" * 2000,
        created_at=float(n),
        status=AnswerStatus.BELOW,
    )


def test_other_replies_lists_the_first_ones_and_says_how_many_are_left_out():
    text = other_replies_text([_below(n) for n in range(OTHER_REPLIES_SHOWN + 12)])
    assert text.startswith(f"*{OTHER_REPLIES_SHOWN + 12} other replies*")
    assert text.count("\n• ") == OTHER_REPLIES_SHOWN
    assert text.endswith("…and 12 more, the weakest, not shown.")
    assert len(text) < 40_000  # Slack truncates a message's text beyond this


def test_other_replies_when_there_are_none_or_one():
    assert other_replies_text([]) == "No other replies: everything relevant is in the thread."
    one = other_replies_text([_below(1)])
    assert one.startswith("*1 other reply*") and "more" not in one


def test_review_mode_notice_counts_the_answers_sent_on():
    topic = Topic(id="t1", meeting_id="m1", question="q", asker=Person("U1", "ada"), place=SOURCE, created_at=0.0)
    assert review_mode_text(replace(topic, review=True), 0) == (
        "Review mode is on: each answer waits for your approval before it is posted here."
    )
    assert review_mode_text(topic, 0) == "Answers are posted directly again."
    assert review_mode_text(topic, 1).endswith("the one waiting for your review is on its way.")
    assert review_mode_text(topic, 3).endswith("the 3 waiting for your review are on their way.")


def test_an_answer_sent_from_many_places_names_a_few_and_counts_the_rest():
    copies = tuple(Credit("x" * 120, f"Partner {n}") for n in range(50))  # one answer pasted by 50 partners
    answer = replace(_below(1), status=AnswerStatus.INJECTED, also_from=copies)
    context = answer_blocks(answer)[-1].to_dict()["elements"][0]["text"]
    assert len(context) <= 3000 and context.endswith(f"and {50 - ALSO_FROM_SHOWN} more")
    assert context.count("Partner") == ALSO_FROM_SHOWN
    assert other_replies_text([answer]).count("Partner") == ALSO_FROM_SHOWN  # the digest's lines, the same way
