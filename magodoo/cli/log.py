"""``magodoo log list|show|delete|clear|expire``: the synchronization log.

Only the store is opened (no server is called). Entries were redacted when they were written
and are redacted again on the way out. Times are shown in local time with their offset; with
``--json`` they are ISO 8601 in UTC.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from magodoo.backends import LogEntry, LogFilter, Stores
from magodoo.backends.models import Direction, LogStatus, Trigger
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
    parse_moment,
    say,
    table,
)
from magodoo.exceptions import ConfigurationError

MESSAGE_WIDTH = 60


async def _stores(args: argparse.Namespace) -> tuple[Any, Stores]:
    from magodoo.engine.wiring import open_stores

    settings = load_settings(args)
    return settings, await open_stores(settings)


def _parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def entry_json(entry: LogEntry, *, full: bool = False) -> dict[str, Any]:
    """The stable ``--json`` shape of a log entry (``request``/``response`` with ``full``)."""
    out: dict[str, Any] = {
        "id": entry.id, "created_at": iso(entry.created_at), "backend": entry.backend,
        "entity": entry.entity, "direction": entry.direction.value,
        "trigger": entry.trigger.value, "status": entry.status.value,
        "magento_ref": entry.magento_ref, "odoo_ref": entry.odoo_ref,
        "attempt": entry.attempt, "job_id": entry.job_id,
        "duration": entry.duration, "message": entry.message,
    }
    if full:
        out["request"] = _parsed(entry.request)
        out["response"] = _parsed(entry.response)
    return out


def _filter(args: argparse.Namespace, backend: str) -> LogFilter:
    return LogFilter(
        backend=backend, entity=args.entity,
        direction=Direction(args.direction) if args.direction else None,
        trigger=Trigger(args.trigger) if args.trigger else None,
        status=LogStatus(args.status) if args.status else None,
        record=args.record,
        since=parse_moment(args.since, "--since"), until=parse_moment(args.until, "--until"))


async def log_list(args: argparse.Namespace, stop: Stop) -> int:
    settings, stores = await _stores(args)
    async with stores:
        entries = await stores.log.query(_filter(args, settings.backend), after_id=args.after,
                                         limit=args.limit, newest_first=True)
    more = len(entries) == args.limit
    next_after = entries[-1].id if entries and more else None
    if args.json:
        emit_json({"entries": [entry_json(e) for e in entries], "next_after": next_after})
        return EXIT_OK
    table(["id", "time", "entity", "dir", "trigger", "status", "magento", "odoo", "try",
           "message"],
          [[e.id, local_time(e.created_at), e.entity, e.direction.value, e.trigger.value,
            e.status.value, e.magento_ref, e.odoo_ref, e.attempt,
            e.message if len(e.message) <= MESSAGE_WIDTH
            else e.message[:MESSAGE_WIDTH - 3] + "..."] for e in entries])
    if next_after is not None:
        say(f"(more: --after {next_after})")
    return EXIT_OK


async def log_show(args: argparse.Namespace, stop: Stop) -> int:
    _, stores = await _stores(args)
    async with stores:
        entry = await stores.log.get(args.id)
    if entry is None:
        if args.json:
            emit_json({"entry": None})
        else:
            say(f"log entry {args.id}: not found")
        return EXIT_FAILED
    data = entry_json(entry, full=True)
    if args.json:
        emit_json({"entry": data})
        return EXIT_OK
    for key in ("id", "backend", "entity", "direction", "trigger", "status", "magento_ref",
                "odoo_ref", "attempt", "job_id", "duration", "message"):
        say(f"{key + ':':<13}{'' if data[key] is None else data[key]}")
    say(f"{'time:':<13}{local_time(entry.created_at)}")
    for key in ("request", "response"):
        say(f"{key}:")
        value = data[key]
        say(json.dumps(value, indent=2, sort_keys=True, default=str)
            if not isinstance(value, str) else value)
    return EXIT_OK


async def log_delete(args: argparse.Namespace, stop: Stop) -> int:
    _, stores = await _stores(args)
    deleted: list[int] = []
    missing: list[int] = []
    async with stores:
        for entry_id in args.ids:
            (deleted if await stores.log.delete(entry_id) else missing).append(entry_id)
    if args.json:
        emit_json({"deleted": deleted, "not_found": missing})
    else:
        say(f"deleted {len(deleted)} log entries"
            + (f"; not found: {', '.join(map(str, missing))}" if missing else ""))
    return EXIT_FAILED if missing else EXIT_OK


async def log_clear(args: argparse.Namespace, stop: Stop) -> int:
    _, stores = await _stores(args)
    async with stores:
        count = await stores.log.count()
        if not confirm(f"delete all {count} sync log entries?", args.yes):
            say("nothing deleted")
            return EXIT_OK
        deleted = await stores.log.clear()
    if args.json:
        emit_json({"deleted": deleted})
    else:
        say(f"deleted {deleted} log entries")
    return EXIT_OK


async def log_expire(args: argparse.Namespace, stop: Stop) -> int:
    settings, stores = await _stores(args)
    days = settings.log.expiry_days if args.days is None else args.days
    if days <= 0:
        raise ConfigurationError(f"--days: must be positive, got {days}")
    async with stores:
        deleted = await stores.log.expire(timedelta(days=days))
    if args.json:
        emit_json({"deleted": deleted, "older_than_days": days})
    else:
        say(f"deleted {deleted} log entries older than {days} days")
    return EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("log", help="the sync log: list, show, delete, clear, expire",
                            description=__doc__)
    group = parser.add_subparsers(dest="log_command", required=True)

    listing = group.add_parser("list", help="entries, newest first, with filters")
    add_common(listing)
    listing.add_argument("--entity")
    listing.add_argument("--direction", choices=[d.value for d in Direction])
    listing.add_argument("--status", choices=[s.value for s in LogStatus])
    listing.add_argument("--trigger", choices=[t.value for t in Trigger])
    listing.add_argument("--record", help="Magento or Odoo reference of the record")
    listing.add_argument("--since", help="ISO date/time, inclusive (UTC unless an offset)")
    listing.add_argument("--until", help="ISO date/time, exclusive")
    listing.add_argument("--limit", type=int, default=50, help="entries per page (50)")
    listing.add_argument("--after", type=int, help="page on: the last id of the page before")
    listing.set_defaults(command=log_list)

    show = group.add_parser("show", help="one entry with its request and response")
    add_common(show)
    show.add_argument("id", type=int)
    show.set_defaults(command=log_show)

    delete = group.add_parser("delete", help="delete entries by id")
    add_common(delete)
    delete.add_argument("ids", type=int, nargs="+", metavar="ID")
    delete.set_defaults(command=log_delete)

    clear = group.add_parser("clear", help="delete every entry (asks on a terminal)")
    add_common(clear)
    clear.add_argument("--yes", action="store_true", help="do not ask")
    clear.set_defaults(command=log_clear)

    expire = group.add_parser("expire", help="delete entries older than log.expiry_days")
    add_common(expire)
    expire.add_argument("--days", type=int, help="instead of log.expiry_days")
    expire.set_defaults(command=log_expire)
