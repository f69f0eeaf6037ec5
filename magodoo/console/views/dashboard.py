"""The dashboard: per entity and direction, bound records, last sync, waiting, failed and dead
jobs, errors of the last 24 h; and the realtime service when it runs in this process."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
from aiohttp import web

from magodoo.backends import LogFilter, LogStatus
from magodoo.backends.models import Direction, JobState, LogEntry, utcnow
from magodoo.cli.queue import all_jobs
from magodoo.console._app import ENGINE, SERVICE, needs
from magodoo.console.views._render import page


@attrs.define
class Line:
    entity: str
    direction: str
    enabled: bool
    realtime: bool
    bound: int = 0
    last: LogEntry | None = None
    waiting: int = 0
    running: int = 0
    failed: int = 0
    dead: int = 0
    errors_24h: int = 0
    cursor: datetime | None = None
    """Changes are read up to here (the incremental sync's stored cursor)."""


async def overview(engine: Any) -> list[Line]:
    """One line per registered entity and direction (Odoo -> Magento first, as ``--all``)."""
    stores, settings = engine.stores, engine.settings
    backend = settings.backend
    since = utcnow() - timedelta(hours=24)
    lines: dict[tuple[str, str], Line] = {}
    for direction in (Direction.ODOO_TO_MAGENTO, Direction.MAGENTO_TO_ODOO):
        for handler in engine.registry.ordered(direction):
            entity = handler.entity
            line = Line(entity, direction.value, settings.is_enabled(entity),
                        settings.entity(entity).realtime)
            line.bound = await stores.bindings.count(backend, entity)
            line.cursor = await stores.cursors.get(backend, entity, direction)
            where = LogFilter(backend=backend, entity=entity, direction=direction)
            newest = await stores.log.query(where, limit=1, newest_first=True)
            line.last = newest[0] if newest else None
            line.errors_24h = await stores.log.count(
                attrs.evolve(where, status=LogStatus.FAILED, since=since))
            lines[(entity, direction.value)] = line
    async for job in all_jobs(stores.jobs):
        found = lines.get((job.entity, job.direction.value))
        if found is None or job.backend != backend:
            continue
        if job.state is JobState.DEAD:
            found.dead += 1
        elif job.state is JobState.CLAIMED:
            found.running += 1
        elif job.attempts:
            found.failed += 1
        else:
            found.waiting += 1
    return list(lines.values())


@needs("view")
async def dashboard(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    service = request.app[SERVICE]
    counts = await engine.stores.jobs.counts()
    return page(request, "dashboard.html", title="Dashboard", lines=await overview(engine),
                counts={s.value: counts.get(s, 0) for s in JobState},
                service=dict(service()) if service is not None else None)
