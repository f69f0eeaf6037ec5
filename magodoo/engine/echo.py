"""Echo suppression: a change the engine itself caused is not synced back.

Every write the engine makes is remembered twice:

* in the binding (persistent, shared by processes): ``payload_hash`` is stored as
  ``"<direction>:<sha256>"`` (the direction the last write went) and the target's timestamp
  after the write is stored in the binding's stamp for that side;
* in an :class:`EchoGuard` (this process, bounded, short-lived), keyed by side, entity and
  record id, with the timestamp and hash the write produced. It also covers realtime
  notifications that arrive before the binding is stored. A mark only needs to outlive the
  echo of our own write (a webhook or the next poll of the other direction, seconds to
  minutes later): marks older than ``ttl`` are dropped as new ones come, and at most
  ``size`` are kept (the oldest go first), so a pass of any size holds a bounded number.

A record read from side X whose timestamp is the one our last write into X produced, or
whose hash is the hash we wrote, is skipped with reason ``"echo"``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import attrs

from magodoo.backends.models import Binding, Direction

__all__ = ["EchoGuard", "Side", "payload_hash", "split_hash", "tag_hash", "written_into"]

Side = Literal["magento", "odoo"]


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


def payload_hash(values: Any) -> str:
    """A stable SHA-256 of a JSON-like payload (key order does not matter)."""
    text = json.dumps(values, sort_keys=True, default=_default, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def tag_hash(direction: Direction, digest: str) -> str:
    """The ``payload_hash`` a binding stores: the direction written, then the digest."""
    return f"{direction.value}:{digest}"


def split_hash(stored: str | None) -> tuple[Direction | None, str | None]:
    """Undo :func:`tag_hash` (an untagged hash gives ``(None, hash)``)."""
    if not stored:
        return None, None
    head, sep, tail = stored.partition(":")
    if sep and head in (d.value for d in Direction):
        return Direction(head), tail
    return None, stored


def written_into(direction: Direction) -> Side:
    """The side a sync in ``direction`` writes to."""
    return "odoo" if direction is Direction.MAGENTO_TO_ODOO else "magento"


def binding_echo(binding: Binding | None, side: Side, stamp: datetime | None) -> bool:
    """Whether ``stamp`` on ``side`` is the one our last write into that side produced."""
    if binding is None or stamp is None:
        return False
    last, _ = split_hash(binding.payload_hash)
    if last is None or written_into(last) != side:
        return False
    ours = binding.odoo_write_date if side == "odoo" else binding.magento_updated_at
    return ours is not None and ours == stamp


@attrs.frozen
class _Mark:
    stamp: datetime | None
    digest: str | None
    at: float


@attrs.define
class EchoGuard:
    """The writes this process made recently (at most ``size``, for ``ttl`` seconds)."""

    ttl: float = 600.0
    size: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _marks: OrderedDict[tuple[str, str, str], _Mark] = attrs.field(
        factory=OrderedDict, init=False
    )

    def remember(
        self, side: Side, entity: str, record_id: str | int, stamp: datetime | None,
        digest: str | None = None,
    ) -> None:
        """Note that we wrote ``record_id`` on ``side``; ``stamp`` is its timestamp after."""
        key = (side, entity, str(record_id))
        now = self.clock()
        self._marks.pop(key, None)
        self._marks[key] = _Mark(stamp, digest, now)
        while len(self._marks) > self.size:
            self._marks.popitem(last=False)
        self._expire(now)

    def _expire(self, now: float) -> None:
        """Drop the marks older than ``ttl`` (the oldest are first: insertion order)."""
        while self._marks:
            oldest = next(iter(self._marks.values()))
            if now - oldest.at <= self.ttl:
                return
            self._marks.popitem(last=False)

    def is_echo(
        self, side: Side, entity: str, record_id: str | int, stamp: datetime | None,
        digest: str | None = None,
    ) -> bool:
        """Whether a change read from ``side`` is the one our own write produced."""
        key = (side, entity, str(record_id))
        mark = self._marks.get(key)
        if mark is None:
            return False
        if self.clock() - mark.at > self.ttl:
            del self._marks[key]
            return False
        if stamp is not None and mark.stamp is not None and stamp == mark.stamp:
            return True
        return digest is not None and mark.digest is not None and digest == mark.digest

    def __len__(self) -> int:
        return len(self._marks)
