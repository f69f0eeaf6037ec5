"""Servers built and served by a child process, so a benchmark measures only its own process.

``with ChildServer(setup, "fakes") as ready:`` spawns a child (the multiprocessing "spawn"
context: a fresh interpreter, nothing of the benchmark's heap) that enters ``setup()``, an
async context manager yielding ``(ready, queries)``. ``ready`` (URLs, credentials) is sent
back once the servers listen; ``queries`` maps a name to a function the child calls when the
benchmark asks that name (``server.ask("requests")``), sending back its result. The child
waits for the next question on the pipe's file descriptor (``loop.add_reader``: no thread, no
busy loop), so between questions its servers answer as they would alone. Any other message,
or the benchmark going away, ends the child; leaving the ``with`` stops it (30 s, then
killed). A child that dies before it is ready is a :class:`RuntimeError`.

``setup`` is sent to the child, so it must be picklable: a module-level function, or a
:func:`functools.partial` of one (its arguments picklable too).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Queries = Mapping[str, Callable[[], Any]]
Setup = Callable[[], AbstractAsyncContextManager[tuple[T, Queries]]]

STOP = "stop"


class ChildServer(Generic[T]):
    """``setup``'s servers in a child process (see the module docstring)."""

    def __init__(self, setup: Setup[T], name: str = "fake servers", *,
                 timeout: float = 30) -> None:
        self.name, self.timeout = name, timeout
        context = multiprocessing.get_context("spawn")
        self._conn, self._child = context.Pipe()
        self._process = context.Process(target=_child, args=(self._child, setup), daemon=True)

    def __enter__(self) -> T:
        self._process.start()
        self._child.close()  # the child's end lives on in the child alone: EOF once it dies
        try:
            ready: T = self._conn.recv()
        except EOFError:
            self._stop()
            raise RuntimeError(f"the {self.name} did not start (child exit code "
                               f"{self._process.exitcode})") from None
        return ready

    def ask(self, query: str) -> Any:
        """The child's answer to ``query`` (one of its ``queries``)."""
        self._conn.send(query)
        try:
            return self._conn.recv()
        except EOFError:
            raise RuntimeError(f"the {self.name} stopped before answering {query!r}") from None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(STOP)
        self._process.join(self.timeout)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()


def _child(conn: Connection, setup: Setup[Any]) -> None:
    asyncio.run(_serve(conn, setup))


async def _serve(conn: Connection, setup: Setup[Any]) -> None:
    async with setup() as (ready, queries):
        conn.send(ready)
        while (query := await _next(conn)) in queries:
            conn.send(queries[query]())


async def _next(conn: Connection) -> str:
    """The next message, awaited on the pipe's descriptor; :data:`STOP` once the benchmark
    is gone."""
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()

    def ready() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(conn.fileno(), ready)
    try:
        await readable
    finally:
        loop.remove_reader(conn.fileno())
    try:
        message: str = conn.recv()
    except EOFError:
        return STOP
    return message
