"""The optional cross-encoder (extra `semantic`): the shipped adapter, its merge into the packaged
model, and what it adds to the pure scorer. Runs the real model on the CPU."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.relevance import ReplyContext, default_model, english_pair, worth_a_closer_read
from app.relevance import semantic
from app.relevance.reading import TextRelevance
from app.runtime.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[3]
LICENCE = "Where can I renew my Qatari driving licence, and what documents do I need?"
GOOD = (
    "Go to the traffic department in Madinat Khalifa with your QID, the old licence and an eye test "
    "from any optician; it takes about 20 minutes and costs 250 QR."
)
OFF_TOPIC = "lol it is so hot in Doha today, stay inside guys"


@pytest.fixture(scope="module")
def encoder() -> semantic.CrossEncoder:
    """As the app runs it: merged and quantised to int8, as the adapter's settings say."""
    return semantic.CrossEncoder()


@pytest.fixture(scope="module")
def float_encoder() -> semantic.CrossEncoder:
    return semantic.CrossEncoder(int8=False)


@pytest.fixture(scope="module")
def reader() -> semantic.SemanticReader:
    """The cross-encoder behind the topic gate, as the worker and the benchmark run them."""
    return semantic.SemanticReader()


def test_the_extra_is_installed_where_the_tests_run():
    # `make test` installs `.[test,semantic]`: the model below is exercised, never skipped.
    assert semantic.available()


def test_loading_the_model_writes_nothing_on_stderr():
    """The worker's stderr carries JSON log lines; a library's warning there breaks that (a fresh
    process, since the library warns only once per process)."""
    code = "from app.relevance.reading import TextReader; TextReader(models='semantic').reading('How?', 'Like this.')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""


def test_the_adapter_is_small_and_says_how_it_was_made(encoder):
    assert semantic.ADAPTER_PATH.stat().st_size < 2_000_000  # the 90 MB model comes from PyPI, not from us
    assert encoder.settings["rank"] == 8 and encoder.settings["train_max_length"] == 256
    assert encoder.max_length == 128  # read shorter than trained: same MAP on dev, the tail inside 20 ms
    assert 0 < encoder.weight <= 2 and "train_semantic.py" in encoder.settings["about"]
    assert encoder.int8  # the blend weight was chosen for the int8 model (tools/train_semantic.py --reweigh)


def test_merged_weights_give_the_same_logit_as_the_adapter_applied_on_the_fly(float_encoder):
    """The app folds B·A into the weights at load; training applies it beside them. Same numbers."""
    import torch
    from safetensors.torch import load_file

    sys.path.insert(0, str(ROOT / "tools"))
    from train_semantic import with_adapters

    encoder = float_encoder
    tokenizer, unmerged = semantic.load_base()
    adapters = with_adapters(unmerged, torch.Generator().manual_seed(0))
    shipped = load_file(str(semantic.ADAPTER_PATH))
    with torch.no_grad():
        for name, adapter in adapters.items():
            adapter.A.copy_(shipped[f"{name}.A"])
            adapter.B.copy_(shipped[f"{name}.B"])
        unmerged.eval()
        batch = semantic.pair_batch(tokenizer, [(LICENCE, GOOD)], max_length=encoder.max_length)
        pooled = semantic.mean_pooled(unmerged, batch)
        on_the_fly = float((pooled @ shipped["head.weight"].T + shipped["head.bias"]).squeeze())
    assert encoder.logit(LICENCE, GOOD) == pytest.approx(on_the_fly, abs=1e-3)


@pytest.mark.parametrize("model", ["encoder", "float_encoder"])
def test_the_traced_model_gives_the_eager_models_logits(model, request):
    """TorchScript is only for speed: pairs of other lengths than the one it was traced on, alone
    or padded together in one batch, read exactly as eager PyTorch reads them."""
    import torch

    ce = request.getfixturevalue(model)
    pairs = [(LICENCE, GOOD), (LICENCE, OFF_TOPIC), ("Why?", "Because."), (LICENCE * 6, GOOD * 6)]

    def eager(some: list[tuple[str, str]]) -> list[float]:
        batch = semantic.pair_batch(ce.tokenizer, some, max_length=ce.max_length)
        with torch.inference_mode():
            pooled = semantic.mean_pooled(ce.encoder, batch)
        return (pooled @ ce.head_weight.T + ce.head_bias).squeeze(-1).tolist()

    assert ce.logits(pairs) == pytest.approx(eager(pairs), abs=1e-5)  # int8: a batch shares its activation scale
    assert [ce.logit(q, r) for q, r in pairs] == pytest.approx([eager([p])[0] for p in pairs], abs=1e-5)


