"""``magodoo realtime``: Odoo webhooks in, Magento polled, queue workers, until SIGINT/SIGTERM.

Serves the webhook route and ``/healthz``, ``/readyz`` and ``/metrics`` on the configured
address only. Exit codes: 0 stopped cleanly by SIGINT or SIGTERM (the jobs in hand were
finished or failed, none left claimed), 2 bad settings or arguments, 3 a server, the store or
the port could not be used, 130/143 stopped at once by a second signal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from magodoo.backends.models import Direction
from magodoo.cli._common import (
    EXIT_OK,
    SECRET_ENV,
    Stop,
    add_common,
    emit_json,
    load_settings,
    say,
)
from magodoo.exceptions import ConfigurationError

if TYPE_CHECKING:
    from magodoo.engine.engine import SyncEngine
    from magodoo.engine.wiring import Connection
    from magodoo.realtime.provision import ProvisionedWebhook


def add_realtime_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of the realtime service (``magodoo realtime``, ``runners/realtime.py``)."""
    add_common(parser)
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


async def provision(conn: Connection, base_url: str, secret: str) -> list[ProvisionedWebhook]:
    """Create or refresh the Odoo automations of the Odoo -> Magento entities whose realtime
    flag is on (``[]`` when there is none)."""
    return await provision_engine(conn.engine, base_url, secret)


async def provision_engine(engine: SyncEngine, base_url: str,
                           secret: str) -> list[ProvisionedWebhook]:
    """:func:`provision` over an engine (its Odoo client); the web console calls it."""
    from magodoo.realtime import (
        DEFAULT_FIELDS,
        WebhookReceiver,
        provision_odoo_webhooks,
        realtime_entities,
    )

    receiver = WebhookReceiver(engine, secret)
    entities = set(realtime_entities(engine, Direction.ODOO_TO_MAGENTO))
    wanted = {model: DEFAULT_FIELDS[model] for model, entity in (receiver.models or {}).items()
              if entity in entities and model in DEFAULT_FIELDS}
    if not wanted:
        return []
    return await provision_odoo_webhooks(engine.odoo, receiver.url(base_url), wanted)


def need_secret(secret: str | None) -> str:
    if not secret:
        raise ConfigurationError(f"realtime.secret: missing; set the environment variable "
                                 f"{SECRET_ENV}")
    return secret


async def _serve_console(conn: Connection, metrics: Any) -> Any:
    """The web console beside the service when ``console.enabled`` and
    ``console.with_realtime`` (its queue is drained by the service's workers)."""
    c = conn.settings.console
    if not (c.enabled and c.with_realtime):
        return None
    from magodoo.backends.models import utcnow
    from magodoo.cli._common import local_time
    from magodoo.cli.console import bound_url, realtime_info, start_console

    runner = await start_console(conn.engine, conn.settings, host=c.host, port=c.port,
                                 workers=0, service=realtime_info(metrics, local_time(utcnow())))
    say(f"console on {bound_url(runner, c.host)}")
    return runner


async def run_realtime_cli(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.capture import observe
    from magodoo.engine.wiring import connect, open_stores
    from magodoo.metrics import Metrics, tap_stores
    from magodoo.realtime import run_realtime

    settings = load_settings(args)
    rt = settings.realtime
    secret = need_secret(rt.secret)
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
    metrics = Metrics.for_settings(settings.magento.url, settings.odoo.url)
    raw = await open_stores(settings)
    try:
        with observe(metrics.exchange):
            async with await connect(settings, stores=tap_stores(raw, metrics)) as conn:
                if public_url:
                    done = await provision(conn, public_url, secret)
                    for p in done:
                        say(f"webhook: {p.model} (automation {p.automation_id}, "
                            f"{'created' if p.created else 'refreshed'})")
                    if not done:
                        say("webhook: none provisioned (no Odoo -> Magento entity has "
                            "realtime = true)")

                def ready(url: str) -> None:
                    say(f"listening on {url} (webhook path /odoo/webhook/<secret>, /healthz, "
                        "/readyz, /metrics); stop with SIGINT or SIGTERM")
                    sys.stdout.flush()

                console = await _serve_console(conn, metrics)
                try:
                    stats = await run_realtime(
                        conn.engine, secret=secret, stop_event=stop.event, host=host,
                        port=port, poll_interval=poll_interval, workers=workers,
                        ready=ready, webhook_delay=webhook_delay, metrics=metrics)
                finally:
                    if console is not None:
                        await console.cleanup()
    finally:
        await raw.aclose()
    if args.json:
        emit_json({"exit_code": EXIT_OK, "stopped": stop.name if stop.signal else None,
                   "webhooks": stats.webhooks, "jobs_queued": stats.jobs_queued,
                   "jobs_processed": stats.jobs_processed, "polls": stats.polls})
    else:
        say(f"stopped: {stats.webhooks} webhooks, "
            f"{stats.jobs_queued} jobs queued, {stats.jobs_processed} jobs processed, "
            f"{stats.polls} Magento polls")
    return EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("realtime", help="webhooks, poller and workers (a service)",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    add_realtime_arguments(parser)
    parser.set_defaults(command=run_realtime_cli)
