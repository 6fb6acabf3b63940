"""structlog set-up: one event name per line, bound context, JSON in production."""

from __future__ import annotations

import logging
import sys
import time

import structlog


def configure_logging(*, log_format: str | None, level: int = logging.INFO) -> None:
    """Console output on a terminal, JSON lines elsewhere unless LOG_FORMAT says otherwise."""
    fmt = log_format or ("console" if sys.stderr.isatty() else "json")
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # One write a line: the lines of web and worker, sharing a terminal under `make run`, never mix.
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    # Route the SDKs' stdlib logging through the same renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(processors=[*shared, renderer], foreign_pre_chain=shared))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("app").setLevel(level)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)  # type: ignore[no-any-return]


class EverySecond:
    """A warning per kind of refusal at most once a second: a flood of forged or broken requests must
    not flood the logs; the ones left out are counted in the next line."""

    def __init__(self, logger: structlog.stdlib.BoundLogger, **context: object) -> None:
        self._log = logger
        self._context = context
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def warn(self, event: str, **context: object) -> None:
        now = time.monotonic()
        if now - self._last.get(event, 0.0) < 1.0:
            self._skipped[event] = self._skipped.get(event, 0) + 1
            return
        self._last[event] = now
        self._log.warning(event, also_refused=self._skipped.pop(event, 0), **self._context, **context)
