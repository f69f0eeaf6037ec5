"""Fault injection for the fake server: latency, 503s, 429s, dropped connections, and the
shared faults after the work (answers lost or late, maintenance; see ``testing._faults``)."""

from __future__ import annotations

import random

import attrs

from magodoo.testing._faults import AfterFaults


@attrs.define
class Faults(AfterFaults):
    """Mutable fault settings; tests change them between calls.

    - ``latency``: seconds to wait before answering each request.
    - ``error_rate``: share of requests answered ``503 Service Unavailable``.
    - ``rate_limit_every`` / ``retry_after``: every Nth request gets ``429`` with ``Retry-After``.
    - ``drop_rate`` / ``drop_next``: requests whose connection is closed without an answer.
    - ``fail_next``: HTTP statuses to answer the next requests with, in order.
    - ``lose_rate``/``lose_next``, ``late_by`` with ``late_rate``/``late_next``,
      ``outage_next``/``outage_for()``: see :class:`~magodoo.testing._faults.AfterFaults`.
    """

    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_every: int = 0
    retry_after: int = 1
    drop_rate: float = 0.0
    drop_next: int = 0
    fail_next: list[int] = attrs.Factory(list)
    rng: random.Random = attrs.field(factory=lambda: random.Random(0), repr=False)
    seen: int = 0

    def decide(self) -> tuple[str, int]:
        """Next request's fate: ``("ok", 0)``, ``("drop", 0)`` or ``("fail", status)``."""
        self.seen += 1
        if self.drop_next > 0:
            self.drop_next -= 1
            return ("drop", 0)
        if self.fail_next:
            return ("fail", self.fail_next.pop(0))
        if self.rate_limit_every and self.seen % self.rate_limit_every == 0:
            return ("fail", 429)
        if self.drop_rate and self.rng.random() < self.drop_rate:
            return ("drop", 0)
        if self.error_rate and self.rng.random() < self.error_rate:
            return ("fail", 503)
        return ("ok", 0)
