#!/usr/bin/env python3
"""MAP for SemEval-2016/2017 Task 3 subtask A (question-comment relevance).

The metric follows the official scorer (MAP_scripts/ev.py + metrics.py,
scorer v2.2 / v2.3, run with its default options):
  * a comment is relevant iff its gold label is Good ("true" in .relevancy);
  * per question, comments are sorted by system score, descending, with a
    stable sort, so ties keep the gold-file order (chronological C1..C10);
  * only the top th=10 are looked at;
    AP = mean of precision@k over the ranks k holding a relevant comment;
  * MAP = sum(AP) / number of questions.  With the scorer's default options
    (no --ignore_noanswer), questions with no Good comment stay in the
    denominator with AP = 0.  The --ignore_noanswer variant (drop them) is
    printed as well.  Check the numbers against the task paper before
    choosing one.

Standard library only.  BM25 uses rank_bm25 if it can be imported; otherwise a
built-in Okapi BM25 is used.

Usage:
  python3 eval_map.py [--data ../data/relevance/dev.jsonl]
  python3 eval_map.py --data X.jsonl --pred system.pred   # official pred format:
        qid <tab> cid <tab> rank <tab> score <tab> true|false
"""

import argparse
import json
import math
import os
import random
import re
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
TH = 10

STOP = set(
    """a an the and or but if of to in on at by for with from as is are was were be
been being it its this that these those i you he she we they me him her us them my your his our
their what which who whom do does did doing have has had having not no so than too very can will
just would should could there here about into over also any some all more most other such only
own same then once am s t don""".split()
)


# ---------------------------------------------------------------- metric ---
def average_precision(rels, th=TH):
    """rels: list of bools in ranked order (official metrics.map, one query)."""
    precisions, correct = [], 0
    for i, r in enumerate(rels[:th]):
        if r:
            correct += 1
            precisions.append(correct / (i + 1))
    return sum(precisions) / len(precisions) if precisions else 0.0


def rank(comments, scores):
    """Stable sort by score desc, as the official scorer (ties keep file order)."""
    order = sorted(range(len(comments)), key=lambda i: scores[i], reverse=True)
    return [comments[i]["relevant"] for i in order]


def mean_ap(data, score_fn, ignore_noanswer=False, th=TH):
    aps = []
    for q in data:
        if ignore_noanswer and not any(c["relevant"] for c in q["comments"]):
            continue
        aps.append(average_precision(rank(q["comments"], score_fn(q)), th))
    return 100.0 * sum(aps) / len(aps)


def mrr(data, score_fn, th=TH):
    tot = 0.0
    for q in data:
        for i, r in enumerate(rank(q["comments"], score_fn(q))[:th]):
            if r:
                tot += 1.0 / (i + 1)
                break
    return 100.0 * tot / len(data)


# -------------------------------------------------------------- baselines ---
def tokens(text):
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP]


def qtext(q):
    return q["question_subject"] + " " + q["question_body"]


def chrono(q):
    # the official "IR baseline" of subtask A: score 1/rank in original order
    return [1.0 / (i + 1) for i in range(len(q["comments"]))]


def make_random(seed):
    rng = random.Random(seed)
    return lambda q: [rng.random() for _ in q["comments"]]


def make_tfidf(data):
    """Cosine of TF-IDF vectors (log tf, smoothed idf fitted on the eval file)."""
    docs = [tokens(qtext(q)) for q in data] + [tokens(c["text"]) for q in data for c in q["comments"]]
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + v)) + 1.0 for w, v in df.items()}

    def vec(toks):
        tf = Counter(toks)
        v = {w: (1 + math.log(k)) * idf.get(w, 0.0) for w, k in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    def score(q):
        qv = vec(tokens(qtext(q)))
        out = []
        for c in q["comments"]:
            cv = vec(tokens(c["text"]))
            out.append(sum(x * cv.get(w, 0.0) for w, x in qv.items()))
        return out

    return score


def make_bm25(data, k1=1.5, b=0.75):
    """BM25 with the question as query; corpus = all comments in the file."""
    corpus = [tokens(c["text"]) for q in data for c in q["comments"]]
    offsets, o = {}, 0
    for q in data:
        offsets[q["qid"]] = o
        o += len(q["comments"])
    try:
        from rank_bm25 import BM25Okapi

        bm = BM25Okapi(corpus, k1=k1, b=b)
        impl = "rank_bm25.BM25Okapi"

        def score(q):
            s = offsets[q["qid"]]
            ids = list(range(s, s + len(q["comments"])))
            return [float(x) for x in bm.get_batch_scores(tokens(qtext(q)), ids)]
    except ImportError:
        impl = "built-in Okapi BM25"
        n = len(corpus)
        avgdl = sum(map(len, corpus)) / n
        df = Counter(w for d in corpus for w in set(d))
        idf = {w: math.log((n - v + 0.5) / (v + 0.5) + 1.0) for w, v in df.items()}
        tfs = [Counter(d) for d in corpus]

        def score(q):
            s, qt = offsets[q["qid"]], tokens(qtext(q))
            out = []
            for j in range(s, s + len(q["comments"])):
                tf, dl = tfs[j], len(corpus[j])
                out.append(
                    sum(
                        idf.get(w, 0.0) * tf[w] * (k1 + 1) / (tf[w] + k1 * (1 - b + b * dl / avgdl))
                        for w in qt
                        if w in tf
                    )
                )
            return out

    return score, impl


def make_pred(path):
    """Scores from a prediction file in the official format."""
    sc = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            t = line.split()
            sc[t[1]] = float(t[3])
    return lambda q: [sc[c["cid"]] for c in q["comments"]]


# ------------------------------------------------------------------- main ---
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "..", "data", "relevance", "dev.jsonl"))
    ap.add_argument("--pred", action="append", default=[], help="official-format prediction file(s) to score")
    ap.add_argument("--random_seeds", type=int, default=100)
    a = ap.parse_args()
    data = [json.loads(l) for l in open(a.data, encoding="utf-8") if l.strip()]
    nq = len(data)
    nog = sum(1 for q in data if not any(c["relevant"] for c in q["comments"]))
    print(
        "data: %s  questions=%d comments=%d  questions without Good=%d"
        % (os.path.basename(a.data), nq, sum(len(q["comments"]) for q in data), nog)
    )
    print("%-46s %8s %8s %8s" % ("system", "MAP", "MAP*", "MRR"))
    print("  (MAP = official default, all questions; MAP* = --ignore_noanswer)")

    def row(name, fn):
        print("%-46s %8.2f %8.2f %8.2f" % (name, mean_ap(data, fn), mean_ap(data, fn, True), mrr(data, fn)))

    row("(a) chronological order (official IR baseline)", chrono)
    row("(b) random, seed 0", make_random(0))
    ms = [(mean_ap(data, make_random(s)), mean_ap(data, make_random(s), True)) for s in range(a.random_seeds)]
    print(
        "%-46s %8.2f %8.2f"
        % (
            "(b) random, mean of %d seeds" % a.random_seeds,
            sum(m for m, _ in ms) / len(ms),
            sum(m for _, m in ms) / len(ms),
        )
    )
    row("(c) TF-IDF cosine(question, comment)", make_tfidf(data))
    bm, impl = make_bm25(data)
    row("(d) BM25 (%s)" % impl, bm)
    row("    oracle (gold order)", lambda q: [float(c["relevant"]) for c in q["comments"]])
    for p in a.pred:
        row("pred: " + os.path.basename(p)[-40:], make_pred(p))


if __name__ == "__main__":
    main()
