"""What is published on a network: the question alone within its length, its outcome, plain text."""

from __future__ import annotations

from integrations.networks.words import fit, plain_text, question_post


def test_the_question_is_fitted_at_a_word_with_the_hashtag_kept():
    post = question_post("word " * 200, limit=500, hashtag="cercle")
    assert len(post) <= 500 and post.endswith("…\n\n#cercle")
    assert question_post("How do we price a pilot?", limit=500) == "How do we price a pilot?"


def test_a_long_word_is_cut_too():
    assert len(fit("x" * 1000, limit=300)) == 300


def test_html_is_read_as_a_person_reads_it():
    assert plain_text("<p>Start with a <b>paid</b> pilot &amp; see.</p><p>Second line<br>third</p>") == (
        "Start with a paid pilot & see.\nSecond line\nthird"
    )
