"""Magento orders -> Odoo sales orders (``sale.order`` with its lines), Magento state included.

Per page of orders (the engine adds one bindings query):

* fetch: ``GET /V1/orders`` with ``updated_at gteq <since>``, keyset-paged on ``entity_id``;
* dependencies (:meth:`OrderImporter.prepare`): the customers not bound yet are synced first;
  guests get a top-level partner matched by e-mail (one search for the page, one create for
  the new ones, never a second partner for one e-mail); billing and shipping addresses become
  child contacts deduplicated by content (one search, one create); products by SKU, taxes by
  Magento code, carriers, payment journals and currencies in one search each for what the
  page adds (see :mod:`.lookups`);
* find: binding, then ``client_order_ref`` = increment id among orders whose ``origin``
  says they came from Magento (that search starts with :meth:`OrderImporter.prepare`, for the
  orders not bound yet, and runs while the partners are looked up);
* create: one ``sale.order.create`` for the page with the lines as commands, then one
  ``action_confirm`` for every order Magento's state says is confirmed, ``date_order``
  written back with one ``load`` (``action_confirm`` overwrites it), one ``action_lock`` and one
  ``action_cancel`` (``disable_cancel_warning``) where the state says so;
* update: header (and, for a draft order, its lines) written; the state moves forward
  (confirm, lock, cancel), never back;
* check: the amounts Odoo computed are read back and compared with Magento's; a difference
  is logged as a warning with both totals.

Two pages are worked on at once (:attr:`OrderImporter.pages_in_flight`): while one page is
confirmed, dated and read back, the next one's partners are looked up and its orders
created. The lookups, the partners and the create call stay one page at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import parse_datetime
from magodoo.backends.models import Direction
from magodoo.engine.capture import collect
from magodoo.engine.entities.sales.lookups import WRITE_CONTEXT, Lookups
from magodoo.engine.entities.sales.paging import by_entity_ids, keyset_pages
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import (
    MagodooError,
    MappingError,
    NotFoundError,
    OutcomeUnknownError,
    ValidationError,
)
from magodoo.magento.models_sales import Order
from magodoo.mapping.sales import (
    OrderContext,
    OrderValues,
    PartnerRef,
    TaxRef,
    address_key,
    order_address_values,
    order_addresses,
    order_label,
    order_to_sale,
    round_money,
    skus_needed,
    tax_codes_needed,
)

__all__ = ["SALE_ORDER", "OrderImporter"]

log = logging.getLogger("magodoo.engine")

SALE_ORDER = "sale.order"
PARTNER = "res.partner"
M2O = Direction.MAGENTO_TO_ODOO
ADDRESS_FIELDS = ["id", "parent_id", "name", "street", "street2", "city", "zip", "country_id",
                  "state_id"]
TOTAL_FIELDS = ["id", "amount_untaxed", "amount_tax", "amount_total", "write_date"]

OrderPlan = Plan[Order, OrderValues]


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if value else None


def _error(order: Order, message: str, field: str) -> MappingError:
    return MappingError(message, entity="orders", record=order_label(order), field=field)


def _tax_percents(records: list[Order]) -> dict[str, float]:
    out: dict[str, float] = {}
    for order in records:
        for entry in (order.extension_attributes or {}).get("item_applied_taxes") or ():
            for tax in (entry or {}).get("applied_taxes") or ():
                if tax.get("code") and isinstance(tax.get("percent"), int | float):
                    out.setdefault(str(tax["code"]), float(tax["percent"]))
    return out


def _retrieve(task: asyncio.Task[Any]) -> None:
    """An early search nobody awaited: its error is not reported as never retrieved."""
    if not task.cancelled():
        task.exception()


def _discard(task: asyncio.Task[Any]) -> None:
    if not task.done():
        task.cancel()


def _email(order: Order) -> str | None:
    email = (order.customer_email or "").strip().lower()
    if not email and order.billing_address is not None:
        email = (order.billing_address.email or "").strip().lower()
    return email or None


class OrderImporter(Handler[Order, OrderValues]):
    """Magento orders -> Odoo sales orders."""

    entity: ClassVar[str] = "orders"
    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO
    odoo_model: ClassVar[str] = SALE_ORDER
    pages_in_flight: ClassVar[int] = 2
    """A page's partners and create run while the page before is confirmed, dated and
    read back. :meth:`prepare` (the lookups and partners shared between pages) and the
    ``sale.order.create`` call stay one page at a time (``ctx.serial``): the creates are one
    stream, as Odoo's own create time, and concurrent creates of orders for the same
    partners would only make the server retry on serialization failures."""

    AHEAD_KEPT: ClassVar[int] = 4
    """Early reference searches kept for pages not at :meth:`find_by_key` yet."""

    def __init__(self) -> None:
        self.lookups = Lookups()
        self._refs_ahead: dict[frozenset[str], asyncio.Task[dict[str, int]]] = {}

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: Order) -> str:
        return str(record.entity_id)

    def source_stamp(self, record: Order) -> datetime | None:
        return record.updated_at

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Order]]:
        async for page in keyset_pages(ctx.magento.search_orders, ctx.settings.batch_size, since):
            yield page

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Order]:
        return await by_entity_ids(ctx.magento.search_orders, keys)

    # ---- dependencies -----------------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[Order]) -> OrderContext:
        async with ctx.serial("prepare"):
            return await self._prepare(ctx, records)

    async def _prepare(self, ctx: Context, records: list[Order]) -> OrderContext:
        await self._search_refs_ahead(ctx, records)
        errors: dict[int, MappingError] = {}
        lk = self.lookups
        codes: set[str] = set()
        for order in records:
            for address in order_addresses(order):
                if address is not None and address.country_id:
                    codes.add(address.country_id.strip().upper())
        await lk.load_countries(ctx, codes)
        await lk.load_products(ctx, skus_needed(records))
        await lk.load_taxes(ctx, tax_codes_needed(records))
        await lk.load_adjustments(ctx)
        planned = await lk.load_carriers(ctx, records, errors)
        await lk.load_payments(ctx, records)
        pricelists = await lk.load_currencies(ctx, records, errors)
        partners = await self._partners(ctx, [o for o in records
                                              if (o.entity_id or 0) not in errors], errors)
        sales = ctx.settings.sales
        taxes: dict[str, TaxRef] = dict(lk.taxes)
        if ctx.dry_run:  # the rates a dry run would create (id 0)
            for code, percent in _tax_percents(records).items():
                taxes.setdefault(code, TaxRef(0, percent, sales.price_includes_tax))
        return OrderContext(
            partners=partners, products=dict(lk.products), taxes=taxes,
            carriers={**lk.carriers, **planned}, payments=dict(lk.payments),
            pricelists={**lk.pricelists, **pricelists},
            adjustment_product=lk.adjustment_product if lk.adjustment_product is not None
            else (0 if ctx.dry_run else None),
            rounding_tax=lk.rounding_tax if lk.rounding_tax is not None
            else (TaxRef(0, 0.01, False, "fixed") if ctx.dry_run else None),
            states_to_odoo=sales.states_to_odoo, price_includes_tax=sales.price_includes_tax,
            unmapped_payment=sales.unmapped_payment, origin_prefix=sales.order_ref_prefix,
            errors=errors,
        )

    async def _search_refs_ahead(self, ctx: Context, records: list[Order]) -> None:
        """Start the page's order-reference search (:meth:`find_by_key`) now, for the orders
        not bound yet, so it runs while the partners are looked up. The engine holds the
        records' locks from before :meth:`prepare` until after the create, so nothing else
        creates these orders meanwhile. Used once, by the :meth:`find_by_key` that asks for
        no other reference (the page's); any later search (e.g. to recover a create) is made
        afresh. The last :attr:`AHEAD_KEPT` are kept (pages in flight)."""
        while len(self._refs_ahead) >= self.AHEAD_KEPT:
            _discard(self._refs_ahead.pop(next(iter(self._refs_ahead))))
        ids = [str(o.entity_id) for o in records if o.entity_id]
        bound = await ctx.stores.bindings.get_many_by_magento(ctx.backend, self.entity, ids)
        refs = frozenset(ref for o in records if str(o.entity_id) not in bound
                         and (ref := (o.increment_id or "").strip()))
        if refs:
            task = asyncio.create_task(self._search_refs(ctx, sorted(refs)))
            task.add_done_callback(_retrieve)
            self._refs_ahead[refs] = task

    async def _customers(
        self, ctx: Context, records: list[Order], errors: dict[int, MappingError]
    ) -> dict[int, int]:
        """Magento customer id -> partner id (customers not bound yet are synced first)."""
        ids = sorted({str(o.customer_id) for o in records
                      if o.customer_id and not o.customer_is_guest})
        if not ids:
            return {}
        bound = await ctx.stores.bindings.get_many_by_magento(ctx.backend, "customers", ids)
        missing = [c for c in ids if c not in bound]
        if missing and ctx.settings.is_enabled("customers"):
            await ctx.ensure("customers", M2O, missing)
            bound.update(await ctx.stores.bindings.get_many_by_magento(
                ctx.backend, "customers", missing))
        out = {int(k): b.odoo_id for k, b in bound.items()}
        if ctx.dry_run:  # the customers a dry run would create (id 0)
            out.update({int(c): 0 for c in missing if int(c) not in out})
        for order in records:
            if order.customer_id and not order.customer_is_guest \
                    and order.customer_id not in out:
                errors.setdefault(order.entity_id or 0, _error(
                    order, f"customer {order.customer_id} could not be synced to Odoo",
                    "customer_id"))
        return out

    async def _guests(
        self, ctx: Context, records: list[Order], errors: dict[int, MappingError]
    ) -> dict[str, int]:
        """E-mail -> top-level partner of the guest orders (one search, one create)."""
        emails: dict[str, Order] = {}
        for order in records:
            email = _email(order)
            if email is None:
                errors.setdefault(order.entity_id or 0,
                                  _error(order, "the guest order has no e-mail",
                                         "customer_email"))
                continue
            emails.setdefault(email, order)
        if not emails:
            return {}
        names = sorted(emails)
        domain: list[Any] = ["|"] * (len(names) - 1)
        domain += [("email", "=ilike", e) for e in names]
        domain = [("parent_id", "=", False), ("type", "=", "contact"), *domain]
        rows = await ctx.odoo.search_read_page(PARTNER, domain, ["id", "email"], order="id")
        found: dict[str, int] = {}
        for row in rows:
            email = str(row.get("email") or "").strip().lower()
            if email:
                found.setdefault(email, int(row["id"]))
        new = [e for e in names if e not in found]
        if new and not ctx.dry_run:
            values = []
            for email in new:
                order = emails[email]
                name = " ".join(p.strip() for p in (order.customer_firstname,
                                                     order.customer_lastname) if p and p.strip())
                values.append({"name": name or email, "email": order.customer_email or email,
                               "type": "contact", "is_company": False, "customer_rank": 1})
            ids = await ctx.odoo.create(PARTNER, values, context=WRITE_CONTEXT)
            found.update(zip(new, (int(i) for i in ids), strict=True))
        return found

    async def _partners(
        self, ctx: Context, records: list[Order], errors: dict[int, MappingError]
    ) -> dict[int, PartnerRef]:
        customers = await self._customers(ctx, records, errors)
        guests = await self._guests(
            ctx, [o for o in records if not o.customer_id or o.customer_is_guest], errors)
        top: dict[int, int] = {}
        for order in records:
            oid = order.entity_id or 0
            if oid in errors:
                continue
            if order.customer_id and not order.customer_is_guest:
                top[oid] = customers[order.customer_id]
            else:
                pid = guests.get(_email(order) or "")
                top[oid] = pid if pid is not None else 0  # 0: a dry run's new partner
        lk = self.lookups
        wanted: dict[int, dict[str, tuple[tuple[Any, ...], dict[str, Any]]]] = {}
        for order in records:
            oid = order.entity_id or 0
            if oid not in top:
                continue
            billing, shipping = order_addresses(order)
            if billing is None:
                errors[oid] = _error(order, "the order has no billing address",
                                     "billing_address")
                continue
            try:
                pair: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
                for role, address, field in (("invoice", billing, "billing_address"),
                                             ("delivery", shipping or billing,
                                              "shipping_address")):
                    values = order_address_values(
                        address, lk.countries, lk.states, lk.with_states, order=order,
                        field=field, kind=role, email=order.customer_email)
                    pair[role] = (address_key(values), values)
            except MappingError as exc:
                errors[oid] = exc
                continue
            wanted[oid] = pair
        parents = sorted({pid for oid, pid in top.items() if oid in wanted and pid})
        known: dict[tuple[int, tuple[Any, ...]], int] = {}
        if parents:
            # archived children too (an address removed from the address book keeps its
            # contact, and its old orders point at it): active ones win, then the oldest
            rows = await ctx.odoo.search_read_page(
                PARTNER, [("parent_id", "in", parents)], [*ADDRESS_FIELDS, "active"],
                order="id", context={"active_test": False})
            rows.sort(key=lambda r: (not r.get("active", True), int(r["id"])))
            for row in rows:
                parent = _m2o(row.get("parent_id"))
                if parent is not None:
                    known.setdefault((parent, address_key(row)), int(row["id"]))
        new: dict[tuple[int, tuple[Any, ...]], dict[str, Any]] = {}
        for oid, pair in wanted.items():
            pid = top[oid]
            for key, values in pair.values():
                if (pid, key) not in known:
                    new.setdefault((pid, key), {**values, "parent_id": pid or False})
        creatable = [k for k in new if k[0]]
        if creatable and not ctx.dry_run:
            ids = await ctx.odoo.create(PARTNER, [new[k] for k in creatable],
                                        context=WRITE_CONTEXT)
            known.update(zip(creatable, (int(i) for i in ids), strict=True))
        out: dict[int, PartnerRef] = {}
        for oid, pair in wanted.items():
            pid = top[oid]
            invoice = known.get((pid, pair["invoice"][0]), 0)
            delivery = known.get((pid, pair["delivery"][0]), 0)
            out[oid] = PartnerRef(pid, invoice or pid, delivery or pid)
        return out

    # ---- map --------------------------------------------------------------------------------

    def map(self, record: Order, mctx: Any) -> OrderValues:
        assert isinstance(mctx, OrderContext)
        return order_to_sale(record, mctx)

    def hashable(self, mapped: OrderValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: OrderValues) -> str | None:
        return mapped.increment_id

    # ---- find -------------------------------------------------------------------------------

    async def find_by_key(self, ctx: Context, plans: list[OrderPlan]) -> dict[str, str]:
        refs = sorted({p.value.increment_id for p in plans})
        ahead = next((k for k in self._refs_ahead if refs and k.issuperset(refs)), None)
        if ahead is not None:
            found = await self._refs_ahead.pop(ahead)
        else:
            found = await self._search_refs(ctx, refs) if refs else {}
        return {p.source_id: str(found[p.value.increment_id]) for p in plans
                if p.value.increment_id in found}

    async def _search_refs(self, ctx: Context, refs: list[str]) -> dict[str, int]:
        """``client_order_ref`` -> the oldest order with it whose ``origin`` says it came
        from Magento."""
        prefix = ctx.settings.sales.order_ref_prefix
        rows = await ctx.odoo.search_read_page(
            SALE_ORDER, [("client_order_ref", "in", refs)], ["id", "client_order_ref", "origin"],
            order="id")
        found: dict[str, int] = {}
        for row in rows:
            origin = str(row.get("origin") or "")
            ref = str(row.get("client_order_ref") or "")
            if origin.startswith(f"{prefix}{ref}"):
                found.setdefault(ref, int(row["id"]))
        return found

    # ---- write ------------------------------------------------------------------------------

    async def create(
        self, ctx: Context, plans: list[OrderPlan]
    ) -> Mapping[str, Written | BaseException]:
        try:
            async with ctx.serial("create"):
                ids = await ctx.odoo.create(SALE_ORDER,
                                            [p.value.create_values() for p in plans],
                                            context=WRITE_CONTEXT)
        except ValidationError:
            if len(plans) == 1:
                raise
            return await self._create_one_by_one(ctx, plans)
        for p, new_id in zip(plans, ids, strict=True):
            p.target_id = str(new_id)
            p.response = {"id": new_id}
        states = {int(i): ("draft", False) for i in ids}
        return await self._advance(ctx, plans, states)

    async def _create_one_by_one(
        self, ctx: Context, plans: list[OrderPlan]
    ) -> dict[str, Written | BaseException]:
        """One create is one transaction: find the order Odoo refused by creating each alone."""
        results: dict[str, Written | BaseException] = {}
        for p in plans:
            try:
                results.update(await self.create(ctx, [p]))
            except MagodooError as exc:
                results[p.source_id] = exc
        return results

    async def update(
        self, ctx: Context, plans: list[OrderPlan]
    ) -> Mapping[str, Written | BaseException]:
        ids = [int(p.target_id or 0) for p in plans]
        rows = await ctx.odoo.read(SALE_ORDER, ids, ["state", "locked"])
        states = {int(r["id"]): (str(r.get("state")), bool(r.get("locked"))) for r in rows}
        results: dict[str, Written | BaseException] = {}
        live: list[OrderPlan] = []
        for p, oid in zip(plans, ids, strict=True):
            if oid not in states:
                results[p.source_id] = NotFoundError(
                    f"sale.order {oid} is gone", method="POST", url="sale.order.read",
                    status=404, body=None)
                continue
            state, locked = states[oid]
            vals = p.value.write_values(lines=state == "draft" and not locked)
            with collect() as exchanges:
                try:
                    await ctx.odoo.write(SALE_ORDER, [oid], vals, context=WRITE_CONTEXT)
                except MagodooError as exc:
                    results[p.source_id] = exc
                    continue
                finally:
                    p.exchanges.extend(exchanges)
            live.append(p)
        results.update(await self._advance(ctx, live, states))
        return results

    async def _advance(
        self, ctx: Context, plans: list[OrderPlan], states: dict[int, tuple[str, bool]]
    ) -> dict[str, Written | BaseException]:
        """Move each order to the state Magento's says, in one call per action for the page;
        then read the amounts back and compare them with Magento's."""
        results: dict[str, Written | BaseException] = {}
        by_id = {int(p.target_id or 0): p for p in plans}

        async def run(ids: list[int], method: str, **context: Any) -> None:
            if not ids:
                return
            try:
                await ctx.odoo.call(SALE_ORDER, method, ids,
                                    context={**WRITE_CONTEXT, **context})
            except OutcomeUnknownError as exc:
                # the call may have been carried out (an answer lost, a late commit): calling
                # again would confirm or cancel twice; each order fails as unknown and is
                # looked at again once the server's time limit has passed (the state read
                # first says what is left to do)
                for one in ids:
                    results[by_id[one].source_id] = exc
            except MagodooError as exc:
                if len(ids) == 1:
                    results[by_id[ids[0]].source_id] = exc
                    return
                for one in ids:  # find the order Odoo refused, the others still move
                    await run([one], method, **context)

        confirm = [i for i, p in by_id.items() if p.value.action in ("confirm", "lock")
                   and states.get(i, ("draft", False))[0] in ("draft", "sent")]
        cancel = [i for i, p in by_id.items() if p.value.action == "cancel"
                  and states.get(i, ("draft", False))[0] != "cancel"]

        async def confirmed() -> None:
            await run(confirm, "action_confirm")
            await self._restore_dates(ctx, [(i, by_id[i].value.date_order) for i in confirm
                                            if by_id[i].source_id not in results])
            lock = [i for i, p in by_id.items() if p.value.action == "lock"
                    and not states.get(i, ("draft", False))[1] and p.source_id not in results]
            await run(lock, "action_lock")

        async def cancelled() -> None:
            await run([i for i in cancel if states.get(i, ("draft", False))[1]], "action_unlock")
            await run([i for i in cancel if by_id[i].source_id not in results],
                      "action_cancel", disable_cancel_warning=True)

        # two sets of orders apart (an order is confirmed or cancelled, never both): side by side
        await asyncio.gather(confirmed(), cancelled())
        done = [i for i, p in by_id.items() if p.source_id not in results]
        rows = await ctx.odoo.read(SALE_ORDER, done, TOTAL_FIELDS) if done else []
        for row in rows:
            p = by_id[int(row["id"])]
            self._compare(p, row)
            stamp = parse_datetime(row["write_date"]) if row.get("write_date") else None
            results[p.source_id] = Written(str(row["id"]), stamp)
        return results

    @staticmethod
    async def _restore_dates(ctx: Context, dates: list[tuple[int, str]]) -> None:
        """Write Magento's order dates back after ``action_confirm`` (which sets them to now).

        One ``sale.order.load`` of ``.id, date_order`` rows for the page: Odoo's import
        updates each order by database id with its own date, in one call (a ``write`` takes
        one set of values: one per distinct date). ``tz`` UTC in the context, since ``load``
        reads datetimes in the context's (else the user's) time zone. If the load reports an
        error (it then changes nothing), one ``write`` per distinct date instead, side by
        side, so one bad order does not keep the others' dates off.
        """
        if not dates:
            return
        rows = [[str(i), date] for i, date in dates]
        try:
            answer = await ctx.odoo.load(SALE_ORDER, [".id", "date_order"], rows,
                                         context={**WRITE_CONTEXT, "tz": "UTC"})
        except MagodooError as exc:
            answer = None
            log.info("date_order load refused (%s); writing the dates one by one", exc,
                     extra={"entity": "orders"})
        if answer is not None and answer.ids:
            return
        grouped: dict[str, list[int]] = {}
        for i, date in dates:
            grouped.setdefault(date, []).append(i)
        limit = asyncio.Semaphore(ctx.settings.odoo.concurrency)

        async def restore(date: str, ids: list[int]) -> None:
            try:
                async with limit:
                    await ctx.odoo.write(SALE_ORDER, ids, {"date_order": date},
                                         context=WRITE_CONTEXT)
            except MagodooError as exc:  # the order is confirmed; only its date is off
                log.warning("date_order of sale.order %s not restored: %s", ids, exc,
                            extra={"entity": "orders"})

        await asyncio.gather(*(restore(d, ids) for d, ids in grouped.items()))

    @staticmethod
    def _compare(p: OrderPlan, row: Mapping[str, Any]) -> None:
        order, value = p.record, p.value
        want = (round_money(float(order.grand_total or 0) - float(order.tax_amount or 0)),
                round_money(float(order.tax_amount or 0)),
                round_money(float(order.grand_total or 0)))
        have = (round_money(float(row.get("amount_untaxed") or 0)),
                round_money(float(row.get("amount_tax") or 0)),
                round_money(float(row.get("amount_total") or 0)))
        notes = list(value.notes)
        if have != want:
            notes.append(f"totals differ: Magento untaxed/tax/total {want[0]:.2f}/"
                         f"{want[1]:.2f}/{want[2]:.2f}, Odoo {have[0]:.2f}/{have[1]:.2f}/"
                         f"{have[2]:.2f}")
        if notes:
            p.reason = "; ".join(notes)
            log.warning("order %s: %s", value.increment_id, p.reason,
                        extra={"entity": "orders", "source_id": p.source_id})
