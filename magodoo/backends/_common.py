"""Rules shared by every implementation: conflicts, collapse, claim order, backoff."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from magodoo.backends.errors import BindingConflictError
from magodoo.backends.models import Binding, Job, JobState, LogEntry, LogFilter

_FAR_PAST = datetime(1970, 1, 1, tzinfo=UTC)

logger = logging.getLogger("magodoo.backends")


def utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: stores take timezone-aware UTC datetimes")
    return value.astimezone(UTC)


def check_conflict(binding: Binding, by_magento: Binding | None, by_odoo: Binding | None) -> None:
    """Raise if either side of ``binding`` is already bound to another record."""
    if by_magento is not None and by_magento.odoo_id != binding.odoo_id:
        raise BindingConflictError(
            f"{binding.backend}/{binding.entity}: Magento id {binding.magento_id!r} is already "
            f"bound to Odoo id {by_magento.odoo_id}, not {binding.odoo_id}"
        )
    if by_odoo is not None and by_odoo.magento_id != binding.magento_id:
        raise BindingConflictError(
            f"{binding.backend}/{binding.entity}: Odoo id {binding.odoo_id} is already bound "
            f"to Magento id {by_odoo.magento_id!r}, not {binding.magento_id!r}"
        )


def pick_unbind(
    by_magento: Binding | None,
    by_odoo: Binding | None,
    magento_id: int | str | None,
    odoo_id: int | None,
) -> Binding | None:
    """The binding ``unbind`` should remove, if any (both ids given: they must agree)."""
    if magento_id is None and odoo_id is None:
        raise ValueError("unbind needs magento_id or odoo_id")
    if magento_id is not None and odoo_id is not None:
        return by_magento if by_magento is not None and by_magento.odoo_id == odoo_id else None
    return by_magento if magento_id is not None else by_odoo


def log_matches(entry: LogEntry, f: LogFilter) -> bool:
    return (
        (f.backend is None or entry.backend == f.backend)
        and (f.entity is None or entry.entity == f.entity)
        and (f.direction is None or entry.direction == f.direction)
        and (f.trigger is None or entry.trigger == f.trigger)
        and (f.status is None or entry.status == f.status)
        and (f.record is None or f.record in (entry.magento_ref, entry.odoo_ref))
        and (f.since is None or entry.created_at >= f.since)
        and (f.until is None or entry.created_at < f.until)
    )


def fresh(job: Job, job_id: int, now: datetime) -> Job:
    """A new waiting job as stored by ``enqueue``."""
    return attrs.evolve(
        job,
        id=job_id,
        state=JobState.WAITING,
        attempts=0,
        last_error=None,
        worker_id=None,
        lease_until=None,
        not_before=job.not_before or now,
        created_at=now,
        updated_at=now,
    )


def collapse(existing: Job, new: Job, now: datetime, *, keep_payload: bool = False) -> Job:
    """``new`` merged into the waiting ``existing`` job with the same identity.

    Higher priority and earlier ``not_before`` win; the newer non-empty payload wins unless
    ``keep_payload`` (``new`` is an older job coming back from a retry); either one forced
    makes the merged job forced.
    """
    not_before = min(existing.not_before or now, new.not_before or now)
    payload = existing.payload if keep_payload or not new.payload else new.payload
    if keep_payload and not payload:
        payload = new.payload
    return attrs.evolve(
        existing,
        priority=max(existing.priority, new.priority),
        not_before=not_before,
        payload=payload,
        force=existing.force or new.force,
        updated_at=now,
    )


def claimable(job: Job, now: datetime) -> bool:
    if job.state is JobState.WAITING:
        return (job.not_before or _FAR_PAST) <= now
    if job.state is JobState.CLAIMED:
        return job.lease_until is None or job.lease_until <= now
    return False


def claim_order(job: Job) -> tuple[int, datetime, int]:
    return (-job.priority, job.not_before or _FAR_PAST, job.id or 0)


LEASE_LOST_PREFIX = "lease expired: worker "
LEASE_LOST_SUFFIX = " lost the job"
UNKNOWN_WORKER = "?"


def lease_lost(worker_id: str | None) -> str:
    """The ``last_error`` of a job whose worker let its lease expire (the SQL stores build the
    same text from these pieces)."""
    return f"{LEASE_LOST_PREFIX}{worker_id or UNKNOWN_WORKER}{LEASE_LOST_SUFFIX}"


def check_max_attempts(max_attempts: int | None) -> None:
    if max_attempts is not None and max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1 (or None), got {max_attempts}")


def lease_expired(job: Job, now: datetime, max_attempts: int | None) -> Job:
    """A claimable job whose lease ran out (its worker crashed or hung), before it is claimed
    again: that was a failed attempt. At ``max_attempts`` the job is DEAD instead. With
    ``max_attempts=None`` the job is returned unchanged (no attempt counted)."""
    if max_attempts is None or job.state is not JobState.CLAIMED:
        return job
    attempts = job.attempts + 1
    job = attrs.evolve(job, attempts=attempts, last_error=lease_lost(job.worker_id))
    if attempts >= max_attempts:
        return attrs.evolve(
            job, state=JobState.DEAD, worker_id=None, lease_until=None, updated_at=now
        )
    return job


def log_lease_dead(job_id: int, attempts: int, error: str) -> None:
    """Say (once, at the store) that an expired lease made a job dead: no engine saw it fail."""
    logger.warning(
        "job %d is dead after %d attempts: %s",
        job_id,
        attempts,
        error,
        extra={"job_id": job_id, "attempts": attempts},
    )


def backoff_delay(
    attempts: int, base: timedelta, *, cap: timedelta, jitter: float, rand: float
) -> timedelta:
    """Delay before retry number ``attempts`` (1-based): ``base * 2**(attempts-1)``, capped,
    plus up to ``jitter`` (a fraction) of itself; ``rand`` is a number in [0, 1)."""
    exp = min(max(attempts - 1, 0), 40)
    delay: timedelta = min(base * (2**exp), cap)
    return delay + delay * (jitter * rand)


def failed(
    job: Job,
    error: str,
    now: datetime,
    *,
    max_attempts: int,
    backoff_base: timedelta,
    backoff_max: timedelta,
    jitter: float,
    rand: float,
) -> Job:
    """The job after one more failed attempt: waiting later, or dead."""
    attempts = job.attempts + 1
    job = attrs.evolve(
        job, attempts=attempts, last_error=error, worker_id=None, lease_until=None, updated_at=now
    )
    if attempts >= max_attempts:
        return attrs.evolve(job, state=JobState.DEAD)
    delay = backoff_delay(attempts, backoff_base, cap=backoff_max, jitter=jitter, rand=rand)
    return attrs.evolve(job, state=JobState.WAITING, not_before=now + delay)


def requeued(job: Job, now: datetime) -> Job:
    return attrs.evolve(
        job,
        state=JobState.WAITING,
        attempts=0,
        last_error=None,
        worker_id=None,
        lease_until=None,
        not_before=now,
        updated_at=now,
    )


def payload_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def log_where(
    f: LogFilter | None,
    param: Callable[[object], str],
    ts: Callable[[datetime], object],
) -> list[str]:
    """SQL conditions for a log filter; ``param`` stores a value and returns its placeholder,
    ``ts`` converts a datetime to the stored form."""
    if f is None:
        return []
    out: list[str] = []
    for column, value in (
        ("backend", f.backend),
        ("entity", f.entity),
        ("direction", f.direction),
        ("trigger", f.trigger),
        ("status", f.status),
    ):
        if value is not None:
            out.append(f"{column} = {param(str(value))}")
    if f.record is not None:
        out.append(f"(magento_ref = {param(f.record)} OR odoo_ref = {param(f.record)})")
    if f.since is not None:
        out.append(f"created_at >= {param(ts(f.since))}")
    if f.until is not None:
        out.append(f"created_at < {param(ts(f.until))}")
    return out
