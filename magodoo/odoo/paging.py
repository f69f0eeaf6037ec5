"""Pages of one ``search_read``, asked one after the other: the paging loop, written once.

:func:`keyset_pages` (and :meth:`OdooClient.search_read_pages`, which is it with the client
as reader) walks a domain by id: each page asks ``id > last id`` ordered by id, and a page
shorter than ``page_size`` is the last one (a match count that is an exact multiple of
``page_size`` ends with one empty page asked). :meth:`OdooClient.search_read` flattens the
same pages.

The reader is anything with the client's ``search_read_page`` (the engine's Odoo port, a
test double that wraps it): every page goes through that one call, so whatever the reader
does to a page (logging, faults, retries) it does to each.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping, Sequence
from typing import Any, Protocol

from magodoo import _ahead
from magodoo.exceptions import ConfigurationError
from magodoo.odoo import domain as dom
from magodoo.odoo.models._base import OdooRecord

__all__ = ["PageReader", "keyset_pages"]


class PageReader(Protocol):
    """What pages are read from: one ``search_read`` call per page (the engine's Odoo port
    is one). Pages of a record class need a reader that answers with records for one, as
    :class:`~magodoo.odoo.OdooClient` does."""

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


def keyset_pages(
    reader: PageReader,
    model: str | type[OdooRecord],
    domain: dom.DomainLike = (),
    fields: Sequence[str] | None = None,
    *,
    page_size: int,
    context: Mapping[str, Any] | None = None,
    ahead: bool = True,
) -> AsyncIterator[list[Any]]:
    """The records of ``domain`` a page at a time, keyset by id (dicts for a model name;
    records for a record class, from a reader that types them): the first page is
    ``domain`` ordered by id, limited to ``page_size``; each next one adds
    ``("id", ">", last id of the page before)``. A short page ends it; no empty page is
    yielded.

    ``fields`` are sent as given (Odoo returns ``id`` with every row anyway). ``ahead``
    asks the next page as soon as this one is in, while the caller handles this one (one
    request ahead; its error is raised when the caller gets there, and a caller that stops
    early has it cancelled). Turn it off when the caller already overlaps its reads (the
    sync engine reads a handler's next page while it writes this one): the requests are
    then exactly one after the other.
    """
    if page_size < 1:
        raise ConfigurationError("page_size must be at least 1")
    return walk(reader, model, dom.normalize(domain), fields, size=page_size, context=context,
                ahead=ahead)


async def walk(
    reader: PageReader,
    model: Any,
    domain: list[Any],
    fields: Sequence[str] | None,
    *,
    size: int,
    limit: int | None = None,
    order: str = "id",
    paging: str = "id",
    context: Mapping[str, Any] | None = None,
    ahead: bool = True,
) -> AsyncGenerator[list[Any], None]:
    """Pages of a normalized ``domain``: by id (``paging="id"``, order id) or by offset
    (following ``order``), ``size`` records each, ``limit`` records at most."""

    def ask(last_id: int, offset: int, want: int) -> Awaitable[list[Any]]:
        if paging == "id":
            page_domain = dom.AND(domain, [("id", ">", last_id)]) if last_id else domain
            return reader.search_read_page(model, page_domain, fields, limit=want,
                                           order="id", context=context)
        return reader.search_read_page(model, domain, fields, offset=offset, limit=want,
                                       order=order, context=context)

    want = size if limit is None else min(size, limit)
    if want < 1:
        return
    seen = 0
    later: asyncio.Future[list[Any]] | None = None
    try:
        page = await ask(0, 0, want)
        while page:
            seen += len(page)
            more = len(page) >= want and (limit is None or seen < limit)
            if more:
                want = size if limit is None else min(size, limit - seen)
                after = (_id(page[-1]), seen, want)
                if ahead:
                    later = await _ahead.start(ask(*after))
            yield page
            if not more:
                return
            if later is None:
                page = await ask(*after)
            else:
                page, later = await later, None
    finally:
        await _ahead.drop(later)  # the caller stopped before reaching that page


def _id(row: Any) -> int:
    return int(row["id"] if isinstance(row, Mapping) else row.id)
