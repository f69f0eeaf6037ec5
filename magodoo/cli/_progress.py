"""What ``magodoo sync`` shows while it runs: rich progress bars on a terminal, one plain line
per page on stderr otherwise, nothing with ``--json``. Fed by :func:`magodoo.metrics.tap_stores`
(every page's log entries pass through it)."""

from __future__ import annotations

import builtins
import logging
import sys
import time
from typing import Any

import attrs

from magodoo.backends import Direction, Job, LogEntry

log = logging.getLogger("magodoo.sync")

WRITTEN = ("created", "updated", "deleted")


@attrs.define
class _Count:
    read: int = 0
    written: int = 0
    failed: int = 0
    started: float = attrs.field(factory=time.monotonic)


def _log_entry(entry: LogEntry, outcome: str) -> None:
    """One log line per record, with its context (failures as warnings)."""
    m2o = entry.direction is Direction.MAGENTO_TO_ODOO
    source = entry.magento_ref if m2o else entry.odoo_ref
    context = {"entity": entry.entity, "direction": entry.direction.value,
               "source_id": source, "job_id": entry.job_id, "outcome": outcome}
    if outcome == "failed":
        log.warning("%s %s %s: %s", entry.entity, entry.direction.value, source,
                    entry.message, extra=context)
    else:
        log.info("%s %s %s: %s", entry.entity, entry.direction.value, source, outcome,
                 extra=context)


@attrs.define
class SyncProgress:
    """A :class:`~magodoo.metrics.StoreListener` counting records per entity and direction."""

    mode: str = "plain"
    """``bars`` (rich, on a terminal), ``plain`` (lines on stderr) or ``quiet``."""
    counts: dict[tuple[str, str], _Count] = attrs.field(factory=dict)
    _bars: Any = None
    _tasks: dict[tuple[str, str], Any] = attrs.field(factory=dict)

    @classmethod
    def choose(cls, json_output: bool) -> SyncProgress:
        if json_output:
            return cls("quiet")
        return cls("bars" if sys.stderr.isatty() else "plain")

    def __enter__(self) -> SyncProgress:
        if self.mode == "bars":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bars = Progress(
                TextColumn("{task.description:<24}"), BarColumn(),
                TextColumn("{task.fields[read]} read  {task.fields[written]} written  "
                           "{task.fields[failed]} failed  {task.fields[rate]:.1f}/s"),
                TimeElapsedColumn(), console=Console(stderr=True), transient=False)
            self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bars is not None:
            self._bars.stop()

    def entries(self, entries: builtins.list[LogEntry]) -> None:
        touched: set[tuple[str, str]] = set()
        for entry in entries:
            key = (entry.entity, entry.direction.value)
            count = self.counts.setdefault(key, _Count())
            count.read += 1
            outcome = entry.message.split(":", 1)[0]
            count.written += outcome in WRITTEN
            count.failed += outcome == "failed"
            touched.add(key)
            _log_entry(entry, outcome)
        for key in sorted(touched):
            self._show(key)

    def _show(self, key: tuple[str, str]) -> None:
        count = self.counts[key]
        elapsed = max(time.monotonic() - count.started, 1e-6)
        rate = count.read / elapsed
        if self.mode == "plain":
            speed = f"{rate:.1f}/s, " if elapsed >= 1 else ""
            print(f"progress: {key[0]} {key[1]}: {count.read} read, {count.written} written, "
                  f"{count.failed} failed ({speed}{elapsed:.1f} s)", file=sys.stderr)
        elif self._bars is not None:
            task = self._tasks.get(key)
            if task is None:
                task = self._tasks[key] = self._bars.add_task(
                    f"{key[0]} {key[1]}", total=None, read=0, written=0, failed=0, rate=0.0)
            self._bars.update(task, read=count.read, written=count.written,
                              failed=count.failed, rate=rate)

    def claimed(self, jobs: builtins.list[Job]) -> None:
        return None

    def completed(self, job_ids: builtins.list[int]) -> None:
        return None

    def failed(self, job: Job) -> None:
        return None
