"""Mass sync: a dry run shows the planned writes; running them queues one job per record
(``Trigger.MANUAL``) and the page shows the jobs' progress until they are all done.

Deletions are not mass-synced (as in the seed): the dry run lists them, the run leaves them to
``magodoo sync --full``.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

import attrs
from aiohttp import web

from magodoo.backends.models import Direction, Job, JobState, Trigger, utcnow
from magodoo.cli.queue import all_jobs
from magodoo.console._app import ENGINE, STATE, log, needs, who
from magodoo.console.views._render import page
from magodoo.engine.result import PlannedWrite
from magodoo.exceptions import MagodooError

KEEP = 20
"""Plans and runs remembered (the oldest are forgotten)."""
SHOWN = 100
"""Planned writes listed per entity."""


@attrs.define
class Step:
    entity: str
    direction: str
    planned: list[PlannedWrite] = attrs.field(factory=list)
    error: str = ""
    job_ids: list[int] = attrs.field(factory=list)

    @property
    def keys(self) -> list[str]:
        return list(dict.fromkeys(p.source_id for p in self.planned if p.action != "delete"))

    @property
    def actions(self) -> dict[str, int]:
        return dict(Counter(p.action for p in self.planned))


@attrs.define
class Plan:
    id: str
    user: str
    label: str
    full: bool
    steps: list[Step]
    ran: str | None = None
    """Id of the run started from this plan (a plan runs once)."""

    @property
    def writes(self) -> int:
        return sum(len(s.keys) for s in self.steps)


def _remember(store: dict[str, Any], key: str, value: Any) -> None:
    store[key] = value
    while len(store) > KEEP:
        store.pop(next(iter(store)))


def choices(engine: Any) -> list[tuple[str, str]]:
    """(value, label) of the mass sync select: "all", then each enabled entity and way."""
    out = [("all", "Everything (Odoo → Magento, then Magento → Odoo)")]
    for direction in (Direction.ODOO_TO_MAGENTO, Direction.MAGENTO_TO_ODOO):
        arrow = "Odoo → Magento" if direction is Direction.ODOO_TO_MAGENTO else "Magento → Odoo"
        out += [(f"{h.entity}:{direction.value}", f"{h.entity} ({arrow})")
                for h in engine.registry.ordered(direction)
                if engine.settings.is_enabled(h.entity)]
    return out


@needs("sync.run")
async def sync_form(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    return page(request, "sync.html", title="Mass sync", choices=choices(request.app[ENGINE]),
                runs=list(reversed(state["runs"].values())))


@needs("sync.run")
async def sync_plan(request: web.Request) -> web.StreamResponse:
    """The dry run: read and map, write nothing; remember the plan for the run."""
    engine = request.app[ENGINE]
    form = await request.post()
    target = str(form.get("target", ""))
    full = bool(form.get("full"))
    allowed = dict(choices(engine))
    if target not in allowed:
        return page(request, "sync.html", status=400, title="Mass sync",
                    choices=choices(engine), runs=[],
                    error=f"{target!r}: not an enabled entity and direction")
    if target == "all":
        steps = [Step(entity, way) for value, _ in choices(engine)[1:]
                 for entity, way in [value.split(":")]]
    else:
        entity, way = target.split(":")
        steps = [Step(entity, way)]
    for step in steps:
        try:
            result = await engine.sync(step.entity, step.direction, dry_run=True, full=full,
                                       trigger=Trigger.MANUAL)
            step.planned = list(result.planned)
        except MagodooError as exc:
            step.error = f"{type(exc).__name__}: {exc}"
    plan = Plan(secrets.token_urlsafe(12), who(request), allowed[target], full,
                steps)
    _remember(request.app[STATE]["plans"], plan.id, plan)
    return page(request, "sync_plan.html", title="Mass sync: dry run", plan=plan,
                shown=SHOWN)


@needs("sync.run")
async def sync_run(request: web.Request) -> web.StreamResponse:
    """Queue the planned writes of a dry run, in dependency order (higher priority first)."""
    engine = request.app[ENGINE]
    form = await request.post()
    plan: Plan | None = request.app[STATE]["plans"].get(str(form.get("plan", "")))
    if plan is None:
        return page(request, "error.html", status=404, title="Mass sync",
                    message="this dry run is unknown or too old; run a new dry run")
    if plan.ran is not None:
        raise web.HTTPSeeOther(f"/sync/runs/{plan.ran}")
    for rank, step in enumerate(plan.steps):
        if not step.keys:
            continue
        jobs = await engine.enqueue(step.entity, step.direction, step.keys,
                                    trigger=Trigger.MANUAL, priority=len(plan.steps) - rank)
        step.job_ids = [j.id for j in jobs if j.id is not None]
    plan.ran = plan.id
    run = {"id": plan.id, "plan": plan, "user": who(request), "started": utcnow()}
    _remember(request.app[STATE]["runs"], plan.id, run)
    log.info("console: mass sync queued", extra={
        "user": who(request), "target": plan.label,
        "jobs": sum(len(s.job_ids) for s in plan.steps)})
    raise web.HTTPSeeOther(f"/sync/runs/{plan.id}")


async def progress(engine: Any, plan: Plan) -> dict[str, Any]:
    """Where the run's jobs are: done (left the queue), pending, retrying, dead."""
    totals = Counter[str]()
    rows = []
    problems: list[Job] = []
    for step in plan.steps:
        if not step.job_ids:
            rows.append({"step": step, "done": 0, "pending": 0, "retrying": 0, "dead": 0})
            continue
        wanted = set(step.job_ids)
        present: dict[int, Job] = {}
        async for job in all_jobs(engine.stores.jobs, entity=step.entity):
            if job.id in wanted:
                present[job.id] = job
        row = Counter[str]()
        for job_id in step.job_ids:
            found = present.get(job_id)
            if found is None:
                row["done"] += 1
            elif found.state is JobState.DEAD:
                row["dead"] += 1
                problems.append(found)
            elif found.attempts:
                row["retrying"] += 1
                problems.append(found)
            else:
                row["pending"] += 1
        totals.update(row)
        rows.append({"step": step, **{k: row[k] for k in ("done", "pending", "retrying",
                                                           "dead")}})
    total = sum(len(s.job_ids) for s in plan.steps)
    finished = totals["pending"] == 0 and totals["retrying"] == 0
    return {"rows": rows, "total": total, "done": totals["done"], "dead": totals["dead"],
            "retrying": totals["retrying"], "finished": finished, "problems": problems[:50],
            "percent": 100 if not total else round(100 * totals["done"] / total)}


@needs("view")
async def sync_progress(request: web.Request) -> web.StreamResponse:
    run = request.app[STATE]["runs"].get(request.match_info["id"])
    if run is None:
        return page(request, "error.html", status=404, title="Mass sync",
                    message="this run is unknown (runs are kept in memory, the last 20)")
    state = await progress(request.app[ENGINE], run["plan"])
    return page(request, "sync_run.html", title="Mass sync: progress", run=run, **state)
