"""Reading Magento sales documents (orders, invoices, credit memos) by ``entity_id``.

Pages are keyset-paged (``entity_id > last``, ascending), so a document created while a
pass runs can neither be skipped nor read twice, whatever the page size.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from magodoo._converter import format_datetime
from magodoo.magento.search import SearchCriteria

__all__ = ["by_entity_ids", "keyset_pages"]


Search = Callable[[SearchCriteria], Awaitable[Any]]
"""A client's ``search_*`` method: its answer has ``.items``."""


async def keyset_pages(
    search: Search, size: int, since: datetime | None
) -> AsyncIterator[list[Any]]:
    """Pages of documents updated since ``since`` (all without it), ``size`` at a time."""
    last_id = 0
    while True:
        criteria = SearchCriteria()
        if since is not None:
            criteria = criteria.where("updated_at", format_datetime(since), "gteq")
        if last_id:
            criteria = criteria.where("entity_id", last_id, "gt")
        criteria = criteria.order_by("entity_id", "ASC").page(size, 1)
        page = await search(criteria)
        items = [d for d in page.items if d.entity_id is not None]
        if items:
            yield items
        if len(page.items) < size or not items:
            return
        last_id = max(d.entity_id for d in items)


async def by_entity_ids(search: Search, keys: Sequence[str]) -> list[Any]:
    """The documents with these ids, in one search."""
    ids = [int(k) for k in keys]
    criteria = SearchCriteria().where("entity_id", ids, "in").page(max(1, len(ids)), 1)
    page = await search(criteria)
    return [d for d in page.items if d.entity_id is not None]
