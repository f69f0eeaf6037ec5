"""Records the stores keep: bindings, sync log entries, jobs, and their enums.

All timestamps are timezone-aware UTC datetimes. Records are frozen; a store returns new records
(with ``id`` and store-set fields filled) rather than changing the ones it was given.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs

__all__ = [
    "Binding",
    "Clock",
    "Direction",
    "Job",
    "JobAction",
    "JobState",
    "LogEntry",
    "LogFilter",
    "LogStatus",
    "Trigger",
    "utcnow",
]

Clock = Callable[[], datetime]
"""A function returning the current time as an aware UTC datetime; stores take one as ``now``."""


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (the default clock of every store)."""
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: stores take timezone-aware UTC datetimes")
    return value.astimezone(UTC)


def _utc_opt(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


class Direction(enum.StrEnum):
    """Which way a record travels."""

    MAGENTO_TO_ODOO = "m2o"
    ODOO_TO_MAGENTO = "o2m"


class Trigger(enum.StrEnum):
    """What started a sync attempt."""

    MANUAL = "manual"
    REALTIME = "realtime"
    BATCH = "batch"
    RETRY = "retry"


class LogStatus(enum.StrEnum):
    """Outcome of one sync attempt."""

    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"


class JobState(enum.StrEnum):
    """Where a job is. Completed jobs are removed from the queue (the sync log keeps history)."""

    WAITING = "waiting"
    """Queued; claimable once ``not_before`` has passed."""
    CLAIMED = "claimed"
    """Leased by a worker until ``lease_until``; claimable again after that (crashed worker)."""
    DEAD = "dead"
    """Failed ``max_attempts`` times; kept, listed by ``JobQueue.dead`` and re-queueable."""


class JobAction(enum.StrEnum):
    """What a job asks the engine to do with its record."""

    SYNC = "sync"
    DELETE = "delete"


@attrs.frozen
class Binding:
    """Which Magento record is which Odoo record, for one backend pair and entity type.

    ``magento_id`` is kept as a string (Magento ints are ``str()``-ed; MSI source codes are
    strings already). ``magento_key`` is the natural key: SKU, email, increment id, category
    path, attribute code. ``payload_hash`` is the hash of the last payload written, so an
    unchanged record can be skipped.
    """

    backend: str
    entity: str
    magento_id: str = attrs.field(converter=str)
    odoo_id: int
    magento_key: str | None = None
    magento_updated_at: datetime | None = attrs.field(default=None, converter=_utc_opt)
    odoo_write_date: datetime | None = attrs.field(default=None, converter=_utc_opt)
    payload_hash: str | None = None
    synced_at: datetime = attrs.field(factory=utcnow, converter=_utc)
    id: int | None = None


@attrs.frozen
class LogEntry:
    """One sync attempt. ``request`` / ``response`` must already be redacted by the caller."""

    entity: str
    direction: Direction
    trigger: Trigger
    status: LogStatus
    backend: str = "default"
    message: str = ""
    magento_ref: str | None = None
    """Magento side key of the record (id, SKU, increment id...)."""
    odoo_ref: str | None = None
    """Odoo side key of the record (id, or ``model,id``)."""
    request: str | None = None
    response: str | None = None
    attempt: int = 1
    duration: float = 0.0
    """Seconds."""
    job_id: int | None = None
    created_at: datetime = attrs.field(factory=utcnow, converter=_utc)
    id: int | None = None


@attrs.frozen
class LogFilter:
    """Which log entries to read, count or delete. ``None`` means "any".

    ``record`` matches either ``magento_ref`` or ``odoo_ref`` exactly. ``since`` is inclusive,
    ``until`` exclusive.
    """

    backend: str | None = None
    entity: str | None = None
    direction: Direction | None = None
    trigger: Trigger | None = None
    status: LogStatus | None = None
    record: str | None = None
    since: datetime | None = attrs.field(default=None, converter=_utc_opt)
    until: datetime | None = attrs.field(default=None, converter=_utc_opt)


def default_identity(
    backend: str, entity: str, direction: Direction, action: JobAction, record_key: str
) -> str:
    """The identity key a job gets when none is given: one waiting job per record and action."""
    return f"{backend}|{entity}|{direction.value}|{action.value}|{record_key}"


def _identity(job: Job) -> str:
    return default_identity(job.backend, job.entity, job.direction, job.action, job.record_key)


@attrs.frozen
class Job:
    """A durable unit of work: sync (or delete) one record in one direction.

    Jobs with the same ``identity_key`` collapse while waiting. Higher ``priority`` runs first.
    ``payload`` is a small JSON-serialisable dict (e.g. the ids a deletion needs). ``force``
    makes the handler write the record even when its payload hash says unchanged (a repair
    after reconciliation: the target was edited by hand); a forced job collapsing with an
    unforced one stays forced.
    """

    entity: str
    direction: Direction
    record_key: str = attrs.field(converter=str)
    trigger: Trigger = Trigger.BATCH
    backend: str = "default"
    action: JobAction = JobAction.SYNC
    priority: int = 0
    not_before: datetime | None = attrs.field(default=None, converter=_utc_opt)
    """Not claimable before this time; ``None`` means "now" at enqueue."""
    payload: dict[str, Any] = attrs.field(factory=dict, hash=False)
    force: bool = False
    identity_key: str = attrs.field(
        default=attrs.Factory(_identity, takes_self=True), converter=str
    )
    state: JobState = JobState.WAITING
    attempts: int = 0
    last_error: str | None = None
    worker_id: str | None = None
    lease_until: datetime | None = attrs.field(default=None, converter=_utc_opt)
    created_at: datetime | None = attrs.field(default=None, converter=_utc_opt)
    updated_at: datetime | None = attrs.field(default=None, converter=_utc_opt)
    id: int | None = None
