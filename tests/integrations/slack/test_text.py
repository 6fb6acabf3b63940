"""Slack's text read into Cercle's neutral form, as the scorer and other workspaces then read it."""

from __future__ import annotations

import pytest

from app.domain.relevance import ReplyContext, ReplyKind, reply_kind, score_reply
from integrations.slack.text import emoji_named, neutral


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (":thumbsup:", ReplyKind.AGREEMENT),  # Slack sends emoji as shortcodes: this one agrees, like "+1"
        (":100:", ReplyKind.AGREEMENT),
        (":+1::skin-tone-3:", ReplyKind.AGREEMENT),
        ("same :point_up:", ReplyKind.AGREEMENT),
        (":pray:", ReplyKind.EMPTY),
        (":joy: :joy:", ReplyKind.EMPTY),
        ("Thanks :pray:", ReplyKind.THANKS),
        ("<#C0PRICE|pricing> has the answer", ReplyKind.PLACEHOLDER),
        ("<!subteam^S0OPS|@ops> can answer", ReplyKind.PLACEHOLDER),
        ("We meet at 10:30:45 with finance to settle the pilot's price", ReplyKind.ANSWER),  # a time
        ("We charge 20% :tada: then convert", ReplyKind.ANSWER),
        ("&gt; How do we price a pilot?\n+1", ReplyKind.AGREEMENT),  # the question quoted, then agreement
        ("&gt; How do we price a pilot?\nsame question here", ReplyKind.PLACEHOLDER),
        ("&gt; How do we price a pilot?", ReplyKind.EMPTY),  # a quote alone says nothing of one's own
        ("+1 to what Grace said", ReplyKind.AGREEMENT),  # agreement and a few words: a vote
        ("Agree with Bob.", ReplyKind.AGREEMENT),
        ("D'accord avec Ada", ReplyKind.AGREEMENT),
        ("+1, and charge 20% of the licence", ReplyKind.ANSWER),  # a figure: something of one's own
        ("Agreed, but only when the customer already pays for support", ReplyKind.ANSWER),
    ],
)
def test_slack_markup_is_read_as_people_see_it(reply, kind):
    assert reply_kind(neutral(reply)) is kind


def test_an_emoji_code_adds_no_figure():
    pricing = "How do we price a pilot for a new enterprise customer?"
    assert score_reply(question=pricing, reply=neutral(":pray:"), context=ReplyContext()).score <= 0.02


def test_markup_becomes_words():
    assert neutral("cc <@U0BOB> and <@U0ANN|ann>") == "cc @someone and @ann"  # an id's digits are no figures
    assert neutral("cc <@U0BOB>", names={"U0BOB": "bob"}) == "cc @bob"
    assert neutral("see <#C0PRICE|pricing> and <!here>") == "see #pricing and @here"
    assert neutral("<https://example.com/grid|our grid> or <https://example.com>") == (
        "[our grid](https://example.com/grid) or https://example.com"
    )
    assert neutral("<mailto:ada@alpha.example|Ada>") == "[Ada](mailto:ada@alpha.example)"
    assert neutral("Q&amp;A: &lt;30 days&gt;") == "Q&A: <30 days>"  # as Slack escapes them
    assert neutral("We charge 20% :tada: then convert") == "We charge 20% 🎉 then convert"
    assert neutral(":partyparrot: at 10:30:45") == ":partyparrot: at 10:30:45"  # custom emoji, and a time


@pytest.mark.parametrize(
    ("name", "emoji"), [("+1", "👍"), ("thumbsup", "👍"), ("+1::skin-tone-3", "👍"), ("-1", "👎"), ("star", "⭐")]
)
def test_reaction_names_become_the_emoji_themselves(name, emoji):
    assert emoji_named(name) == emoji
