"""Magento credit memos -> posted Odoo credit notes reversing the order's invoice.

Per page of Magento credit memos (the engine adds one bindings query):

* fetch: ``GET /V1/creditmemos`` with ``updated_at gteq <since>``, keyset-paged on
  ``entity_id``;
* dependencies: the orders not synced yet are synced first; the invoice each memo reverses
  is the memo's ``invoice_id``, or for an offline refund (no ``invoice_id``, SALES-NOTES.md)
  the order's first Magento invoice, found by order id in one invoice search; invoices not in
  Odoo yet are synced first (``invoices``), so a refund of an order without an Odoo invoice
  invoices first, then reverses;
* find: binding, then an ``out_refund`` whose ``ref`` is ``Magento credit memo <increment>``;
* create (WORKFLOWS.md section 6): one ``account.move.reversal`` for the page's invoices
  (a second memo on the same invoice goes to a second wizard), ``refund_moves``; each draft
  credit note is edited to the memo (one ``write`` each: its own ``ref``, the copied lines
  replaced by the refunded items and quantities, the shipping refund, the adjustment refund
  and fee, and lines for Odoo's rounding); one ``action_post`` for all; the notes Magento
  says are refunded (state 2) and that posting did not settle are paid through one
  ``account.payment.register`` per journal;
* check: Odoo's total is compared with Magento's grand total (a warning with both);
* update: a posted credit note is not rewritten.
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
from magodoo.magento.models_sales import CreditMemo
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.invoicing import CreditMemoContext, CreditNoteValues, creditmemo_to_refund
from magodoo.mapping.sales import round_money

__all__ = ["CreditMemoImporter"]

log = logging.getLogger("magodoo.engine")

ACCOUNT_MOVE = "account.move"
REVERSAL = "account.move.reversal"
M2O = Direction.MAGENTO_TO_ODOO
MemoPlan = Plan[CreditMemo, CreditNoteValues]


def _m2o(value: Any) -> int:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else 0
    return int(value or 0)


GROUP_REASON = "Magento credit memo"
"""The reversal wizard's reason when it reverses several invoices at once."""


def memo_ref(increment_id: str) -> str:
    return f"Magento credit memo {increment_id}"


