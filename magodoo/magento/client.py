"""The typed Magento 2.4 admin REST client.

::

    async with MagentoClient("https://shop.example", auth=OAuth1Auth(...)) as magento:
        async for customer in magento.iter_customers(
            SearchCriteria().where("updated_at", since, "gteq")
        ):
            ...
        await magento.for_store("all").save_product(product)   # global values

URLs are ``<base_url>/rest/<store_code>/V1/...``. Reads are retried freely; creates are never
retried blindly (:class:`~magodoo.exceptions.OutcomeUnknownError`: look the record up first).
Every answer that is not 2xx raises from :mod:`magodoo.exceptions` with Magento's message
filled in (see :mod:`magodoo.magento.errors`).
"""

from __future__ import annotations

from magodoo.magento._bulk import BulkApi
from magodoo.magento._catalog import CatalogApi
from magodoo.magento._customers import CustomersApi
from magodoo.magento._prices import PricesApi
from magodoo.magento._sales import SalesApi

__all__ = ["MagentoClient"]


class MagentoClient(CatalogApi, CustomersApi, SalesApi, BulkApi, PricesApi):
    """Magento admin REST client: ``MagentoClient(base_url, *, auth, store_code="default",
    session=None, limit=8, timeouts=Timeouts(), retry=RetryPolicy(), capture=None)``.

    ``auth`` is an :class:`~magodoo.magento.auth.OAuth1Auth`,
    :class:`~magodoo.magento.auth.BearerTokenAuth` or
    :class:`~magodoo.magento.auth.AdminTokenAuth`. ``session`` may be the caller's own (it is
    then left open). ``capture`` receives every attempt as a redacted
    :class:`~magodoo._http.Exchange`.
    """

    __slots__ = ()
