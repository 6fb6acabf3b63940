"""Prometheus metrics, one registry per process (and per test app)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "cercle_http_requests", "HTTP requests served", ["route", "status"], registry=self.registry
        )
        self.asks = Counter("cercle_asks", "Questions asked with /ask", ["platform", "outcome"], registry=self.registry)
        self.errors = Counter("cercle_errors", "Errors by kind", ["kind"], registry=self.registry)
        self.queue_depth = Gauge("cercle_job_queue_depth", "Jobs waiting or running", registry=self.registry)
        self.scheduled = Gauge("cercle_jobs_scheduled", "Jobs scheduled for later", registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
