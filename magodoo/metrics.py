"""Prometheus metrics of a magodoo process, with the official ``prometheus-client``.

The realtime service serves them at ``/metrics``; ``magodoo sync --metrics-file`` writes them
for node_exporter's textfile collector. They are fed from the outside, without touching the
engine: :func:`tap_stores` wraps the sync log and the job queue (every log entry, every
claimed, completed and failed job passes through), and
:func:`magodoo.engine.capture.observe` hands every HTTP exchange to :meth:`Metrics.exchange`.

Series (``entity``, ``direction``, ``server``, ``status``, ``state``, ``outcome``, ``result``
labels only: no record content, no id, no URL, no secret):

==========================================  =================================================
``magodoo_jobs{state,entity}``              jobs in the queue now (waiting, claimed, dead)
``magodoo_jobs_done_total{entity}``         jobs completed
``magodoo_jobs_failed_total{entity}``       failed job attempts (``dead`` when out of tries)
``magodoo_jobs_dead_total{entity}``         jobs that went dead in this process
``magodoo_sync_latency_seconds{entity}``    from a change being queued (webhook, poll,
                                            failed record) to its write in the target
``magodoo_records_total{entity,direction,outcome}``  records synced (created, updated,
                                            deleted, skipped, failed)
``magodoo_api_requests_total{server,status}``  HTTP attempts to Magento and Odoo
``magodoo_api_errors_total{server,status}``    of which errors (no answer, or status >= 400)
``magodoo_webhook_requests_total{result}``  webhook POSTs ``accepted`` or ``refused``
==========================================  =================================================

Records are counted from the sync log, so ``log.enabled = false`` leaves
``magodoo_records_total`` at zero.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import attrs
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    write_to_textfile,
)

from magodoo._http import Exchange
from magodoo.backends import Job, JobQueue, JobState, LogEntry, Stores, SyncLog

__all__ = ["CONTENT_TYPE", "Metrics", "StoreListener", "tap_stores"]

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The ``Content-Type`` of :meth:`Metrics.text`."""

LATENCY_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600, float("inf"))
OUTCOMES = ("created", "updated", "deleted", "skipped", "failed")


class StoreListener(Protocol):
    """What :func:`tap_stores` reports (the metrics and the progress bars listen)."""

    def entries(self, entries: builtins.list[LogEntry]) -> None: ...

    def claimed(self, jobs: builtins.list[Job]) -> None: ...

    def completed(self, job_ids: builtins.list[int]) -> None: ...

    def failed(self, job: Job) -> None: ...


class _LogTap:
    def __init__(self, inner: SyncLog, listeners: tuple[StoreListener, ...]) -> None:
        self._inner = inner
        self._listeners = listeners

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def add(self, entry: LogEntry) -> int | None:
        entry_id = await self._inner.add(entry)
        for listener in self._listeners:
            listener.entries([entry])
        return entry_id

    async def add_many(self, entries: Iterable[LogEntry]) -> builtins.list[int]:
        listed = list(entries)
        ids = await self._inner.add_many(listed)
        for listener in self._listeners:
            listener.entries(listed)
        return ids


class _QueueTap:
    def __init__(self, inner: JobQueue, listeners: tuple[StoreListener, ...]) -> None:
        self._inner = inner
        self._listeners = listeners

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def claim(self, *args: Any, **kwargs: Any) -> builtins.list[Job]:
        jobs = await self._inner.claim(*args, **kwargs)
        for listener in self._listeners:
            listener.claimed(jobs)
        return jobs

    async def complete(self, job_id: int) -> bool:
        done = await self._inner.complete(job_id)
        if done:
            for listener in self._listeners:
                listener.completed([job_id])
        return done

    async def complete_many(self, job_ids: Iterable[int]) -> int:
        ids = list(dict.fromkeys(job_ids))
        count = await self._inner.complete_many(ids)
        for listener in self._listeners:
            listener.completed(ids)
        return count

    async def fail(self, job_id: int, error: str, **kwargs: Any) -> Job:
        job = await self._inner.fail(job_id, error, **kwargs)
        for listener in self._listeners:
            listener.failed(job)
        return job


def tap_stores(stores: Stores, *listeners: StoreListener) -> Stores:
    """The same stores, with the log and the queue reporting to ``listeners``. Closing the
    returned bundle closes ``stores``."""
    return attrs.evolve(
        stores,
        log=cast(SyncLog, _LogTap(stores.log, listeners)),
        jobs=cast(JobQueue, _QueueTap(stores.jobs, listeners)),
    )


def _outcome(entry: LogEntry) -> str:
    word = entry.message.split(":", 1)[0].strip()
    return word if word in OUTCOMES else entry.status.value


