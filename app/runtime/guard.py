"""Slow and greedy clients are cut off: a connection that completes no request within
``header_timeout_s`` is closed (a client that never finishes its headers, or keeps a connection idle),
a body that does not arrive within ``body_timeout_s`` gets 408, and past ``max_connections`` a new
connection is closed at once. aiohttp's server has no such timeouts of its own.

The guard wraps the protocol factory of the web's listening socket and watches each connection
through the public ``request.protocol``: a timer per connection checks that it completed a request
since the last check, or is in the middle of one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from app.runtime.logs import get_logger

log = get_logger("app.guard")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class ConnectionGuard:
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    max_connections: int = 1000
    # aiohttp's RequestHandler takes no weak reference: closed connections are forgotten by hand.
    # A handler gets its transport a turn of the loop after it is made: until then it counts as open.
    _open: dict[RequestHandler, float] = field(default_factory=dict)  # → when it was made
    _busy: dict[RequestHandler, int] = field(default_factory=dict)
    _done: dict[RequestHandler, int] = field(default_factory=dict)
    cut: int = 0  # connections closed by the guard, for the logs and the tests

    def factory(self, make: Callable[[], RequestHandler]) -> Callable[[], RequestHandler]:
        """The listening socket's protocol factory, guarded."""

        def guarded() -> RequestHandler:
            handler = make()
            loop = asyncio.get_running_loop()
            self._forget_closed()
            over = len(self._open) >= self.max_connections
            self._open[handler] = loop.time()
            if over:
                loop.call_soon(self._cut, handler, "too_many_connections")
            else:
                loop.call_later(self.header_timeout_s, self._check, handler, 0)
            return handler

        return guarded

    def _forget_closed(self) -> None:
        for handler in [h for h in {*self._open, *self._busy, *self._done} if self._closed(h)]:
            self._open.pop(handler, None)
            self._busy.pop(handler, None)
            self._done.pop(handler, None)

    def _closed(self, handler: RequestHandler) -> bool:
        transport = handler.transport
        if transport is None:  # not connected yet (made less than a second ago), or gone
            return asyncio.get_running_loop().time() - self._open.get(handler, 0.0) > 1.0
        return transport.is_closing()

    def _check(self, handler: RequestHandler, seen: int) -> None:
        if self._closed(handler):
            return  # closed by the client or by aiohttp meanwhile
        done = self._done.get(handler, 0)
        if self._busy.get(handler, 0) == 0 and done == seen:
            self._cut(handler, "no_request_in_time")
            return
        asyncio.get_running_loop().call_later(self.header_timeout_s, self._check, handler, done)

    def _cut(self, handler: RequestHandler, why: str, tries: int = 3) -> None:
        if handler.transport is None and tries > 0:  # accepted, not yet connected: once it is
            asyncio.get_running_loop().call_soon(self._cut, handler, why, tries - 1)
            return
        self.cut += 1
        log.warning("http.connection_cut", why=why, open=len(self._open))
        handler.force_close()
        if handler.transport is not None:
            handler.transport.close()

    def middleware(self) -> Any:
        @web.middleware
        async def watched(request: web.Request, handler: Handler) -> web.StreamResponse:
            protocol = request.protocol
            self._busy[protocol] = self._busy.get(protocol, 0) + 1
            try:
                return await handler(request)
            finally:
                self._busy[protocol] = self._busy.get(protocol, 1) - 1
                self._done[protocol] = self._done.get(protocol, 0) + 1

        return watched

    async def read_body(self, request: web.Request) -> bytes:
        """The request's body within ``body_timeout_s``; 408 for a client that stops sending, 413 at
        once for one that announces more than the app accepts."""
        if request.content_length is not None and request.content_length > request.client_max_size:
            raise web.HTTPRequestEntityTooLarge(max_size=request.client_max_size, actual_size=request.content_length)
        try:
            return await asyncio.wait_for(request.read(), self.body_timeout_s)
        except TimeoutError:
            log.warning("http.body_too_slow", route=request.path)
            raise web.HTTPRequestTimeout(text="the request's body did not arrive in time") from None
