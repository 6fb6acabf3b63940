from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.commands import MAX_QUESTION_CHARS, CommandKind, Problem, parse_command, question_key


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
        ("lsit", "list"),
        ("end meeting", "end"),
        ("End the meeting.", "end"),
        ("hepl", "help"),
        ("inbox here", "inbox"),
        ("netwroks", "networks"),
        ("partner", "partners"),
        ("partners list", "partners"),
        ("partner invite", "partners invite"),
        ("partners invte", "partners invite"),
        ("partner accept AB12-CD34", "partners accept AB12-CD34"),
        ("Partner remove Beta Org", "partners remove Beta Org"),
    ],
)
def test_a_mistyped_command_is_not_sent_to_the_partners_as_a_question(text, meant):
    command = parse_command(text)
    assert command.kind == CommandKind.INVALID and command.problem is Problem.MISTYPED and command.detail == meant


@pytest.mark.parametrize(
    "text", ["end meeting?", "pricing", "listing fees", "endpoint security", "list of vendors for payroll", "help?"]
)
def test_short_questions_that_are_not_commands_are_questions(text):
    assert parse_command(text).kind == CommandKind.ASK


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (" ", Problem.EMPTY),
        ("\t\n ", Problem.EMPTY),
        ("partners accept", Problem.NO_CODE),
        ("partners remove", Problem.NO_PARTNER),
    ],
)
def test_incomplete_input_is_refused_with_a_reason(text, problem):
    command = parse_command(text)
    assert command.kind == CommandKind.INVALID and command.problem is problem


def test_length_limit_counts_characters_not_bytes():
    assert parse_command("é" * MAX_QUESTION_CHARS).kind == CommandKind.ASK
    too_long = parse_command("é" * (MAX_QUESTION_CHARS + 1))
    assert too_long.kind == CommandKind.INVALID and too_long.problem is Problem.TOO_LONG
    assert too_long.detail == str(MAX_QUESTION_CHARS + 1)


def test_multiline_question_keeps_its_lines():
    assert parse_command("Pricing:\n- pilot\n- scale").argument == "Pricing:\n- pilot\n- scale"


def test_a_long_word_is_parsed_in_linear_time():
    """A 200,000-character word is no mistyped command: it is not compared letter by letter."""
    command = parse_command("x" * 200_000)
    assert command.kind == CommandKind.INVALID and command.problem is Problem.TOO_LONG


def test_a_question_typed_again_is_the_same_question():
    assert question_key("How do we price a pilot?") == question_key("  how do we  price a PILOT ")
    assert question_key("Où trouver un avocat ?") == question_key("ou trouver un avocat")
    assert question_key("How do we price a pilot?") != question_key("How do we price a pilot for banks?")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=3000))
def test_any_text_parses_into_a_command_or_a_reason(text):
    command = parse_command(text)
    assert isinstance(command.kind, CommandKind)
    if command.kind is CommandKind.INVALID:
        assert command.problem is not None
    if command.kind is CommandKind.ASK:
        assert 0 < len(command.argument) <= MAX_QUESTION_CHARS


def test_the_reach_flags_choose_for_one_question_and_are_not_part_of_it():
    public = parse_command("--public --with-name How do we price a pilot?")
    assert (public.kind, public.argument, public.public, public.share_asker) == (
        CommandKind.ASK,
        "How do we price a pilot?",
        True,
        True,
    )
    assert parse_command("--partners-only How do we price a pilot?").public is False
    assert parse_command("How do we price a pilot?").public is None  # the organisation's default
    assert parse_command("--public").problem is Problem.EMPTY


@pytest.mark.parametrize(
    ("said", "kind", "argument"),
    [
        ("aide", CommandKind.HELP, ""),
        ("liste", CommandKind.LIST, ""),
        ("Fin", CommandKind.END, ""),
        ("partenaires", CommandKind.PARTNERS, ""),
        ("partenaires inviter", CommandKind.PARTNERS_INVITE, ""),
        ("partenaires accepter AB12-CD34", CommandKind.PARTNERS_ACCEPT, "AB12-CD34"),
        ("partenaires retirer Beta Org", CommandKind.PARTNERS_REMOVE, "Beta Org"),
        ("boîte", CommandKind.INBOX, ""),
        ("boite", CommandKind.INBOX, ""),
        ("réseaux", CommandKind.NETWORKS, ""),
        ("accueil", CommandKind.HOME, ""),
        ("home", CommandKind.HOME, ""),
        ("fin de contrat : comment négocier ?", CommandKind.ASK, "fin de contrat : comment négocier ?"),
    ],
)
def test_the_command_words_in_french(said, kind, argument):
    parsed = parse_command(said)
    assert (parsed.kind, parsed.argument) == (kind, argument)


def test_the_flags_in_french():
    parsed = parse_command("--partenaires --avec-nom Comment fixer le prix d'un pilote ?")
    assert (parsed.argument, parsed.public, parsed.share_asker) == ("Comment fixer le prix d'un pilote ?", False, True)
    assert parse_command("partenaires accepter").problem is Problem.NO_CODE


@pytest.mark.parametrize(
    ("text", "kind", "argument"),
    [
        ("language", CommandKind.LANGUAGE, ""),
        ("langue fr", CommandKind.LANGUAGE, "fr"),
        ("Language EN", CommandKind.LANGUAGE, "EN"),
        ("language barriers?", CommandKind.ASK, "language barriers?"),  # a question, not the setting
        ("language models in production", CommandKind.ASK, "language models in production"),
    ],
)
def test_the_language_command(text: str, kind: CommandKind, argument: str) -> None:
    parsed = parse_command(text)
    assert (parsed.kind, parsed.argument) == (kind, argument)


@pytest.mark.parametrize(
    ("text", "meant"),
    [("lsite", "list"), ("partenaire retirer Beta Org", "partners remove Beta Org"), ("reseau", "networks")],
)
def test_a_mistyped_french_command_is_caught_too(text: str, meant: str) -> None:
    parsed = parse_command(text)
    assert (parsed.kind, parsed.problem, parsed.detail) == (CommandKind.INVALID, Problem.MISTYPED, meant)
