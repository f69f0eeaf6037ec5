"""Incremental-sync bookmarks: pure logic, no I/O (the values live in a ``CursorStore``).

A cursor is the high-water mark of the last sync of one entity in one direction: the
greatest source timestamp (Magento ``updated_at``, Odoo ``write_date``, UTC) among the
records a committed batch carried. Three rules keep it safe:

* **overlap**: the next sync reads from ``cursor - overlap`` (default 60 s), because Odoo
  stamps ``write_date`` with the *transaction start*: a slow transaction commits rows older
  than rows already read, and Magento and Odoo both read back to the second. The records
  read twice are skipped later by the binding's stored timestamp and payload hash;
* **signpost**: the cursor never runs past the time the sync started, so a record changed
  during the sync (possibly not yet visible) is read again next time;
* **commit first**: :meth:`CursorTracker.commit` is called only after a batch's writes and
  bindings are stored; the cursor never moves backwards.

The engine pages through the changed records in id order (keyset on the id, so pages never
shift when records change during the sync), which means stamps are not monotonic across pages:
it stores the cursor once the pass's last batch has committed. A pass that dies half-way
starts again from the old cursor next time, and the records it had already written are then
skipped as unchanged (binding hash), not written twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import attrs

__all__ = ["CursorTracker", "Window", "plan_window"]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: cursors are timezone-aware UTC")
    return value.astimezone(UTC)


@attrs.frozen
class Window:
    """What one incremental sync reads: records stamped at or after ``since`` (``None``:
    everything), and ``signpost``, the sync's start time, that the cursor may not pass."""

    since: datetime | None
    signpost: datetime


def plan_window(
    cursor: datetime | None, *, overlap: timedelta, now: datetime, since: datetime | None = None
) -> Window:
    """The window of a sync starting at ``now``.

    ``since`` (given by the caller) wins over the stored ``cursor``; either way the overlap is
    taken off. ``None`` for both means a full sync.
    """
    start = since if since is not None else cursor
    lower = None if start is None else _utc(start) - overlap
    return Window(since=lower, signpost=_utc(now))


@attrs.define
class CursorTracker:
    """Follows one sync's progress and says what the cursor may become.

    ``initial`` is the cursor before the sync (``None`` if never synced).
    """

    initial: datetime | None
    signpost: datetime
    _high: datetime | None = attrs.field(default=None, init=False)

    def __attrs_post_init__(self) -> None:
        self.signpost = _utc(self.signpost)
        if self.initial is not None:
            self.initial = _utc(self.initial)

    def commit(self, stamps: Iterable[datetime | None]) -> None:
        """Record the source stamps of a batch whose writes and bindings are stored."""
        for stamp in stamps:
            if stamp is None:
                continue
            stamp = _utc(stamp)
            if self._high is None or stamp > self._high:
                self._high = stamp

    @property
    def value(self) -> datetime | None:
        """The cursor to store now: the committed high-water mark capped by the signpost,
        never lower than the initial cursor."""
        if self._high is None:
            return self.initial
        value = min(self._high, self.signpost)
        if self.initial is not None and value < self.initial:
            return self.initial
        return value

    @property
    def moved(self) -> bool:
        """Whether :attr:`value` differs from the initial cursor."""
        return self.value != self.initial
