"""Odoo eCommerce categories against the Magento categories the engine made of them.

Each ``product.public.category`` is mapped with the engine's own pure mapper
(:func:`magodoo.mapping.categories.category_to_magento`) and compared with the bound Magento
category on ``name``, ``parent_id`` and ``is_active``. Read in pages: one Odoo
``search_read`` page, its bindings (and its parents'), one Magento list call for the bound
ones and one for the unbound ones' names. A last pass over the bindings finds Magento
categories whose Odoo category is gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import attrs

from magodoo.backends import Binding, Direction, Stores
from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import Category
from magodoo.magento.search import Filter, SearchCriteria
from magodoo.mapping.categories import CategoryContext, CategoryValues, category_to_magento
from magodoo.odoo.models import PublicCategory
from magodoo.odoo.paging import keyset_pages
from magodoo.reconcile._customers import _check_page_size
from magodoo.reconcile._difference import Difference, Kind, same
from magodoo.reconcile._ports import MagentoReader, OdooReader
from magodoo.reconcile._registry import Reconciler, Scope, Tally
from magodoo.settings import Settings

__all__ = ["ENTITY", "RECONCILER", "compare_categories"]

ENTITY = "categories"
MODEL = "product.public.category"
FIELDS = ["id", "name", "parent_id", "sequence", "parent_path", "write_date"]


async def _odoo_pages(odoo: OdooReader, size: int) -> AsyncIterator[list[PublicCategory]]:
    async for rows in keyset_pages(odoo, MODEL, (), FIELDS, page_size=size, ahead=False):
        yield [PublicCategory.from_api(r) for r in rows]


async def _magento_by_id(magento: MagentoReader, ids: list[int]) -> dict[int, Category]:
    if not ids:
        return {}
    page = await magento.list_categories(
        SearchCriteria().where("entity_id", ids, "in").page(len(ids), 1))
    return {c.id: c for c in page.items if c.id is not None}


async def _magento_by_name(
    magento: MagentoReader, wanted: list[CategoryValues]
) -> dict[int, str]:
    """Magento categories with the same name under the same parent: Odoo id -> Magento id."""
    names = sorted({v.name for v in wanted})
    if not names:
        return {}
    criteria = SearchCriteria().where_any(*(Filter("name", n) for n in names))
    page = await magento.list_categories(criteria.order_by("entity_id").page(300, 1))
    found: dict[tuple[int, str], int] = {}
    for c in page.items:
        if c.id is not None and c.parent_id is not None and c.name:
            found.setdefault((c.parent_id, c.name.strip().casefold()), c.id)
    out: dict[int, str] = {}
    for v in wanted:
        mid = found.get((v.parent_id, v.name.casefold()))
        if mid is not None:
            out[v.odoo_id] = str(mid)
    return out


def _compare(
    mid: str, record: PublicCategory, mapped: CategoryValues | None, category: Category
) -> list[Difference]:
    """``odoo_value`` is what the mapper makes of the Odoo category, ``magento_value`` what
    Magento holds."""
    expected: dict[str, Any] = {"name": (record.name or "").strip(), "is_active": True}
    if mapped is not None:
        expected = {"name": mapped.name, "parent_id": mapped.parent_id, "is_active": True}
    out = []
    for field, value in expected.items():
        actual = getattr(category, field)
        if not same(value, actual) and not (field == "is_active" and actual is None):
            out.append(Difference(ENTITY, "field_mismatch", mid, record.id, field, actual, value))
    return out


async def _page_differences(
    records: list[PublicCategory],
    magento: MagentoReader,
    stores: Stores,
    backend: str,
    root_id: int,
) -> AsyncIterator[Difference]:
    ids = [r.id for r in records]
    bindings: Mapping[int, Binding] = await stores.bindings.get_many_by_odoo(
        backend, ENTITY, ids)
    parent_ids = {r.parent_id.id for r in records if r.parent_id is not None}
    parents = await stores.bindings.get_many_by_odoo(backend, ENTITY, parent_ids)
    mctx = CategoryContext(parents={o: int(b.magento_id) for o, b in parents.items()},
                           root_id=root_id)
    mapped: dict[int, CategoryValues | None] = {}
    for record in records:
        try:
            mapped[record.id] = category_to_magento(record, mctx)
        except MappingError:  # its parent is not synced: reported on its own
            mapped[record.id] = None
    bound = sorted({int(b.magento_id) for b in bindings.values() if b.magento_id.isdigit()})
    current = await _magento_by_id(magento, bound)
    unbound = [m for oid, m in mapped.items() if oid not in bindings and m is not None]
    found = await _magento_by_name(magento, unbound)

    for record in records:
        binding = bindings.get(record.id)
        if binding is None:
            mid = found.get(record.id)
            kind: Kind = "missing_in_magento" if mid is None else "unbound"
            yield Difference(ENTITY, kind, mid, record.id)
            continue
        category = current.get(int(binding.magento_id)) if binding.magento_id.isdigit() else None
        if category is None:
            yield Difference(ENTITY, "missing_in_magento", binding.magento_id, record.id)
            continue
        for diff in _compare(binding.magento_id, record, mapped[record.id], category):
            yield diff


async def _gone_from_odoo(
    odoo: OdooReader, stores: Stores, backend: str, size: int
) -> AsyncIterator[Difference]:
    after: int | None = None
    while page := await stores.bindings.list_bindings(backend, ENTITY, after_id=after,
                                                      limit=size):
        after = page[-1].id
        rows = await odoo.search_read_page(
            MODEL, [("id", "in", sorted({b.odoo_id for b in page}))], ["id"])
        present = {int(r["id"]) for r in rows}
        for binding in page:
            if binding.odoo_id not in present:
                yield Difference(ENTITY, "missing_in_odoo", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return


async def compare_categories(
    magento: MagentoReader,
    odoo: OdooReader,
    stores: Stores,
    backend: str = "default",
    *,
    page_size: int = 100,
    root_category_id: int = 2,
) -> AsyncIterator[Difference]:
    """Every difference between Odoo eCommerce categories and their Magento categories.

    Arguments as :func:`compare_customers`; ``root_category_id`` is
    ``settings.magento.root_category_id`` (the Magento parent of Odoo's top-level categories).

    Yields, per Odoo category: ``missing_in_magento`` (no binding and no Magento category of
    that name under the expected parent, or the bound Magento category is gone), ``unbound``
    (one matches but no binding links them), ``field_mismatch`` on ``name``, ``parent_id`` or
    ``is_active`` (``odoo_value`` is what the mapper makes of the Odoo category,
    ``magento_value`` what Magento holds; ``parent_id`` is skipped while the Odoo parent is not
    synced). Then, from the bindings, ``missing_in_odoo`` for Magento categories whose Odoo
    category is gone.
    """
    _check_page_size(page_size)
    async for diff in _walk(magento, odoo, stores, backend, page_size, root_category_id, None):
        yield diff


async def _walk(
    magento: MagentoReader, odoo: OdooReader, stores: Stores, backend: str, page_size: int,
    root_category_id: int, tally: Tally | None,
) -> AsyncIterator[Difference]:
    async for records in _odoo_pages(odoo, page_size):
        if tally is not None:
            tally.compared += len(records)
        async for diff in _page_differences(records, magento, stores, backend,
                                            root_category_id):
            if tally is not None:
                tally.differ(diff.odoo_id)
            yield diff
    async for diff in _gone_from_odoo(odoo, stores, backend, page_size):
        yield diff


def _as_report(diff: Difference) -> Difference:
    """The report's words: a binding to a Magento category that is gone is a broken binding."""
    if diff.kind == "missing_in_magento" and diff.magento_id is not None:
        return attrs.evolve(diff, kind="broken_binding", field="binding",
                            magento_value=f"category {diff.magento_id} is gone",
                            odoo_value=f"category {diff.odoo_id}")
    return diff


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    async for diff in _walk(scope.magento, scope.odoo, scope.stores, scope.backend,
                            scope.page_size, scope.settings.magento.root_category_id, tally):
        yield _as_report(diff)


def _source(settings: Settings) -> Direction:
    """Odoo leads, unless the settings make Magento the categories' source of truth
    (``catalog.category_source``, once categories sync both ways)."""
    catalog = getattr(settings, "catalog", None)
    if getattr(catalog, "category_source", "odoo") == "magento":
        return Direction.MAGENTO_TO_ODOO
    return Direction.ODOO_TO_MAGENTO


RECONCILER = Reconciler(entity=ENTITY, direction=Direction.ODOO_TO_MAGENTO, compare=_reconcile,
                        fields=("name", "parent_id", "is_active"), direction_of=_source)
