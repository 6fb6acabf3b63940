"""Reading SemEval-style threads and deriving each reply's context, shared by training and the bench."""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.relevance import ReplyContext  # noqa: E402
from app.domain.trust import author_trust  # noqa: E402

DATA = ROOT / "bench" / "data" / "relevance"
TRAIN_FILES = ("train.jsonl", "train_extra2015.jsonl", "train_extra2015_dev.jsonl")


def load(path: Path | str) -> list[dict]:
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = DATA / path
    return [_complete(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _complete(thread: dict) -> dict:
    """Files converted by other hands may carry only the gold label, or lack authors and dates: the
    label decides relevance, an unknown author is nobody else, a missing date is "no time known"."""
    for key in ("question_subject", "question_body"):
        thread[key] = thread.get(key) or ""
    for index, comment in enumerate(thread["comments"]):
        comment.setdefault("cid", f"{thread['qid']}_C{index + 1}")
        comment["text"] = comment.get("text") or ""
        if "relevant" not in comment:
            comment["relevant"] = comment.get("label") == "Good"
        elif isinstance(comment["relevant"], str):
            comment["relevant"] = comment["relevant"].strip().lower() == "true"
        if not comment.get("user_id"):
            comment["user_id"] = f"unknown:{comment['cid']}"
    return thread


def question_text(q: dict) -> str:
    return f"{q['question_subject']} {q['question_body']}"


def seconds_between(a: str, b: str) -> float:
    try:
        return max(0.0, (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds())
    except ValueError:
        return 0.0


class TrustTable:
    """An author's share of Good replies in the training threads, smoothed toward the average: the
    forum's labels play the part of the votes that make an author's record in Cercle."""

    def __init__(self, threads: list[dict]) -> None:
        self.good: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        for q in threads:
            for c in q["comments"]:
                self.total[c["user_id"]] += 1
                self.good[c["user_id"]] += int(c["relevant"])
        self.prior = sum(self.good.values()) / max(1, sum(self.total.values()))

    def trust(self, user: str, exclude: dict | None = None) -> float:
        """0.5 means "as good as the average author"; ``exclude`` leaves a thread out (training rows)."""
        good, total = self.good[user], self.total[user]
        if exclude is not None:
            own = [c for c in exclude["comments"] if c["user_id"] == user]
            good -= sum(int(c["relevant"]) for c in own)
            total -= len(own)
        return author_trust(helpful=good, answers=total, prior=self.prior)


def contexts(q: dict, trust: TrustTable, *, leave_out: bool) -> list[ReplyContext]:
    seen: Counter[str] = Counter()
    out = []
    for i, c in enumerate(q["comments"]):
        out.append(
            ReplyContext(
                position=i,
                seconds_since_question=seconds_between(q.get("question_date", ""), c.get("date", "")),
                by_asker=c["user_id"] == q.get("question_user_id"),
                source_kind="forum",
                author_trust=trust.trust(c["user_id"], q if leave_out else None),
                author_previous_replies=seen[c["user_id"]],
            )
        )
        seen[c["user_id"]] += 1
    return out


def training_trust() -> TrustTable:
    return TrustTable([q for name in TRAIN_FILES for q in load(name)])


def off_topic_picks(threads: list[dict], *, per_thread: int, seed: int) -> list[tuple[int, int, int]]:
    """(thread, other thread, reply of it): Good replies of other threads to set under each question.
    The forum's threads hold only replies to their own question, so without these a model learns
    what a good answer looks like, not whether it answers this question."""
    rng = random.Random(seed)
    goods = [(i, j) for i, q in enumerate(threads) for j, c in enumerate(q["comments"]) if c["relevant"]]
    picks: list[tuple[int, int, int]] = []
    if len({i for i, _ in goods}) < 2:  # no other thread to borrow from
        return picks
    for i, q in enumerate(threads):
        for _ in range(per_thread if q["comments"] else 0):
            other, j = rng.choice(goods)
            while other == i:
                other, j = rng.choice(goods)
            picks.append((i, other, j))
    return picks


# A topic gate may cap at most this share of the Good dev replies it reads. At 1%, the MiniLM gate catches
# 31% of the good answers to another question (at 2%, 45%, but so does a short technical answer such as
# "GitHub Actions with a matrix per package": the base model knows little of tools' names).
GATE_GOOD_SHARE = 0.01


def gate_threshold(good_cosines: list[float]) -> float:
    """The cosine under which at most GATE_GOOD_SHARE of these Good replies fall, floored to 3 decimals."""
    return floored_quantile(good_cosines, share=GATE_GOOD_SHARE, decimals=3)


def floored_quantile(values: list[float], *, share: float, decimals: int) -> float:
    """The value at that share of the sorted values, floored: at most that share of them lie under it."""
    ordered = sorted(values)
    scale = 10**decimals
    return math.floor(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * scale) / scale
