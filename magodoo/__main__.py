"""The ``magodoo`` command: ``demo``, ``check``, ``sync`` and ``realtime``.

::

    magodoo demo [--size small|medium] [--keep DIR]
    magodoo check --config magodoo.toml
    magodoo sync customers --direction m2o --config magodoo.toml [--since ...] [--dry-run]
    magodoo sync --all --config magodoo.toml
    magodoo realtime --config magodoo.toml --host 127.0.0.1 --port 8080

Secrets come from the environment (``MAGODOO_*``; the webhook secret from
``MAGODOO_WEBHOOK_SECRET``), never from the file or the command line. The runner scripts in
``runners/`` use the same functions (:func:`add_sync_arguments`, :func:`run_sync_command`,
:func:`add_realtime_arguments`, :func:`run_realtime_command`).

Exit codes: 0 done, 1 some records failed, 2 bad configuration or arguments, 3 a server could
not be reached or refused the credentials (or a port or file could not be opened), 130
interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from magodoo._redact import Redactor
from magodoo.backends.models import Direction, JobState, Trigger
from magodoo.engine.result import Outcome, SyncResult
from magodoo.exceptions import ConfigurationError, MagodooError
from magodoo.settings import ENV_SECRETS, Settings

if TYPE_CHECKING:
    from magodoo.engine.engine import SyncEngine
    from magodoo.engine.wiring import Connection

__all__ = [
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "SECRET_ENV",
    "add_realtime_arguments",
    "add_sync_arguments",
    "format_results",
    "main",
    "run_check_command",
    "run_realtime_command",
    "run_sync_command",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3
EXIT_INTERRUPTED = 130

SECRET_ENV = "MAGODOO_WEBHOOK_SECRET"
"""Environment variable holding the webhook secret (the last part of the webhook URL)."""

DIRECTIONS = {"m2o": "m2o", "o2m": "o2m", "magento_to_odoo": "m2o", "odoo_to_magento": "o2m"}
MAX_FAILURES_SHOWN = 10


def _redactor(settings: Settings | None = None) -> Redactor:
    secrets = [os.environ.get(name) for name in (*ENV_SECRETS, SECRET_ENV)]
    if settings is not None:
        m, o = settings.magento, settings.odoo
        secrets += [m.password, m.token, m.consumer_key, m.consumer_secret, m.access_token,
                    m.access_token_secret, o.password, o.api_key, settings.stores.postgres_dsn]
    return Redactor(secrets)


def _say(text: str, out: TextIO | None = None) -> None:
    print(_redactor().text(text), file=out or sys.stdout)


def _error(message: str) -> None:
    _say(f"error: {message}", sys.stderr)


def _load(config: str) -> Settings:
    return Settings.load(config)


def _guard(run: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command, turning the errors a user can act on into one line and an exit code."""
    try:
        return asyncio.run(run())
    except ConfigurationError as exc:
        _error(str(exc))
        return EXIT_CONFIG
    except MagodooError as exc:
        _error(f"{type(exc).__name__}: {exc}")
        return EXIT_UNREACHABLE
    except OSError as exc:  # a port in use, a stores file that cannot be opened
        _error(str(exc))
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED


# ---- sync (batch, cron) --------------------------------------------------------------------


