"""``magodoo sync``: one run (cron, systemd timer), then the queued jobs that are due.

Exit codes: 0 every record synced (a record that failed and then succeeded on its retry in
the same run counts as synced), 1 some records still failed (they are queued for retry),
2 bad settings or arguments, 3 a server or the store could not be used, 130 stopped by
SIGINT, 143 stopped by SIGTERM (what was done is kept; the next run goes on from there).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping
from contextlib import ExitStack
from typing import Any

import attrs

from magodoo._redact import Redactor
from magodoo.backends import LogFilter, LogStatus
from magodoo.backends.models import Direction, JobState, Trigger
from magodoo.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Stop,
    Stopped,
    add_common,
    emit_json,
    load_settings,
    parse_moment,
    redactor,
    say,
)
from magodoo.cli._progress import SyncProgress
from magodoo.engine.result import Outcome, SyncResult
from magodoo.exceptions import ConfigurationError

DIRECTIONS = {"m2o": "m2o", "o2m": "o2m", "magento_to_odoo": "m2o", "odoo_to_magento": "o2m"}
MAX_FAILURES_SHOWN = 10


def add_sync_arguments(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    """The arguments of a one-shot sync (``magodoo sync`` and ``runners/batch.py``)."""
    add_common(parser)
    if positional:
        parser.add_argument("entity", nargs="?", help="entity type, e.g. customers")
    else:
        parser.add_argument("--entity", help="entity type, e.g. customers")
    parser.add_argument("--direction", choices=sorted(DIRECTIONS),
                        help="m2o (magento_to_odoo) or o2m (odoo_to_magento); needed only "
                             "for an entity that syncs both ways")
    parser.add_argument("--all", action="store_true", dest="all_entities",
                        help="every enabled entity (of --direction, or both directions)")
    parser.add_argument("--since", help="ISO date/time (UTC unless an offset is given) "
                                        "instead of the stored cursor")
    parser.add_argument("--full", action="store_true",
                        help="read every record whatever the cursor, and sync deletions")
    parser.add_argument("--dry-run", action="store_true", help="read and map, write nothing")
    parser.add_argument("--force", action="store_true",
                        help="with an entity: write even unchanged records (repairs targets "
                             "edited or deleted by hand)")
    parser.add_argument("--no-queue", action="store_true",
                        help="do not run the queued jobs that are due (retries, webhooks)")
    parser.add_argument("--metrics-file", metavar="PATH",
                        help="write Prometheus metrics here at the end (node_exporter's "
                             "textfile collector; written atomically)")


@attrs.define
class Row:
    """One line of the summary."""

    entity: str
    direction: str
    result: SyncResult | None = None
    seconds: float = 0.0
    recovered: int = 0
    """Records that failed, then synced on their retry later in the same run."""

    @property
    def failed(self) -> int:
        return (self.result.failed if self.result else 0) - self.recovered

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "entity": self.entity, "direction": self.direction,
            "created": r.created if r else 0, "updated": r.updated if r else 0,
            "deleted": r.deleted if r else 0, "skipped": r.skipped if r else 0,
            "failed": self.failed, "recovered": self.recovered,
            "seconds": round(self.seconds, 3), "dry_run": bool(r and r.dry_run),
            "done": r is not None,
        }


def format_results(results: Mapping[str, SyncResult], redactor: Redactor | None = None) -> str:
    """A plain table of per-entity counts, then the first failures (kept for callers of the
    0.1 API; ``magodoo sync`` prints :func:`summary` instead)."""
    rows = [Row(label.split(" ")[0], r.direction.value, r) for label, r in results.items()]
    text = summary(rows)
    return redactor.text(text) if redactor is not None else text


def summary(rows: list[Row], recovered: set[tuple[str, str, str]] | None = None) -> str:
    lines = [f"{'entity':<21} {'dir':<4} {'created':>7} {'updated':>7} {'deleted':>7} "
             f"{'skipped':>7} {'failed':>6} {'seconds':>8}"]
    for row in rows:
        r = row.result
        if r is None:
            lines.append(f"{row.entity:<21} {row.direction:<4} (not done)")
            continue
        lines.append(f"{row.entity:<21} {row.direction:<4} {r.created:>7} {r.updated:>7} "
                     f"{r.deleted:>7} {r.skipped:>7} {row.failed:>6} {row.seconds:>8.2f}"
                     + ("  (dry run)" if r.dry_run else "")
                     + (f"  ({row.recovered} failed, then synced on retry)"
                        if row.recovered else ""))
    return "\n".join(lines + failure_lines(rows, recovered))


def failure_lines(rows: list[Row], recovered: set[tuple[str, str, str]] | None = None
                  ) -> list[str]:
    """The records still failed at the end of the run, the first few of them."""
    failures = [f"  {r.entity} {rec.source_id}: {rec.reason}"
                for row in rows if (r := row.result) is not None for rec in r.records
                if rec.outcome is Outcome.FAILED
                and (r.entity, r.direction.value, rec.source_id) not in (recovered or ())]
    if not failures:
        return []
    # A pass keeps at most engine.keep_outcomes failed records: count from the totals.
    total = max(len(failures), sum(row.failed for row in rows))
    lines = [f"failures ({total}):", *failures[:MAX_FAILURES_SHOWN]]
    if total > MAX_FAILURES_SHOWN:
        lines.append(f"  ... and {total - MAX_FAILURES_SHOWN} more "
                     "(see `magodoo log list --status failed`; they are queued for retry)")
    return lines


def _rich_summary(rows: list[Row]) -> None:
    from rich.console import Console
    from rich.table import Table

    shown = Table("entity", "dir", "created", "updated", "deleted", "skipped", "failed",
                  "seconds", title="magodoo sync")
    for row in rows:
        j = row.as_json()
        if not j["done"]:
            shown.add_row(row.entity, row.direction, *["-"] * 5, "not done")
            continue
        shown.add_row(row.entity, row.direction, *(str(j[k]) for k in (
            "created", "updated", "deleted", "skipped", "failed")), f"{row.seconds:.2f}")
    Console().print(shown)


async def _drain(engine: Any, stop: Stop) -> dict[str, int]:
    """Run the queued jobs that are due, one claimed batch at a time; a stop waits for the
    batch in hand (its jobs are finished or failed, never left claimed)."""
    worker = f"batch-{os.getpid()}"
    processed = 0
    while not stop.event.is_set() and (count := await engine.work_once(worker)) > 0:
        processed += count
    counts = await engine.stores.jobs.counts()
    return {"ran": processed, "waiting": counts.get(JobState.WAITING, 0),
            "dead": counts.get(JobState.DEAD, 0)}


async def _recovered(engine: Any, rows: list[Row]) -> set[tuple[str, str, str]]:
    """The failed records whose newest log entry is no failure (their retry in this run
    wrote them, or found them unchanged)."""
    out: set[tuple[str, str, str]] = set()
    for row in rows:
        r = row.result
        if r is None:
            continue
        for rec in r.records:
            if rec.outcome is not Outcome.FAILED:
                continue
            newest = await engine.stores.log.query(
                LogFilter(backend=engine.settings.backend, entity=r.entity,
                          direction=r.direction, record=rec.source_id),
                newest_first=True, limit=1)
            if newest and newest[0].status is not LogStatus.FAILED:  # written or unchanged
                out.add((r.entity, r.direction.value, rec.source_id))
                row.recovered += 1
    return out


def _plan(args: argparse.Namespace, registry: Any) -> list[tuple[str | None, str]]:
    """(entity or None for all, direction) steps, checked before anything is opened."""
    direction = DIRECTIONS[args.direction] if args.direction else None
    if args.all_entities and args.entity:
        raise ConfigurationError("give an entity or --all, not both")
    if not args.all_entities and not args.entity:
        raise ConfigurationError("give an entity (what can be synced: "
                                 f"{registry.describe()}) or --all")
    if args.force and not args.entity:
        raise ConfigurationError("--force: only with a single entity")
    if args.all_entities:
        if args.since:
            raise ConfigurationError("--since: only with a single entity")
        # Odoo is the master of the catalog: push it first, then pull what refers to it.
        return [(None, way) for way in ([direction] if direction else ["o2m", "m2o"])]
    ways = [d.value for d in registry.directions(args.entity)]
    if not ways:
        raise ConfigurationError(f"{args.entity!r}: nothing syncs this entity type; what can "
                                 f"be synced: {registry.describe()}")
    if direction is None:
        if len(ways) > 1:
            raise ConfigurationError(f"--direction: {args.entity} syncs both ways; give m2o "
                                     "or o2m")
        direction = ways[0]
    elif direction not in ways:
        raise ConfigurationError(f"--direction: {args.entity} syncs only {'/'.join(ways)}")
    return [(args.entity, direction)]


async def run_sync(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.capture import observe
    from magodoo.engine.registry import default_registry
    from magodoo.engine.wiring import connect, open_stores
    from magodoo.metrics import Metrics, StoreListener, tap_stores

    settings = load_settings(args)
    registry = default_registry()
    steps = _plan(args, registry)
    since = parse_moment(args.since, "--since")
    redact = redactor(settings)
    progress = SyncProgress.choose(args.json)
    metrics = (Metrics.for_settings(settings.magento.url, settings.odoo.url)
               if args.metrics_file else None)
    listeners: list[StoreListener] = [progress] + ([metrics] if metrics else [])
    rows: list[Row] = []
    queue: dict[str, int] = {}
    recovered: set[tuple[str, str, str]] = set()
    stopped = False
    raw = await open_stores(settings)
    try:
        with ExitStack() as stack:
            if metrics is not None:
                stack.enter_context(observe(metrics.exchange))
            stack.enter_context(progress)
            async with await connect(settings, stores=tap_stores(raw, *listeners),
                                     registry=registry) as conn:
                engine = conn.engine
                try:
                    for entity, way in steps:
                        handlers = ([registry.get(entity, Direction(way))] if entity else
                                    [h for h in registry.ordered(Direction(way))
                                     if settings.is_enabled(h.entity)])
                        rows += [Row(h.entity, way) for h in handlers]
                    for row in rows:
                        started = time.monotonic()
                        row.result = await stop.interruptible(engine.sync(
                            row.entity, row.direction, since=since, trigger=Trigger.BATCH,
                            dry_run=args.dry_run, full=args.full, force=args.force))
                        row.seconds = time.monotonic() - started
                    if not args.dry_run:
                        if not args.no_queue:
                            queue = await _drain(engine, stop)
                            recovered = await _recovered(engine, rows)
                        if not stop.event.is_set():
                            await engine.expire_log()
                except Stopped:
                    stopped = True
                stopped = stopped or stop.event.is_set()
                if metrics is not None:
                    await metrics.refresh(raw.jobs)
    finally:
        await raw.aclose()
        if metrics is not None:
            metrics.write(args.metrics_file)
    failed = sum(row.failed for row in rows)
    code = stop.exit_code if stopped else (EXIT_FAILED if failed else EXIT_OK)
    if args.json:
        emit_json({
            "exit_code": code, "ok": code == EXIT_OK,
            "stopped": stop.name if stopped else None,
            "entities": [row.as_json() for row in rows],
            "failures": [
                {"entity": r.entity, "direction": r.direction.value,
                 "source_id": rec.source_id, "reason": redact.text(rec.reason)}
                for row in rows if (r := row.result) is not None for rec in r.records
                if rec.outcome is Outcome.FAILED
                and (r.entity, r.direction.value, rec.source_id) not in recovered],
            "queue": queue or None,
        })
        return code
    if progress.mode == "bars" and sys.stdout.isatty():
        _rich_summary(rows)
        for line in failure_lines(rows, recovered):
            say(redact.text(line))
    else:
        say(redact.text(summary(rows, recovered)))
    if queue:
        say(f"queue: ran {queue['ran']} due jobs; {queue['waiting']} waiting, "
            f"{queue['dead']} dead (gave up after retry_count attempts)")
    if stopped:
        undone = [f"{row.entity} {row.direction}" for row in rows if row.result is None]
        say(f"stopped by {stop.name}: what was synced is kept"
            + (f"; not done: {', '.join(undone)}" if undone else "")
            + "; the next run goes on from there", sys.stderr)
    return code


def register(sub: Any) -> None:
    parser = sub.add_parser("sync", help="run one sync (cron, systemd timer)",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    add_sync_arguments(parser, positional=True)
    parser.set_defaults(command=run_sync)