def test_it_prefers_the_answer_to_the_chatter(encoder, float_encoder):
    assert encoder.logit(LICENCE, GOOD) > encoder.logit(LICENCE, OFF_TOPIC)
    # Batched and one-by-one scoring agree in float32 (int8 quantises each batch's activations as a whole).
    batched = float_encoder.logits([(LICENCE, GOOD), (LICENCE, OFF_TOPIC)])
    singly = [float_encoder.logit(LICENCE, GOOD), float_encoder.logit(LICENCE, OFF_TOPIC)]
    assert batched == pytest.approx(singly, abs=1e-3)


def test_the_int8_model_reads_like_the_float_one(encoder, float_encoder):
    """Quantisation makes the forward pass ~2.5x cheaper; it must not change what the model thinks."""
    pairs = [
        (LICENCE, GOOD),
        (LICENCE, OFF_TOPIC),
        (LICENCE, "Ask at the traffic department, they renew it the same day with your QID."),
        ("Quel est le meilleur quartier pour une famille à Doha ?", "Al Waab: des écoles, des parcs, calme."),
        ("Best beach near Doha for kids?", "Sealine beach, shallow water, but go early because of the heat."),
    ]
    quantised = [encoder.logit(q, r) for q, r in pairs]
    exact = [float_encoder.logit(q, r) for q, r in pairs]
    assert quantised == pytest.approx(exact, abs=1.0)
    assert quantised != pytest.approx(exact, abs=1e-4)  # really quantised
    assert (
        sorted(range(len(pairs)), key=quantised.__getitem__)[0] == sorted(range(len(pairs)), key=exact.__getitem__)[0]
    )


def test_its_contribution_moves_the_score_and_is_named_in_the_reasons(encoder):
    pure = default_model()
    context = ReplyContext(position=3)
    alone = pure.score(question=LICENCE, reply=GOOD, context=context)
    lifted = pure.score(question=LICENCE, reply=GOOD, context=context, semantic=1.0)
    lowered = pure.score(question=LICENCE, reply=GOOD, context=context, semantic=-1.0)
    assert lowered.score < alone.score < lifted.score
    assert lifted.reasons[0] == "+semantic"
    assert next(r for r in lowered.reasons if r.startswith("-")) == "-semantic"
    assert "semantic" not in " ".join(alone.reasons)


def test_chatter_and_the_askers_own_replies_are_not_worth_the_model():
    assert worth_a_closer_read(question=LICENCE, reply=GOOD, context=ReplyContext())
    assert not worth_a_closer_read(question=LICENCE, reply=GOOD, context=ReplyContext(by_asker=True))
    assert not worth_a_closer_read(question=LICENCE, reply="+1", context=ReplyContext())
    assert not worth_a_closer_read(question=LICENCE, reply="🙏", context=ReplyContext())


PERMIS = "Où renouveler mon permis de conduire, et avec quels documents ?"
BON = "À la préfecture, sur rendez-vous, avec votre pièce d'identité, l'ancien permis et une photo récente."


def test_french_is_not_for_the_cross_encoder(encoder):
    """The base model reads English: on French it marks good answers down, so it does not read them
    (the multilingual reading does: tests/app/relevance/test_reading.py)."""
    assert encoder.contribution(PERMIS, BON) < 0 < encoder.contribution(LICENCE, GOOD)  # why
    assert worth_a_closer_read(question=PERMIS, reply=BON, context=ReplyContext())  # an answer all the same
    assert not english_pair(question=PERMIS, reply=BON)
    assert not english_pair(question=LICENCE, reply=BON)
    assert not english_pair(question=PERMIS, reply=GOOD.replace("Go to", "Allez à"))
    for short in ("Try the traffic department.", "Ask HR", "https://example.com/licence renewal"):
        assert english_pair(question=LICENCE, reply=short)  # unknown → English


def test_the_setting_chooses_the_model():
    assert load_settings({}).text_models == "multilingual"  # the light default: numpy, no torch
    assert load_settings({"CERCLE_RELEVANCE_MODEL": "auto"}).text_models == "semantic"  # the heaviest installed
    assert load_settings({"CERCLE_RELEVANCE_MODEL": "pure"}).text_models == "pure"
    assert load_settings({"CERCLE_RELEVANCE_MODEL": "Semantic"}).text_models == "semantic"
    assert load_settings({"CERCLE_RELEVANCE_MODEL": "multilingual"}).text_models == "multilingual"
    with pytest.raises(ConfigError, match="CERCLE_RELEVANCE_MODEL"):
        load_settings({"CERCLE_RELEVANCE_MODEL": "bert"})


