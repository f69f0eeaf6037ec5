"""Faults both fakes share, decided around the work rather than before it.

The older switches of each fake (``latency``, ``error_rate``, ``drop_rate``, ...) act before a
request is handled, so the server never did the work. These act on requests the server does
handle, which is what makes a write's outcome unknown to the client:

- ``lose_rate`` / ``lose_next``: the request is handled and committed, then the connection is
  closed without the answer (the answer lost after the commit).
- ``late_by`` with ``late_rate`` / ``late_next``: the server works for ``late_by`` seconds and
  commits at the end of them, then answers (a client with a shorter timeout has given up by
  then; the work is done all the same, as a real server's worker finishes its request).
- maintenance: ``outage_next`` requests, or every request between ``outage_from`` and
  ``outage_until`` (``time.monotonic()`` values; :meth:`AfterFaults.outage_for` sets them),
  are answered ``503`` with the HTML page a server in maintenance mode sends, without any work.

Random draws use their own generator, seeded by ``after_seed`` (deterministic runs).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import attrs

T = TypeVar("T")

MAINTENANCE_PAGE = (
    "<!doctype html><html><head><title>Service Temporarily Unavailable</title></head>"
    "<body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to "
    "service your request due to maintenance downtime.</p></body></html>"
)


@attrs.define
class AfterFaults:
    """The shared switches (see the module docstring); each fake's ``Faults`` extends it."""

    lose_rate: float = 0.0
    lose_next: int = 0
    late_by: float = 0.0
    late_rate: float = 0.0
    late_next: int = 0
    outage_next: int = 0
    outage_from: float | None = None
    outage_until: float | None = None
    after_seed: int = 1
    _after_rng: random.Random | None = attrs.field(default=None, init=False, repr=False)
    _working: set[asyncio.Future[object]] = attrs.field(factory=set, init=False, repr=False)
    injected: Counter[str] = attrs.field(factory=Counter, init=False, repr=False)
    """How many requests met each shared fault: ``lost``, ``late``, ``outage``."""

    def _after_draw(self) -> float:
        if self._after_rng is None:
            self._after_rng = random.Random(self.after_seed)
        return self._after_rng.random()

    def outage_for(self, seconds: float, *, starting_in: float = 0.0) -> None:
        """Maintenance mode for ``seconds``, beginning ``starting_in`` seconds from now."""
        self.outage_from = time.monotonic() + starting_in
        self.outage_until = self.outage_from + seconds

    def in_outage(self) -> bool:
        """Whether this request meets maintenance mode (counts down ``outage_next``)."""
        if self.outage_next > 0:
            self.outage_next -= 1
            self.injected["outage"] += 1
            return True
        if self.outage_until is None:
            return False
        now = time.monotonic()
        if (self.outage_from or 0.0) <= now < self.outage_until:
            self.injected["outage"] += 1
            return True
        return False

    def late(self) -> float:
        """Seconds this request's work is held (0: answered at once)."""
        if self.late_by <= 0:
            return 0.0
        if self.late_next > 0:
            self.late_next -= 1
        elif not (self.late_rate > 0 and self._after_draw() < self.late_rate):
            return 0.0
        self.injected["late"] += 1
        return self.late_by

    def lose(self) -> bool:
        """Whether this request's answer is lost once its work is done."""
        if self.lose_next > 0:
            self.lose_next -= 1
        elif not (self.lose_rate > 0 and self._after_draw() < self.lose_rate):
            return False
        self.injected["lost"] += 1
        return True

    async def idle(self) -> None:
        """Wait until every late request has done its work (what a server's time limit
        guarantees once it has passed)."""
        while self._working:
            await asyncio.gather(*list(self._working), return_exceptions=True)

    def calm(self) -> None:
        """Turn every shared fault off (the older switches are left as they are)."""
        self.lose_rate, self.lose_next = 0.0, 0
        self.late_by, self.late_rate, self.late_next = 0.0, 0.0, 0
        self.outage_next, self.outage_from, self.outage_until = 0, None, None


def add_arguments(parser: object) -> None:
    """The shared faults as command-line options of a fake's ``main``."""
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    g = parser.add_argument_group("faults after the work (answers lost or late, maintenance)")
    g.add_argument("--lose-rate", type=float, default=0.0,
                   help="share of requests handled and committed whose answer is then lost")
    g.add_argument("--late-by", type=float, default=0.0,
                   help="seconds a late request's work takes (it commits at the end)")
    g.add_argument("--late-rate", type=float, default=0.0,
                   help="share of requests that are late by --late-by seconds")
    g.add_argument("--outage-after", type=float, default=None,
                   help="seconds after start when maintenance mode begins")
    g.add_argument("--outage-for", type=float, default=0.0,
                   help="seconds maintenance mode lasts (503 to every request)")


def apply_arguments(faults: AfterFaults, args: object) -> None:
    """Copy the parsed shared options onto ``faults``."""
    faults.lose_rate = float(getattr(args, "lose_rate", 0.0))
    faults.late_by = float(getattr(args, "late_by", 0.0))
    faults.late_rate = float(getattr(args, "late_rate", 0.0))
    after = getattr(args, "outage_after", None)
    length = float(getattr(args, "outage_for", 0.0))
    if after is not None and length > 0:
        faults.outage_for(length, starting_in=float(after))


async def around_work(
    faults: AfterFaults, request: object, work: Callable[[], Awaitable[T]]
) -> T:
    """Run a request's ``work`` under the late and lost faults.

    A late request's body is read first, then the work runs at the end of the delay, shielded
    from the client giving up (the server finishes what it started); a lost answer closes the
    connection once the work is done.
    """
    from aiohttp import web

    assert isinstance(request, web.Request)
    delay = faults.late()
    if delay > 0:
        if request.body_exists:
            await request.read()  # kept by the request: the work reads it after the delay

        async def late() -> T:
            await asyncio.sleep(delay)
            return await work()

        task = asyncio.ensure_future(late())
        faults._working.add(task)  # type: ignore[arg-type]
        task.add_done_callback(faults._working.discard)
        result = await asyncio.shield(task)
    else:
        result = await work()
    if faults.lose():
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError
    return result