class Metrics:
    """One process's metrics, in their own registry (several may live in one process).

    ``servers`` maps a base URL to its server label (``{"https://shop...": "magento"}``) for
    the API series.
    """

    def __init__(self, servers: Mapping[str, str] | None = None,
                 registry: CollectorRegistry | None = None) -> None:
        self.servers = dict(servers or {})
        self.registry = r = registry if registry is not None else CollectorRegistry()
        self._claimed: dict[int, Job] = {}
        self.jobs = Gauge("magodoo_jobs", "Jobs in the queue by state and entity",
                          ["state", "entity"], registry=r)
        self.jobs_done = Counter("magodoo_jobs_done", "Jobs completed", ["entity"],
                                 registry=r)
        self.jobs_failed = Counter("magodoo_jobs_failed", "Failed job attempts", ["entity"],
                                   registry=r)
        self.jobs_dead = Counter("magodoo_jobs_dead", "Jobs that went dead (out of tries)",
                                 ["entity"], registry=r)
        self.latency = Histogram(
            "magodoo_sync_latency_seconds",
            "Seconds from a change being queued to its write in the target",
            ["entity"], buckets=LATENCY_BUCKETS, registry=r)
        self.records = Counter("magodoo_records", "Records synced, by outcome",
                               ["entity", "direction", "outcome"], registry=r)
        self.api_requests = Counter("magodoo_api_requests", "HTTP attempts to the servers",
                                    ["server", "status"], registry=r)
        self.api_errors = Counter("magodoo_api_errors",
                                  "HTTP attempts without an answer or answered >= 400",
                                  ["server", "status"], registry=r)
        self.webhooks = Counter("magodoo_webhook_requests", "Webhook POSTs received",
                                ["result"], registry=r)

    @classmethod
    def for_settings(cls, magento_url: str, odoo_url: str) -> Metrics:
        return cls(servers={magento_url.rstrip("/"): "magento", odoo_url.rstrip("/"): "odoo"})

    # ---- listeners ---------------------------------------------------------------------

    def exchange(self, exchange: Exchange) -> None:
        """One HTTP attempt (give this to :func:`magodoo.engine.capture.observe`)."""
        server = next((name for base, name in self.servers.items()
                       if base and exchange.url.startswith(base)), "other")
        status = str(exchange.status) if exchange.status is not None else "none"
        self.api_requests.labels(server, status).inc()
        if exchange.status is None or exchange.status >= 400:
            self.api_errors.labels(server, status).inc()

    def entries(self, entries: builtins.list[LogEntry]) -> None:
        for entry in entries:
            self.records.labels(entry.entity, entry.direction.value, _outcome(entry)).inc()

    def claimed(self, jobs: builtins.list[Job]) -> None:
        for job in jobs:
            if job.id is not None:
                self._claimed[job.id] = job

    def completed(self, job_ids: builtins.list[int]) -> None:
        now = datetime.now(UTC)
        for job_id in job_ids:
            job = self._claimed.pop(job_id, None)
            if job is None:
                continue
            self.jobs_done.labels(job.entity).inc()
            if job.created_at is not None:
                self.latency.labels(job.entity).observe(
                    max(0.0, (now - job.created_at).total_seconds()))

    def failed(self, job: Job) -> None:
        if job.id is not None:
            self._claimed.pop(job.id, None)
        self.jobs_failed.labels(job.entity).inc()
        if job.state is JobState.DEAD:
            self.jobs_dead.labels(job.entity).inc()

    def webhook(self, accepted: bool) -> None:
        self.webhooks.labels("accepted" if accepted else "refused").inc()

    # ---- output ------------------------------------------------------------------------

    async def refresh(self, jobs: JobQueue, *, page: int = 1000) -> None:
        """Read the queue's current jobs into ``magodoo_jobs`` (before each scrape)."""
        counts: dict[tuple[str, str], int] = {}
        after: int | None = None
        while batch := await jobs.list_jobs(after_id=after, limit=page):
            for job in batch:
                key = (job.state.value, job.entity)
                counts[key] = counts.get(key, 0) + 1
            after = batch[-1].id
        entities = {entity for _, entity in counts} | {
            labels[1] for labels in self._label_sets(self.jobs)}
        self.jobs.clear()
        for entity in entities:
            for state in JobState:
                self.jobs.labels(state.value, entity).set(counts.get((state.value, entity), 0))

    @staticmethod
    def _label_sets(gauge: Gauge) -> list[tuple[str, ...]]:
        return [tuple(s.labels.values()) for metric in gauge.collect() for s in metric.samples]

    def text(self) -> bytes:
        """The Prometheus text exposition of every series."""
        return generate_latest(self.registry)

    def write(self, path: str | Path) -> None:
        """Write :meth:`text` to ``path`` atomically (node_exporter's textfile collector)."""
        write_to_textfile(str(path), self.registry)
