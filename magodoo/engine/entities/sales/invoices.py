"""Magento invoices -> posted, paid Odoo customer invoices.

Per page of Magento invoices (the engine adds one bindings query):

* fetch: ``GET /V1/invoices`` with ``updated_at gteq <since>``, keyset-paged on
  ``entity_id``;
* dependencies: the orders not synced yet are synced first (``orders``); then one read of the
  Odoo orders, one search of their lines and one Magento order search (:mod:`.refs`);
* find: binding, then an ``out_invoice`` whose ``ref`` is the Magento increment id;
* create: **one** ``account.move.create`` for the page's invoices, each line linked to its
  order line by ``sale_line_ids`` (the links the invoicing wizard writes) with the quantity
  Magento invoiced: a partial invoice invoices part, whatever the products' invoicing policy
  says (``sale.advance.payment.inv`` invoices what the policy allows, not what Magento
  invoiced: WORKFLOWS.md section 5); **one** ``action_post`` for them all; **one**
  ``account.payment.register`` per journal for the paid ones (``group_payment`` off: one
  payment per invoice), in the journal the payment-method mapping names (``sales.payments``);
  an unmapped method uses the wizard's default journal and says so in the log;
* check: the totals Odoo computed are read back and compared with Magento's grand total; a
  difference is logged as a warning with both totals;
* update: a posted invoice is not rewritten (Magento invoices do not change after creation).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo.backends.models import Direction
from magodoo.engine.entities.sales.lookups import Lookups
from magodoo.engine.entities.sales.paging import by_entity_ids, keyset_pages
from magodoo.engine.entities.sales.refs import load_sale_orders
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.magento.models_sales import Invoice
from magodoo.mapping.invoicing import InvoiceContext, InvoiceValues, invoice_to_move
from magodoo.mapping.sales import round_money

__all__ = ["ACCOUNT_MOVE", "InvoiceImporter"]

log = logging.getLogger("magodoo.engine")

ACCOUNT_MOVE = "account.move"
M2O = Direction.MAGENTO_TO_ODOO
InvoicePlan = Plan[Invoice, InvoiceValues]


class InvoiceImporter(Handler[Invoice, InvoiceValues]):
    """Magento invoices -> Odoo customer invoices, posted and paid."""

    entity: ClassVar[str] = "invoices"
    direction: ClassVar[Direction] = M2O
    odoo_model: ClassVar[str] = ACCOUNT_MOVE

    def __init__(self) -> None:
        self.lookups = Lookups()

    def source_id(self, record: Invoice) -> str:
        return str(record.entity_id)

    def source_stamp(self, record: Invoice) -> datetime | None:
        return record.updated_at or record.created_at

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Invoice]]:
        async for page in keyset_pages(ctx.magento.search_invoices, ctx.settings.batch_size, since):
            yield page

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Invoice]:
        return await by_entity_ids(ctx.magento.search_invoices, keys)

    async def prepare(self, ctx: Context, records: list[Invoice]) -> InvoiceContext:
        order_ids = sorted({int(i.order_id) for i in records if i.order_id is not None})
        keys = [str(i) for i in order_ids]
        bound = await ctx.stores.bindings.get_many_by_magento(ctx.backend, "orders", keys)
        missing = [k for k in keys if k not in bound]
        if missing:
            await ctx.ensure("orders", M2O, missing)
            bound = await ctx.stores.bindings.get_many_by_magento(ctx.backend, "orders", keys)
        pairs = {int(k): int(b.odoo_id) for k, b in bound.items()}
        orders = await load_sale_orders(ctx, pairs, self.lookups)
        await self.lookups.load_adjustments(ctx)
        return InvoiceContext(orders=orders, adjustment_product=self.lookups.adjustment_product,
                              rounding_tax=self.lookups.rounding_tax)

    def map(self, record: Invoice, mctx: Any) -> InvoiceValues:
        assert isinstance(mctx, InvoiceContext)
        return invoice_to_move(record, mctx)

    def hashable(self, mapped: InvoiceValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: InvoiceValues) -> str | None:
        return mapped.increment_id or None

    async def find_by_key(self, ctx: Context, plans: list[InvoicePlan]) -> dict[str, str]:
        refs = sorted({p.value.increment_id for p in plans if p.value.increment_id})
        if not refs:
            return {}
        rows = await ctx.odoo.search_read_page(
            ACCOUNT_MOVE, [("move_type", "=", "out_invoice"), ("ref", "in", refs)],
            ["id", "ref", "invoice_origin"], order="id")
        found: dict[tuple[str, str], int] = {}
        for row in rows:
            found.setdefault((str(row.get("ref")), str(row.get("invoice_origin"))),
                             int(row["id"]))
        out: dict[str, str] = {}
        for p in plans:
            key = (p.value.increment_id, str(p.value.values.get("invoice_origin")))
            if key in found:
                out[p.source_id] = str(found[key])
        return out

    async def create(
        self, ctx: Context, plans: list[InvoicePlan]
    ) -> Mapping[str, Written | BaseException]:
        ids = [int(i) for i in await ctx.odoo.create(
            ACCOUNT_MOVE, [p.value.create_values() for p in plans])]
        for p, new_id in zip(plans, ids, strict=True):
            p.target_id = str(new_id)
            p.response = {"id": new_id}
        await ctx.odoo.call(ACCOUNT_MOVE, "action_post", ids)
        await self._pay(ctx, [p for p in plans if p.value.paid])
        rows = {int(r["id"]): r for r in await ctx.odoo.read(
            ACCOUNT_MOVE, ids, ["id", "amount_total", "payment_state", "write_date"])}
        results: dict[str, Written | BaseException] = {}
        for p in plans:
            row = rows.get(int(p.target_id or 0), {})
            total = round_money(float(row.get("amount_total") or 0.0))
            if total != p.value.total:
                log.warning("invoice %s: Odoo total %.2f, Magento %.2f", p.value.increment_id,
                            total, p.value.total,
                            extra={"entity": self.entity, "source_id": p.source_id})
            results[p.source_id] = Written(str(p.target_id))
        return results

    async def _pay(self, ctx: Context, plans: list[InvoicePlan]) -> None:
        by_journal: dict[int | None, list[int]] = {}
        for p in plans:
            if p.value.journal_id is None:
                log.info("invoice %s: payment method not mapped to a journal "
                         "(sales.payments); paid in Odoo's default journal",
                         p.value.increment_id, extra={"entity": self.entity})
            by_journal.setdefault(p.value.journal_id, []).append(int(p.target_id or 0))
        for journal, ids in by_journal.items():
            context = {"active_model": ACCOUNT_MOVE, "active_ids": ids, "active_id": ids[0],
                       "dont_redirect_to_payments": True}
            values: dict[str, Any] = {"group_payment": False}
            if journal is not None:
                values["journal_id"] = journal
            (wizard,) = await ctx.odoo.create("account.payment.register", [values],
                                              context=context)
            await ctx.odoo.call("account.payment.register", "action_create_payments",
                                [wizard], context=context)

    async def update(
        self, ctx: Context, plans: list[InvoicePlan]
    ) -> Mapping[str, Written | BaseException]:
        """A posted invoice is not rewritten; one found by its ``ref`` still in draft or unpaid
        (a create whose post or payment failed) is posted and paid now."""
        ids = [int(p.target_id or 0) for p in plans]
        rows = {int(r["id"]): r for r in await ctx.odoo.read(
            ACCOUNT_MOVE, ids, ["id", "state", "payment_state"])}
        drafts = [i for i in ids if rows.get(i, {}).get("state") == "draft"]
        if drafts:
            await ctx.odoo.call(ACCOUNT_MOVE, "action_post", drafts)
        await self._pay(ctx, [p for p in plans if p.value.paid and rows.get(
            int(p.target_id or 0), {}).get("payment_state") not in ("paid", "in_payment")])
        return {p.source_id: Written(str(p.target_id)) for p in plans}
