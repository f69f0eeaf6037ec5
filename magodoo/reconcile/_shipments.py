"""Validated Odoo deliveries against the Magento shipments the sync made of them (Odoo is the
source of truth): quantities per order item and tracking numbers.

Everything goes through the sync's own handler (``shipments``, Odoo -> Magento): its pages of
done deliveries of bound orders (keyset-paged on id), its ``prepare`` and mapper
(:func:`~magodoo.mapping.invoicing.picking_to_shipment`: the done quantity per Magento order
item, one track per tracking number) and its lookup of a shipment made from a picking (the
comment ``Odoo delivery <name>``, else the same tracks and quantities). Per page of pickings:
one bindings query, one Magento shipment search of the bound ones, the handler's one search of
the orders' shipments for the unbound ones. A last pass over the bindings finds the pickings
gone from Odoo (or no longer a done delivery of a Magento order).

Per pair: ``broken_binding`` (field ``binding``) when the bound shipment is gone or is of
another Magento order; ``field_mismatch`` ``items[<order item id>].qty`` and ``tracks`` (the
sorted tracking numbers). A Magento shipment is never rewritten (Magento has no call to edit
one): those mismatches are left to be done by hand. Shipments made in Magento are not drift:
the delivery is Odoo's, and the sync never imports them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from magodoo.backends import Direction
from magodoo.engine.handler import Plan
from magodoo.exceptions import MagodooError, MappingError
from magodoo.magento.models_sales import Shipment
from magodoo.magento.search import SearchCriteria
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._paired import handler_context, quantity
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "shipments"
O2M = Direction.ODOO_TO_MAGENTO
PICKING = "stock.picking"


async def _shipments(scope: Scope, ids: Sequence[str]) -> dict[str, Shipment]:
    wanted = sorted({int(i) for i in ids if i.isdigit()})
    if not wanted:
        return {}
    criteria = SearchCriteria().where("entity_id", wanted, "in")
    return {str(s.entity_id): s async for s in scope.magento.iter_shipments(
        criteria, page_size=scope.page_size) if s.entity_id is not None}


def _items(shipment: Shipment) -> dict[int, float]:
    out: dict[int, float] = {}
    for item in shipment.items or ():
        key = int(item.order_item_id or 0)
        out[key] = out.get(key, 0.0) + float(item.qty or 0.0)
    return out


def _pair(value: Any, sid: str, oid: int, shipment: Shipment | None) -> list[Difference]:
    name = f"delivery {value.picking_name} of order {value.magento_order_id}" if value else (
        f"{PICKING} {oid}")
    if shipment is None:
        return [Difference(ENTITY, "broken_binding", sid, oid, "binding",
                           f"shipment {sid} is gone", name)]
    if value is None:
        return []
    if int(shipment.order_id or 0) != value.magento_order_id:
        return [Difference(ENTITY, "broken_binding", sid, oid, "binding",
                           f"shipment {sid} is of order {shipment.order_id}", name)]
    out = []
    want = dict(value.items)
    got = _items(shipment)
    for item in sorted(set(want) | set(got)):
        w, g = quantity(want.get(item, 0.0)), quantity(got.get(item, 0.0))
        if w != g:
            out.append(Difference(ENTITY, "field_mismatch", sid, oid, f"items[{item}].qty",
                                  g, w))
    tracks = sorted(n for n, _title, _code in value.tracks)
    shipped = sorted(str(t.track_number) for t in shipment.tracks or () if t.track_number)
    if tracks != shipped:
        out.append(Difference(ENTITY, "field_mismatch", sid, oid, "tracks", shipped, tracks))
    return out


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    handler = scope.registry.get(ENTITY, O2M)
    ctx = handler_context(scope)
    async for records in handler.fetch(ctx, None):
        tally.compared += len(records)
        mctx = await handler.prepare(ctx, records)
        mapped: dict[str, Any] = {}
        refused: dict[str, MappingError] = {}
        for record in records:
            try:
                mapped[handler.source_id(record)] = handler.map(record, mctx)
            except MappingError as exc:
                refused[handler.source_id(record)] = exc
        pids = [int(handler.source_id(r)) for r in records]
        bindings = await scope.stores.bindings.get_many_by_odoo(scope.backend, ENTITY, pids)
        shipments = await _shipments(scope, [b.magento_id for b in bindings.values()])
        plans: list[Plan[Any, Any]] = [
            Plan(record=r, source_id=str(pid), stamp=None, mapped=mapped[str(pid)])
            for r, pid in zip(records, pids, strict=True)
            if pid not in bindings and str(pid) in mapped]
        found: Mapping[str, str] = {}
        if plans:
            try:
                found = await handler.find_by_key(ctx, plans)
            except MagodooError:
                found = {}
        for pid in pids:
            binding = bindings.get(pid)
            error = refused.get(str(pid))
            diffs: list[Difference]
            if binding is not None:
                diffs = _pair(mapped.get(str(pid)), binding.magento_id, pid,
                              shipments.get(binding.magento_id))
                if error is not None:
                    diffs.append(Difference(ENTITY, "field_mismatch", binding.magento_id, pid,
                                            error.field, None, f"not mappable: {error}"))
            elif str(pid) in found:
                diffs = [Difference(ENTITY, "unbound", found[str(pid)], pid)]
            elif error is not None:
                diffs = [Difference(ENTITY, "missing_in_magento", None, pid, error.field,
                                    None, f"not mappable: {error}")]
            else:
                diffs = [Difference(ENTITY, "missing_in_magento", None, pid)]
            for diff in diffs:
                tally.differ(pid)
                yield diff
    async for diff in _gone(scope, handler):
        yield diff


async def _gone(scope: Scope, handler: Any) -> AsyncIterator[Difference]:
    """Bindings whose picking is gone from Odoo (or no longer a done delivery of a Magento
    order): the shipment is only in Magento now."""
    ctx = handler_context(scope)
    after: int | None = None
    size = scope.page_size
    while page := await scope.stores.bindings.list_bindings(scope.backend, ENTITY,
                                                            after_id=after, limit=size):
        after = page[-1].id
        present = {int(handler.source_id(r)) for r in await handler.fetch_keys(
            ctx, [str(b.odoo_id) for b in page])}
        for binding in page:
            if binding.odoo_id not in present:
                yield Difference(ENTITY, "missing_in_odoo", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return


def _by_hand(d: Difference) -> str | None:
    if d.kind == "field_mismatch":
        return ("a Magento shipment is never rewritten (Magento has no call to edit one): "
                "correct its items or tracks in Magento by hand")
    if d.kind == "missing_in_odoo":
        return ("the Odoo delivery is gone and magodoo never deletes Magento shipments: "
                "check the shipment in Magento by hand")
    return None


RECONCILER = Reconciler(entity=ENTITY, direction=O2M, compare=_reconcile,
                        fields=("items[<order item id>].qty", "tracks"), by_hand=_by_hand)
