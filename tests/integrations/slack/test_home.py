"""Cercle's App Home stays within Slack's view limits however much an organisation has to show,
checked by slack_sdk's own view model (100 blocks, 3,000 characters a section, 150 a header)."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View

from app.domain.delivery import DeliveryRules
from app.domain.home import HomeView, OwnQuestion, PartnerState
from app.domain.ledger import LedgerField, Reciprocity
from app.domain.models import Person, Place, Platform, Topic
from app.domain.networks import NetworkMode, NetworkState
from integrations.catalog import say_in
from integrations.slack.home import MAX_BLOCKS, MAX_SECTION, home_view

PLACE = Place(Platform.SLACK, "TALPHA0001", "C0MEET0001")


def _topic(n: int, *, question: str) -> Topic:
    return Topic(
        id=f"t{n}",
        meeting_id="m1",
        question=question,
        asker=Person("U0MEMBER", "linus"),
        place=PLACE,
        created_at=float(n),
        permalink=f"https://alpha.slack.com/archives/C0MEET0001/p{n}",
    )


def _home(*, topics: int, partners: int, question: str) -> HomeView:
    counts = {field: 1234 for field in LedgerField}
    return HomeView(
        organisation="Alpha Corp " + "x" * 200,
        partners=tuple(Reciprocity(f"Partner {n} " + "y" * 60, counts, counts) for n in range(partners)),
        networks=(NetworkState("mastodon:social", "Mastodon (mastodon.social)", NetworkMode.WORKING),),
        open_topics=tuple(_topic(n, question=question) for n in range(topics)),
        own_questions=tuple(OwnQuestion(_topic(n, question=question), n) for n in range(topics)),
        partner_states=tuple((f"Partner {n}", PartnerState.ACTIVE) for n in range(partners)),
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("topics", "partners", "question"),
    [(0, 0, "q"), (15, 3, "How do we price a pilot?"), (15, 500, "Q " * 500), (500, 500, "é" * 1000)],
)
def test_the_home_view_fits_slack_limits(language: str, topics: int, partners: int, question: str) -> None:
    view = home_view(
        _home(topics=topics, partners=partners, question=question), rules=DeliveryRules(), say=say_in(language)
    )
    View(**view).validate_json()  # raises past any of Slack's limits
    assert len(view["blocks"]) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= MAX_SECTION for b in view["blocks"] if b["type"] == "section")


def test_the_home_view_says_what_the_organisation_has() -> None:
    view = json.dumps(home_view(_home(topics=2, partners=1, question="Q?"), rules=DeliveryRules(), say=say_in("fr")))
    text = json.loads(view)
    said = " ".join(b["text"]["text"] for b in text["blocks"] if b["type"] == "section")
    assert "*Sujets ouverts de Alpha Corp" in said and "<https://alpha.slack.com/archives/C0MEET0001/p1|Q?>" in said
    assert "*Vos questions*" in said and "|Q?> · ouverte · 1 réponse" in said
    assert "questions envoyées 1\u202f234 · 1\u202f234" in said  # numbers as French writes them
    assert "*Cercle* pose votre question" in said  # and the help
