"""What a sync run reports back.

A pass (incremental or full) does not hold one :class:`RecordOutcome` per record: its
:class:`SyncResult` counts every outcome and keeps only the notable ones (failures, and
skips or writes with a reason other than the routine ``unchanged``/``echo``/dry run), at
most :data:`KEEP_OUTCOMES` of them. Every outcome is streamed to ``on_outcome`` (see
:meth:`SyncEngine.sync <magodoo.engine.SyncEngine.sync>`) and written to the sync log.
A sync by ``keys`` keeps the outcome of each key it was given.
"""

from __future__ import annotations

import enum
import html
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import attrs

from magodoo.backends.models import Direction, LogStatus

__all__ = [
    "KEEP_OUTCOMES",
    "ROUTINE_REASONS",
    "Outcome",
    "OutcomeSink",
    "Outcomes",
    "PlannedWrite",
    "RecordOutcome",
    "SyncResult",
]

KEEP_OUTCOMES = 1000
"""At most this many notable outcomes are held in a pass's result (the rest are counted)."""

ROUTINE_REASONS = frozenset({"", "unchanged", "echo"})
"""Reasons that make an outcome routine: not held in a pass's result."""


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

    @property
    def notable(self) -> bool:
        """A failure, or a reason worth reading (not ``unchanged``, ``echo`` or a dry run's
        ``dry run: ...``): held in a pass's :class:`SyncResult`."""
        if self.outcome is Outcome.FAILED:
            return True
        return self.reason not in ROUTINE_REASONS and not self.reason.startswith("dry run")


OutcomeSink = Callable[[RecordOutcome], Awaitable[None] | None]
"""``on_outcome``: called with every record's outcome as soon as its page is logged (a
coroutine function is awaited)."""


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
    counts: Mapping[Outcome, int] | None = None
    """Every record's outcome, counted. ``None``: count :attr:`records` (then they are all
    held)."""
    skip_counts: Mapping[str, int] | None = None
    """Skipped records by reason (``None``: count :attr:`records`)."""

    @property
    def skip_reasons(self) -> dict[str, int]:
        """How many records were skipped, by reason (``unchanged``, ``echo``, ...)."""
        if self.skip_counts is not None:
            return dict(self.skip_counts)
        reasons: dict[str, int] = {}
        for r in self.records:
            if r.outcome is Outcome.SKIPPED:
                reasons[r.reason] = reasons.get(r.reason, 0) + 1
        return reasons

    def _count(self, outcome: Outcome) -> int:
        if self.counts is not None:
            return self.counts.get(outcome, 0)
        return sum(1 for r in self.records if r.outcome is outcome)

    @property
    def total(self) -> int:
        """How many records the run handled (held in :attr:`records` or not)."""
        return sum(self.summary().values())

    @property
    def complete(self) -> bool:
        """Whether :attr:`records` holds every record's outcome."""
        return len(self.records) == self.total

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
        """The last outcome of each source record held in :attr:`records`."""
        return {r.source_id: r for r in self.records}

    def merge(self, other: SyncResult) -> SyncResult:
        """Both runs' records, counts and plans in one result (``other``'s cursor wins)."""
        mine, theirs = self.summary(), other.summary()
        skips = self.skip_reasons
        for reason, n in other.skip_reasons.items():
            skips[reason] = skips.get(reason, 0) + n
        return attrs.evolve(
            self,
            records=self.records + other.records,
            planned=self.planned + other.planned,
            cursor=other.cursor if other.cursor is not None else self.cursor,
            counts={o: mine[o.value] + theirs[o.value] for o in Outcome},
            skip_counts=skips,
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


@attrs.define
class Outcomes:
    """Collects one run's outcomes page by page: counts them all, streams each to ``sink``,
    holds all of them (``keep_all``) or only the notable ones, at most ``limit``."""

    keep_all: bool = False
    limit: int = KEEP_OUTCOMES
    sink: OutcomeSink | None = None
    counts: dict[Outcome, int] = attrs.field(factory=lambda: dict.fromkeys(Outcome, 0))
    held: list[RecordOutcome] = attrs.field(factory=list)
    skips: dict[str, int] = attrs.field(factory=dict)

    async def add(self, outcomes: Iterable[RecordOutcome]) -> None:
        for o in outcomes:
            self.counts[o.outcome] += 1
            if o.outcome is Outcome.SKIPPED:
                self.skips[o.reason] = self.skips.get(o.reason, 0) + 1
            if (self.keep_all or (o.notable and len(self.held) < self.limit)):
                self.held.append(o)
            if self.sink is not None:
                maybe = self.sink(o)
                if inspect.isawaitable(maybe):
                    await maybe
