"""The sync engine: runs the handler steps over pages, keeps bindings, cursors, log and jobs.

See :mod:`magodoo.engine.handler` for the steps. The engine owns what every entity shares:
the per-record locks, the binding lookups (one store query per page), the skip rules (disabled,
echo, unchanged), the create-or-update decision, the recovery of a create whose outcome is
unknown (look the record up by natural key before any retry), the bindings, the sync log, the
cursors and the job queue.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import random
import socket
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Sequence,
)
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from magodoo._redact import Redactor
from magodoo.backends.models import (
    Binding,
    Direction,
    Job,
    JobAction,
    LogEntry,
    Trigger,
    default_identity,
    utcnow,
)
from magodoo.engine.capture import exchange_request, exchange_response, to_text
from magodoo.engine.cursors import CursorTracker, plan_window
from magodoo.engine.echo import (
    EchoGuard,
    Side,
    binding_echo,
    payload_hash,
    split_hash,
    tag_hash,
    written_into,
)
from magodoo.engine.handler import Context, Handler, Plan, Unreadable, Written
from magodoo.engine.locks import KeyedLocks
from magodoo.engine.ports import MagentoPort, OdooPort
from magodoo.engine.registry import Registry, default_registry
from magodoo.engine.result import (
    KEEP_OUTCOMES,
    Outcome,
    Outcomes,
    OutcomeSink,
    PlannedWrite,
    RecordOutcome,
    SyncResult,
)
from magodoo.exceptions import (
    BindingConflictError,
    ConfigurationError,
    MagodooError,
    MappingError,
    NotFoundError,
    OutcomeUnknownError,
)
from magodoo.settings import ENTITIES, Settings

if TYPE_CHECKING:
    from magodoo.backends import Stores
    from magodoo.engine.check import CheckReport

__all__ = ["SyncEngine"]

log = logging.getLogger("magodoo.engine")

AnyHandler = Handler[Any, Any]
AnyPlan = Plan[Any, Any]
T = TypeVar("T")


def _direction(value: Direction | str) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ConfigurationError(
            f"direction must be one of {[d.value for d in Direction]}, got {value!r}"
        ) from None


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _source_side(direction: Direction) -> Side:
    return "magento" if direction is Direction.MAGENTO_TO_ODOO else "odoo"


SETTLE_KEY = "settle_until"
WAITING = "waiting"
"""Reason prefix of a record skipped because an unknown write outcome is settling."""
"""Job payload key: the record's last write has an unknown outcome; not before this time."""


def settle_time(job: Job) -> datetime | None:
    """When a waiting job's unknown write outcome has settled (``None``: nothing unknown)."""
    unknown = SETTLE_KEY in job.payload or (job.last_error or "").startswith(
        OutcomeUnknownError.__name__)
    return job.not_before if unknown else None


def _failed_dependencies(ctx: Context) -> tuple[str, datetime | None]:
    """The dependencies synced for this page that are not done yet but will be: failed
    retriably, or waiting for an unknown outcome to settle (``""``: none); and the latest
    time one of them waits for."""
    pending = [r for dep in ctx.dependencies for r in dep.records
               if (r.outcome is Outcome.FAILED and r.retriable)
               or (r.outcome is Outcome.SKIPPED and r.reason.startswith(WAITING))]
    names = [f"{dep.entity} {r.source_id}" for dep in ctx.dependencies for r in dep.records
             if r in pending]
    waits = [r.wait_until for r in pending if r.wait_until is not None]
    return ", ".join(names[:5]), max(waits, default=None)


def _outcomes(plans: Iterable[AnyPlan]) -> list[RecordOutcome]:
    """What is left of a page's plans once it is written, logged and bound."""
    return [RecordOutcome(p.source_id, p.outcome or Outcome.FAILED, p.target_id, p.reason,
                          p.retriable, p.log_id, p.wait_until) for p in plans]


