"""Work a web process still does after acknowledging a request (Bolt runs a listener after its
``ack()``): a stopping process lets it finish, so a deploy does not cut an /ask in half (its root
posted, the topic never stored, the partners never asked)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

Listener = TypeVar("Listener", bound=Callable[..., Awaitable[Any]])

DRAIN_S = 10.0  # within the 30 s most platforms leave between SIGTERM and SIGKILL


class InFlight:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def track(self, listener: Listener) -> Listener:
        """Wrap a listener (Bolt reads the wrapped function's parameters and passes them by name)."""

        @functools.wraps(listener)
        async def tracked(**kwargs: Any) -> Any:
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                return await listener(**kwargs)
            finally:
                if task is not None:
                    self._tasks.discard(task)

        return tracked  # type: ignore[return-value]

    @property
    def running(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    async def drain(self, *, within_s: float = DRAIN_S) -> int:
        """Wait for the listeners still running; returns how many did not finish in time."""
        pending = {task for task in self._tasks if not task.done() and task is not asyncio.current_task()}
        if pending:
            await asyncio.wait(pending, timeout=within_s)
        return self.running
