"""Validated Odoo deliveries -> Magento shipments with their tracking numbers.

* fetch: the ``stock.picking`` in state ``done`` of an order (``sale_id`` set) changed since
  the cursor (``write_date``), keyset-paged on id, kept when outgoing and their order is bound
  to a Magento order;
* dependencies: one read of the Odoo orders' lines, one Magento order search (:mod:`.refs`)
  and one search of the pickings' moves;
* map (:func:`magodoo.mapping.invoicing.picking_to_shipment`): the done quantity per Magento
  order item, one track per tracking number, the order's carrier code;
* create: ``POST /V1/order/{id}/ship`` with the items and tracks; the picking is bound to the
  shipment, so a second webhook for the same picking finds the binding and writes nothing. A
  backorder is its own picking: validating it ships the rest;
* update: a Magento shipment is not rewritten.

Shipments created in Magento are not imported into Odoo (the delivery is Odoo's): the seed's
connector does the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.entities.sales.refs import load_sale_orders
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import MagodooError
from magodoo.magento.models_sales import Track
from magodoo.mapping.invoicing import ShipmentContext, ShipmentValues, picking_to_shipment

__all__ = ["ShipmentExporter"]

PICKING = "stock.picking"
FIELDS = ["id", "name", "state", "sale_id", "picking_type_code", "carrier_tracking_ref",
          "backorder_id", "write_date"]
MOVE_FIELDS = ["id", "picking_id", "sale_line_id", "quantity", "state"]
ShipmentPlan = Plan[dict[str, Any], ShipmentValues]


def _m2o(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else 0
    return int(value or 0)


@attrs.frozen
class PickingContext:
    shipments: ShipmentContext
    moves: Mapping[int, tuple[Mapping[str, Any], ...]]


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
        size = ctx.settings.batch_size
        last_id = 0
        while True:
            domain: list[Any] = [("state", "=", "done"), ("sale_id", "!=", False)]
            if since is not None:
                domain.append(("write_date", ">=", format_datetime(since)))
            if last_id:
                domain.append(("id", ">", last_id))
            rows = await ctx.odoo.search_read_page(PICKING, domain, FIELDS, limit=size,
                                                   order="id")
            kept = await self._keep(ctx, rows)
            if kept:
                yield kept
            if len(rows) < size:
                return
            last_id = max(int(r["id"]) for r in rows)

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
        return {}

    async def create(
        self, ctx: Context, plans: list[ShipmentPlan]
    ) -> Mapping[str, Written | BaseException]:
        async def ship(p: ShipmentPlan) -> Written | BaseException:
            v = p.value
            tracks = [Track(track_number=n, title=t, carrier_code=c) for n, t, c in v.tracks]
            try:
                new_id = await ctx.magento.create_shipment(
                    v.magento_order_id, dict(v.items), tracks=tracks,
                    comment=f"Odoo delivery {v.picking_name}")
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
