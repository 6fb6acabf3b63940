"""Score every reply of a SemEval-format JSONL file with the shipped relevance scorer.

Prints milliseconds per reply, the baselines of the same file (chronological order, BM25),
and, as its last line, the official MAP: `MAP=<value>`.
    python bench/relevance.py [--data FILE] [--model auto|pure|multilingual|semantic] [--pred-out RUN]
The default data is bench/data/relevance/dev.jsonl. The model is the one the app would use:
`auto` takes the semantic cross-encoder when its extra is installed, else the multilingual reading
when its extra is, else the pure-Python trees alone.
Author trust comes from the training threads shipped in bench/data/relevance, as in training.
Each reply is scored alone, one core, as the worker scores it. `--pred-out` also writes the scores
as an official run file (qid, cid, 0, score, true|false), for `tools/eval_map.py --pred RUN`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from eval_map import chrono, make_bm25, mean_ap  # noqa: E402
from relevance_data import DATA, contexts, load, off_topic_picks, question_text, training_trust  # noqa: E402

from app.domain.relevance import ReplyContext, score_checking_topic, worth_a_closer_read  # noqa: E402
from app.relevance.reading import TextReader  # noqa: E402
from app.runtime.config import load_settings  # noqa: E402
from bench.harness import write_results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DATA / "dev.jsonl"))
    parser.add_argument("--model", choices=("auto", "pure", "multilingual", "semantic"), default="auto")
    parser.add_argument("--pred-out", type=Path, help="also write the scores as an official run file")
    args = parser.parse_args()
    settings = load_settings({"CERCLE_RELEVANCE_MODEL": args.model})
    models = settings.text_models  # the app's rule
    threads = load(args.data)
    trust = training_trust()
    reader = TextReader(models=models, threads=1) if models != "pure" else None
    label = reader.label if reader else "pure-Python trees"

    def score(question: str, reply: str, context: ReplyContext) -> float:  # as app/usecases/judging.py does
        reading = None
        if reader is not None and worth_a_closer_read(question=question, reply=reply, context=context):
            reading = reader.reading(question, reply)
        relevance = score_checking_topic(
            question=question,
            reply=reply,
            context=context,
            semantic=reading,
            threshold=settings.relevance_threshold,
            off_topic=lambda: reader is not None and reader.off_topic(question, reply),
        )
        return relevance.score

    scores: dict[str, list[float]] = {}
    timings: list[float] = []
    question_timings: list[float] = []  # the text models embed each question once, before its replies
    slots = [contexts(q, trust, leave_out=False) for q in threads]
    for q, thread_slots in zip(threads, slots, strict=True):
        question = question_text(q)
        if reader is not None:
            started = time.perf_counter()
            reader.prepare(question)
            question_timings.append(time.perf_counter() - started)
        thread_scores = []
        for comment, context in zip(q["comments"], thread_slots, strict=True):
            started = time.perf_counter()
            thread_scores.append(score(question, comment["text"], context))
            timings.append(time.perf_counter() - started)
        scores[q["qid"]] = thread_scores
    # A good answer to another question must not reach this one's meeting: each thread gets one Good
    # reply of another thread, at that reply's position (with the delay and author record of this
    # thread's reply there), never by the asker.
    off_topic = []
    for i, other, j in off_topic_picks(threads, per_thread=1, seed=0):
        context = replace(slots[i][min(j, len(slots[i]) - 1)], by_asker=False)
        off_topic.append(score(question_text(threads[i]), threads[other]["comments"][j]["text"], context))

    cercle_map = mean_ap(threads, lambda q: scores[q["qid"]])
    if args.pred_out:
        write_run(args.pred_out, threads, scores)
    chrono_map = mean_ap(threads, chrono)
    bm25, _ = make_bm25(threads)
    bm25_map = mean_ap(threads, bm25)
    ms = [t * 1000 for t in timings]
    figures = {
        "benchmark": "relevance",
        "data": Path(args.data).name,
        "model": models,
        "replies": len(ms),
        "ms_per_reply_mean": round(statistics.fmean(ms), 3),
        "ms_per_reply_p95": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 3),
        "ms_per_reply_p99": round(sorted(ms)[int(0.99 * (len(ms) - 1))], 3),
        "ms_per_question_mean": round(1000 * statistics.fmean(question_timings), 3) if question_timings else 0.0,
        "map_cercle": round(cercle_map, 2),
        "map_chronological": round(chrono_map, 2),
        "map_bm25": round(bm25_map, 2),
        "thresholds": threshold_table(threads, scores),
        "off_topic": off_topic_table(threads, scores, off_topic),
    }
    suffix = f"-{models}" if reader else ""
    write_results(f"relevance-{Path(args.data).stem}{suffix}", figures)
    print(f"model: {label}")
    print(
        f"replies scored: {figures['replies']}  ms per reply: mean {figures['ms_per_reply_mean']}, "
        f"p95 {figures['ms_per_reply_p95']}, p99 {figures['ms_per_reply_p99']} (one core)"
    )
    if question_timings:
        print(f"plus once per question (the text models embed it): mean {figures['ms_per_question_mean']} ms")
    print(f"baselines on this file: chronological MAP {chrono_map:.2f}, BM25 MAP {bm25_map:.2f}")
    for row in figures["thresholds"]:
        print(
            f"CERCLE_RELEVANCE_THRESHOLD={row['threshold']}: {row['passed_pct']}% of replies pass, "
            f"precision {row['precision_pct']}%, recall {row['recall_pct']}% (Good replies)"
        )
    for row in figures["off_topic"]:
        print(
            f"CERCLE_RELEVANCE_THRESHOLD={row['threshold']}: {row['off_topic_passed_pct']}% of good answers to "
            f"another question pass ({row['good_passed_pct']}% of this question's Good replies)"
        )
    print(f"MAP={cercle_map:.2f}")


def threshold_table(threads: list[dict], scores: dict[str, list[float]]) -> list[dict[str, float]]:
    """What each threshold would let into the live channel, against the gold labels."""
    pairs = [(score, c["relevant"]) for q in threads for c, score in zip(q["comments"], scores[q["qid"]], strict=True)]
    good = sum(relevant for _, relevant in pairs)
    rows = []
    for threshold in (0.3, 0.5, 0.7):
        passed = [relevant for score, relevant in pairs if score >= threshold]
        rows.append(
            {
                "threshold": threshold,
                "passed_pct": round(100 * len(passed) / max(1, len(pairs))),
                "precision_pct": round(100 * sum(passed) / max(1, len(passed))),
                "recall_pct": round(100 * sum(passed) / max(1, good)),
            }
        )
    return rows


def off_topic_table(
    threads: list[dict], scores: dict[str, list[float]], off_topic: list[float]
) -> list[dict[str, float]]:
    """How often an answer to something else would reach the meeting, beside the real answers (nothing
    when no two threads have a Good reply to trade)."""
    if not off_topic:
        return []
    good = [score for q in threads for c, score in zip(q["comments"], scores[q["qid"]], strict=True) if c["relevant"]]
    return [
        {
            "threshold": threshold,
            "off_topic_passed_pct": round(100 * sum(s >= threshold for s in off_topic) / max(1, len(off_topic))),
            "good_passed_pct": round(100 * sum(s >= threshold for s in good) / max(1, len(good))),
        }
        for threshold in (0.3, 0.5, 0.7)
    ]


def write_run(path: Path, threads: list[dict], scores: dict[str, list[float]]) -> None:
    lines = [
        f"{q['qid']}\t{c['cid']}\t0\t{score!r}\t{'true' if score >= 0.5 else 'false'}"
        for q in threads
        for c, score in zip(q["comments"], scores[q["qid"]], strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
