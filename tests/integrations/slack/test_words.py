"""How Cercle words its answers in Slack: help, refused commands, the asker's outcome, partners."""

from __future__ import annotations

import pytest

from app.domain.asking import AlreadyAsked, Opened, Refused
from app.domain.commands import parse_command
from app.domain.delivery import DeliveryRules
from app.domain.errors import BotNotInChannel, ChannelUnreachable, PlatformError, RateLimited
from app.domain.models import Person, Place, Platform, Topic
from app.usecases.partners import PartnerReply, PartnerState, Said
from integrations.slack.words import asker_text, help_text, partner_text, problem_text, refusal_text


def test_help_uses_the_installed_command_name():
    assert "`/cercle list`" in help_text(command="/cercle")


def test_help_says_how_to_vote_including_in_a_digest():
    assert "reaction" in help_text() and "*Helpful* button" in help_text()


def test_help_says_how_answers_arrive_at_this_installations_pace():
    assert "at most 3 every 5 minutes" in help_text()
    paced = help_text(rules=DeliveryRules(max_per_window=2, window_s=90, threshold=0.5))
    assert "at most 2 every 90 seconds" in paced
    assert "*Other replies*" in paced and "*Review answers first*" in paced


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("lsit", "Did you mean `/ask list`? Nothing was sent."),
        ("partner accept AB12-CD34", "Did you mean `/ask partners accept AB12-CD34`?"),
        ("   ", "Your question is empty: type it after `/ask`."),
        ("partners accept", "Give the code: `/ask partners accept <code>`."),
        ("partners remove", "Name the partner: `/ask partners remove <org>`."),
        (
            "x" * 1001,
            "Your question is 1,001 characters long; the limit is 1,000.",
        ),  # numbers as the language writes them
    ],
)
def test_a_refused_command_says_why_with_the_command_as_typed(text, said):
    assert said in problem_text(parse_command(text))
    assert said.replace("/ask", "/cercle") in problem_text(parse_command(text), word="/cercle")


TOPIC = Topic(
    id="t1",
    meeting_id="m1",
    question="How do we price a pilot?",
    asker=Person("U0ASKER", "ada"),
    place=Place(Platform.SLACK, "T1", "C1", "1.0"),
    created_at=0.0,
    permalink="https://alphacorp.slack.com/archives/C1/p10",
)


def test_the_asker_hears_how_far_the_question_went():
    assert "on its way to 2 partners" in asker_text(Opened(TOPIC, partners=2), can_partner=True)
    assert "an admin can invite one" in asker_text(Opened(TOPIC, partners=0), can_partner=True)
    assert "runs for one workspace" in asker_text(Opened(TOPIC, partners=0), can_partner=False)
    assert asker_text(AlreadyAsked(), can_partner=True) == "You just asked this here: it is on its way."
    assert TOPIC.permalink in asker_text(AlreadyAsked(TOPIC), can_partner=True)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (BotNotInChannel("channel_not_found"), "Invite me with `/invite @Cercle`"),
        (ChannelUnreachable("is_archived"), "This channel is archived"),
        (RateLimited("ratelimited", delay_s=3), "Slack is busy right now"),
        (PlatformError("fatal_error"), "Slack refused to open the topic (fatal_error)"),
    ],
)
def test_a_refusal_is_worded_for_the_asker(error, said):
    assert said in refusal_text(error)
    assert said in asker_text(Refused(error), can_partner=True)


def test_partner_answers_name_slacks_commands():
    assert "`/ask partners accept AB12`" in partner_text(PartnerReply(Said.INVITATION, {"code": "AB12", "hours": "24"}))
    listing = PartnerReply(
        Said.LISTING, {"name": "Alpha", "inbox": "C0INBOX"}, partners=(("Beta", PartnerState.NO_INBOX),)
    )
    assert "<#C0INBOX>" in partner_text(listing) and "Beta: no inbox yet" in partner_text(listing)
