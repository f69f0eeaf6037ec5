"""The job queue: waiting, running, failed and dead jobs; retry, requeue, purge."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from magodoo.backends.models import JobState, utcnow
from magodoo.cli._common import parse_age
from magodoo.cli.queue import dead_before, picked
from magodoo.console._app import ENGINE, log, needs, who
from magodoo.console.views._render import flash_and_go, ids, page
from magodoo.exceptions import ConfigurationError, JobNotFoundError

PAGE = 50


@needs("view")
async def queue_page(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    state = request.query.get("state") or None
    entity = request.query.get("entity") or None
    try:
        chosen = JobState(state) if state else None
        after = int(request.query["after"]) if request.query.get("after") else None
    except ValueError:
        return page(request, "error.html", status=400, title="Queue",
                    message=f"state: one of {', '.join(s.value for s in JobState)}")
    jobs = await engine.stores.jobs.list_jobs(state=chosen, entity=entity, after_id=after,
                                              limit=PAGE)
    counts = await engine.stores.jobs.counts()
    kept = {k: v for k, v in (("state", state), ("entity", entity)) if v}
    next_url = (f"/queue?{urlencode({**kept, 'after': jobs[-1].id})}"
                if len(jobs) == PAGE else None)
    return page(request, "queue.html", title="Queue", jobs=jobs,
                counts={s.value: counts.get(s, 0) for s in JobState},
                states=[s.value for s in JobState], state=state or "", entity=entity or "",
                entities=sorted(engine.registry.entities()), next_url=next_url,
                first_url=f"/queue?{urlencode(kept)}" if after is not None else None)


async def _requeue(request: web.Request, pick: JobState, word: str) -> web.StreamResponse:
    """Requeue the chosen ids, or every failed (``pick`` waiting) / dead job with ``all``."""
    form = await request.post()
    queue = request.app[ENGINE].stores.jobs
    if form.get("all"):
        chosen = await picked(queue, pick)
    else:
        chosen = ids(form)
    done, missing = 0, []
    for job_id in chosen:
        try:
            await queue.requeue(job_id)
            done += 1
        except JobNotFoundError:
            missing.append(job_id)
    log.info("console: jobs %s", word, extra={"user": who(request),
                                              "job_ids": chosen})
    return await flash_and_go(
        request, f"{word} {done} jobs (due now)"
        + (f"; not found: {', '.join(map(str, missing))}" if missing else ""), "/queue")


@needs("queue.retry")
async def queue_retry(request: web.Request) -> web.StreamResponse:
    return await _requeue(request, JobState.WAITING, "retrying")


@needs("queue.retry")
async def queue_requeue(request: web.Request) -> web.StreamResponse:
    return await _requeue(request, JobState.DEAD, "requeued")


@needs("queue.retry")
async def queue_purge(request: web.Request) -> web.StreamResponse:
    """Delete dead jobs older than an age (nothing waiting is ever dropped from here)."""
    form = await request.post()
    queue = request.app[ENGINE].stores.jobs
    try:
        cutoff = utcnow() - parse_age(str(form.get("older_than", "")).strip(), "older than")
    except ConfigurationError as exc:
        return await flash_and_go(request, str(exc), "/queue")
    chosen = await dead_before(queue, cutoff)
    deleted = await queue.complete_many(chosen) if chosen else 0
    log.info("console: dead jobs purged", extra={"user": who(request),
                                                 "job_ids": chosen})
    return await flash_and_go(request, f"deleted {deleted} dead jobs", "/queue")