def add_sync_arguments(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    """The arguments of a one-shot sync (``magodoo sync`` and ``runners/batch.py``)."""
    parser.add_argument("--config", required=True, help="TOML settings file")
    if positional:
        parser.add_argument("entity", nargs="?", help="entity type, e.g. customers")
    else:
        parser.add_argument("--entity", help="entity type, e.g. customers")
    parser.add_argument("--direction", choices=sorted(DIRECTIONS),
                        help="m2o (magento_to_odoo) or o2m (odoo_to_magento)")
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
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")


async def _drain(engine: SyncEngine) -> str:
    """Run the queued jobs that are due (failed records' retries, realtime jobs left over)."""
    worker = f"batch-{os.getpid()}"
    processed = 0
    while (count := await engine.work_once(worker)) > 0:
        processed += count
    counts = await engine.stores.jobs.counts()
    return (f"queue: ran {processed} due jobs; {counts.get(JobState.WAITING, 0)} waiting, "
            f"{counts.get(JobState.DEAD, 0)} dead (gave up after retry_count attempts)")


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"--since: not an ISO date/time: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_results(results: Mapping[str, SyncResult], redactor: Redactor | None = None) -> str:
    """A plain table of per-entity counts, then the first failures."""
    lines = [f"{'entity':<16} {'dir':<4} {'created':>7} {'updated':>7} {'deleted':>7} "
             f"{'skipped':>7} {'failed':>6}"]
    failures: list[str] = []
    for label, r in results.items():
        lines.append(f"{label.split(' ')[0]:<16} {r.direction.value:<4} {r.created:>7} "
                     f"{r.updated:>7} {r.deleted:>7} {r.skipped:>7} {r.failed:>6}"
                     + ("  (dry run)" if r.dry_run else ""))
        failures += [f"  {r.entity} {rec.source_id}: {rec.reason}"
                     for rec in r.records if rec.outcome is Outcome.FAILED]
    if failures:
        lines.append(f"failures ({len(failures)}):")
        lines += failures[:MAX_FAILURES_SHOWN]
        if len(failures) > MAX_FAILURES_SHOWN:
            lines.append(f"  ... and {len(failures) - MAX_FAILURES_SHOWN} more "
                         "(see the sync log; they are queued for retry)")
    text = "\n".join(lines)
    return redactor.text(text) if redactor is not None else text


async def _sync(args: argparse.Namespace) -> int:
    from magodoo.engine.wiring import connect

    settings = _load(args.config)
    redactor = _redactor(settings)
    direction = DIRECTIONS[args.direction] if args.direction else None
    since = _since(args.since)
    if args.all_entities and args.entity:
        raise ConfigurationError("give an entity or --all, not both")
    if not args.all_entities and not args.entity:
        raise ConfigurationError("give an entity (with --direction) or --all")
    if args.entity and direction is None:
        raise ConfigurationError("--direction: needed with an entity (m2o or o2m)")
    if args.force and not args.entity:
        raise ConfigurationError("--force: only with a single entity")
    if args.all_entities and since is not None:
        raise ConfigurationError("--since: only with a single entity")
    results: dict[str, SyncResult] = {}
    async with await connect(settings) as conn:
        engine = conn.engine
        if args.entity:
            assert direction is not None
            results[args.entity] = await engine.sync(
                args.entity, direction, since=since, trigger=Trigger.BATCH,
                dry_run=args.dry_run, full=args.full, force=args.force)
        else:
            # Odoo is the master of the catalog: push it first, then pull what refers to it.
            for way in ([direction] if direction else ["o2m", "m2o"]):
                for entity, result in (await engine.sync_all(
                        way, trigger=Trigger.BATCH, dry_run=args.dry_run,
                        full=args.full)).items():
                    results[f"{entity} {way}"] = result
        queue = ""
        if not args.dry_run:
            if not args.no_queue:
                queue = await _drain(engine)
            await engine.expire_log()
    _say(format_results(results, redactor))
    if queue:
        _say(queue)
    failed = sum(r.failed for r in results.values())
    return EXIT_FAILED if failed else EXIT_OK


def run_sync_command(args: argparse.Namespace) -> int:
    """Run one sync from parsed :func:`add_sync_arguments`; returns the exit code."""
    return _guard(lambda: _sync(args))


# ---- check ---------------------------------------------------------------------------------


async def _check(args: argparse.Namespace) -> int:
    from magodoo.engine.wiring import connect

    settings = _load(args.config)
    async with await connect(settings) as conn:
        report = await conn.engine.check()
    for side in (report.magento, report.odoo):
        state = "ok" if side.ok else "FAILED"
        detail = [f"reachable={side.reachable}", f"authenticated={side.authenticated}"]
        if side.version:
            detail.append(f"version={side.version}")
        if side.modules:
            detail.append(f"modules={len(side.modules)}")
        detail += [f"{k}={v}" for k, v in sorted(side.features.items())]
        _say(f"{side.server:<8} {state:<6} " + " ".join(detail))
        if side.error:
            _say(f"         {side.error}")
    return EXIT_OK if report.ok else EXIT_UNREACHABLE


def run_check_command(args: argparse.Namespace) -> int:
    """"Test connection" for both servers; exit 0 when both are fine, else 3."""
    return _guard(lambda: _check(args))


# ---- realtime ------------------------------------------------------------------------------


def add_realtime_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the realtime service (``magodoo realtime``, ``runners/realtime.py``)."""
    parser.add_argument("--config", required=True, help="TOML settings file")
    # Defaults come from the [realtime] settings; these options override them.
    parser.add_argument("--host", help="address to listen on (realtime.host)")
    parser.add_argument("--port", type=int, help="port, 0 for any free one (realtime.port)")
    parser.add_argument("--workers", type=int, help="queue workers (realtime.workers)")
    parser.add_argument("--poll-interval", type=float,
                        help="seconds between two polls of Magento (realtime.poll_seconds)")
    parser.add_argument("--webhook-delay", type=float,
                        help="seconds before a webhook's job is due: Odoo commits the change "
                             "only after our answer (realtime.webhook_delay)")
    parser.add_argument("--public-url",
                        help="base URL Odoo reaches this service at; when given, the Odoo "
                             "webhooks are created or refreshed at startup (realtime.public_url)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")


async def _provision(conn: Connection, base_url: str, secret: str) -> list[str]:
    from magodoo.realtime import (
        DEFAULT_FIELDS,
        WebhookReceiver,
        provision_odoo_webhooks,
        realtime_entities,
    )

    receiver = WebhookReceiver(conn.engine, secret)
    entities = set(realtime_entities(conn.engine, Direction.ODOO_TO_MAGENTO))
    wanted = {model: DEFAULT_FIELDS[model] for model, entity in (receiver.models or {}).items()
              if entity in entities and model in DEFAULT_FIELDS}
    if not wanted:
        return ["none provisioned (no Odoo -> Magento entity has realtime = true)"]
    done = await provision_odoo_webhooks(conn.odoo, receiver.url(base_url), wanted)
    return [f"{p.model} (automation {p.automation_id}, "
            f"{'created' if p.created else 'refreshed'})" for p in done]


async def _realtime(args: argparse.Namespace, stop: asyncio.Event | None = None) -> int:
    from magodoo.engine.wiring import connect
    from magodoo.realtime import run_realtime

    settings = _load(args.config)
    rt = settings.realtime
    secret = rt.secret or ""
    if not secret:
        raise ConfigurationError(f"realtime.secret: missing; set the environment variable "
                                 f"{SECRET_ENV}")
    host = rt.host if args.host is None else args.host
    port = rt.port if args.port is None else args.port
    workers = rt.workers if args.workers is None else args.workers
    poll_interval = rt.poll_seconds if args.poll_interval is None else args.poll_interval
    webhook_delay = rt.webhook_delay if args.webhook_delay is None else args.webhook_delay
    public_url = rt.public_url if args.public_url is None else args.public_url
    if workers < 1:
        raise ConfigurationError("--workers: must be at least 1")
    if poll_interval <= 0:
        raise ConfigurationError("--poll-interval: must be positive")
    if webhook_delay < 0:
        raise ConfigurationError("--webhook-delay: must not be negative")
    stop_event = stop or asyncio.Event()
    installed: list[int] = []
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        # the first signal stops cleanly; a second one interrupts (default behaviour back)
        stop_event.set()
        for number in installed:
            loop.remove_signal_handler(number)

    if stop is None and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, on_signal)
                installed.append(sig)
    try:
        async with await connect(settings) as conn:
            if public_url:
                for line in await _provision(conn, public_url, secret):
                    _say(f"webhook: {line}")

            def ready(url: str) -> None:
                _say(f"listening on {url} (webhook path /odoo/webhook/<secret>); "
                     "stop with SIGINT or SIGTERM")
                sys.stdout.flush()

            stats = await run_realtime(
                conn.engine, secret=secret, stop_event=stop_event, host=host,
                port=port, poll_interval=poll_interval, workers=workers,
                ready=ready, webhook_delay=webhook_delay)
    finally:
        for number in installed:
            loop.remove_signal_handler(number)
    _say(f"stopped: {stats.webhooks} webhooks, {stats.jobs_queued} jobs queued, "
         f"{stats.jobs_processed} jobs processed, {stats.polls} Magento polls")
    return EXIT_OK


def run_realtime_command(args: argparse.Namespace) -> int:
    """Run the realtime service until SIGINT/SIGTERM; returns the exit code."""
    return _guard(lambda: _realtime(args))


# ---- the command ---------------------------------------------------------------------------


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="magodoo", description="Keep a Magento store and an Odoo ERP in sync.",
        epilog="Secrets come from MAGODOO_* environment variables; see docs/runners.md.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="sync the two shipped fakes and show what happened")
    demo.add_argument("--size", choices=["small", "medium"], default="small")
    demo.add_argument("--keep", metavar="DIR", help="keep the SQLite stores in this folder")
    check = sub.add_parser("check", help="test the connection to both servers")
    check.add_argument("--config", required=True, help="TOML settings file")
    check.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    add_sync_arguments(sub.add_parser("sync", help="run one sync (cron)"), positional=True)
    add_realtime_arguments(sub.add_parser("realtime", help="webhooks, poller and workers"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``magodoo`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from magodoo.testing.demo import run_demo_command

        return run_demo_command(size=args.size, keep=args.keep)
    configure_logging(args.verbose)
    if args.command == "check":
        return run_check_command(args)
    if args.command == "sync":
        return run_sync_command(args)
    return run_realtime_command(args)


if __name__ == "__main__":
    sys.exit(main())
