"""The read calls the comparisons make; :class:`~magodoo.magento.MagentoClient` and
:class:`~magodoo.odoo.OdooClient` fit them as they are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from magodoo.magento.models_catalog import Category
from magodoo.magento.models_common import Page
from magodoo.magento.models_customers import Customer
from magodoo.magento.search import SearchCriteria

__all__ = ["MagentoReader", "OdooReader"]


class MagentoReader(Protocol):
    async def search_customers(self, criteria: SearchCriteria | None = ...) -> Page[Customer]:
        ...

    async def list_categories(self, criteria: SearchCriteria | None = ...) -> Page[Category]:
        ...


class OdooReader(Protocol):
    async def search_read_page(
        self,
        model: str,
        domain: Sequence[Any] = ...,
        fields: Sequence[str] | None = ...,
        *,
        offset: int = ...,
        limit: int | None = ...,
        order: str | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...

    async def read(
        self,
        model: str,
        ids: Iterable[int],
        fields: Sequence[str] | None = ...,
        *,
        context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...