class CreditMemoImporter(Handler[CreditMemo, CreditNoteValues]):
    """Magento credit memos -> Odoo credit notes, posted and paid."""

    entity: ClassVar[str] = "credit_memos"
    direction: ClassVar[Direction] = M2O
    odoo_model: ClassVar[str] = ACCOUNT_MOVE

    def __init__(self) -> None:
        self.lookups = Lookups()

    def source_id(self, record: CreditMemo) -> str:
        return str(record.entity_id)

    def source_stamp(self, record: CreditMemo) -> datetime | None:
        return record.updated_at or record.created_at

    async def fetch(self, ctx: Context, since: datetime | None
                    ) -> AsyncIterator[list[CreditMemo]]:
        search = ctx.magento.search_credit_memos
        async for page in keyset_pages(search, ctx.settings.batch_size, since):
            yield page

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[CreditMemo]:
        return await by_entity_ids(ctx.magento.search_credit_memos, keys)

    async def prepare(self, ctx: Context, records: list[CreditMemo]) -> CreditMemoContext:
        bindings = ctx.stores.bindings
        keys = sorted({str(m.order_id) for m in records if m.order_id is not None})
        bound = await bindings.get_many_by_magento(ctx.backend, "orders", keys)
        if missing := [k for k in keys if k not in bound]:
            await ctx.ensure("orders", M2O, missing)
            bound = await bindings.get_many_by_magento(ctx.backend, "orders", keys)
        pairs = {int(k): int(b.odoo_id) for k, b in bound.items()}
        orders = await load_sale_orders(ctx, pairs, self.lookups)
        # the invoice each memo reverses
        first: dict[int, int] = {}
        offline = sorted({int(m.order_id) for m in records
                          if m.invoice_id is None and m.order_id is not None})
        if offline:
            criteria = SearchCriteria().where("order_id", offline, "in").order_by(
                "entity_id", "ASC").page(max(100, len(offline) * 4), 1)
            for inv in (await ctx.magento.search_invoices(criteria)).items:
                if inv.order_id is not None and inv.entity_id is not None:
                    first.setdefault(int(inv.order_id), int(inv.entity_id))
        wanted: dict[int, int] = {}
        for memo in records:
            inv_id = memo.invoice_id or first.get(int(memo.order_id or 0))
            if memo.entity_id is not None and inv_id:
                wanted[int(memo.entity_id)] = int(inv_id)
        inv_keys = sorted({str(i) for i in wanted.values()})
        moves = await bindings.get_many_by_magento(ctx.backend, "invoices", inv_keys)
        if missing := [k for k in inv_keys if k not in moves]:
            await ctx.ensure("invoices", M2O, missing)
            moves = await bindings.get_many_by_magento(ctx.backend, "invoices", inv_keys)
        await self.lookups.load_adjustments(ctx)
        return CreditMemoContext(
            orders=orders,
            invoices={m: int(moves[str(i)].odoo_id) for m, i in wanted.items()
                      if str(i) in moves},
            adjustment_product=self.lookups.adjustment_product,
            rounding_tax=self.lookups.rounding_tax,
        )

    def map(self, record: CreditMemo, mctx: Any) -> CreditNoteValues:
        assert isinstance(mctx, CreditMemoContext)
        return creditmemo_to_refund(record, mctx)

    def hashable(self, mapped: CreditNoteValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: CreditNoteValues) -> str | None:
        return mapped.increment_id or None

    async def find_by_key(self, ctx: Context, plans: list[MemoPlan]) -> dict[str, str]:
        """The note whose ``ref`` names the memo; else, for a reversal whose answer was lost
        before the note got that ``ref``, the draft note reversing the memo's invoice that
        Odoo's wizard named after our reason (``Reversal of: INV/..., Magento credit memo
        ...``): adopted and finished, never reversed a second time."""
        keyed = [p for p in plans if p.value.increment_id]
        if not keyed:
            return {}
        refs = sorted({memo_ref(p.value.increment_id) for p in keyed})
        moves = sorted({p.value.reverse_move_id for p in keyed if p.value.reverse_move_id})
        domain: list[Any] = [("move_type", "=", "out_refund"), ("ref", "in", refs)]
        if moves:
            domain = [("move_type", "=", "out_refund"), "|", ("ref", "in", refs),
                      ("reversed_entry_id", "in", moves)]
        rows = await ctx.odoo.search_read_page(
            ACCOUNT_MOVE, domain, ["id", "ref", "state", "reversed_entry_id"], order="id")
        by_ref = {str(r["ref"]): int(r["id"]) for r in rows if r.get("ref") in refs}
        found: dict[str, str] = {}
        taken = set(by_ref.values())
        for p in keyed:
            note = by_ref.get(memo_ref(p.value.increment_id))
            if note is not None:
                found[p.source_id] = str(note)
        for p in keyed:
            if p.source_id in found:
                continue
            for r in rows:
                ref = str(r.get("ref") or "")
                if (int(r["id"]) not in taken and r.get("state") == "draft"
                        and _m2o(r.get("reversed_entry_id")) == p.value.reverse_move_id
                        and ref.startswith("Reversal of: ")
                        and ref.endswith((f", {p.value.reason}", f", {GROUP_REASON}"))):
                    taken.add(int(r["id"]))
                    found[p.source_id] = str(r["id"])
                    break
        return found

    async def create(
        self, ctx: Context, plans: list[MemoPlan]
    ) -> Mapping[str, Written | BaseException]:
        rounds: list[list[MemoPlan]] = []
        for p in plans:  # one wizard reverses each invoice once
            for group in rounds:
                if all(q.value.reverse_move_id != p.value.reverse_move_id for q in group):
                    group.append(p)
                    break
            else:
                rounds.append([p])
        for group in rounds:
            await self._reverse(ctx, group)
        return await self._finish(ctx, plans)

    async def _finish(
        self, ctx: Context, plans: list[MemoPlan]
    ) -> dict[str, Written | BaseException]:
        """Edit the draft notes to their memos, post them, pay the refunded ones."""
        notes = [int(p.target_id or 0) for p in plans]
        lines = await ctx.odoo.search_read_page(
            "account.move.line", [("move_id", "in", notes)], ["id", "move_id", "display_type"],
            order="id")
        old: dict[int, list[int]] = {}
        for row in lines:
            if row.get("display_type") in (None, False, "product"):
                old.setdefault(_m2o(row.get("move_id")), []).append(int(row["id"]))
        for p in plans:
            note = int(p.target_id or 0)
            values: dict[str, Any] = {
                "ref": memo_ref(p.value.increment_id),
                "invoice_line_ids": [*((2, i) for i in old.get(note, [])),
                                     *((0, 0, dict(v)) for v in p.value.lines)],
            }
            await ctx.odoo.write(ACCOUNT_MOVE, [note], values)
        await ctx.odoo.call(ACCOUNT_MOVE, "action_post", notes)
        rows = {int(r["id"]): r for r in await ctx.odoo.read(
            ACCOUNT_MOVE, notes, ["id", "amount_total", "payment_state"])}
        await self._pay(ctx, [p for p in plans if p.value.paid and rows.get(
            int(p.target_id or 0), {}).get("payment_state") not in ("paid", "reversed")])
        results: dict[str, Written | BaseException] = {}
        for p in plans:
            total = round_money(float(rows.get(int(p.target_id or 0), {}).get("amount_total")
                                      or 0.0))
            if total != p.value.total:
                log.warning("credit memo %s: Odoo total %.2f, Magento %.2f",
                            p.value.increment_id, total, p.value.total,
                            extra={"entity": self.entity, "source_id": p.source_id})
            results[p.source_id] = Written(str(p.target_id))
        return results

    async def _reverse(self, ctx: Context, group: list[MemoPlan]) -> None:
        moves = [p.value.reverse_move_id for p in group]
        context = {"active_model": ACCOUNT_MOVE, "active_ids": moves, "active_id": moves[0]}
        values: dict[str, Any] = {"reason": GROUP_REASON}
        if len(group) == 1:
            values["reason"] = group[0].value.reason
        if group[0].value.date:
            values["date"] = group[0].value.date
        (wizard,) = await ctx.odoo.create(REVERSAL, [values], context=context)
        await ctx.odoo.call(REVERSAL, "refund_moves", [wizard], context=context)
        (row,) = await ctx.odoo.read(REVERSAL, [wizard], ["new_move_ids"])
        new_ids = [int(i) for i in row.get("new_move_ids") or []]
        reversed_of = {_m2o(r.get("reversed_entry_id")): int(r["id"]) for r in
                       await ctx.odoo.read(ACCOUNT_MOVE, new_ids, ["id", "reversed_entry_id"])}
        for p in group:
            note = reversed_of[p.value.reverse_move_id]
            p.target_id = str(note)
            p.response = {"id": note}

    async def _pay(self, ctx: Context, plans: list[MemoPlan]) -> None:
        by_journal: dict[int | None, list[int]] = {}
        for p in plans:
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
        self, ctx: Context, plans: list[MemoPlan]
    ) -> Mapping[str, Written | BaseException]:
        """A posted credit note is not rewritten; one found by its ``ref`` still in draft (a
        create whose post failed) is edited, posted and paid now."""
        ids = [int(p.target_id or 0) for p in plans]
        rows = {int(r["id"]): r for r in await ctx.odoo.read(ACCOUNT_MOVE, ids, ["id", "state"])}
        drafts = [p for p in plans if rows.get(int(p.target_id or 0), {}).get("state") == "draft"]
        if drafts:
            await self._finish(ctx, drafts)
        return {p.source_id: Written(str(p.target_id)) for p in plans}
