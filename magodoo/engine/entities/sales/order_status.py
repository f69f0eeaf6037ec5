"""Odoo order status -> Magento (a status with a comment on the Magento order).

The Magento -> Odoo half of the order status is in the orders handler (Magento's state drives
confirm, lock and cancel). This half sends Odoo's events to Magento:

* fetch: the ``sale.order`` changed since the cursor (``write_date``), keyset-paged on id,
  kept when bound to a Magento order and in an event of ``sales.events_to_magento``
  (``confirmed``: state ``sale``; ``delivered``: ``delivery_status`` full; ``cancelled``:
  state ``cancel``);
* prepare: the Magento orders of the page are read in one search, so that an order already
  at that status (or past it) gets no comment, nor one whose Odoo order is unchanged since the
  orders import wrote it (its state came from Magento: an echo);
* write: ``POST /V1/orders/{id}/comments`` **always with the status** (a comment without one
  blanks the order's status on Magento 2.4.6, SALES-NOTES.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import MagodooError, MappingError
from magodoo.magento.search import SearchCriteria

__all__ = ["OrderStatusExporter", "StatusValues", "odoo_event"]

SALE_ORDER = "sale.order"
FIELDS = ["id", "name", "state", "delivery_status", "locked", "write_date"]
PAST: Mapping[str, frozenset[str]] = {
    "processing": frozenset({"processing", "complete", "closed", "canceled"}),
    "complete": frozenset({"complete", "closed", "canceled"}),
    "canceled": frozenset({"canceled", "closed"}),
}
"""Magento states at or past a status: an order there gets no comment for it."""


def odoo_event(row: Mapping[str, Any]) -> str | None:
    """The event an Odoo order is at: cancelled, delivered, confirmed (or None)."""
    if row.get("state") == "cancel":
        return "cancelled"
    if row.get("state") == "sale" and row.get("delivery_status") == "full":
        return "delivered"
    if row.get("state") == "sale":
        return "confirmed"
    return None


@attrs.frozen
class StatusValues:
    """The comment and status to add to one Magento order (``send`` False: already there)."""

    magento_order_id: int
    event: str
    status: str
    comment: str
    send: bool = True

    def hashable(self) -> dict[str, Any]:
        return {"order": self.magento_order_id, "event": self.event, "status": self.status}


@attrs.frozen
class StatusContext:
    magento_ids: Mapping[int, int]
    """Odoo order id -> Magento order entity id."""
    magento_states: Mapping[int, tuple[str, str]]
    """Magento order id -> (state, status)."""
    events: Mapping[str, str]
    echoes: frozenset[int] = frozenset()
    """Odoo orders unchanged since the orders import wrote them: their state came from
    Magento, so nothing goes back."""


StatusPlan = Plan[dict[str, Any], StatusValues]


class OrderStatusExporter(Handler[dict[str, Any], StatusValues]):
    """Odoo order events -> Magento order status with a comment."""

    entity: ClassVar[str] = "order_status"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    odoo_model: ClassVar[str] = SALE_ORDER

    def source_id(self, record: dict[str, Any]) -> str:
        return str(record["id"])

    def source_stamp(self, record: dict[str, Any]) -> datetime | None:
        value = record.get("write_date")
        return parse_datetime(value) if value else None

    async def _keep(self, ctx: Context, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        events = ctx.settings.sales.events_to_magento
        rows = [r for r in rows if odoo_event(r) in events]
        if not rows:
            return []
        bound = await ctx.stores.bindings.get_many_by_odoo(
            ctx.backend, "orders", [int(r["id"]) for r in rows])
        return [r for r in rows if int(r["id"]) in bound]

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        domain: list[Any] = [("state", "in", ["sale", "cancel"])]
        if since is not None:
            domain.append(("write_date", ">=", format_datetime(since)))
        async for rows in ctx.odoo_pages(SALE_ORDER, domain, FIELDS):
            kept = await self._keep(ctx, rows)  # the keyset follows every row read, kept or not
            if kept:
                yield kept

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[dict[str, Any]]:
        rows = await ctx.odoo.read(SALE_ORDER, [int(k) for k in keys], FIELDS)
        return await self._keep(ctx, rows)

    async def prepare(self, ctx: Context, records: list[dict[str, Any]]) -> StatusContext:
        bound = await ctx.stores.bindings.get_many_by_odoo(
            ctx.backend, "orders", [int(r["id"]) for r in records])
        ids = {int(k): int(b.magento_id) for k, b in bound.items()}
        echoes = frozenset(
            int(r["id"]) for r in records
            if (b := bound.get(int(r["id"]))) is not None and b.odoo_write_date is not None
            and self.source_stamp(r) == b.odoo_write_date
        )
        states: dict[int, tuple[str, str]] = {}
        wanted = sorted(set(ids.values()))
        if wanted:
            criteria = SearchCriteria().where("entity_id", wanted, "in").page(len(wanted), 1)
            page = await ctx.magento.search_orders(criteria)
            for order in page.items:
                if order.entity_id is not None:
                    states[order.entity_id] = (order.state or "", order.status or "")
        return StatusContext(ids, states, ctx.settings.sales.events_to_magento, echoes)

    def map(self, record: dict[str, Any], mctx: Any) -> StatusValues:
        assert isinstance(mctx, StatusContext)
        oid = int(record["id"])
        event = odoo_event(record)
        mid = mctx.magento_ids.get(oid)
        if event is None or mid is None:
            raise MappingError("not a Magento order with an event", entity=self.entity,
                               record=oid, field="state")
        status = mctx.events[event]
        state, current = mctx.magento_states.get(mid, ("", ""))
        send = (oid not in mctx.echoes and current != status
                and state not in PAST.get(status, frozenset({status})))
        comment = f"Odoo order {record.get('name') or oid} {event}."
        return StatusValues(mid, event, status, comment, send)

    def hashable(self, mapped: StatusValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: StatusValues) -> str | None:
        return None

    async def find_by_key(self, ctx: Context, plans: list[StatusPlan]) -> dict[str, str]:
        return {}  # a first event is a create: the comment is added

    async def _send(
        self, ctx: Context, plans: list[StatusPlan]
    ) -> Mapping[str, Written | BaseException]:
        limit = asyncio.Semaphore(ctx.settings.magento.concurrency)

        async def one(p: StatusPlan) -> Written | BaseException:
            v = p.value
            if not v.send:
                p.reason = f"nothing to send: Magento order {v.magento_order_id} already " \
                    f"at {v.status!r} or the Odoo state came from Magento"
                return Written(str(v.magento_order_id))
            try:
                async with limit:
                    await ctx.magento.add_order_comment(v.magento_order_id, v.comment,
                                                        status=v.status)
            except MagodooError as exc:
                return exc
            return Written(str(v.magento_order_id))

        outcomes = await asyncio.gather(*(one(p) for p in plans))
        return {p.source_id: o for p, o in zip(plans, outcomes, strict=True)}

    async def create(
        self, ctx: Context, plans: list[StatusPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await self._send(ctx, plans)

    async def update(
        self, ctx: Context, plans: list[StatusPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await self._send(ctx, plans)
