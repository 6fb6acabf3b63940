from __future__ import annotations

import pytest

from app.domain.delivery import DeliveryRules, Route, digest_time, parse_window, route, same_content
from app.domain.relevance import ReplyKind, reply_kind

RULES = DeliveryRules(max_per_window=3, window_s=300, threshold=0.3)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("+1", ReplyKind.AGREEMENT),
        ("+ 1 !", ReplyKind.AGREEMENT),
        ("Same here", ReplyKind.AGREEMENT),
        ("moi aussi !", ReplyKind.AGREEMENT),
        ("Thanks!", ReplyKind.THANKS),
        ("merci beaucoup", ReplyKind.THANKS),
        ("🙏🎉", ReplyKind.EMPTY),
        ("👍🙏", ReplyKind.AGREEMENT),  # as Slack's ":+1::pray:" reads: a vote
        ("...", ReplyKind.EMPTY),
        ("Thanks, we used a paid pilot at 20% and it converted well", ReplyKind.ANSWER),
        ("https://example.com/pricing-guide", ReplyKind.ANSWER),
    ],
)
def test_reply_kinds(text, kind):
    assert reply_kind(text) is kind


def test_routes():
    assert route(kind=ReplyKind.ANSWER, score=0.9, by_asker=True, rules=RULES) is Route.DROP  # the asker's own words
    assert route(kind=ReplyKind.THANKS, score=0.9, by_asker=False, rules=RULES) is Route.DROP
    assert route(kind=ReplyKind.EMPTY, score=0.9, by_asker=False, rules=RULES) is Route.DROP
    assert route(kind=ReplyKind.AGREEMENT, score=0.9, by_asker=False, rules=RULES) is Route.VOTE
    assert route(kind=ReplyKind.ANSWER, score=0.29, by_asker=False, rules=RULES) is Route.BELOW
    assert route(kind=ReplyKind.ANSWER, score=0.3, by_asker=False, rules=RULES) is Route.DELIVER


def test_near_duplicates():
    a = "Charge a paid pilot at 20% of the annual licence, credited if they sign."
    assert same_content(a, a.upper())
    assert same_content(a, a + " Good luck!")
    assert not same_content(a, "Offer a free proof of concept on their own data.")
    assert same_content("👍", "👍") and not same_content("👍", "🙏")


@pytest.mark.parametrize(
    ("advice", "opposite"),
    [
        ("Use Stripe for the billing of the pilot.", "Don't use Stripe for the billing of the pilot."),
        ("Use Stripe for the billing of the pilot.", "Do not use Stripe for the billing of the pilot."),
        ("Use Stripe for the billing of the pilot.", "Never use Stripe for the billing of the pilot."),
        ("Utilisez Stripe pour la facturation du pilote.", "N'utilisez pas Stripe pour la facturation du pilote."),
        ("Utilisez Stripe pour la facturation du pilote.", "Surtout jamais Stripe pour la facturation du pilote."),
    ],
)
def test_opposite_advice_is_not_a_duplicate(advice, opposite):
    """Negations are stop words for relevance; merging these would credit one author with the other's advice."""
    assert not same_content(advice, opposite)
    assert same_content(opposite, opposite.upper())  # the same negative advice pasted twice still merges


def test_windows():
    assert digest_time(injected_at=[100.0, 50.0, 200.0], rules=RULES) == 350.0
    assert [parse_window(t) for t in ("300", "300s", "5m", "1h", " 2M ")] == [300, 300, 300, 3600, 120]
    with pytest.raises(ValueError):
        parse_window("soon")
