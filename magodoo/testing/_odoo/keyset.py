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

__all__ = ["anded_leaves", "candidate_ids", "number"]

_RANGE = frozenset({">", ">=", "<", "<="})


def number(value: Any) -> bool:
    """A number that is not a boolean (what an id condition compares)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def anded_leaves(domain: Sequence[Any]) -> list[tuple[str, str, Any]] | None:
    """The ``(field, operator, value)`` leaves every match satisfies: the domain's leaves when
    it only ANDs them (``None`` when it has ``|`` or ``!``); operators in lower case."""
    leaves: list[tuple[str, str, Any]] = []
    for item in domain:
        if isinstance(item, str):
            if item != "&":
                return None
            continue
        if (isinstance(item, list | tuple) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[1], str)):
            leaves.append((item[0], item[1].lower(), item[2]))
    return leaves


def _id_terms(domain: Sequence[Any]) -> list[tuple[str, Any]] | None:
    """The ``(operator, value)`` of the leaves on ``id`` that every match satisfies."""
    leaves = anded_leaves(domain)
    if leaves is None:
        return None
    return [(op, value) for name, op, value in leaves if name == "id"]


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
        if op in _RANGE and number(value):
            if op == ">":
                lo = max(lo, bisect.bisect_right(ordered, value))
            elif op == ">=":
                lo = max(lo, bisect.bisect_left(ordered, value))
            elif op == "<":
                hi = min(hi, bisect.bisect_left(ordered, value))
            else:
                hi = min(hi, bisect.bisect_right(ordered, value))
        elif op == "=" and number(value):
            wanted = {value} if wanted is None else wanted & {value}
        elif op == "in" and isinstance(value, list | tuple) and all(map(number, value)):
            wanted = set(value) if wanted is None else wanted & set(value)
    if wanted is not None:
        found = []
        for value in wanted:
            at = bisect.bisect_left(ordered, value, lo, hi)
            if at < hi and ordered[at] == value:
                found.append(ordered[at])
        return sorted(found)
    return ordered[lo:hi]
