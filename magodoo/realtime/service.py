"""The realtime service: webhook receiver, Magento poller and queue workers in one process.

Magento has no outgoing webhooks in a stock install, so its side is polled: each pass runs
the engine's incremental sync (the stored cursor, with its overlap window) for the
Magento -> Odoo entities whose ``realtime`` flag is on. Odoo pushes: its webhooks become
jobs that the workers (:meth:`SyncEngine.run_worker`) drain.

Beside the webhook route the service answers ``GET /healthz`` (liveness: 200 while the loop
runs, 503 once it is stopping), ``GET /readyz`` (200 when both servers answer and accept the
credentials and the store takes a write; 503 with the failing parts otherwise) and, with
``metrics``, ``GET /metrics`` (Prometheus text, see :mod:`magodoo.metrics`). All on the one
configured address; none of them shows a secret or record content.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from aiohttp import web

from magodoo.backends.models import Direction, Trigger, utcnow
from magodoo.engine.engine import SyncEngine
from magodoo.exceptions import MagodooError
from magodoo.metrics import CONTENT_TYPE, Metrics
from magodoo.realtime.receiver import DEFAULT_DELAY, RedactedAccessLogger, WebhookReceiver

__all__ = [
    "RealtimeStats",
    "health_routes",
    "poll_magento",
    "readiness",
    "realtime_entities",
    "run_realtime",
]

log = logging.getLogger("magodoo.realtime")

RESTART_DELAY = 1.0


@attrs.frozen
class RealtimeStats:
    """What one :func:`run_realtime` did before it stopped."""

    webhooks: int = 0
    """Webhook POSTs accepted (right token)."""
    jobs_queued: int = 0
    polls: int = 0
    jobs_processed: int = 0


def realtime_entities(engine: SyncEngine, direction: Direction) -> list[str]:
    """The entities of one direction that are enabled and have their realtime flag on."""
    settings = engine.settings
    return [h.entity for h in engine.registry.ordered(direction)
            if settings.is_enabled(h.entity) and settings.entity(h.entity).realtime]


async def _wait(stop_event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop_event.wait(), seconds)


async def poll_magento(
    engine: SyncEngine,
    entities: Sequence[str],
    interval: float,
    stop_event: asyncio.Event,
) -> int:
    """Every ``interval`` seconds until ``stop_event``, sync what changed in Magento since the
    cursor for each entity (``Trigger.REALTIME``; failed records become retry jobs). Returns
    the number of passes."""
    passes = 0
    while not stop_event.is_set():
        for entity in entities:
            if stop_event.is_set():
                break
            try:
                result = await engine.sync(entity, Direction.MAGENTO_TO_ODOO,
                                           trigger=Trigger.REALTIME)
            except MagodooError as exc:
                log.warning("poll of %s failed: %s", entity, exc, extra={"entity": entity})
                continue
            if result.total:
                log.info("poll of %s: %s", entity, result.summary(),
                         extra={"entity": entity, "counts": result.summary()})
        passes += 1
        await _wait(stop_event, interval)
    return passes


READY_PROBE = "_readyz"
"""Entity name of the cursor ``/readyz`` writes and deletes to see that the store writes."""


async def readiness(engine: SyncEngine) -> list[str]:
    """What keeps the service from being ready: ``[]`` when both servers answer and accept
    the credentials and the store takes a write. Names the part, never a secret."""
    problems: list[str] = []
    try:
        report = await engine.check()
        for side in (report.magento, report.odoo):
            if not side.reachable:
                problems.append(f"{side.server}: unreachable")
            elif not side.authenticated:
                problems.append(f"{side.server}: credentials refused")
            elif not side.ok:
                problems.append(f"{side.server}: not usable")
    except MagodooError as exc:
        problems.append(f"servers: {type(exc).__name__}")
    backend = engine.settings.backend
    try:
        await engine.stores.cursors.set(backend, READY_PROBE, Direction.MAGENTO_TO_ODOO,
                                        utcnow())
        await engine.stores.cursors.delete(backend, READY_PROBE, Direction.MAGENTO_TO_ODOO)
    except Exception as exc:
        problems.append(f"store: {type(exc).__name__}")
    return problems


def health_routes(
    engine: SyncEngine, stop_event: asyncio.Event, metrics: Metrics | None = None
) -> list[web.RouteDef]:
    """``/healthz``, ``/readyz`` and (with ``metrics``) ``/metrics``."""

    async def healthz(request: web.Request) -> web.Response:
        if stop_event.is_set():
            return web.json_response({"status": "stopping"}, status=503)
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        problems = await readiness(engine)
        return web.json_response({"ready": not problems, "problems": problems},
                                 status=503 if problems else 200)

    routes = [web.get("/healthz", healthz), web.get("/readyz", readyz)]
    if metrics is not None:
        async def scrape(request: web.Request) -> web.Response:
            await metrics.refresh(engine.stores.jobs)
            return web.Response(body=metrics.text(), headers={"Content-Type": CONTENT_TYPE})

        routes.append(web.get("/metrics", scrape))
    return routes


def _count_webhooks(metrics: Metrics) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/odoo/webhook/"):
            response: web.StreamResponse = await handler(request)
            return response
        try:
            response = await handler(request)
        except web.HTTPException:
            metrics.webhook(False)
            raise
        metrics.webhook(response.status < 300)
        return response

    return middleware


async def _supervise(
    name: str, run: Callable[[], Awaitable[int]], stop_event: asyncio.Event
) -> int:
    """Run ``run`` until it returns; restart it after an unexpected error."""
    total = 0
    while not stop_event.is_set():
        try:
            total += await run()
        except Exception:
            log.exception("%s crashed; restarting in %.0f s", name, RESTART_DELAY)
            await _wait(stop_event, RESTART_DELAY)
    return total


async def run_realtime(
    engine: SyncEngine,
    *,
    secret: str,
    stop_event: asyncio.Event,
    host: str = "127.0.0.1",
    port: int = 8080,
    poll_interval: float = 60.0,
    workers: int = 1,
    poll_entities: Sequence[str] | None = None,
    ready: Callable[[str], object] | None = None,
    webhook_delay: float = DEFAULT_DELAY,
    metrics: Metrics | None = None,
) -> RealtimeStats:
    """Serve the webhook receiver, poll Magento and run ``workers`` queue workers until
    ``stop_event`` is set; then stop taking webhooks, let the workers finish their batch
    and return.

    ``poll_entities`` defaults to the Magento -> Odoo entities with realtime on; ``ready``
    is called with the base URL once the server listens (port 0 picks a free port);
    ``webhook_delay`` is the receiver's ``delay``. The access log
    (``magodoo.realtime.access``) writes the webhook path without its secret. The
    :func:`health_routes` are served too (``/metrics`` when ``metrics`` is given; feed it with
    :func:`magodoo.metrics.tap_stores` and :func:`magodoo.engine.capture.observe`).
    """
    receiver = WebhookReceiver(engine, secret, delay=webhook_delay)
    if workers < 1:
        raise ValueError("workers: must be at least 1")
    entities = list(poll_entities if poll_entities is not None
                    else realtime_entities(engine, Direction.MAGENTO_TO_ODOO))
    app = receiver.app()
    app.router.add_routes(health_routes(engine, stop_event, metrics))
    if metrics is not None:
        app.middlewares.append(_count_webhooks(metrics))
    runner = web.AppRunner(app, handle_signals=False,
                           access_log_class=RedactedAccessLogger,
                           access_log=logging.getLogger("magodoo.realtime.access"))
    me = f"{socket.gethostname()}:{os.getpid()}"
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = next((int(a[1]) for a in runner.addresses if isinstance(a, tuple)), port)
        base_url = f"http://{host}:{bound}"
        log.info("realtime service listening", extra={
            "host": host, "port": bound, "workers": workers, "poll_entities": entities})
        if ready is not None:
            ready(base_url)
        async with asyncio.TaskGroup() as group:
            polls = (group.create_task(_supervise(
                "magento poller",
                functools.partial(poll_magento, engine, entities, poll_interval, stop_event),
                stop_event)) if entities else None)
            work = [group.create_task(_supervise(
                f"worker {i}",
                functools.partial(engine.run_worker, stop_event, worker_id=f"{me}:realtime-{i}"),
                stop_event)) for i in range(workers)]
            await stop_event.wait()
            await site.stop()
    finally:
        await runner.cleanup()
    log.info("realtime service stopped")
    return RealtimeStats(
        webhooks=receiver.received, jobs_queued=receiver.queued,
        polls=polls.result() if polls is not None else 0,
        jobs_processed=sum(t.result() for t in work),
    )
