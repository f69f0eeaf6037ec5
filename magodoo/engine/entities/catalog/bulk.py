"""New simple products through Magento's asynchronous bulk route (``catalog.bulk_creates``).

One ``POST /async/bulk/V1/products`` per page with every new simple product's body, then
``GET /V1/bulk/{uuid}/status`` until no operation is open. Each operation answers for its
product: done -> written and bound; failed -> that product fails, named in the sync log with
the operation's message (status 2, retriable, is a 503 the queue retries; status 3, needing a
change, a 400). An operation refused for a taken URL key is handed back, and the product is
written on its own, which retries once with the suffixed key. A product ``POST`` with an
existing SKU updates it (recorded: 69-71), so a bulk sent again after a lost answer creates
nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from magodoo.backends.models import Binding
from magodoo.engine.capture import collect
from magodoo.engine.handler import Context, Plan, Written
from magodoo.exceptions import RemoteError, ServerError, TransportError, ValidationError
from magodoo.mapping.catalog.products import VARIANT_ENTITY, ProductValues

__all__ = ["POLL_SECONDS", "TIMEOUT_SECONDS", "create_in_bulk"]

log = logging.getLogger("magodoo.engine")

ROUTE = "/V1/products"
POLL_SECONDS = 2.0
"""Seconds between two polls of the bulk's status."""
TIMEOUT_SECONDS = 600.0
"""Seconds to wait for the store's consumers before the page's products fail (retriable)."""
COMPLETE, RETRIABLY_FAILED = 1, 2

ProductPlan = Plan[Any, ProductValues]


def _url_key_taken(message: str) -> bool:
    return "url key" in message.lower()


async def create_in_bulk(
    ctx: Context, plans: Sequence[ProductPlan]
) -> dict[str, Written | BaseException]:
    """Create ``plans`` in one bulk; returns the outcome of each plan it settled (a plan left
    out is to be written on its own)."""
    magento: Any = ctx.magento
    url = magento.url(f"/async/bulk{ROUTE}")
    results: dict[str, Written | BaseException] = {}
    with collect() as exchanges:
        try:
            accepted = await magento.async_bulk(
                "POST", ROUTE, [{"product": p.value.create_body()} for p in plans])
            status = await magento.wait_bulk(accepted.bulk_uuid, poll_interval=POLL_SECONDS,
                                             timeout=TIMEOUT_SECONDS)
        except (RemoteError, TransportError) as exc:
            for p in plans:
                p.exchanges.extend(exchanges)
                results[p.source_id] = exc
            return results
    by_id = {op.id: op for op in status.operations_list or ()}
    bound: list[Binding] = []
    for n, p in enumerate(plans):
        op = by_id.get(n)
        value = p.value
        if op is not None and op.status == COMPLETE:
            if value.variant_id is not None:
                bound.append(Binding(backend=ctx.backend, entity=VARIANT_ENTITY,
                                     magento_id=value.sku, odoo_id=value.variant_id,
                                     magento_key=value.sku))
            if not value.active:
                p.reason = "archived in Odoo: disabled"
            results[p.source_id] = Written(value.sku)
            continue
        message = (op.result_message if op is not None else None) or "no operation reported"
        if op is not None and _url_key_taken(message):
            continue  # written on its own: the URL key is retried with a suffix
        p.exchanges.extend(exchanges)
        where = f"bulk {accepted.bulk_uuid} operation {n} (sku {value.sku!r})"
        if op is not None and op.status == RETRIABLY_FAILED:
            results[p.source_id] = ServerError(f"{where}: {message}", method="POST", url=url,
                                               status=503, body={"message": message})
        else:
            results[p.source_id] = ValidationError(f"{where}: {message}", method="POST",
                                                   url=url, status=400,
                                                   body={"message": message})
    if bound:
        await ctx.stores.bindings.bind_many(bound)
    log.info("bulk product creates: %d sent, %d done", len(plans),
             sum(1 for r in results.values() if isinstance(r, Written)),
             extra={"entity": "products", "bulk_uuid": accepted.bulk_uuid})
    return results
