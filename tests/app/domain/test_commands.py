from __future__ import annotations

import pytest

from app.domain.commands import MAX_QUESTION_CHARS, CommandKind, help_text, parse_command, question_key
from app.domain.delivery import DeliveryRules


@pytest.mark.parametrize(
    ("text", "kind", "argument"),
    [
        ("", CommandKind.HELP, ""),
        ("help", CommandKind.HELP, ""),
        ("Help", CommandKind.HELP, ""),
        ("list", CommandKind.LIST, ""),
        ("end", CommandKind.END, ""),
        ("inbox", CommandKind.INBOX, ""),
        ("networks", CommandKind.NETWORKS, ""),
        ("partners", CommandKind.PARTNERS, ""),
        ("partners invite", CommandKind.PARTNERS_INVITE, ""),
        ("partners accept AB12-CD34", CommandKind.PARTNERS_ACCEPT, "AB12-CD34"),
        ("partners remove Beta Org", CommandKind.PARTNERS_REMOVE, "Beta Org"),
        ("How do we price a pilot?", CommandKind.ASK, "How do we price a pilot?"),
        ("  how   do we\tprice it?  ", CommandKind.ASK, "how do we price it?"),
        ("help me price a pilot", CommandKind.ASK, "help me price a pilot"),
        ("end of year pricing?", CommandKind.ASK, "end of year pricing?"),
        ("partners for a pilot: who?", CommandKind.ASK, "partners for a pilot: who?"),
        ("Comment fixer le prix d'un pilote ?", CommandKind.ASK, "Comment fixer le prix d'un pilote ?"),
    ],
)
def test_parse(text, kind, argument):
    command = parse_command(text)
    assert command.kind == kind and command.argument == argument


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("lsit", "/ask list"),
        ("end meeting", "/ask end"),
        ("End the meeting.", "/ask end"),
        ("hepl", "/ask help"),
        ("inbox here", "/ask inbox"),
        ("netwroks", "/ask networks"),
        ("partner", "/ask partners"),
        ("partners list", "/ask partners"),
        ("partner invite", "/ask partners invite"),
        ("partners invte", "/ask partners invite"),
        ("partner accept AB12-CD34", "/ask partners accept AB12-CD34"),
        ("Partner remove Beta Org", "/ask partners remove Beta Org"),
    ],
)
def test_a_mistyped_command_is_not_sent_to_the_partners_as_a_question(text, meant):
    command = parse_command(text)
    assert command.kind == CommandKind.INVALID and f"Did you mean `{meant}`?" in command.error
    assert "Nothing was sent" in command.error


@pytest.mark.parametrize(
    "text", ["end meeting?", "pricing", "listing fees", "endpoint security", "list of vendors for payroll", "help?"]
)
def test_short_questions_that_are_not_commands_are_questions(text):
    assert parse_command(text).kind == CommandKind.ASK


@pytest.mark.parametrize("text", [" ", "\t\n ", "partners accept", "partners remove"])
def test_incomplete_input_is_refused_with_a_reason(text):
    command = parse_command(text)
    assert command.kind == CommandKind.INVALID and command.error


def test_length_limit_counts_characters_not_bytes():
    assert parse_command("é" * MAX_QUESTION_CHARS).kind == CommandKind.ASK
    too_long = parse_command("é" * (MAX_QUESTION_CHARS + 1))
    assert too_long.kind == CommandKind.INVALID and str(MAX_QUESTION_CHARS) in too_long.error


def test_multiline_question_keeps_its_lines():
    assert parse_command("Pricing:\n- pilot\n- scale").argument == "Pricing:\n- pilot\n- scale"


def test_help_uses_the_installed_command_name():
    assert "`/cercle list`" in help_text(command="/cercle")


def test_help_says_how_to_vote_including_in_a_digest():
    assert "reaction" in help_text() and "*Helpful* button" in help_text()


def test_help_says_how_answers_arrive_at_this_installations_pace():
    assert "at most 3 every 5 minutes" in help_text()
    paced = help_text(rules=DeliveryRules(max_per_window=2, window_s=90, threshold=0.5))
    assert "at most 2 every 90 seconds" in paced
    assert "*Other replies*" in paced and "*Review answers first*" in paced


def test_a_question_typed_again_is_the_same_question():
    assert question_key("How do we price a pilot?") == question_key("  how do we  price a PILOT ")
    assert question_key("Où trouver un avocat ?") == question_key("ou trouver un avocat")
    assert question_key("How do we price a pilot?") != question_key("How do we price a pilot for banks?")
