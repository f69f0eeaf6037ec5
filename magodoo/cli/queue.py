"""``magodoo queue status|list|retry|dead|requeue|purge``: the job queue.

Only the store is opened. ``retry`` and ``requeue`` make jobs due now with their attempt
count reset (a dead job gets ``retry_count`` new tries); ``purge`` deletes dead jobs only, and
only those older than ``--older-than``: nothing waiting is ever dropped from here.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from magodoo.backends import Job, JobQueue, Stores
from magodoo.backends.models import JobState, utcnow
from magodoo.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Stop,
    add_common,
    confirm,
    emit_json,
    iso,
    load_settings,
    local_time,
    parse_age,
    say,
    table,
)
from magodoo.exceptions import ConfigurationError, JobNotFoundError

PAGE = 1000
ERROR_WIDTH = 60


async def _stores(args: argparse.Namespace) -> Stores:
    from magodoo.engine.wiring import open_stores

    return await open_stores(load_settings(args))


async def all_jobs(queue: JobQueue, state: JobState | None = None,
                   entity: str | None = None) -> AsyncIterator[Job]:
    """Every job (of ``state``, of ``entity``), read page by page."""
    after: int | None = None
    while batch := await queue.list_jobs(state=state, entity=entity, after_id=after,
                                         limit=PAGE):
        for job in batch:
            yield job
        after = batch[-1].id


async def picked(queue: JobQueue, pick: JobState) -> list[int]:
    """What ``retry --failed`` (``pick`` waiting: those that failed at least once) and
    ``requeue --all-dead`` (``pick`` dead) act on."""
    return [j.id async for j in all_jobs(queue, pick)
            if j.id is not None and (pick is JobState.DEAD or j.attempts > 0)]


async def dead_before(queue: JobQueue, cutoff: datetime) -> list[int]:
    """The dead jobs last changed before ``cutoff`` (what ``purge`` deletes)."""
    return [j.id async for j in all_jobs(queue, JobState.DEAD)
            if j.id is not None and (j.updated_at or j.created_at or cutoff) < cutoff]


def job_json(job: Job) -> dict[str, Any]:
    """The stable ``--json`` shape of a job."""
    return {
        "id": job.id, "backend": job.backend, "entity": job.entity,
        "direction": job.direction.value, "action": job.action.value,
        "record_key": job.record_key, "trigger": job.trigger.value, "state": job.state.value,
        "attempts": job.attempts, "priority": job.priority,
        "not_before": iso(job.not_before), "last_error": job.last_error,
        "worker_id": job.worker_id, "lease_until": iso(job.lease_until),
        "created_at": iso(job.created_at), "updated_at": iso(job.updated_at),
    }


def _rows(jobs: list[Job]) -> list[list[Any]]:
    return [[j.id, j.state.value, j.entity, j.direction.value, j.action.value, j.record_key,
             j.attempts, local_time(j.not_before), local_time(j.created_at),
             (j.last_error or "")[:ERROR_WIDTH]] for j in jobs]


HEADER = ["id", "state", "entity", "dir", "action", "record", "tries", "due", "queued",
          "last error"]


async def queue_status(args: argparse.Namespace, stop: Stop) -> int:
    stores = await _stores(args)
    by_entity: dict[str, dict[str, int]] = {}
    oldest: Job | None = None
    next_retry: Job | None = None
    now = utcnow()
    async with stores:
        counts = await stores.jobs.counts()
        async for job in all_jobs(stores.jobs):
            row = by_entity.setdefault(job.entity, {s.value: 0 for s in JobState})
            row[job.state.value] += 1
            if job.state is not JobState.WAITING:
                continue
            if oldest is None or (job.created_at or now) < (oldest.created_at or now):
                oldest = job
            if job.attempts and (next_retry is None or (job.not_before or now) <
                                 (next_retry.not_before or now)):
                next_retry = job
    if args.json:
        emit_json({
            "counts": {s.value: counts.get(s, 0) for s in JobState},
            "by_entity": by_entity,
            "oldest_waiting": job_json(oldest) if oldest else None,
            "next_retry": job_json(next_retry) if next_retry else None,
        })
        return EXIT_OK
    say("jobs: " + ", ".join(f"{counts.get(s, 0)} {s.value}" for s in JobState))
    if by_entity:
        table(["entity", *(s.value for s in JobState)],
              [[e, *(c[s.value] for s in JobState)] for e, c in sorted(by_entity.items())])
    if oldest is not None:
        say(f"oldest waiting: job {oldest.id} ({oldest.entity} {oldest.record_key}), queued "
            f"{local_time(oldest.created_at)}")
    if next_retry is not None:
        say(f"next retry: job {next_retry.id} ({next_retry.entity} {next_retry.record_key}, "
            f"try {next_retry.attempts + 1}) at {local_time(next_retry.not_before)}")
    return EXIT_OK


async def _show(args: argparse.Namespace, state: JobState | None) -> int:
    stores = await _stores(args)
    async with stores:
        jobs = await stores.jobs.list_jobs(state=state, entity=args.entity,
                                           after_id=args.after, limit=args.limit)
    next_after = jobs[-1].id if len(jobs) == args.limit and jobs else None
    if args.json:
        emit_json({"jobs": [job_json(j) for j in jobs], "next_after": next_after})
        return EXIT_OK
    table(HEADER, _rows(jobs))
    if next_after is not None:
        say(f"(more: --after {next_after})")
    return EXIT_OK


async def queue_list(args: argparse.Namespace, stop: Stop) -> int:
    return await _show(args, JobState(args.state) if args.state else None)


async def queue_dead(args: argparse.Namespace, stop: Stop) -> int:
    return await _show(args, JobState.DEAD)


async def _requeue(args: argparse.Namespace, pick: JobState | None, word: str) -> int:
    """Requeue the given ids, or every job picked by state (``pick``)."""
    stores = await _stores(args)
    done: list[Job] = []
    missing: list[int] = []
    async with stores:
        if pick is not None:
            ids = await picked(stores.jobs, pick)
        else:
            ids = list(args.ids)
        for job_id in ids:
            try:
                done.append(await stores.jobs.requeue(job_id))
            except JobNotFoundError:
                missing.append(job_id)
    if args.json:
        emit_json({"requeued": [job_json(j) for j in done], "not_found": missing})
    else:
        say(f"{word} {len(done)} jobs (due now)"
            + (f"; not found: {', '.join(map(str, missing))}" if missing else ""))
    return EXIT_FAILED if missing else EXIT_OK


async def queue_retry(args: argparse.Namespace, stop: Stop) -> int:
    if bool(args.ids) == bool(args.failed):
        raise ConfigurationError("queue retry: give job ids or --failed")
    return await _requeue(args, JobState.WAITING if args.failed else None, "retrying")


async def queue_requeue(args: argparse.Namespace, stop: Stop) -> int:
    if bool(args.ids) == bool(args.all_dead):
        raise ConfigurationError("queue requeue: give job ids or --all-dead")
    return await _requeue(args, JobState.DEAD if args.all_dead else None, "requeued")


async def queue_purge(args: argparse.Namespace, stop: Stop) -> int:
    if not args.dead:
        raise ConfigurationError("queue purge: only dead jobs can be purged; say --dead")
    age = parse_age(args.older_than, "--older-than")
    cutoff: datetime = utcnow() - age
    stores = await _stores(args)
    async with stores:
        ids = await dead_before(stores.jobs, cutoff)
        if ids and not confirm(f"delete {len(ids)} dead jobs?", args.yes):
            say("nothing deleted")
            return EXIT_OK
        deleted = await stores.jobs.complete_many(ids) if ids else 0
    if args.json:
        emit_json({"deleted": deleted, "ids": ids})
    else:
        say(f"deleted {deleted} dead jobs older than {args.older_than}")
    return EXIT_OK


def _paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entity")
    parser.add_argument("--limit", type=int, default=50, help="jobs per page (50)")
    parser.add_argument("--after", type=int, help="page on: the last id of the page before")


def register(sub: Any) -> None:
    parser = sub.add_parser("queue", help="the job queue: status, list, retry, dead, "
                                          "requeue, purge", description=__doc__)
    group = parser.add_subparsers(dest="queue_command", required=True)

    status = group.add_parser("status", help="counts by state and entity, oldest, next retry")
    add_common(status)
    status.set_defaults(command=queue_status)

    listing = group.add_parser("list", help="jobs by id, with filters")
    add_common(listing)
    listing.add_argument("--state", choices=[s.value for s in JobState])
    _paging(listing)
    listing.set_defaults(command=queue_list)

    retry = group.add_parser("retry", help="make waiting jobs due now")
    add_common(retry)
    retry.add_argument("ids", type=int, nargs="*", metavar="ID")
    retry.add_argument("--failed", action="store_true",
                       help="every waiting job that failed at least once")
    retry.set_defaults(command=queue_retry)

    dead = group.add_parser("dead", help="jobs that gave up after retry_count tries")
    add_common(dead)
    _paging(dead)
    dead.set_defaults(command=queue_dead)

    requeue = group.add_parser("requeue", help="dead jobs back to waiting, due now")
    add_common(requeue)
    requeue.add_argument("ids", type=int, nargs="*", metavar="ID")
    requeue.add_argument("--all-dead", action="store_true", help="every dead job")
    requeue.set_defaults(command=queue_requeue)

    purge = group.add_parser("purge", help="delete dead jobs older than an age")
    add_common(purge)
    purge.add_argument("--dead", action="store_true",
                       help="purge dead jobs (the only kind that can be purged)")
    purge.add_argument("--older-than", required=True, metavar="AGE",
                       help="e.g. 30d, 12h (a plain number is days)")
    purge.add_argument("--yes", action="store_true", help="do not ask")
    purge.set_defaults(command=queue_purge)
