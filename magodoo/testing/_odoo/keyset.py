"""The ids a search can match, from its domain's conditions on ``id`` (an index over the table).

A keyset page (``[..., ("id", ">", n)]`` ordered by id, limited) must not cost a pass over the
whole table: :func:`candidate_ids` turns the domain's top-level ``id`` conditions into a range
or a set of the table's sorted ids, so the search tests only those rows, in id order, and stops
once the page is full. The full domain is still applied to every candidate: the candidates are
a superset of the matches, never a different answer.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["candidate_ids"]

_RANGE = frozenset({">", ">=", "<", "<="})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _id_terms(domain: Sequence[Any]) -> list[tuple[str, Any]] | None:
    """The ``(operator, value)`` of the leaves on ``id`` that every match satisfies: the
    domain's leaves when it only ANDs them (``None`` when it has ``|`` or ``!``)."""
    terms: list[tuple[str, Any]] = []
    for item in domain:
        if isinstance(item, str):
            if item != "&":
                return None
            continue
        if (isinstance(item, list | tuple) and len(item) == 3 and item[0] == "id"
                and isinstance(item[1], str)):
            terms.append((item[1], item[2]))
    return terms


def candidate_ids(domain: Sequence[Any], ids: Iterable[int]) -> list[int]:
    """The table's ``ids``, ascending, narrowed by the domain's ``id`` conditions (``=``,
    ``in``, ``>``, ``>=``, ``<``, ``<=`` with numbers; any other condition narrows nothing)."""
    ordered = sorted(ids)
    terms = _id_terms(domain)
    if not terms:
        return ordered
    lo, hi = 0, len(ordered)
    wanted: set[int] | None = None
    for op, value in terms:
        if op in _RANGE and _number(value):
            if op == ">":
                lo = max(lo, bisect.bisect_right(ordered, value))
            elif op == ">=":
                lo = max(lo, bisect.bisect_left(ordered, value))
            elif op == "<":
                hi = min(hi, bisect.bisect_left(ordered, value))
            else:
                hi = min(hi, bisect.bisect_right(ordered, value))
        elif op == "=" and _number(value):
            wanted = {value} if wanted is None else wanted & {value}
        elif op == "in" and isinstance(value, list | tuple) and all(map(_number, value)):
            wanted = set(value) if wanted is None else wanted & set(value)
    if wanted is not None:
        found = []
        for value in wanted:
            at = bisect.bisect_left(ordered, value, lo, hi)
            if at < hi and ordered[at] == value:
                found.append(ordered[at])
        return sorted(found)
    return ordered[lo:hi]
