"""Prometheus metrics, one registry per process (and per test app).

Some counts are made in the worker, which serves no HTTP: those are kept in Redis (app/store/counters.py)
and read before each scrape of the web's /metrics, where they add to the web's own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector


class _Count:
    def __init__(self, values: dict[tuple[str, ...], float], labels: tuple[str, ...]) -> None:
        self._values, self._labels = values, labels

    def inc(self, amount: float = 1.0) -> None:
        self._values[self._labels] += amount


class SharedCounter(Collector):
    """A counter whose total is this process's counts plus those every process left in Redis."""

    def __init__(self, name: str, documentation: str, labels: list[str]) -> None:
        self._name, self._documentation, self._labels = name, documentation, labels
        self.local: dict[tuple[str, ...], float] = defaultdict(float)
        self.shared: dict[tuple[str, ...], int] = {}

    def labels(self, *values: str) -> _Count:
        return _Count(self.local, values)

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(self._name, self._documentation, labels=self._labels)
        totals: dict[tuple[str, ...], float] = defaultdict(float, self.local)
        for labels, shared in self.shared.items():
            totals[labels] += shared
        for labels, total in sorted(totals.items()):
            family.add_metric(list(labels), total)
        yield family


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cercle_http_requests", "HTTP requests served", ["route", "status"], registry=self.registry
        )
        self.asks = SharedCounter("cercle_asks", "Questions asked, by outcome", ["platform", "outcome"])
        self.errors = SharedCounter("cercle_errors", "Errors by kind", ["kind"])
        self.registry.register(self.asks)
        self.registry.register(self.errors)
        self.queue_depth = Gauge("cercle_job_queue_depth", "Jobs waiting or running", registry=self.registry)
        self.scheduled = Gauge("cercle_jobs_scheduled", "Jobs scheduled for later", registry=self.registry)
        self.pending = Gauge(
            "cercle_jobs_pending", "Jobs a worker took and has not finished (or died holding)", registry=self.registry
        )
        self.dead = Gauge("cercle_jobs_dead", "Jobs given up on, kept for an operator", registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
