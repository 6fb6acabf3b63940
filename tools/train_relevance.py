"""Learn the relevance model shipped as app/domain/relevance_model.json. Reproducible:
    python tools/train_relevance.py            # fit on the train sets, choose on dev, write the model
The data is SemEval-2016 Task 3 subtask A (bench/data/relevance/); dev is used only to choose
the regularisation and report MAP. Needs numpy (the `train` extra); the app does not.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from eval_map import mean_ap  # noqa: E402  (the official metric)
from relevance_data import TRAIN_FILES, TrustTable, contexts, load, off_topic_picks, question_text  # noqa: E402

from app.domain.relevance import MODEL_PATH, RelevanceModel, tokens, wording  # noqa: E402

WORDING_MIN_REPLIES = 5  # a word (pair) must appear in this many training replies to get a weight
SEED = 0
WORDING_C = 0.1
MONOTONE_INCREASING = {"trust"}
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


def off_topic_rows(
    model: RelevanceModel, threads: list[dict], trust: TrustTable, wording_scores: np.ndarray, per_thread: int
) -> np.ndarray:
    """Good replies of other threads under each question, in the place of one of its replies."""
    rng = random.Random(SEED)
    first_row = np.cumsum([0] + [len(q["comments"]) for q in threads])
    rows = []
    for i, other, j in off_topic_picks(threads, per_thread=per_thread, seed=SEED):
        ctx = replace(rng.choice(contexts(threads[i], trust, leave_out=True)), by_asker=False)
        values = model.features(
            question=question_text(threads[i]), reply=threads[other]["comments"][j]["text"], context=ctx
        )
        rows.append([values[name] for name in FEATURES] + [wording_scores[first_row[other] + j]])
    return np.array(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--off-topic", type=int, default=0, metavar="N",
        help="also fit on N good replies of other threads per question, as not answering it (not shipped: README)",
    )  # fmt: skip
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
    threads_of_rows = np.array([i for i, q in enumerate(train) for _ in q["comments"]])
    vectorizer = CountVectorizer(analyzer=wording, min_df=WORDING_MIN_REPLIES, binary=True)
    w_train = vectorizer.fit_transform([c["text"] for q in train for c in q["comments"]])
    w_dev = vectorizer.transform([c["text"] for q in dev for c in q["comments"]])

    # 1. The wording score, out of fold on the training threads so the trees see honest values.
    out_of_fold = np.zeros(len(y_train))
    for fit_rows, held_rows in GroupKFold(n_splits=5).split(w_train, y_train, threads_of_rows):
        fold_model = LogisticRegression(C=WORDING_C, max_iter=5000).fit(w_train[fit_rows], y_train[fit_rows])
        out_of_fold[held_rows] = fold_model.decision_function(w_train[held_rows])
    words = LogisticRegression(C=WORDING_C, max_iter=5000).fit(w_train, y_train)
    x_train = np.hstack([x_train, out_of_fold[:, None]])
    prior_shift = 0.0
    if args.off_topic:
        real_log_odds = math.log(y_train.mean() / (1 - y_train.mean()))
        off_topic = off_topic_rows(extractor, train, trust, out_of_fold, args.off_topic)
        x_train, y_train = np.vstack([x_train, off_topic]), np.concatenate([y_train, np.zeros(len(off_topic))])
        # They lower the share of Good rows: shift the trees' base back, so that a score still reads as
        # the chance that a reply to this question is Good and the thresholds keep their meaning.
        prior_shift = real_log_odds - math.log(y_train.mean() / (1 - y_train.mean()))
    x_dev = np.hstack([x_dev, words.decision_function(w_dev)[:, None]])
    names = [*FEATURES, "wording"]

    # 2. A linear model over the same inputs, for the reasons shown with each score.
    means, scales = x_train.mean(axis=0), x_train.std(axis=0)
    scales[scales == 0] = 1.0
    linear = LogisticRegression(C=1.0, max_iter=5000).fit((x_train - means) / scales, y_train)

    def dev_map(scores: np.ndarray) -> float:
        it = iter(scores)
        per_thread = {q["qid"]: [float(next(it)) for _ in q["comments"]] for q in dev}
        return mean_ap(dev, lambda q: per_thread[q["qid"]])

    print(f"linear (reasons) dev MAP {dev_map(linear.decision_function((x_dev - means) / scales)):.2f}")

    # 3. The trees that give the score, chosen on dev among a few sizes. A better record never
    # lowers a score: without that constraint the trees read exact trust values as author
    # fingerprints (the score jumped up and down as trust rose), which no live author record matches.
    increasing = [1 if name in MONOTONE_INCREASING else 0 for name in names]
    best = None
    for leaves in (11, 15):
        for rounds in (100, 150, 200, 250):
            trees = HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=rounds,
                max_leaf_nodes=leaves,
                l2_regularization=1.0,
                monotonic_cst=increasing,
                random_state=SEED,
            ).fit(x_train, y_train)
            score = dev_map(trees.predict_proba(x_dev)[:, 1])
            print(f"trees leaves={leaves} rounds={rounds}: dev MAP {score:.2f}")
            if best is None or score > best[0]:
                best = (score, leaves, rounds, trees)
    assert best is not None
    dev_score, leaves, rounds, trees = best
    exported = [
        [[int(n["feature_idx"]), round(float(n["num_threshold"]), 6), int(n["left"]), int(n["right"]),
          round(float(n["value"]), 6), int(n["is_leaf"])] for n in predictor.nodes]
        for (predictor,) in trees._predictors
    ]  # fmt: skip
    vocabulary = vectorizer.get_feature_names_out()
    wording_weights = {
        str(term): round(float(w), 4) for term, w in zip(vocabulary, words.coef_[0], strict=True) if abs(w) >= 0.005
    }
    params = {
        "_about": "Logistic relevance model; made by tools/train_relevance.py from SemEval-2016 Task 3 "
        "(train, train_extra2015, train_extra2015_dev); regularisation chosen on dev.",
        "dev_map": round(dev_score, 2),
        "trees_shape": {"leaves": leaves, "rounds": rounds, "learning_rate": 0.05},
        "trust_prior": round(trust.prior, 4),
        "features": names,
        "weights": [round(float(w), 5) for w in linear.coef_[0]],
        "bias": round(float(linear.intercept_[0]), 5),
        "means": [round(float(m), 5) for m in means],
        "scales": [round(float(s), 5) for s in scales],
        "default_idf": default_idf,
        "wording": dict(sorted(wording_weights.items())),
        "wording_bias": round(float(words.intercept_[0]), 5),
        "tree_features": names,
        "tree_base": round(float(np.ravel(trees._baseline_prediction)[0]) + prior_shift, 6),
        "trees": exported,
        "idf": dict(sorted(idf.items())),
    }
    args.out.write_text(json.dumps(params, separators=(",", ":")) + "\n")
    size_kib = args.out.stat().st_size // 1024
    print(f"chose trees of {leaves} leaves x {rounds}: dev MAP {dev_score:.2f}; wrote {args.out} ({size_kib} KiB)")
    for name, weight in sorted(zip(names, linear.coef_[0], strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:<16} {weight:+.3f}")


if __name__ == "__main__":
    main()
