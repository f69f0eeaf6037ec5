"""Magento orders against the Odoo sales orders the sync made of them (Magento is the source of
truth), on their totals.

The sync's rule (``docs/mapping/orders.md``): the Odoo order's ``amount_total``,
``amount_tax`` and ``amount_untaxed`` equal Magento's ``grand_total``, ``tax_amount`` and
``grand_total - tax_amount`` to the cent. Per page of Magento orders (keyset-paged on
``entity_id``): one bindings query, one ``read`` of the bound ``sale.order`` records, one
``search_read`` by ``client_order_ref`` for the unbound ones. A last pass over the bindings
finds Odoo orders whose Magento order is gone. Active only when the engine has an ``orders``
handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Protocol, cast

from magodoo.backends import Binding, Direction
from magodoo.magento.models_common import Page
from magodoo.magento.models_sales import Order
from magodoo.magento.search import SearchCriteria
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._paired import money
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "orders"
SALE_ORDER = "sale.order"
FIELDS = ["id", "client_order_ref", "amount_untaxed", "amount_tax", "amount_total"]


class _Orders(Protocol):
    async def search_orders(self, criteria: SearchCriteria | None = None) -> Page[Order]: ...


async def _pages(scope: Scope) -> AsyncIterator[list[Order]]:
    magento = cast(_Orders, scope.magento)
    last_id = 0
    while True:
        criteria = SearchCriteria()
        if last_id:
            criteria = criteria.where("entity_id", last_id, "gt")
        page = await magento.search_orders(
            criteria.order_by("entity_id", "ASC").page(scope.page_size, 1))
        items = [o for o in page.items if o.entity_id is not None and o.entity_id > last_id]
        if items:
            yield items
        if len(page.items) < scope.page_size or not items:
            return
        last_id = max(o.entity_id for o in items if o.entity_id is not None)


def _expected(order: Order) -> dict[str, Any]:
    total, tax = order.grand_total or 0.0, order.tax_amount or 0.0
    return {"amount_total": total, "amount_tax": tax, "amount_untaxed": total - tax}


def _totals(mid: str, oid: int, order: Order, row: Mapping[str, Any]) -> list[Difference]:
    out = []
    for field, value in _expected(order).items():
        if money(value) != money(row.get(field) or 0.0):
            out.append(Difference(ENTITY, "field_mismatch", mid, oid, field,
                                  float(money(value) or 0), row.get(field)))
    return out


async def _matches(scope: Scope, refs: Sequence[str]) -> dict[str, int]:
    if not refs:
        return {}
    rows = await scope.odoo.search_read_page(
        SALE_ORDER, [("client_order_ref", "in", sorted(refs))], ["id", "client_order_ref"],
        order="id")
    found: dict[str, int] = {}
    for row in rows:
        if isinstance(row.get("client_order_ref"), str):
            found.setdefault(row["client_order_ref"], int(row["id"]))
    return found


async def _page(scope: Scope, orders: list[Order], bindings: Mapping[str, Binding]
                ) -> AsyncIterator[Difference]:
    bound = {mid: b.odoo_id for mid, b in bindings.items()}
    rows = {int(r["id"]): r for r in await scope.odoo.read(
        SALE_ORDER, sorted(set(bound.values())), FIELDS)} if bound else {}
    unbound = [o.increment_id for o in orders
               if str(o.entity_id) not in bound and o.increment_id]
    found = await _matches(scope, unbound)
    for order in orders:
        mid = str(order.entity_id)
        oid = bound.get(mid)
        if oid is None:
            match = found.get(order.increment_id or "")
            if match is None:
                yield Difference(ENTITY, "missing_in_odoo", mid, None, "increment_id",
                                 order.increment_id, None)
            else:
                yield Difference(ENTITY, "unbound", mid, match)
        elif oid not in rows:
            yield Difference(ENTITY, "broken_binding", mid, oid, "binding",
                             f"order {order.increment_id}", f"sale.order {oid} is gone")
        else:
            for diff in _totals(mid, oid, order, rows[oid]):
                yield diff


async def _gone_from_magento(scope: Scope) -> AsyncIterator[Difference]:
    magento = cast(_Orders, scope.magento)
    after: int | None = None
    size = scope.page_size
    while page := await scope.stores.bindings.list_bindings(scope.backend, ENTITY,
                                                            after_id=after, limit=size):
        after = page[-1].id
        ids = sorted({int(b.magento_id) for b in page if b.magento_id.isdigit()})
        present: set[str] = set()
        if ids:
            result = await magento.search_orders(
                SearchCriteria().where("entity_id", ids, "in").page(len(ids), 1))
            present = {str(o.entity_id) for o in result.items}
        for binding in page:
            if binding.magento_id not in present:
                yield Difference(ENTITY, "missing_in_magento", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    async for orders in _pages(scope):
        tally.compared += len(orders)
        bindings = await scope.stores.bindings.get_many_by_magento(
            scope.backend, ENTITY, [str(o.entity_id) for o in orders])
        async for diff in _page(scope, orders, bindings):
            tally.differ(diff.magento_id)
            yield diff
    async for diff in _gone_from_magento(scope):
        yield diff


RECONCILER = Reconciler(entity=ENTITY, direction=Direction.MAGENTO_TO_ODOO, compare=_reconcile,
                        fields=("amount_total", "amount_tax", "amount_untaxed", "increment_id"))
