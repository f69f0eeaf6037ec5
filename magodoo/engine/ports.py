"""The narrow interfaces the engine needs from each server.

The engine and its handlers speak only these two Protocols. :class:`~magodoo.magento.MagentoClient`
and :class:`~magodoo.odoo.OdooClient` fit them as they are; a test can hand in anything that
fits too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from typing import Any, Protocol

from magodoo.magento.models_catalog import Category, SourceItem, StockItem
from magodoo.magento.models_common import Page
from magodoo.magento.models_customers import Customer
from magodoo.magento.models_prices import BasePrice, PriceUpdateResult, SkuTierPrice
from magodoo.magento.models_sales import CreditMemo, Invoice, Order, Shipment, Track
from magodoo.magento.models_store import TaxRate
from magodoo.magento.search import SearchCriteria
from magodoo.odoo.models.load import LoadResult
from magodoo.odoo.paging import PageReader

__all__ = ["MagentoPort", "OdooPort"]


class OdooPort(PageReader, Protocol):
    """The ORM calls the engine makes (``execute_kw`` semantics, results as plain dicts):
    ``search_read_page`` (one page; :class:`~magodoo.odoo.PageReader`, so
    :func:`~magodoo.odoo.keyset_pages` pages over the port) and the calls below."""

    async def read(
        self,
        model: str,
        ids: Iterable[int],
        fields: Sequence[str] | None = ...,
        *,
        context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...

    async def create(
        self,
        model: str,
        vals_list: Iterable[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = ...,
    ) -> list[int]: ...

    async def write(
        self,
        model: str,
        ids: Iterable[int],
        vals: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = ...,
    ) -> bool: ...

    async def unlink(
        self, model: str, ids: Iterable[int], *, context: Mapping[str, Any] | None = ...
    ) -> bool: ...

    async def load(
        self,
        model: str,
        fields: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        context: Mapping[str, Any] | None = ...,
    ) -> LoadResult: ...

    async def call(
        self,
        model: str,
        method: str,
        *args: Any,
        context: Mapping[str, Any] | None = ...,
        idempotent: bool = ...,
        **kwargs: Any,
    ) -> Any: ...


class MagentoPort(Protocol):
    """The REST calls the engine makes."""

    async def search_customers(self, criteria: SearchCriteria | None = ...) -> Page[Customer]:
        ...

    async def list_categories(self, criteria: SearchCriteria | None = ...) -> Page[Category]:
        ...

    def iter_categories(
        self, criteria: SearchCriteria | None = ..., *, page_size: int = ...
    ) -> AsyncIterator[Category]: ...

    async def get_category(self, category_id: int) -> Category: ...

    async def create_category(self, category: Category) -> Category: ...

    async def update_category(self, category_id: int, category: Category) -> Category: ...

    async def move_category(
        self, category_id: int, parent_id: int, after_id: int | None = ...
    ) -> bool: ...

    async def delete_category(self, category_id: int) -> bool: ...

    # prices and stock (Odoo -> Magento)

    async def list_modules(self) -> list[str]: ...

    async def save_base_prices(self, prices: Iterable[BasePrice]) -> list[PriceUpdateResult]:
        ...

    async def get_base_prices(self, skus: Sequence[str]) -> list[BasePrice]: ...

    async def get_tier_prices(self, skus: Sequence[str]) -> list[SkuTierPrice]: ...

    async def replace_tier_prices(
        self, prices: Iterable[SkuTierPrice]
    ) -> list[PriceUpdateResult]: ...

    async def delete_tier_prices(
        self, prices: Iterable[SkuTierPrice]
    ) -> list[PriceUpdateResult]: ...

    async def save_source_items(self, items: Iterable[SourceItem]) -> None: ...

    async def list_source_items(
        self, criteria: SearchCriteria | None = ...
    ) -> Page[SourceItem]: ...

    async def update_stock_item(self, sku: str, item: StockItem) -> int: ...

    # sales (Magento -> Odoo, order status back)

    async def search_orders(
        self, criteria: SearchCriteria | None = ..., *, fields: Any = ...
    ) -> Page[Order]: ...

    async def search_tax_rates(self, criteria: SearchCriteria | None = ...) -> Page[TaxRate]:
        ...

    async def search_invoices(
        self, criteria: SearchCriteria | None = ..., *, fields: Any = ...
    ) -> Page[Invoice]: ...

    async def search_credit_memos(
        self, criteria: SearchCriteria | None = ..., *, fields: Any = ...
    ) -> Page[CreditMemo]: ...

    async def create_shipment(
        self, order_id: int, items: Any = ..., *, tracks: Iterable[Track] = ...,
        source_code: str | None = ..., notify: bool = ..., comment: str | None = ...,
        comment_visible: bool = ...,
    ) -> int: ...

    def iter_shipments(
        self, criteria: SearchCriteria | None = ..., *, page_size: int | None = ...,
        fields: Any = ...,
    ) -> AsyncIterator[Shipment]: ...

    async def add_order_comment(
        self, order_id: int, comment: str, *, status: str | None = ...,
        notify: bool = ..., visible_on_front: bool = ...,
    ) -> bool: ...
