"""Fault injection for the fake Magento: latency, errors, rate limits, dropped connections."""

from __future__ import annotations

import random

import attrs

from magodoo.testing._faults import AfterFaults


@attrs.define
class Faults(AfterFaults):
    """Mutable switches read on every request; change them freely during a test.

    - ``latency``: seconds slept before each answer.
    - ``error_rate``: share of requests (0..1) answered 503.
    - ``rate_limit_every``: every Nth request is answered 429 with ``Retry-After: retry_after``.
    - ``drop_rate`` / ``drop_next``: share of requests, or the next N requests, whose connection is
      closed without any answer.
    - ``fail_next``: statuses returned, in order, by the next requests (e.g. ``[503, 503]``).
    - ``expire_tokens_after``: admin tokens die after that many authenticated requests each.
    - ``two_factor``: the admin token route refuses as Magento_TwoFactorAuth does.
    - ``seed``: seeds the random draws of ``error_rate`` and ``drop_rate``.
    - ``lose_rate``/``lose_next``, ``late_by`` with ``late_rate``/``late_next``,
      ``outage_next``/``outage_for()``: answers lost after the commit, late commits and
      maintenance mode (see :class:`~magodoo.testing._faults.AfterFaults`).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_every: int | None = None
    retry_after: int = 1
    drop_rate: float = 0.0
    drop_next: int = 0
    fail_next: list[int] = attrs.field(factory=list)
    expire_tokens_after: int | None = None
    two_factor: bool = False
    seed: int = 0
    _rng: random.Random | None = attrs.field(default=None, init=False, repr=False)

    def draw(self) -> float:
        """A deterministic random number in [0, 1) (seeded by ``seed`` on first use)."""
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng.random()

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
