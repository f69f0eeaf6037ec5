"""The sync log grid: filters, keyset paging in the store, one entry, delete, clear."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from magodoo.backends import LogFilter
from magodoo.backends.models import Direction, LogStatus, Trigger
from magodoo.cli._common import parse_moment
from magodoo.cli.log import entry_json
from magodoo.console._app import ENGINE, SETTINGS, log, needs, who
from magodoo.console.views._render import flash_and_go, ids, page, pretty
from magodoo.exceptions import ConfigurationError

PAGE = 50
FIELDS = ("entity", "direction", "status", "trigger", "record", "since", "until")
CHOICES = {"direction": [d.value for d in Direction], "status": [s.value for s in LogStatus],
           "trigger": [t.value for t in Trigger]}


def _filter(query: Any, backend: str) -> LogFilter:
    def choice(name: str) -> str | None:
        value = query.get(name) or None
        if value is not None and value not in CHOICES[name]:
            raise ConfigurationError(f"{name}: one of {', '.join(CHOICES[name])}, got {value!r}")
        return value

    direction, status, trigger = choice("direction"), choice("status"), choice("trigger")
    return LogFilter(
        backend=backend, entity=query.get("entity") or None,
        direction=Direction(direction) if direction else None,
        status=LogStatus(status) if status else None,
        trigger=Trigger(trigger) if trigger else None,
        record=query.get("record") or None,
        since=parse_moment(query.get("since"), "since"),
        until=parse_moment(query.get("until"), "until"))


@needs("view")
async def log_grid(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    query = request.query
    shown = {k: query.get(k, "") for k in FIELDS}
    entities = sorted(engine.registry.entities())
    try:
        where = _filter(query, engine.settings.backend)
        after = int(query["after"]) if query.get("after") else None
    except (ConfigurationError, ValueError) as exc:
        return page(request, "log.html", status=400, title="Sync log", error=str(exc),
                    entries=[], total=0, filters=shown, choices=CHOICES, entities=entities,
                    next_url=None, first_url=None)
    entries = await engine.stores.log.query(where, after_id=after, limit=PAGE,
                                            newest_first=True)
    total = await engine.stores.log.count(where)
    kept = {k: v for k, v in shown.items() if v}
    next_url = (f"/log?{urlencode({**kept, 'after': entries[-1].id})}"
                if len(entries) == PAGE else None)
    first_url = f"/log?{urlencode(kept)}" if after is not None else None
    return page(request, "log.html", title="Sync log", entries=entries, total=total,
                filters=shown, choices=CHOICES, entities=entities, next_url=next_url,
                first_url=first_url)


@needs("view")
async def log_entry(request: web.Request) -> web.StreamResponse:
    try:
        entry_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    entry = await request.app[ENGINE].stores.log.get(entry_id)
    if entry is None:
        return page(request, "error.html", status=404, title="Not found",
                    message=f"log entry {entry_id}: not found")
    data = entry_json(entry, full=True)
    settings = request.app[SETTINGS]
    return page(request, "log_entry.html", title=f"Log entry {entry_id}", entry=entry,
                data=data, request_text=pretty(data["request"], settings)
                if data["request"] is not None else "",
                response_text=pretty(data["response"], settings)
                if data["response"] is not None else "")


@needs("log.delete")
async def log_delete_one(request: web.Request) -> web.StreamResponse:
    try:
        entry_id = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    done = await request.app[ENGINE].stores.log.delete(entry_id)
    log.info("console: log entry deleted", extra={"user": who(request),
                                                   "log_id": entry_id})
    return await flash_and_go(request, f"deleted log entry {entry_id}" if done
                              else f"log entry {entry_id}: not found", "/log")


@needs("log.delete")
async def log_delete_selected(request: web.Request) -> web.StreamResponse:
    chosen = ids(await request.post())
    store = request.app[ENGINE].stores.log
    deleted = [i for i in chosen if await store.delete(i)]
    log.info("console: log entries deleted", extra={"user": who(request),
                                                     "log_ids": deleted})
    return await flash_and_go(request, f"deleted {len(deleted)} log entries"
                              if chosen else "no entry selected", "/log")


@needs("log.delete")
async def log_clear_form(request: web.Request) -> web.StreamResponse:
    count = await request.app[ENGINE].stores.log.count()
    return page(request, "log_clear.html", title="Clear the sync log", count=count)


@needs("log.delete")
async def log_clear(request: web.Request) -> web.StreamResponse:
    deleted = await request.app[ENGINE].stores.log.clear()
    log.info("console: log cleared", extra={"user": who(request),
                                             "deleted": deleted})
    return await flash_and_go(request, f"deleted all {deleted} log entries", "/log")
