"""The realtime service: webhook receiver, Magento poller and queue workers in one process.

Magento has no outgoing webhooks in a stock install, so its side is polled: each pass runs
the engine's incremental sync (the stored cursor, with its overlap window) for the
Magento -> Odoo entities whose ``realtime`` flag is on. Odoo pushes: its webhooks become
jobs that the workers (:meth:`SyncEngine.run_worker`) drain.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence

import attrs
from aiohttp import web

from magodoo.backends.models import Direction, Trigger
from magodoo.engine.engine import SyncEngine
from magodoo.exceptions import MagodooError
from magodoo.realtime.receiver import DEFAULT_DELAY, RedactedAccessLogger, WebhookReceiver

__all__ = ["RealtimeStats", "poll_magento", "realtime_entities", "run_realtime"]

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
            if result.records:
                log.info("poll of %s: %s", entity, result.summary(),
                         extra={"entity": entity, "counts": result.summary()})
        passes += 1
        await _wait(stop_event, interval)
    return passes


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
) -> RealtimeStats:
    """Serve the webhook receiver, poll Magento and run ``workers`` queue workers until
    ``stop_event`` is set; then stop taking webhooks, let the workers finish their batch
    and return.

    ``poll_entities`` defaults to the Magento -> Odoo entities with realtime on; ``ready``
    is called with the base URL once the server listens (port 0 picks a free port);
    ``webhook_delay`` is the receiver's ``delay``. The access log
    (``magodoo.realtime.access``) writes the webhook path without its secret.
    """
    receiver = WebhookReceiver(engine, secret, delay=webhook_delay)
    if workers < 1:
        raise ValueError("workers: must be at least 1")
    entities = list(poll_entities if poll_entities is not None
                    else realtime_entities(engine, Direction.MAGENTO_TO_ODOO))
    runner = web.AppRunner(receiver.app(), handle_signals=False,
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
