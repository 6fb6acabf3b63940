"""Work a web process still does after acknowledging a request (Bolt runs a listener after its
``ack()``): a stopping process lets it finish, so a deploy does not cut an /ask in half (its root
posted, the topic never stored, the partners never asked)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from app.runtime.logs import get_logger

log = get_logger("app.runtime.inflight")

Listener = TypeVar("Listener", bound=Callable[..., Awaitable[Any]])

LISTENER_START_TURNS = 20
DRAIN_S = 10.0  # within the 30 s most platforms leave between SIGTERM and SIGKILL


_REQUEST_LISTENERS: contextvars.ContextVar[list[asyncio.Future[None]] | None] = contextvars.ContextVar(
    "request_listeners", default=None
)


@contextlib.contextmanager
def listeners_of_this_request() -> Iterator[list[asyncio.Future[None]]]:
    """How the tracked listeners Bolt starts for one request end (their tasks inherit this context):
    each future is done when its listener is, with its exception (Bolt's own task swallows it)."""
    started: list[asyncio.Future[None]] = []
    token = _REQUEST_LISTENERS.set(started)
    try:
        yield started
    finally:
        _REQUEST_LISTENERS.reset(token)


async def first_failure(outcomes: list[asyncio.Future[None]], *, within_s: float) -> str | None:
    """Why the first listener that ended within ``within_s`` failed, if one did; past that time the
    rest are left to finish on their own. Bolt starts a listener's task without waiting for it: a few
    turns of the loop let it begin (an event no listener takes never adds one)."""
    for _ in range(LISTENER_START_TURNS):
        if outcomes:
            break
        await asyncio.sleep(0)
    if not outcomes:
        return None
    done, _ = await asyncio.wait(outcomes, timeout=within_s)
    for outcome in done:
        if outcome.cancelled():
            return "cancelled"
        if outcome.exception() is not None:
            return repr(outcome.exception())[:200]
    return None


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
            outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            outcome.add_done_callback(lambda done: done.cancelled() or done.exception())  # read, even if nobody waits
            request = _REQUEST_LISTENERS.get()
            if request is not None:
                request.append(outcome)
            try:
                result = await listener(**kwargs)
            except asyncio.CancelledError:
                outcome.cancel()
                raise
            except Exception as error:
                outcome.set_exception(error)
                raise
            else:
                outcome.set_result(None)
                return result
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

    def spawn(self, work: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Run ``work`` after the response, tracked like a listener; its failure is logged, not lost."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.warning("web.after_ack_failed", task=name, error=repr(finished.exception())[:200])

        task.add_done_callback(done)
        return task
