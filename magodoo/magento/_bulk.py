"""Asynchronous bulk calls (Magento_WebapiAsync) and their status routes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from magodoo._converter import converter
from magodoo.exceptions import ConfigurationError, TransportError
from magodoo.magento._base import plain
from magodoo.magento._core import ClientCore, seg
from magodoo.magento.models_catalog import Product, SourceItem
from magodoo.magento.models_store import BulkAccepted, BulkStatus

__all__ = ["BulkApi"]

BulkMethod = Literal["POST", "PUT", "DELETE"]


class BulkApi(ClientCore):
    """``/async/bulk/V1/...`` requests and ``/V1/bulk/{uuid}/status``."""

    __slots__ = ()

    async def async_bulk(
        self, method: BulkMethod, route: str, bodies: Sequence[Mapping[str, Any]]
    ) -> BulkAccepted:
        """Send ``bodies`` (each a normal request body) to ``/async/bulk<route>``.

        ``route`` is the normal route with path parameters spelled ``by<Param>``, e.g.
        ``/V1/products/bySku``; each body then carries the parameter (``"sku": ...``).
        Magento queues one operation per body and answers at once with a ``bulk_uuid``.
        Not retried blindly: a repeated bulk would queue the operations twice.
        """
        if not route.startswith("/V1/"):
            raise ConfigurationError(f"bulk route must start with /V1/, not {route!r}")
        if not bodies:
            raise ConfigurationError("a bulk request needs at least one body")
        data = await self.call(method, f"/async/bulk{route}", json=[plain(b) for b in bodies],
                               idempotent=False)
        return BulkAccepted.from_api(data)

    async def bulk_save_products(self, products: Iterable[Product]) -> BulkAccepted:
        """Mass product update (prices, names...) as one bulk of ``PUT /V1/products/{sku}``."""
        bodies = []
        for product in products:
            if not product.sku:
                raise ConfigurationError("every product of a bulk save needs a sku")
            bodies.append({"sku": product.sku, "product": product.to_api()})
        return await self.async_bulk("PUT", "/V1/products/bySku", bodies)

    async def bulk_save_source_items(
        self, items: Iterable[SourceItem], *, chunk: int = 100
    ) -> BulkAccepted:
        """Mass MSI stock update: ``POST /V1/inventory/source-items`` operations of ``chunk``
        source items each."""
        all_items = [i.to_api() for i in items]
        if chunk < 1:
            raise ConfigurationError("chunk must be at least 1")
        bodies = [{"sourceItems": all_items[i:i + chunk]}
                  for i in range(0, len(all_items), chunk)]
        return await self.async_bulk("POST", "/V1/inventory/source-items", bodies)

    async def bulk_status(self, bulk_uuid: str) -> BulkStatus:
        """``GET /V1/bulk/{bulkUuid}/status``."""
        return BulkStatus.from_api(await self.get(f"/V1/bulk/{seg(bulk_uuid)}/status"))

    async def bulk_operation_count(self, bulk_uuid: str, status: int) -> int:
        """``GET /V1/bulk/{bulkUuid}/operation-status/{status}``."""
        data = await self.get(f"/V1/bulk/{seg(bulk_uuid)}/operation-status/{seg(status)}")
        result: int = converter.structure(data, int)
        return result

    async def wait_bulk(
        self, bulk_uuid: str, *, poll_interval: float = 2.0, timeout: float = 300.0  # noqa: ASYNC109
    ) -> BulkStatus:
        """Poll :meth:`bulk_status` until no operation is open; raise
        :class:`~magodoo.exceptions.TransportError` after ``timeout`` seconds."""
        waited = 0.0
        while True:
            status = await self.bulk_status(bulk_uuid)
            if status.done:
                return status
            if waited + poll_interval > timeout:
                raise TransportError(
                    f"bulk {bulk_uuid} still has open operations after {timeout}s",
                    method="GET", url=self.url(f"/V1/bulk/{bulk_uuid}/status"),
                )
            await self.transport.sleep(poll_interval)
            waited += poll_interval
