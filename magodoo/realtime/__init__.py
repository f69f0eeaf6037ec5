"""Realtime sync: Odoo's webhooks in, a Magento poller, and queue workers.

::

    stop = asyncio.Event()
    receiver = WebhookReceiver(engine, secret)
    await provision_odoo_webhooks(odoo, receiver.url("https://sync.example.com"),
                                  {"product.public.category": ["name", "parent_id"]})
    await run_realtime(engine, secret=secret, port=8080, stop_event=stop)

``runners/realtime.py`` does this from a settings file until SIGINT/SIGTERM.
"""

from __future__ import annotations

from magodoo.realtime.provision import (
    DEFAULT_FIELDS,
    InstalledWebhook,
    ProvisionedWebhook,
    WebhookOdoo,
    list_odoo_webhooks,
    provision_odoo_webhooks,
    remove_odoo_webhooks,
)
from magodoo.realtime.receiver import (
    DEFAULT_DELAY,
    MIN_SECRET_LENGTH,
    WEBHOOK_PATH,
    RedactedAccessLogger,
    WebhookReceiver,
    odoo_model_entities,
    odoo_models,
)
from magodoo.realtime.service import (
    RealtimeStats,
    health_routes,
    poll_magento,
    readiness,
    realtime_entities,
    run_realtime,
)

__all__ = [
    "DEFAULT_DELAY",
    "DEFAULT_FIELDS",
    "MIN_SECRET_LENGTH",
    "WEBHOOK_PATH",
    "InstalledWebhook",
    "ProvisionedWebhook",
    "RealtimeStats",
    "RedactedAccessLogger",
    "WebhookOdoo",
    "WebhookReceiver",
    "health_routes",
    "list_odoo_webhooks",
    "odoo_model_entities",
    "odoo_models",
    "poll_magento",
    "provision_odoo_webhooks",
    "readiness",
    "realtime_entities",
    "remove_odoo_webhooks",
    "run_realtime",
]
