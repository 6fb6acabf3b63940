"""Every card Cercle sends is a valid Adaptive Card 1.5, whatever outside text it carries, and stays
under Teams' 28 KB a message."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from app.domain.home import HomeView
from app.domain.ledger import LedgerField, Reciprocity
from app.domain.models import (
    Answer,
    AnswerStatus,
    Credit,
    Meeting,
    Mirror,
    MirrorStatus,
    Person,
    Place,
    Platform,
    Topic,
)
from app.domain.summary import outcome_for, summarise
from integrations.teams import cards
from tests.integrations.slack.test_sanitize import HOSTILE

SCHEMA = json.loads((Path(__file__).parents[2] / "specs/teams/adaptive-cards/adaptive-card.1.5.0.json").read_text())
VALIDATOR = jsonschema.Draft6Validator(SCHEMA)
LIVE = Place(Platform.TEAMS, "tenant-1", "19:meeting@thread.tacv2", "1700000000000")
TOPIC = Topic(
    id="t1",
    meeting_id="m1",
    question="How do we price a pilot?",
    asker=Person("aad-1", "ada"),
    place=LIVE,
    created_at=0,
)


def answer(n: int, text: str = "Run a paid pilot.", **extra) -> Answer:
    return Answer(
        id=f"a{n}",
        topic_id="t1",
        source=Place(Platform.SLACK, "TB", "C0INBOX001", "1.0"),
        source_message_id=str(n),
        author=Person(f"U{n}", f"helper{n}"),
        organisation="Beta Org",
        text=text,
        created_at=float(n),
        link="https://beta.slack.com/archives/C0INBOX001/p1",
        **extra,
    )


def valid(card: dict) -> dict:
    errors = [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(card)]
    assert errors == []
    assert len(json.dumps(card).encode()) < 28_000
    return card


def every_card(text: str) -> list[dict]:
    hostile = answer(1, text, also_from=tuple(Credit(f"p{i}", "Org") for i in range(60)))
    topic = replace(TOPIC, question=text[:1000])
    mirrors = [Mirror("t1", "slack:TB", text[:80], MirrorStatus.SKIPPED, reason="no inbox")]
    meeting = Meeting("m1", LIVE, 0.0)
    summary = summarise(
        meeting=meeting,
        ended_at=3600.0,
        topics=[replace(topic, id=f"t{i}") for i in range(20)],
        answers={f"t{i}": [replace(hostile, topic_id=f"t{i}")] for i in range(20)},
        votes={"a1": 3},
    )
    rows = tuple(
        Reciprocity(text[:80] or "x", {LedgerField.ASKED_THEM: 3}, {LedgerField.ANSWERS_FROM_THEM: 9})
        for _ in range(60)
    )
    home = HomeView(organisation=text[:80], partners=rows)
    return [
        cards.topic_card(topic, mirrors=mirrors),
        cards.topic_card(replace(topic, status=topic.status.CLOSED)),
        cards.answer_card(hostile, votes=-2),
        cards.digest_card([replace(hostile, id=f"a{i}") for i in range(cards.DIGEST_MAX_ANSWERS)]),
        cards.review_card(hostile),
        cards.mirror_card(topic, asker_org=text[:80], show_asker=True),
        cards.thanks_card(outcome_for(summary.topics[0], partner_name="Beta Org"), asker_org="Alpha", share=True),
        *cards.summary_cards(summary),
        cards.home_card(home),
    ]


@pytest.mark.parametrize("text", [*HOSTILE, "x" * 5000, "plain words"])
def test_every_card_is_valid_and_small_enough(text: str) -> None:
    for card in every_card(text):
        valid(card)


def test_outside_text_cannot_hide_a_link_or_bring_html_into_a_card() -> None:
    card = cards.answer_card(answer(1, "[click for the prize](https://evil.example) <img src=x onerror=alert(1)>"))
    words = json.dumps(card)
    assert "(https://evil.example)" in words and "[click" not in words and "<img" not in words


def test_the_original_link_is_a_button_only_when_it_is_https() -> None:
    assert cards.answer_card(answer(1))["actions"][0]["url"].startswith("https://")
    assert "actions" not in cards.answer_card(replace(answer(1), link="javascript:alert(1)"))


def test_a_long_summary_is_split_into_several_cards() -> None:
    summary_cards = [c for c in every_card("words") if "Meeting summary" in json.dumps(c)]
    assert len(summary_cards) == 3  # 20 questions, 8 a card


def test_buttons_carry_their_verb_and_topic() -> None:
    review = cards.review_card(answer(1, status=AnswerStatus.IN_REVIEW))
    assert [a["verb"] for a in review["actions"]] == [cards.APPROVE_VERB, cards.SKIP_VERB]
    assert review["actions"][0]["data"] == {"verb": cards.APPROVE_VERB, "topic": "t1", "answer": "a1"}
