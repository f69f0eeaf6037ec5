"""Fault injection for the fake server: latency, 503s, 429s, dropped connections, the
shared faults after the work (answers lost or late, maintenance; see ``testing._faults``),
and an opt-in server cost per row written (``row_cost``)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

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
    - ``row_cost``: seconds slept (not CPU burned: the fake's event loop stays free) per row
      a call writes, before the call runs, as a real server's work takes time; 0 (the
      default) turns it off. See :func:`rows_written` for what counts as a row. The default
      figure of ``python -m magodoo.testing.fake_odoo --row-cost`` and the sales benchmark,
      0.007 s, is the real Odoo 18 of ``odoo/NOTES.md`` section 3: a partner with two child
      addresses (3 rows) cost 22 ms in ``create`` calls of 50, about 1 ms of it the call's
      fixed cost. ``injected["rows"]`` counts the rows charged; ``sleep`` is the coroutine
      function that waits (a test can record the requested seconds instead of waiting).
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
    row_cost: float = 0.0
    sleep: Callable[[float], Awaitable[Any]] = attrs.field(default=asyncio.sleep, repr=False)

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

    async def charge(self, method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        """Sleep ``row_cost`` seconds per row the call ``method(*args, **kwargs)`` writes."""
        if self.row_cost <= 0:
            return
        rows = rows_written(method, args, kwargs)
        if rows:
            self.injected["rows"] += rows
            await self.sleep(rows * self.row_cost)


ROW_METHODS = frozenset({"create", "write", "load", "action_confirm"})
"""The methods :func:`rows_written` counts rows for; any other call costs nothing."""


def rows_written(method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> int:
    """Rows a call writes, as the fake's ``row_cost`` counts them.

    ``create``: each record of the values (one dict or a list) is a row, and so is each
    one2many child created or updated by a ``(0, 0, vals)`` / ``(1, id, vals)`` command in it
    (recursively). ``write``: each id, times (1 + the children of the values).
    ``load``: each data row (a one2many child is a row of its own in ``load``'s format).
    ``action_confirm``: each record. Arguments as ``execute_kw`` passes them (``args[0]`` the
    ids for methods on records), or named as JSON-2 does (``vals_list``, ``vals``, ``data``).
    """
    if method not in ROW_METHODS:
        return 0
    first = args[0] if args else None
    if method == "create":
        vals = first if args else kwargs.get("vals_list", kwargs.get("vals"))
        records = vals if isinstance(vals, list) else [vals]
        return sum(1 + _children(v) for v in records if isinstance(v, dict))
    if method == "load":
        data = args[1] if len(args) > 1 else kwargs.get("data")
        return len(data) if isinstance(data, list) else 0
    ids = len(first) if isinstance(first, list) else (1 if isinstance(first, int) else 0)
    if method == "write":
        vals = args[1] if len(args) > 1 else kwargs.get("vals")
        return ids * (1 + _children(vals))
    return ids


def _children(vals: Any) -> int:
    """One2many rows a set of values creates or updates (``(0, 0, v)``, ``(1, id, v)``)."""
    if not isinstance(vals, dict):
        return 0
    rows = 0
    for value in vals.values():
        if not isinstance(value, list):
            continue
        for command in value:
            if (isinstance(command, (list, tuple)) and len(command) == 3
                    and command[0] in (0, 1) and isinstance(command[2], dict)):
                rows += 1 + _children(command[2])
    return rows