async def test_the_worker_side_matcher_loads_once_and_weights_the_logit(encoder):
    matcher = TextRelevance(models="semantic")
    first = await matcher.warm_up()
    assert await matcher.warm_up() is first
    assert first.semantic is not None and first.multilingual is not None and first.blend is not None
    reading = await matcher.reading(question=LICENCE, reply=GOOD)
    assert not reading.off_topic and reading.replaces_wording
    # with the multilingual extra installed, the two models' logits at the weights chosen on dev
    blend = first.blend
    expected = (
        blend["blend_weight"] * encoder.logit(LICENCE, GOOD, max_length=blend["max_length"])
        + blend["answer_model_weight"]
        * first.multilingual.answer(LICENCE, GOOD, read_chars=blend["reply_read_chars"]).centred_logit
    )
    assert reading.contribution == pytest.approx(expected, abs=1e-3)
    assert (await matcher.reading(question=LICENCE, reply=WEATHER)).topic_in_doubt
    assert await matcher.off_topic(question=LICENCE, reply=WEATHER)
    assert not await matcher.off_topic(question=LICENCE, reply=GOOD)


WEATHER = "The weather is nice in Paris today."
CI = "Which CI service do you use for a Python monorepo?"
ONBOARDING = "How do you onboard a new engineer in the first week?"


@pytest.mark.parametrize("question", [LICENCE, CI, ONBOARDING])
def test_the_topic_gate_caps_a_reply_about_something_else(reader, question):
    """The cross-encoder alone lets chatter like this through (it learnt what answers look like from
    threads that hold only answers to their own question); the gate keeps it out of the meeting."""
    context = ReplyContext(position=1)
    alone = default_model().score(
        question=question, reply=WEATHER, context=context, semantic=reader.encoder.contribution(question, WEATHER)
    )
    reading = reader.reading(question, WEATHER)
    assert reading.off_topic and reading.contribution is None  # not read further
    gated = default_model().score(
        question=question, reply=WEATHER, context=context, semantic=reading.contribution, off_topic=reading.off_topic
    )
    assert gated.score == 0.1 and gated.reasons[0] == "-off topic"
    assert alone.score > 0.5  # above the default threshold without the gate


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        (LICENCE, GOOD),
        (LICENCE, "Try the traffic department."),
        (LICENCE, "Ask HR"),
        (CI, "GitHub Actions with a matrix per package, works fine."),  # names the base model barely knows
        (CI, "Buildkite."),
    ],
)
def test_the_topic_gate_lets_short_and_plain_answers_through(reader, question, reply):
    reading = reader.reading(question, reply)
    assert not reading.off_topic
    assert reading.contribution == pytest.approx(reader.encoder.contribution(question, reply), abs=1e-6)


def test_each_question_is_embedded_once(reader):
    question = "Which payroll provider do you use in Germany?"
    before = reader.gate.question_vector.cache_info()
    for reply in ("Personio, 40 people, no complaints.", "DATEV through our accountant.", "Happy Friday!"):
        reader.reading(question, reply)
    after = reader.gate.question_vector.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)


def test_an_adapter_without_a_topic_gate_reads_every_reply(tmp_path, reader):
    """An adapter made before the gate (no threshold in its settings) still loads, without the gate."""
    from safetensors.torch import load_file, save_file

    settings = {k: v for k, v in reader.encoder.settings.items() if not k.startswith("topic_gate")}
    older = tmp_path / "adapter.safetensors"
    save_file(load_file(str(semantic.ADAPTER_PATH)), str(older), metadata={"settings": json.dumps(settings)})
    without_gate = semantic.SemanticReader(adapter_path=older)
    assert without_gate.gate is None
    reading = without_gate.reading(LICENCE, WEATHER)
    assert not reading.off_topic and reading.contribution == pytest.approx(
        reader.encoder.contribution(LICENCE, WEATHER), abs=1e-6
    )


def test_the_adapter_file_carries_its_settings_as_metadata():
    from safetensors import safe_open

    with safe_open(str(semantic.ADAPTER_PATH), framework="pt") as handle:
        settings = json.loads((handle.metadata() or {})["settings"])
    assert set(settings) >= {"rank", "alpha", "max_length", "blend_weight", "epoch", "dev_map_blended", "int8"}
    # The gate's threshold was chosen on dev (tools/train_semantic.py --reweigh) for the reply length read.
    assert 0 < settings["topic_gate"] < 0.1 and settings["topic_gate_tokens"] == semantic.TOPIC_READ_TOKENS
