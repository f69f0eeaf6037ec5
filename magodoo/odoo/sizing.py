"""How many records go in one Odoo call: sized by what they carry, not by a fixed count.

Pure functions; the figures behind the defaults are in ``docs/performance.md``.

- A write call (``create``, ``write``) carries a *weight*: each record counts 1, plus the
  weight of every record it creates or updates through x2many commands (a partner with two
  child addresses weighs 3). :data:`CREATE_WEIGHT` per call keeps one call around 4 s of a
  real Odoo 18's time for plain partners (about 2.2 ms per record), far under its request
  limits (``limit_time_cpu`` 60 s, ``limit_time_real`` 120 s by default).
- A read page holds about :data:`READ_CELLS` values (records x fields), between
  :data:`MIN_PAGE` and :data:`MAX_PAGE` records: 10,000 records of 8 fields, 2,666 of 30.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

__all__ = [
    "CREATE_WEIGHT",
    "MAX_PAGE",
    "MIN_PAGE",
    "READ_CELLS",
    "first_chunk",
    "page_size",
    "payload_weight",
    "weighted_chunks",
]

CREATE_WEIGHT = 2000
READ_CELLS = 80_000
MIN_PAGE = 500
MAX_PAGE = 10_000

_CHILD_COMMANDS = (0, 1)  # Command.CREATE, Command.UPDATE: both carry a record's values
_FLAT = frozenset({str, int, float, bool, type(None)})  # never x2many commands: skipped fast


def payload_weight(values: Mapping[str, Any]) -> int:
    """1 for the record, plus the weight of each child record its x2many commands carry."""
    weight = 1
    for value in values.values():
        if type(value) in _FLAT or not isinstance(value, list | tuple):
            continue
        for command in value:
            if (isinstance(command, list | tuple) and len(command) == 3
                    and command[0] in _CHILD_COMMANDS and isinstance(command[2], Mapping)):
                weight += payload_weight(command[2])
    return weight


def weighted_chunks(
    values: Sequence[Mapping[str, Any]], weight: int, count: int | None = None
) -> Iterator[list[Mapping[str, Any]]]:
    """``values`` cut in order into chunks of at most ``weight`` (and ``count`` records when
    given); a record heavier than ``weight`` goes alone."""
    chunk: list[Mapping[str, Any]] = []
    total = 0
    for item in values:
        w = payload_weight(item)
        if chunk and (total + w > weight or (count is not None and len(chunk) >= count)):
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += w
    if chunk:
        yield chunk


def first_chunk(
    values: Sequence[Mapping[str, Any]], start: int, weight: int, count: int | None = None
) -> Sequence[Mapping[str, Any]]:
    """The chunk :func:`weighted_chunks` would give first for ``values[start:]``."""
    total = 0
    end = start
    while end < len(values):
        w = payload_weight(values[end])
        if end > start and (total + w > weight or (count is not None and end - start >= count)):
            break
        total += w
        end += 1
    return values[start:end]


def page_size(fields: Iterable[str], cells: int = READ_CELLS) -> int:
    """Records per read page for ``fields`` (all fields, an empty list, gets the minimum)."""
    n = len(list(fields))
    if n == 0:
        return MIN_PAGE
    return max(MIN_PAGE, min(MAX_PAGE, cells // n))
