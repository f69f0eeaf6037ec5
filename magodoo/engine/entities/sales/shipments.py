"""Validated Odoo deliveries -> Magento shipments with their tracking numbers.

* fetch: the ``stock.picking`` in state ``done`` of an order (``sale_id`` set) changed since
  the cursor (``write_date``), keyset-paged on id, kept when outgoing and their order is bound
  to a Magento order;
* dependencies: one read of the Odoo orders' lines, one Magento order search (:mod:`.refs`)
  and one search of the pickings' moves;
* map (:func:`magodoo.mapping.invoicing.picking_to_shipment`): the done quantity per Magento
  order item, one track per tracking number, the order's carrier code;
* find by key (:func:`match_shipment`): ``POST /V1/order/{id}/ship`` has no idempotency key,
  so before a create, and again when a create's answer was lost or came after the client's
  timeout, the orders' shipments are read (one ``GET /V1/shipments`` with ``order_id in``)
  and the one carrying the picking's comment ``Odoo delivery <name>`` is adopted (else one
  with the same tracking numbers and quantities): a retry never ships the order twice;
* create: ``POST /V1/order/{id}/ship`` with the items and tracks; the picking is bound to the
  shipment, so a second webhook for the same picking finds the binding and writes nothing. A
  backorder is its own picking: validating it ships the rest;
* update: a Magento shipment is not rewritten.

Shipments created in Magento are not imported into Odoo (the delivery is Odoo's): the seed's
connector does the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.entities.sales.refs import load_sale_orders
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import MagodooError
from magodoo.magento.models_sales import Shipment, Track
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.invoicing import ShipmentContext, ShipmentValues, picking_to_shipment

__all__ = ["ShipmentExporter", "comment_of", "match_shipment"]

PICKING = "stock.picking"
FIELDS = ["id", "name", "state", "sale_id", "picking_type_code", "carrier_tracking_ref",
          "backorder_id", "write_date"]
MOVE_FIELDS = ["id", "picking_id", "sale_line_id", "quantity", "state"]
ShipmentPlan = Plan[dict[str, Any], ShipmentValues]
COMMENT = "Odoo delivery "


def _m2o(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else 0
    return int(value or 0)


@attrs.frozen
class PickingContext:
    shipments: ShipmentContext
    moves: Mapping[int, tuple[Mapping[str, Any], ...]]


def comment_of(value: ShipmentValues) -> str:
    """The comment each shipment made from an Odoo delivery carries (its natural key)."""
    return f"{COMMENT}{value.picking_name}"


def match_shipment(
    value: ShipmentValues, shipments: Sequence[Shipment], taken: Collection[int] = (),
) -> int | None:
    """The id of the shipment of ``value``'s order that was made from this picking: the one
    with its comment, else (comments removed by hand) the one with the same non-empty
    tracking numbers and the same quantities per order item, among those made from no other
    picking. ``taken`` ids are skipped."""
    free = [s for s in shipments if s.entity_id is not None and int(s.entity_id) not in taken]
    comment = comment_of(value)
    for s in free:
        if any((c.comment or "").strip() == comment for c in s.comments or ()):
            return int(s.entity_id or 0)
    numbers = sorted(n for n, _t, _c in value.tracks)
    if not numbers:
        return None
    items = sorted((int(i), float(q)) for i, q in value.items)
    for s in free:
        if any((c.comment or "").startswith(COMMENT) for c in s.comments or ()):
            continue  # made from another picking
        tracks = sorted(str(t.track_number) for t in s.tracks or ())
        got = sorted((int(i.order_item_id or 0), float(i.qty or 0)) for i in s.items or ())
        if tracks == numbers and got == items:
            return int(s.entity_id or 0)
    return None


class ShipmentExporter(Handler[dict[str, Any], ShipmentValues]):
    """Odoo deliveries -> Magento shipments."""

    entity: ClassVar[str] = "shipments"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = PICKING

    def source_id(self, record: dict[str, Any]) -> str:
        return str(record["id"])

    def source_stamp(self, record: dict[str, Any]) -> datetime | None:
        value = record.get("write_date")
        return parse_datetime(value) if value else None

    async def _keep(self, ctx: Context, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = [r for r in rows if r.get("state") == "done" and _m2o(r.get("sale_id"))
                and r.get("picking_type_code", "outgoing") == "outgoing"]
        if not rows:
            return []
        bound = await ctx.stores.bindings.get_many_by_odoo(
            ctx.backend, "orders", sorted({_m2o(r["sale_id"]) for r in rows}))
        return [r for r in rows if _m2o(r["sale_id"]) in bound]

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        domain: list[Any] = [("state", "=", "done"), ("sale_id", "!=", False)]
        if since is not None:
            domain.append(("write_date", ">=", format_datetime(since)))
        async for rows in ctx.odoo_pages(PICKING, domain, FIELDS):
            kept = await self._keep(ctx, rows)  # the keyset follows every row read, kept or not
            if kept:
                yield kept

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[dict[str, Any]]:
        rows = await ctx.odoo.read(PICKING, [int(k) for k in keys], FIELDS)
        return await self._keep(ctx, rows)

    async def prepare(self, ctx: Context, records: list[dict[str, Any]]) -> PickingContext:
        sale_ids = sorted({_m2o(r["sale_id"]) for r in records})
        bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, "orders", sale_ids)
        magento_ids = {int(k): int(b.magento_id) for k, b in bound.items()}
        refs = await load_sale_orders(ctx, {m: o for o, m in magento_ids.items()})
        orders = {ref.order_id: ref for ref in refs.values()}
        moves: dict[int, list[Mapping[str, Any]]] = {}
        for row in await ctx.odoo.search_read_page(
                "stock.move", [("picking_id", "in", [int(r["id"]) for r in records])],
                MOVE_FIELDS, order="id"):
            moves.setdefault(_m2o(row.get("picking_id")), []).append(row)
        return PickingContext(ShipmentContext(orders=orders, magento_ids=magento_ids),
                              {k: tuple(v) for k, v in moves.items()})

    def map(self, record: dict[str, Any], mctx: Any) -> ShipmentValues:
        assert isinstance(mctx, PickingContext)
        return picking_to_shipment(record, mctx.moves.get(int(record["id"]), ()),
                                   mctx.shipments)

    def hashable(self, mapped: ShipmentValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: ShipmentValues) -> str | None:
        return None

    async def find_by_key(self, ctx: Context, plans: list[ShipmentPlan]) -> dict[str, str]:
        """The Magento shipments already made for these pickings (a create whose answer was
        lost, or that committed after the client gave up): one search of the orders'
        shipments per page of orders."""
        order_ids = sorted({p.mapped.magento_order_id for p in plans if p.mapped is not None})
        if not order_ids:
            return {}
        by_order: dict[int, list[Shipment]] = {}
        criteria = SearchCriteria().where("order_id", order_ids, "in")
        async for shipment in ctx.magento.iter_shipments(criteria,
                                                        page_size=ctx.settings.batch_size):
            by_order.setdefault(int(shipment.order_id or 0), []).append(shipment)
        found: dict[str, str] = {}
        taken: set[int] = set()
        for p in plans:
            if p.mapped is None:
                continue
            match = match_shipment(p.mapped, by_order.get(p.mapped.magento_order_id, []), taken)
            if match is not None:
                taken.add(match)
                found[p.source_id] = str(match)
        return found

    async def create(
        self, ctx: Context, plans: list[ShipmentPlan]
    ) -> Mapping[str, Written | BaseException]:
        async def ship(p: ShipmentPlan) -> Written | BaseException:
            v = p.value
            tracks = [Track(track_number=n, title=t, carrier_code=c) for n, t, c in v.tracks]
            try:
                new_id = await ctx.magento.create_shipment(
                    v.magento_order_id, dict(v.items), tracks=tracks,
                    comment=comment_of(v))
            except MagodooError as exc:  # one shipment fails alone
                return exc
            p.target_id = str(new_id)
            p.response = {"id": new_id}
            return Written(str(new_id))

        done = await asyncio.gather(*(ship(p) for p in plans))
        return {p.source_id: r for p, r in zip(plans, done, strict=True)}

    async def update(
        self, ctx: Context, plans: list[ShipmentPlan]
    ) -> Mapping[str, Written | BaseException]:
        return {p.source_id: Written(str(p.target_id)) for p in plans}