@attrs.define
class SyncEngine:
    """Syncs Magento and Odoo through the registered handlers.

    ``magento`` and ``odoo`` are the two ports (see :mod:`magodoo.engine.wiring` to build them
    from :class:`~magodoo.settings.Settings`), ``stores`` the bindings, log, jobs and cursors.
    """

    magento: MagentoPort
    odoo: OdooPort
    stores: Stores
    settings: Settings = attrs.field(factory=Settings)
    registry: Registry = attrs.field(factory=default_registry)
    clock: Callable[[], datetime] = utcnow
    echo: EchoGuard = attrs.field(factory=EchoGuard)
    checker: Any = None
    """Optional object with ``async check() -> CheckReport`` (set by the wiring)."""
    lock_wait: float = 30.0
    """Seconds to wait for another process holding a record's lock before leaving that
    record to the queue."""
    read_ahead: bool = True
    """Read the next page while the current one is written (at most one page ahead)."""
    keep_outcomes: int = KEEP_OUTCOMES
    """At most this many notable outcomes are held in a pass's result."""
    _locks: KeyedLocks = attrs.field(factory=KeyedLocks, init=False)
    _owner: str = attrs.field(init=False)
    _redactor: Redactor = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        m, o, s = self.settings.magento, self.settings.odoo, self.settings.stores
        self._redactor = Redactor([
            m.password, m.token, m.consumer_key, m.consumer_secret, m.access_token,
            m.access_token_secret, o.password, o.api_key, s.postgres_dsn,
        ])
        self._check_entities()

    def _check_entities(self) -> None:
        """Refuse settings for an entity type nothing knows (a typo in ``[entities.<name>]``)."""
        known = set(ENTITIES) | self.registry.entities()
        for name in self.settings.entities:
            if name not in known:
                raise ConfigurationError(
                    f"entities.{name}: no handler is registered for this entity type "
                    f"(what can be synced: {self.registry.describe()})"
                )

    # ---- public entry points ---------------------------------------------------------------

    async def sync(
        self,
        entity: str,
        direction: Direction | str,
        *,
        keys: Iterable[str | int] | None = None,
        since: datetime | None = None,
        trigger: Trigger = Trigger.MANUAL,
        dry_run: bool = False,
        full: bool = False,
        force: bool = False,
        on_outcome: OutcomeSink | None = None,
        keep_all: bool | None = None,
    ) -> SyncResult:
        """Sync one entity type one way.

        ``keys`` (source ids) syncs those records; otherwise the records changed since the
        stored cursor (or ``since``) are read page by page, and the cursor is moved at the end.
        ``full`` reads every record whatever the cursor, and then deletes the targets of
        deleted sources (for the entities that sync deletions). ``dry_run`` reads and maps but
        writes nothing: the result lists the planned writes. ``force`` writes even the records
        whose mapped payload is unchanged since magodoo's last write (to repair a target that
        was edited or deleted by hand).

        Memory stays flat: a page's plans are dropped once it is written, logged and bound.
        The result counts every record; it holds every record's outcome for a sync by
        ``keys`` but only the notable ones for a pass (failures and reasons other than
        ``unchanged``/``echo``, at most :attr:`keep_outcomes`), unless ``keep_all``.
        ``on_outcome`` receives every record's outcome page by page (it may be async).
        """
        handler = self.registry.get(entity, _direction(direction))
        return await self._sync(handler, keys=keys, since=since, trigger=trigger,
                                dry_run=dry_run, jobs=None, full=full, force=force,
                                on_outcome=on_outcome, keep_all=keep_all)

    async def sync_all(
        self,
        direction: Direction | str,
        *,
        trigger: Trigger = Trigger.BATCH,
        dry_run: bool = False,
        full: bool = False,
    ) -> dict[str, SyncResult]:
        """Sync every enabled entity type of one direction, in dependency order (websites and
        stores first); incremental unless ``full``."""
        results: dict[str, SyncResult] = {}
        for handler in self.registry.ordered(_direction(direction)):
            if not self.settings.is_enabled(handler.entity) or handler.realtime_only:
                continue
            results[handler.entity] = await self._sync(
                handler, keys=None, since=None, trigger=trigger, dry_run=dry_run, jobs=None,
                full=full,
            )
        return results

    async def enqueue(
        self,
        entity: str,
        direction: Direction | str,
        keys: Iterable[str | int],
        *,
        trigger: Trigger = Trigger.REALTIME,
        action: JobAction = JobAction.SYNC,
        priority: int = 0,
        not_before: datetime | None = None,
        force: bool = False,
    ) -> list[Job]:
        """Queue records for the workers. A realtime trigger is ignored (``[]``) when the
        entity's realtime flag is off or the entity is disabled. ``force``: the worker writes
        each record even when its payload hash says unchanged (a repair)."""
        handler = self.registry.get(entity, _direction(direction))
        if not self.settings.is_enabled(entity):
            return []
        if trigger is Trigger.REALTIME and not self.settings.entity(entity).realtime:
            return []
        jobs = [
            Job(entity=entity, direction=handler.direction, record_key=str(key),
                trigger=trigger, backend=self.settings.backend, action=action,
                priority=priority, not_before=not_before, force=force)
            for key in dict.fromkeys(str(k) for k in keys)
        ]
        # a job collapsing into one that waits for an unknown outcome must not make it early
        settling = await self.stores.jobs.waiting(j.identity_key for j in jobs)
        now = self.clock()
        for i, job in enumerate(jobs):
            other = settling.get(job.identity_key)
            until = settle_time(other) if other is not None else None
            if until is not None and until > max(now, job.not_before or now):
                jobs[i] = attrs.evolve(job, not_before=until)
        return await self.stores.jobs.enqueue_many(jobs)

    async def run_worker(
        self, stop_event: asyncio.Event, *, worker_id: str | None = None
    ) -> int:
        """Drain the job queue until ``stop_event`` is set; returns the jobs processed."""
        worker = worker_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        processed = 0
        while not stop_event.is_set():
            count = await self.work_once(worker)
            processed += count
            if count == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop_event.wait(), self.settings.worker_poll_seconds)
        return processed

    async def work_once(self, worker_id: str) -> int:
        """Claim one batch of jobs and run it; returns how many were claimed."""
        lease = timedelta(seconds=self.settings.lease_seconds)
        jobs = await self.stores.jobs.claim(
            worker_id, self.settings.batch_size, lease, max_attempts=self.settings.retry_count
        )
        if not jobs:
            return 0
        keeper = asyncio.create_task(self._keep_leases(jobs, worker_id, lease))
        try:
            await self._run_jobs(jobs)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        return len(jobs)

    async def check(self) -> CheckReport:
        """"Test connection" for both servers (see :mod:`magodoo.engine.check`)."""
        from magodoo.engine.check import check_ports, settings_warnings

        if self.checker is not None:
            report: CheckReport = await self.checker.check()
        else:
            report = await check_ports(self.magento, self.odoo, self.settings.defaults)
        warnings = settings_warnings(self.settings)
        if warnings:  # store settings Odoo cannot follow: said with the Magento side
            magento = attrs.evolve(report.magento,
                                   warnings=(*report.magento.warnings, *warnings))
            report = attrs.evolve(report, magento=magento)
            for text in warnings:
                log.warning(text)
        return report

    async def reset_categories(self, *, dry_run: bool = False) -> Any:
        """Delete Magento's categories below the roots, clear the category bindings and sync
        the tree again from Odoo (see :mod:`magodoo.engine.reset`; a ``ResetReport``)."""
        from magodoo.engine.reset import reset_categories

        return await reset_categories(self, dry_run=dry_run)

    async def expire_log(self) -> int:
        """Delete log entries older than ``log.expiry_days`` (when log clearing is on)."""
        if not self.settings.log.clear_enabled:
            return 0
        return await self.stores.log.expire(timedelta(days=self.settings.log.expiry_days))

    # ---- the run ---------------------------------------------------------------------------

    def _context(self, trigger: Trigger, dry_run: bool, force: bool = False) -> Context:
        async def ensure(entity: str, direction: Direction, keys: Iterable[str]) -> SyncResult:
            handler = self.registry.get(entity, direction)
            result = await self._sync(handler, keys=keys, since=None, trigger=trigger,
                                      dry_run=dry_run, jobs=None)
            ctx.dependencies.append(result)
            return result

        ctx = Context(
            magento=self.magento, odoo=self.odoo, stores=self.stores, settings=self.settings,
            echo=self.echo, trigger=trigger, dry_run=dry_run, ensure=ensure, force=force,
        )
        return ctx

    async def _sync(
        self,
        handler: AnyHandler,
        *,
        keys: Iterable[str | int] | None,
        since: datetime | None,
        trigger: Trigger,
        dry_run: bool,
        jobs: dict[str, Job] | None,
        full: bool = False,
        force: bool = False,
        on_outcome: OutcomeSink | None = None,
        keep_all: bool | None = None,
    ) -> SyncResult:
        entity, direction = handler.entity, handler.direction
        result = SyncResult(entity=entity, direction=direction, dry_run=dry_run)
        outcomes = Outcomes(keep_all=keys is not None if keep_all is None else keep_all,
                            limit=self.keep_outcomes, sink=on_outcome)
        planned: list[PlannedWrite] = []
        ctx = self._context(trigger, dry_run, force)
        if not self.settings.is_enabled(entity):
            await outcomes.add(RecordOutcome(str(k), Outcome.SKIPPED, reason="disabled")
                               for k in (keys or ()))
            return self._result(result, outcomes, planned, ctx)
        cursor_value: datetime | None = None
        if keys is not None:
            wanted = list(dict.fromkeys(str(k) for k in keys))

            async def chunks() -> AsyncIterator[tuple[Sequence[str], list[Any]]]:
                for chunk in _chunks(wanted, self.settings.batch_size):
                    yield chunk, await handler.fetch_keys(ctx, chunk)

            async with contextlib.aclosing(self._ahead(chunks())) as fetched:
                async for chunk, records in fetched:
                    await outcomes.add(_outcomes(
                        await self._page(handler, ctx, records, jobs, planned)))
                    seen = {r.source_id if isinstance(r, Unreadable) else handler.source_id(r)
                            for r in records}
                    missing = [k for k in chunk if k not in seen]
                    if missing:
                        await outcomes.add(_outcomes(
                            await self._missing(handler, ctx, missing, jobs, planned)))
        else:
            backend = self.settings.backend
            stored = await self.stores.cursors.get(backend, entity, direction)
            now = self.clock()
            window = plan_window(None if full else stored, now=now, since=since,
                                 overlap=timedelta(seconds=self.settings.overlap_seconds))
            tracker = CursorTracker(stored, now)
            async with contextlib.aclosing(
                self._ahead(handler.fetch(ctx, window.since))
            ) as pages, contextlib.aclosing(
                self._pages(handler, ctx, pages, jobs, planned)
            ) as done:
                async for page_plans in done:
                    tracker.commit(p.stamp for p in page_plans)
                    await outcomes.add(_outcomes(page_plans))
            if window.since is None and handler.supports_delete:
                async for gone in self._sweep(handler, ctx, jobs, planned):
                    await outcomes.add(_outcomes(gone))
            if not dry_run and tracker.moved and tracker.value is not None:
                await self.stores.cursors.set(backend, entity, direction, tracker.value)
                cursor_value = tracker.value
        return self._result(result, outcomes, planned, ctx, cursor_value)

    @staticmethod
    def _result(
        result: SyncResult, outcomes: Outcomes, planned: list[PlannedWrite], ctx: Context,
        cursor: datetime | None = None,
    ) -> SyncResult:
        result = attrs.evolve(result, records=tuple(outcomes.held), planned=tuple(planned),
                              cursor=cursor, counts=dict(outcomes.counts),
                              skip_counts=dict(outcomes.skips))
        if ctx.dependencies:
            merged = [w for dep in ctx.dependencies for w in dep.planned] + list(result.planned)
            unique = {(w.action, w.source_id): w for w in reversed(merged)}
            result = attrs.evolve(result, planned=tuple(reversed(unique.values())))
        return result

    async def _ahead(self, pages: AsyncIterable[T]) -> AsyncGenerator[T, None]:
        """The pages of ``pages``, the next one read while the caller works on the current
        one (at most one page ahead: memory stays flat; pages keep their order)."""
        it = aiter(pages)
        nxt: asyncio.Future[T] | None = None
        try:
            if not self.read_ahead:
                async for page in it:
                    yield page
                return
            nxt = asyncio.ensure_future(anext(it))
            while True:
                try:
                    page = await nxt
                except StopAsyncIteration:
                    return
                nxt = asyncio.ensure_future(anext(it))
                yield page
        finally:
            if nxt is not None and nxt.done():
                if not nxt.cancelled():
                    nxt.exception()  # retrieved (raised above, or lost to the caller's own)
            elif nxt is not None:
                nxt.cancel()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await nxt
            closing = getattr(it, "aclose", None)
            if closing is not None:
                await closing()

    async def _pages(
        self,
        handler: AnyHandler,
        ctx: Context,
        pages: AsyncIterable[Sequence[Any]],
        jobs: dict[str, Job] | None,
        planned: list[PlannedWrite],
    ) -> AsyncGenerator[list[AnyPlan], None]:
        """The plans of each page, in the pages' order; up to ``handler.pages_in_flight``
        pages worked on at once (one in a dry run). If one fails, those started after it
        are cancelled and waited for."""
        width = 1 if ctx.dry_run else max(1, handler.pages_in_flight)
        if width == 1:
            async for page in pages:
                yield await self._page(handler, ctx, page, jobs, planned)
            return
        running: collections.deque[asyncio.Task[list[AnyPlan]]] = collections.deque()
        try:
            async for page in pages:
                running.append(asyncio.create_task(
                    self._page(handler, ctx, page, jobs, planned)))
                if len(running) >= width:
                    yield await running.popleft()
            while running:
                yield await running.popleft()
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _page(
        self,
        handler: AnyHandler,
        ctx: Context,
        records: Sequence[Any],
        jobs: dict[str, Job] | None,
        planned: list[PlannedWrite],
    ) -> list[AnyPlan]:
        by_id: dict[str, Any] = {}
        unreadable: list[AnyPlan] = []
        for record in records:
            if isinstance(record, Unreadable):  # fails alone; the page goes on
                job = (jobs or {}).get(record.source_id)
                bad: AnyPlan = Plan(record=None, source_id=record.source_id, stamp=None,
                                    attempt=(job.attempts + 1) if job else 1,
                                    job_id=job.id if job else None)
                bad.fail(record.error)
                unreadable.append(bad)
                continue
            by_id[handler.source_id(record)] = record
        plans: list[AnyPlan] = list(unreadable)
        index: dict[str, AnyPlan] = {}
        for sid, record in by_id.items():
            job = (jobs or {}).get(sid)
            plan: AnyPlan = Plan(record=record, source_id=sid, stamp=handler.source_stamp(record),
                                 attempt=(job.attempts + 1) if job else 1,
                                 job_id=job.id if job else None)
            plans.append(plan)
            index[sid] = plan
        for level in handler.levels(list(by_id.values())):
            await self._level(handler, ctx, [index[handler.source_id(r)] for r in level],
                              planned)
        await self._finish(handler, ctx, plans, jobs)
        return plans

    async def _level(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan],
        planned: list[PlannedWrite],
    ) -> None:
        entity, direction = handler.entity, handler.direction
        keys = [f"{self.settings.backend}|{entity}|{direction.value}|{p.source_id}"
                for p in plans]
        async with self._locks.hold(keys), self._shared_locks(keys) as elsewhere:
            for p, key in zip(plans, keys, strict=True):
                if key in elsewhere:  # another process is still at it: retried from the queue
                    p.outcome, p.retriable = Outcome.FAILED, True
                    p.reason = "locked by another process (retried later)"
            plans = [p for p in plans if p.open]
            await self._lookup_bindings(handler, plans)
            side = _source_side(direction)
            for p in plans:
                if binding_echo(p.binding, side, p.stamp) or self.echo.is_echo(
                    side, entity, p.source_id, p.stamp
                ):
                    p.skip("echo")
            await self._skip_settling(handler, [p for p in plans if p.open])
            live = [p for p in plans if p.open]
            if not live:
                return
            try:
                mctx = await handler.prepare(ctx, [p.record for p in live])
            except MagodooError as exc:
                for p in live:
                    p.fail(exc)
                return
            waiting_for, until = _failed_dependencies(ctx)
            refresh: list[AnyPlan] = []
            for p in live:
                try:
                    p.mapped = handler.map(p.record, mctx)
                except MappingError as exc:
                    p.fail(exc)
                    if waiting_for:  # its parent failed for now: it waits for it, then runs
                        p.retriable, p.wait_until = True, until
                        p.reason = f"waiting for {waiting_for}: {p.reason}"
                    continue
                except Exception as exc:  # a mapper bug on one record must not stop the page
                    log.exception("mapper crashed", extra={"entity": entity,
                                                           "source_id": p.source_id})
                    p.fail(exc)
                    continue
                p.digest = payload_hash(handler.hashable(p.mapped))
                p.key = handler.natural_key(p.mapped)
                p.request = handler.describe(p)  # redacted once, for the log or the dry run
                if not ctx.force and self._unchanged(handler, p):
                    p.skip("unchanged")
                    if p.stamp is not None and p.stamp != self._source_stamp_of(handler, p):
                        refresh.append(p)
            if refresh and not ctx.dry_run:
                await self._store_bindings(handler, ctx, refresh, refresh_only=True)
            if not ctx.dry_run:
                await self._repair_children(handler, ctx, [
                    p for p in live if p.reason == "unchanged" and p.target_id is not None])
            live = [p for p in live if p.open]
            unbound = [p for p in live if p.binding is None]
            if unbound:
                await self._match(handler, ctx, unbound)
            live = [p for p in live if p.open]
            if ctx.dry_run:
                for p in live:
                    action = ("update" if p.binding else "bind" if p.found_by_key else "create")
                    planned.append(PlannedWrite(action, p.source_id, p.target_id,
                                                self._redactor.data(p.request)))
                    p.outcome = Outcome.CREATED if action == "create" else Outcome.UPDATED
                    p.reason = f"dry run: {action}"
                return
            to_update = [p for p in live if p.target_id is not None]
            to_create = [p for p in live if p.target_id is None]
            to_create += await self._update(handler, ctx, to_update)
            await self._create(handler, ctx, to_create)
            await self._store_bindings(handler, ctx, [
                p for p in plans if p.outcome in (Outcome.CREATED, Outcome.UPDATED)
            ])

    @contextlib.asynccontextmanager
    async def _shared_locks(self, keys: list[str]) -> AsyncIterator[set[str]]:
        """Hold the records' locks across processes (the stores' ``locks``), waiting up to
        :attr:`lock_wait` seconds for another process to let go; yields the keys still held
        elsewhere after that (their records are not run now)."""
        locks = self.stores.locks
        if locks is None or not keys:
            yield set()
            return
        ttl = timedelta(seconds=self.settings.lease_seconds)
        wanted = sorted(set(keys))
        elsewhere: set[str] = set()
        deadline = time.monotonic() + self.lock_wait
        pause = 0.02
        while wanted:
            busy = await locks.acquire(self._owner, wanted, ttl)
            if not busy:
                break
            if time.monotonic() >= deadline:
                elsewhere |= set(busy)
                wanted = [k for k in wanted if k not in elsewhere]
                continue
            await asyncio.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.5)
        try:
            yield elsewhere
        finally:
            if wanted:
                await locks.release(self._owner, wanted)

    # ---- steps -----------------------------------------------------------------------------

    async def _lookup_bindings(self, handler: AnyHandler, plans: list[AnyPlan]) -> None:
        backend, entity = self.settings.backend, handler.entity
        sids = [p.source_id for p in plans]
        if handler.direction is Direction.MAGENTO_TO_ODOO:
            found = await self.stores.bindings.get_many_by_magento(backend, entity, sids)
        else:
            by_odoo = await self.stores.bindings.get_many_by_odoo(
                backend, entity, [int(s) for s in sids])
            found = {str(k): v for k, v in by_odoo.items()}
        for p in plans:
            p.binding = found.get(p.source_id)
            p.target_id = self._target_of(handler, p.binding) if p.binding else None

    @staticmethod
    def _target_of(handler: AnyHandler, binding: Binding) -> str:
        if handler.direction is Direction.MAGENTO_TO_ODOO:
            return str(binding.odoo_id)
        return binding.magento_id

    @staticmethod
    def _source_stamp_of(handler: AnyHandler, p: AnyPlan) -> datetime | None:
        if p.binding is None:
            return None
        if handler.direction is Direction.MAGENTO_TO_ODOO:
            return p.binding.magento_updated_at
        return p.binding.odoo_write_date

    def _unchanged(self, handler: AnyHandler, p: AnyPlan) -> bool:
        if p.binding is None:
            return False
        last, digest = split_hash(p.binding.payload_hash)
        return last is handler.direction and digest == p.digest

    async def _match(self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan]) -> None:
        """Find unbound records' targets by natural key (a record created while realtime
        sync was off, or before a crash between write and bind)."""
        try:
            found = await handler.find_by_key(ctx, plans)
        except MagodooError as exc:
            for p in plans:
                p.fail(exc)
            return
        if not found:
            return
        taken = await self._bound_targets(handler, list(found.values()))
        for p in plans:
            target = found.get(p.source_id)
            if target is None:
                continue
            other = taken.get(target)
            if other is not None and other != p.source_id:
                continue  # that target belongs to another record: create a new one
            p.target_id, p.found_by_key = target, True

    async def _bound_targets(self, handler: AnyHandler, targets: list[str]) -> dict[str, str]:
        """Target id -> the source id it is bound to, for those already bound."""
        backend, entity = self.settings.backend, handler.entity
        if handler.direction is Direction.MAGENTO_TO_ODOO:
            rows = await self.stores.bindings.get_many_by_odoo(
                backend, entity, [int(t) for t in targets])
            return {str(k): v.magento_id for k, v in rows.items()}
        by_m = await self.stores.bindings.get_many_by_magento(backend, entity, targets)
        return {k: str(v.odoo_id) for k, v in by_m.items()}

    async def _update(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan]
    ) -> list[AnyPlan]:
        """Update bound (or matched) targets; returns the plans to create again because their
        bound target is gone."""
        if not plans:
            return []
        try:
            results = await handler.update(ctx, plans)
        except MagodooError as exc:
            for p in plans:
                p.fail(exc)
            return []
        recreate: list[AnyPlan] = []
        for p in plans:
            if p.outcome is not None:  # the handler decided (e.g. skipped: target unknown)
                continue
            outcome = results.get(p.source_id)
            if isinstance(outcome, NotFoundError) and p.binding is not None:
                log.info("bound target gone, creating again",
                         extra={"entity": handler.entity, "source_id": p.source_id})
                await self._unbind(handler, p)
                p.binding, p.target_id, p.found_by_key = None, None, False
                recreate.append(p)
            elif isinstance(outcome, Written):
                p.outcome = Outcome.UPDATED
                p.target_id, p.target_stamp = outcome.target_id, outcome.stamp
                if p.found_by_key and not p.reason:
                    p.reason = "matched by natural key"
            elif isinstance(outcome, BaseException):
                p.fail(outcome)
            else:
                p.fail(RuntimeError("the handler reported nothing for this record"))
        return recreate

    async def _unbind(self, handler: AnyHandler, p: AnyPlan) -> None:
        b = p.binding
        if b is None:
            return
        await self.stores.bindings.unbind(b.backend, b.entity, magento_id=b.magento_id,
                                          odoo_id=b.odoo_id)

    async def _create(self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan]) -> None:
        if not plans:
            return
        results: dict[str, Written | BaseException]
        try:
            results = dict(await handler.create(ctx, plans))
        except OutcomeUnknownError as exc:
            results = {p.source_id: exc for p in plans}
        except MagodooError as exc:
            for p in plans:
                p.fail(exc)
            return
        unknown = [p for p in plans if isinstance(results.get(p.source_id), OutcomeUnknownError)]
        if unknown:
            log.warning("create outcome unknown: adopting the records found now, the others "
                        "wait for the server's time limit before they are looked up again",
                        extra={"entity": handler.entity, "count": len(unknown)})
            results.update(await self._recover_create(handler, ctx, unknown, results))
        self._apply_created(plans, results)

    async def _recover_create(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan],
        errors: dict[str, Written | BaseException],
    ) -> dict[str, Written | BaseException]:
        """Look up creates whose answer was lost. Those found are adopted; the others are
        *not* created again now (the server may still be committing them: a late commit
        would make a duplicate): they fail as unknown and wait in the queue until the
        server's request time limit has passed, then the lookup runs again."""
        try:
            found = await handler.find_by_key(ctx, plans)
        except MagodooError:
            return {p.source_id: errors[p.source_id] for p in plans}
        results: dict[str, Written | BaseException] = {}
        adopted = [p for p in plans if p.source_id in found]
        for p in adopted:
            p.target_id, p.found_by_key = found[p.source_id], True
        if adopted:
            await self._update(handler, ctx, adopted)
            for p in adopted:
                if p.outcome is Outcome.UPDATED and p.target_id is not None:
                    results[p.source_id] = Written(p.target_id, p.target_stamp)
                    p.outcome, p.reason = None, "created (outcome was unknown; found it)"
        for p in plans:
            if p.source_id not in found:
                results[p.source_id] = errors[p.source_id]
        return results

    @staticmethod
    def _apply_created(
        plans: list[AnyPlan], results: Any
    ) -> None:
        for p in plans:
            if p.outcome is not None:  # failed already, or the handler decided (skipped)
                continue
            outcome = results.get(p.source_id)
            if isinstance(outcome, Written):
                p.outcome = Outcome.CREATED
                p.target_id, p.target_stamp = outcome.target_id, outcome.stamp
            elif isinstance(outcome, BaseException):
                p.fail(outcome)
            else:
                p.fail(RuntimeError("the handler reported nothing for this record"))

    def _binding(self, handler: AnyHandler, p: AnyPlan) -> Binding:
        assert p.target_id is not None
        tag = tag_hash(handler.direction, p.digest)
        if handler.direction is Direction.MAGENTO_TO_ODOO:
            return Binding(
                backend=self.settings.backend, entity=handler.entity,
                magento_id=p.source_id, odoo_id=int(p.target_id), magento_key=p.key,
                magento_updated_at=p.stamp, odoo_write_date=p.target_stamp, payload_hash=tag,
                synced_at=self.clock(),
            )
        return Binding(
            backend=self.settings.backend, entity=handler.entity,
            magento_id=p.target_id, odoo_id=int(p.source_id), magento_key=p.key,
            magento_updated_at=p.target_stamp, odoo_write_date=p.stamp, payload_hash=tag,
            synced_at=self.clock(),
        )

    async def _store_bindings(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan], *,
        refresh_only: bool = False,
    ) -> None:
        if not plans:
            return
        if refresh_only:
            rows = [attrs.evolve(p.binding, magento_updated_at=p.stamp, synced_at=self.clock())
                    if handler.direction is Direction.MAGENTO_TO_ODOO else
                    attrs.evolve(p.binding, odoo_write_date=p.stamp, synced_at=self.clock())
                    for p in plans if p.binding is not None]
            with contextlib.suppress(BindingConflictError):
                await self.stores.bindings.bind_many(rows)
            return
        pairs = [(p, self._binding(handler, p)) for p in plans if p.target_id is not None]
        try:
            await self.stores.bindings.bind_many([b for _, b in pairs])
        except BindingConflictError:
            for p, b in pairs:
                try:
                    await self.stores.bindings.bind(b)
                except BindingConflictError as exc:
                    await self._lost_race(handler, ctx, p, exc)
        target_side = written_into(handler.direction)
        ok = [p for p, _ in pairs if p.outcome in (Outcome.CREATED, Outcome.UPDATED)]
        for p in ok:
            assert p.target_id is not None
            self.echo.remember(target_side, handler.entity, p.target_id, p.target_stamp,
                               p.digest)
        if ok:
            try:
                await handler.after_bind(ctx, ok)
            except MagodooError as exc:
                log.warning("after_bind failed: %s", exc, extra={"entity": handler.entity})

    async def _repair_children(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan]
    ) -> None:
        """Bind again the children of unchanged records whose child bindings are missing."""
        if not plans:
            return
        try:
            missing = await handler.missing_children(ctx, plans)
            if missing:
                log.warning("child bindings missing, binding them again",
                            extra={"entity": handler.entity, "count": len(missing)})
                await handler.after_bind(ctx, missing)
                for p in missing:
                    p.reason = "unchanged; child bindings repaired"
        except MagodooError as exc:
            log.warning("could not check child bindings: %s", exc,
                        extra={"entity": handler.entity})

    async def _lost_race(
        self, handler: AnyHandler, ctx: Context, p: AnyPlan, exc: BindingConflictError
    ) -> None:
        """Another process bound this record first: drop what we created, retry later."""
        if p.outcome is Outcome.CREATED and not p.found_by_key and p.target_id is not None:
            try:
                await handler.discard(ctx, p.target_id)
            except MagodooError as err:
                log.warning("could not discard duplicate %s: %s", p.target_id, err)
        p.fail(exc)
        p.retriable = True

    async def _missing(
        self, handler: AnyHandler, ctx: Context, keys: list[str],
        jobs: dict[str, Job] | None, planned: list[PlannedWrite],
    ) -> list[AnyPlan]:
        """Source records asked for by key that no longer exist."""
        plans: list[AnyPlan] = []
        for key in keys:
            job = (jobs or {}).get(key)
            plans.append(Plan(record=None, source_id=key, stamp=None,
                              attempt=(job.attempts + 1) if job else 1,
                              job_id=job.id if job else None))
        await self._lookup_bindings(handler, plans)
        for p in plans:
            if p.binding is None or not handler.supports_delete:
                p.skip("not found")
        await self._delete(handler, ctx, [p for p in plans if p.open], planned)
        await self._finish(handler, ctx, plans, jobs)
        return plans

    async def _sweep(
        self, handler: AnyHandler, ctx: Context, jobs: dict[str, Job] | None,
        planned: list[PlannedWrite],
    ) -> AsyncIterator[list[AnyPlan]]:
        """After a full sync: delete the targets of bound sources that are gone, one page of
        bindings at a time."""
        backend, entity = self.settings.backend, handler.entity
        after: int | None = None
        while True:
            rows = await self.stores.bindings.list_bindings(backend, entity, after_id=after)
            if not rows:
                return
            after = rows[-1].id
            sources = [str(b.odoo_id) if handler.direction is Direction.ODOO_TO_MAGENTO
                       else b.magento_id for b in rows]
            existing: set[str] = set()
            for chunk in _chunks(sources, 500):
                existing |= await handler.existing_sources(ctx, chunk)
            gone = [s for s in sources if s not in existing]
            if gone:
                yield await self._missing(handler, ctx, gone, jobs, planned)

    async def _delete(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan],
        planned: list[PlannedWrite],
    ) -> None:
        # children were created after their parents: delete the newest targets first
        for p in sorted(plans, key=lambda p: int(p.target_id or 0), reverse=True):
            assert p.binding is not None
            if ctx.dry_run:
                planned.append(PlannedWrite("delete", p.source_id, p.target_id, {}))
                p.outcome, p.reason = Outcome.DELETED, "dry run: delete"
                continue
            try:
                await handler.delete(ctx, p.binding)
            except NotFoundError:
                pass  # already gone (deleted with its parent)
            except MagodooError as exc:
                p.fail(exc)
                continue
            await self._unbind(handler, p)
            p.outcome, p.reason = Outcome.DELETED, "source record deleted"

    # ---- log, retries ----------------------------------------------------------------------

    async def _finish(
        self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan], jobs: dict[str, Job] | None
    ) -> None:
        if ctx.dry_run or not plans:
            return
        self._settle_later(handler, plans)
        await self._log(handler, ctx, plans)
        if jobs is None:
            failed = [p for p in plans if p.outcome is Outcome.FAILED]
            if failed:
                await self._requeue_failed(handler, failed)

    async def _log(self, handler: AnyHandler, ctx: Context, plans: list[AnyPlan]) -> None:
        if not self.settings.log.enabled:
            return
        entries = [self._entry(handler, ctx, p) for p in plans]
        ids = await self.stores.log.add_many(entries)
        if len(ids) == len(plans):
            for p, log_id in zip(plans, ids, strict=True):
                p.log_id = log_id

    def _entry(self, handler: AnyHandler, ctx: Context, p: AnyPlan) -> LogEntry:
        outcome = p.outcome or Outcome.FAILED
        if p.exchanges:
            request: Any = [exchange_request(e) for e in p.exchanges]
            response: Any = [exchange_response(e) for e in p.exchanges]
        else:
            request = p.request
            response = p.response
            if response is None and p.target_id is not None:
                response = {"id": p.target_id}
            if outcome is Outcome.FAILED:
                response = {"error": p.reason}
        message = outcome.value + (f": {p.reason}" if p.reason else "")
        m2o = handler.direction is Direction.MAGENTO_TO_ODOO
        return LogEntry(
            entity=handler.entity, direction=handler.direction, trigger=ctx.trigger,
            status=outcome.log_status, backend=self.settings.backend,
            message=self._redactor.text(message)[:2000],
            magento_ref=p.source_id if m2o else p.target_id,
            odoo_ref=p.target_id if m2o else p.source_id,
            request=to_text(self._redactor.data(request)),
            response=to_text(self._redactor.data(response)),
            attempt=p.attempt, job_id=p.job_id, created_at=self.clock(),
        )

    async def _requeue_failed(self, handler: AnyHandler, plans: list[AnyPlan]) -> None:
        """Failed records of a direct sync go to the queue, so a moved cursor loses nothing.
        A record whose write has an unknown outcome is not claimable before its settle time."""
        soon = self.clock() + timedelta(seconds=self.settings.retry_backoff_seconds)
        jobs = []
        for p in plans:
            payload: dict[str, Any] = {"error": self._redactor.text(p.reason)[:500]}
            if p.wait_until is not None:
                payload[SETTLE_KEY] = p.wait_until.isoformat()
            jobs.append(Job(entity=handler.entity, direction=handler.direction,
                            record_key=p.source_id, trigger=Trigger.RETRY,
                            backend=self.settings.backend,
                            not_before=max(soon, p.wait_until or soon), payload=payload))
        await self.stores.jobs.enqueue_many(jobs)

    def _time_limit(self, handler: AnyHandler) -> timedelta:
        """How long the target side may still be working on a request we gave up on."""
        side = (self.settings.odoo if handler.direction is Direction.MAGENTO_TO_ODOO
                else self.settings.magento)
        return timedelta(seconds=side.request_time_limit)

    def _settle_later(self, handler: AnyHandler, plans: list[AnyPlan]) -> None:
        """Records whose write has an unknown outcome wait out the server's time limit."""
        until = self.clock() + self._time_limit(handler)
        for p in plans:
            if p.outcome is Outcome.FAILED and p.unknown and p.wait_until is None:
                p.wait_until = until
                p.reason += f" (looked up again after {until.isoformat(timespec='seconds')})"

    async def _skip_settling(self, handler: AnyHandler, plans: list[AnyPlan]) -> None:
        """Records with an unknown write outcome still settling in the queue wait: writing
        them now could duplicate what the server is still committing."""
        if not plans:
            return
        ids = {default_identity(self.settings.backend, handler.entity, handler.direction,
                                JobAction.SYNC, p.source_id): p for p in plans}
        waiting = await self.stores.jobs.waiting(ids)
        now = self.clock()
        for key, job in waiting.items():
            until = settle_time(job)
            if until is not None and until > now:
                ids[key].wait_until = until
                ids[key].skip(f"{WAITING}: an earlier write's outcome is unknown; queued until "
                              f"{until.isoformat(timespec='seconds')}")

    async def _run_jobs(self, jobs: list[Job]) -> None:
        groups: dict[tuple[str, Direction, Trigger, bool], list[Job]] = {}
        for job in jobs:  # forced jobs (a repair) run apart: only they skip the hash check
            groups.setdefault((job.entity, job.direction, job.trigger, job.force),
                              []).append(job)
        for (entity, direction, trigger, force), group in groups.items():
            try:
                handler = self.registry.get(entity, direction)
                result = await self._sync(
                    handler, keys=[j.record_key for j in group], since=None, trigger=trigger,
                    dry_run=False, jobs={j.record_key: j for j in group}, force=force,
                )
            except Exception as exc:
                if len(group) > 1:  # find the culprit: each job alone, so only it fails
                    log.warning("job group failed, running its jobs one by one: %s", exc,
                                extra={"entity": entity})
                    for job in group:
                        await self._run_jobs([job])
                    continue
                log.warning("job failed: %s", self._redactor.text(str(exc)),
                            extra={"entity": entity, "job_id": group[0].id})
                await self._log_job_error(group[0], exc)
                await self._fail_job(group[0], f"{type(exc).__name__}: {exc}",
                                     retriable=bool(getattr(exc, "retriable", False)))
                continue
            outcomes = result.by_source()
            done: list[int] = []
            failed: list[tuple[Job, RecordOutcome]] = []
            for job in group:
                o = outcomes.get(job.record_key)
                if o is not None and o.outcome is Outcome.FAILED:
                    failed.append((job, o))
                else:
                    assert job.id is not None
                    done.append(job.id)
            if done:  # the group's successes leave the queue in one transaction
                await self.stores.jobs.complete_many(done)
            for job, o in failed:
                await self._fail_job(job, o.reason, retriable=o.retriable,
                                     wait_until=o.wait_until)

    async def _log_job_error(self, job: Job, exc: BaseException) -> None:
        """A job that crashed the engine itself still leaves a line in the sync log."""
        if not self.settings.log.enabled:
            return
        m2o = job.direction is Direction.MAGENTO_TO_ODOO
        message = self._redactor.text(f"failed: {type(exc).__name__}: {exc}")[:2000]
        with contextlib.suppress(Exception):
            await self.stores.log.add(LogEntry(
                entity=job.entity, direction=job.direction, trigger=job.trigger,
                status=Outcome.FAILED.log_status, backend=job.backend, message=message,
                magento_ref=job.record_key[:255] if m2o else None,
                odoo_ref=None if m2o else job.record_key[:255],
                attempt=job.attempts + 1, job_id=job.id, created_at=self.clock()))

    async def _fail_job(
        self, job: Job, error: str, *, retriable: bool, wait_until: datetime | None = None
    ) -> None:
        assert job.id is not None
        max_attempts = self.settings.retry_count if retriable else job.attempts + 1
        base = timedelta(seconds=self.settings.retry_backoff_seconds)
        if wait_until is not None:  # not claimable before the unknown outcome has settled
            base = max(base, wait_until - self.clock())
        await self.stores.jobs.fail(
            job.id, self._redactor.text(error)[:2000], max_attempts=max_attempts,
            backoff_base=base,
        )

    async def _keep_leases(self, jobs: list[Job], worker_id: str, lease: timedelta) -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            for job in jobs:
                if job.id is not None:
                    await self.stores.jobs.extend_lease(job.id, worker_id, lease)
