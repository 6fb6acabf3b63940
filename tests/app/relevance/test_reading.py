"""Which text model reads which answer (app/relevance/reading.py), as the worker and the benchmark run them."""

from __future__ import annotations

import pytest

from app.relevance.reading import TextReader, TextRelevance
from tests.app.relevance.test_multilingual import BON, GOOD, LICENCE, METEO, PERMIS


@pytest.fixture(scope="module")
def both() -> TextReader:
    return TextReader(models="semantic")


def test_english_goes_to_both_models_and_french_to_the_multilingual_reading(both):
    assert both.semantic is not None and both.multilingual is not None and both.blend is not None
    blend = both.blend  # chosen on dev by tools/train_semantic.py --reweigh, kept in the adapter
    english = both.reading(LICENCE, GOOD)
    cross = both.semantic.encoder.logit(LICENCE, GOOD, max_length=blend["max_length"])
    answer = both.multilingual.answer(LICENCE, GOOD, read_chars=blend["reply_read_chars"])
    assert english.replaces_wording and english.contribution == pytest.approx(
        blend["blend_weight"] * cross + blend["answer_model_weight"] * answer.centred_logit
    )
    weather = both.reading(LICENCE, "The weather is nice in Paris today.")
    assert weather.topic_in_doubt and not weather.off_topic  # left for the MiniLM topic gate...
    assert both.off_topic(LICENCE, "The weather is nice in Paris today.")  # ...which stops it
    for question, reply in ((PERMIS, BON), (LICENCE, BON), (PERMIS, METEO)):
        assert both.reading(question, reply) == both.multilingual.reading(question, reply)
    assert both.reading(PERMIS, METEO).off_topic
    assert both.label == "pure-Python trees + semantic cross-encoder, multilingual answer model and topic gates"


def test_the_topic_is_left_in_doubt_only_where_the_answer_models_cosine_is_low(both, monkeypatch):
    """The answer model reads first; a reading never asks the MiniLM gate (7 ms on a slow core) itself: it
    says where the topic is in doubt, and the caller asks the gate if the reply would reach the meeting
    (tests/app/usecases/test_judging.py)."""
    assert both.semantic is not None and both.multilingual is not None and both.blend is not None
    asked: list[str] = []
    monkeypatch.setattr(both.semantic, "off_topic", lambda question, reply: asked.append(reply) or True)
    below, read_chars = both.blend["topic_gate_below"], both.blend["reply_read_chars"]
    weather, ci = "The weather is nice in Paris today.", "Use GitHub Actions with a matrix per package, it works well."
    assert both.multilingual.answer(LICENCE, GOOD, read_chars=read_chars).cosine >= below
    assert not both.reading(LICENCE, GOOD).topic_in_doubt  # plainly on topic
    assert both.multilingual.answer(LICENCE, weather, read_chars=read_chars).cosine < below
    reading = both.reading(LICENCE, weather)
    assert reading.topic_in_doubt and reading.contribution is not None and not reading.off_topic
    assert both.multilingual.answer(LICENCE, ci, read_chars=read_chars).off_topic
    assert both.reading(LICENCE, ci).off_topic  # the answer model's own gate stopped it
    assert asked == []
    assert both.off_topic(LICENCE, weather) and asked == [weather]


def test_an_adapter_without_the_blend_reads_english_with_the_cross_encoder_alone(both, monkeypatch):
    """An adapter reweighed before the multilingual reading existed carries no blend for it."""
    monkeypatch.setattr(both, "blend", None)
    assert both.semantic is not None
    assert both.reading(LICENCE, GOOD) == both.semantic.reading(LICENCE, GOOD)
    assert not both.reading(LICENCE, GOOD).replaces_wording
    assert both.label == "pure-Python trees + semantic cross-encoder and topic gate (multilingual reading for French)"


def test_without_torch_the_multilingual_reading_reads_every_answer():
    light = TextReader(models="multilingual")
    assert light.semantic is None and light.multilingual is not None
    assert light.reading(LICENCE, GOOD) == light.multilingual.reading(LICENCE, GOOD)
    assert light.label == "pure-Python trees + multilingual reading"


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="models must be one of"):
        TextReader(models="pure")


async def test_the_worker_side_matcher_loads_once():
    matcher = TextRelevance(models="multilingual")
    first = await matcher.warm_up()
    assert await matcher.warm_up() is first
    assert (await matcher.reading(question=PERMIS, reply=METEO)).off_topic
    assert (await matcher.reading(question=PERMIS, reply=BON)).contribution


def test_a_question_is_embedded_ahead_for_the_model_that_reads_its_replies(both):
    assert both.semantic is not None and both.semantic.gate is not None and both.multilingual is not None
    gate, multilingual = both.semantic.gate.question_vector, both.multilingual.question_vector
    before = gate.cache_info().misses, multilingual.cache_info().misses
    both.prepare(LICENCE + " (ahead)")  # English: both models read its replies
    assert (gate.cache_info().misses, multilingual.cache_info().misses) == (before[0] + 1, before[1] + 1)
    both.prepare(PERMIS + " (ahead)")  # French: the multilingual reading alone
    assert (gate.cache_info().misses, multilingual.cache_info().misses) == (before[0] + 1, before[1] + 2)
    multilingual_hits = multilingual.cache_info().hits
    both.reading(PERMIS + " (ahead)", BON)
    assert multilingual.cache_info().hits == multilingual_hits + 1  # embedded once, ahead
