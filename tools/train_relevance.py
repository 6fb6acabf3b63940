"""Learn the relevance model shipped as app/domain/relevance_model.json. Reproducible:
    python tools/train_relevance.py            # fit on the train sets, choose on dev, write the model
The data is SemEval-2016 Task 3 subtask A (bench/data/relevance/); dev is used only to choose
the regularisation and report MAP. Needs numpy (the `train` extra); the app does not.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from eval_map import mean_ap  # noqa: E402  (the official metric)
from relevance_data import TRAIN_FILES, TrustTable, contexts, load, question_text  # noqa: E402

from app.domain.relevance import MODEL_PATH, RelevanceModel, tokens, wording  # noqa: E402

WORDING_MIN_REPLIES = 5  # a word (pair) must appear in this many training replies to get a weight
SEED = 0
FEATURES = [
    "cosine", "overlap", "rare_overlap", "log_length", "short", "long", "question_mark", "asks_back", "thanks",
    "agreement_only", "laugh", "url", "url_only", "no_letters", "number", "exclamations", "mention",
    "log_position", "first", "log_minutes", "by_asker", "trust", "repeat_author",
]  # fmt: skip


def idf_table(threads: list[dict]) -> tuple[dict[str, float], float]:
    docs = [set(tokens(question_text(q))) for q in threads] + [
        set(tokens(c["text"])) for q in threads for c in q["comments"]
    ]
    df = Counter(w for d in docs for w in d)
    n = len(docs)
    idf = {w: round(math.log((1 + n) / (1 + v)) + 1.0, 3) for w, v in df.items() if v >= 2}
    return idf, round(math.log(1 + n) + 1.0, 3)


def matrix(
    model: RelevanceModel, threads: list[dict], trust: TrustTable, leave_out: bool
) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for q in threads:
        question = question_text(q)
        for c, ctx in zip(q["comments"], contexts(q, trust, leave_out=leave_out), strict=True):
            values = model.features(question=question, reply=c["text"], context=ctx)
            rows.append([values[name] for name in FEATURES])
            labels.append(1.0 if c["relevant"] else 0.0)
    return np.array(rows), np.array(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    train = [q for name in TRAIN_FILES for q in load(name)]
    dev = load("dev.jsonl")
    idf, default_idf = idf_table(train)
    neutral = {
        "features": FEATURES,
        "weights": [0.0] * len(FEATURES),
        "bias": 0.0,
        "means": [0.0] * len(FEATURES),
        "scales": [1.0] * len(FEATURES),
        "idf": idf,
        "default_idf": default_idf,
    }
    extractor = RelevanceModel(neutral)
    trust = TrustTable(train)
    x_train, y_train = matrix(extractor, train, trust, leave_out=True)
    x_dev, _ = matrix(extractor, dev, trust, leave_out=False)
    means, scales = x_train.mean(axis=0), x_train.std(axis=0)
    scales[scales == 0] = 1.0
    z_train, z_dev = (x_train - means) / scales, (x_dev - means) / scales
    vectorizer = CountVectorizer(analyzer=wording, min_df=WORDING_MIN_REPLIES, binary=True)
    w_train = vectorizer.fit_transform([c["text"] for q in train for c in q["comments"]])
    w_dev = vectorizer.transform([c["text"] for q in dev for c in q["comments"]])
    design_train = hstack([csr_matrix(z_train), w_train]).tocsr()
    design_dev = hstack([csr_matrix(z_dev), w_dev]).tocsr()
    dense = len(FEATURES)

    best = None
    for c in (0.01, 0.02, 0.03, 0.05, 0.1, 0.3):
        model = LogisticRegression(C=c, max_iter=5000, random_state=SEED).fit(design_train, y_train)
        scores = iter(model.decision_function(design_dev))
        per_thread = {q["qid"]: [float(next(scores)) for _ in q["comments"]] for q in dev}
        dev_map = mean_ap(dev, lambda q, s=per_thread: s[q["qid"]])
        print(f"C={c:<5} dev MAP {dev_map:.2f}")
        if best is None or dev_map > best[0]:
            best = (dev_map, c, model)
    assert best is not None
    dev_map, c, model = best
    coefficients = model.coef_[0]
    weights, bias = coefficients[:dense], float(model.intercept_[0])
    vocabulary = vectorizer.get_feature_names_out()
    wording_weights = {
        str(term): round(float(w), 4)
        for term, w in zip(vocabulary, coefficients[dense:], strict=True)
        if abs(w) >= 0.005
    }
    params = {
        "_about": "Logistic relevance model; made by tools/train_relevance.py from SemEval-2016 Task 3 "
        "(train, train_extra2015, train_extra2015_dev); regularisation chosen on dev.",
        "dev_map": round(dev_map, 2),
        "C": c,
        "trust_prior": round(trust.prior, 4),
        "features": FEATURES,
        "weights": [round(float(w), 5) for w in weights],
        "bias": round(bias, 5),
        "means": [round(float(m), 5) for m in means],
        "scales": [round(float(s), 5) for s in scales],
        "default_idf": default_idf,
        "wording": dict(sorted(wording_weights.items())),
        "idf": dict(sorted(idf.items())),
    }
    args.out.write_text(json.dumps(params, separators=(",", ":")) + "\n")
    print(f"chose C={c}: dev MAP {dev_map:.2f}; wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    for name, weight in sorted(zip(FEATURES, weights, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:<16} {weight:+.3f}")


if __name__ == "__main__":
    main()
