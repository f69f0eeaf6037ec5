"""What a sync run reports back."""

from __future__ import annotations

import enum
import html
from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.backends.models import Direction, LogStatus

__all__ = ["Outcome", "PlannedWrite", "RecordOutcome", "SyncResult"]


class Outcome(enum.StrEnum):
    """What happened to one record."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def log_status(self) -> LogStatus:
        if self is Outcome.FAILED:
            return LogStatus.FAILED
        if self is Outcome.SKIPPED:
            return LogStatus.SKIPPED
        return LogStatus.SUCCESS


@attrs.frozen
class PlannedWrite:
    """A write a dry run would have made."""

    action: str
    """``create``, ``update``, ``bind`` (an existing target found by natural key), ``delete``."""
    source_id: str
    target_id: str | None
    values: Mapping[str, Any]


@attrs.frozen
class RecordOutcome:
    """One record's fate in a run. ``reason`` explains a skip (``disabled``, ``unchanged``,
    ``echo``) or a failure; ``retriable`` says whether trying again may help."""

    source_id: str
    outcome: Outcome
    target_id: str | None = None
    reason: str = ""
    retriable: bool = False
    log_id: int | None = None
    wait_until: Any = None
    """For a write whose outcome is unknown: the record is not written again before this
    (a UTC ``datetime``); it waits in the job queue until then."""


@attrs.frozen
class SyncResult:
    """The outcome of one :meth:`SyncEngine.sync` call."""

    entity: str
    direction: Direction
    dry_run: bool = False
    records: tuple[RecordOutcome, ...] = ()
    planned: tuple[PlannedWrite, ...] = ()
    cursor: Any = None
    """The cursor stored at the end (``None`` when not incremental or unchanged)."""

    def _count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.records if r.outcome is outcome)

    @property
    def created(self) -> int:
        return self._count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self._count(Outcome.UPDATED)

    @property
    def deleted(self) -> int:
        return self._count(Outcome.DELETED)

    @property
    def skipped(self) -> int:
        return self._count(Outcome.SKIPPED)

    @property
    def failed(self) -> int:
        return self._count(Outcome.FAILED)

    @property
    def log_ids(self) -> tuple[int, ...]:
        return tuple(r.log_id for r in self.records if r.log_id is not None)

    def by_source(self) -> dict[str, RecordOutcome]:
        """The last outcome of each source record."""
        return {r.source_id: r for r in self.records}

    def merge(self, other: SyncResult) -> SyncResult:
        """Both runs' records and plans in one result (``other``'s cursor wins)."""
        return attrs.evolve(
            self,
            records=self.records + other.records,
            planned=self.planned + other.planned,
            cursor=other.cursor if other.cursor is not None else self.cursor,
        )

    def _repr_html_(self) -> str:
        """The counts, then the records (at most 50), as HTML tables for Jupyter."""
        def cells(values: list[Any], tag: str = "td") -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape('' if v is None else str(v))}</{tag}>"
                                    for v in values) + "</tr>"

        counts = self.summary()
        title = f"{self.entity} {self.direction.value}" + (" (dry run)" if self.dry_run else "")
        out = [f"<table><caption>{html.escape(title)}</caption>", cells(list(counts), "th"),
               cells(list(counts.values())), "</table>"]
        if self.records:
            out += ["<table>", cells(["source", "outcome", "target", "reason"], "th")]
            out += [cells([r.source_id, r.outcome.value, r.target_id, r.reason])
                    for r in self.records[:50]]
            out.append("</table>")
            if len(self.records) > 50:
                out.append(f"<p>... and {len(self.records) - 50} more records</p>")
        return "".join(out)

    def summary(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "skipped": self.skipped,
            "failed": self.failed,
        }
