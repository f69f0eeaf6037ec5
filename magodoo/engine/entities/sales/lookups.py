"""What a page of orders needs from Odoo, looked up in a few calls per page (cached for the
handler's life): countries and states, products by SKU, taxes by Magento code, carriers,
payment journals, currencies and their pricelists, the adjustment product and the rounding
tax. Carriers and payment methods seen in orders (and those declared in the settings) are kept
in magodoo's binding store (entities ``shipping_methods`` and ``payment_methods``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from magodoo.backends.models import Binding, Direction
from magodoo.engine.handler import Context
from magodoo.exceptions import BindingConflictError, MagodooError, MappingError
from magodoo.magento.models_sales import Order
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.sales import (
    CarrierRef,
    PaymentRef,
    TaxRef,
    carrier_code,
    carrier_title,
    order_label,
    payment_code,
    payment_title,
)

__all__ = ["CARRIER_ENTITY", "PAYMENT_ENTITY", "Lookups"]

log = logging.getLogger("magodoo.engine")

CARRIER_ENTITY = "shipping_methods"
PAYMENT_ENTITY = "payment_methods"
WRITE_CONTEXT: Mapping[str, Any] = {"magodoo_sync": True}
PRICELIST_XMLID = "magodoo.pricelist_"
"""External id prefix of the pricelists magodoo creates (``magodoo.pricelist_eur``)."""


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if value else None


async def _service_products(ctx: Context, rows: list[dict[str, Any]]) -> list[int]:
    """Create untaxed service products (through their templates, one call) and return the
    variants' ids."""
    values = [{"type": "service", "purchase_ok": False, "list_price": 0.0,
               "taxes_id": [(6, 0, [])], **row} for row in rows]
    templates = await ctx.odoo.create("product.template", values, context=WRITE_CONTEXT)
    read = await ctx.odoo.read("product.template", templates, ["product_variant_id"])
    by_id = {int(r["id"]): _m2o(r.get("product_variant_id")) for r in read}
    out: list[int] = []
    for tid in templates:
        variant = by_id.get(int(tid))
        if variant is None:
            raise MagodooError(f"product.template {tid} has no variant")
        out.append(variant)
    return out


def _error(order: Order, message: str, field: str) -> MappingError:
    return MappingError(message, entity="orders", record=order_label(order), field=field)


@attrs.define
class Lookups:
    """Caches of Odoo ids; every method takes a page and makes at most a few calls."""

    countries: dict[str, int] = attrs.field(factory=dict)
    states: dict[tuple[str, str], int] = attrs.field(factory=dict)
    with_states: set[str] = attrs.field(factory=set)
    _countries_seen: set[str] = attrs.field(factory=set)
    products: dict[str, int] = attrs.field(factory=dict)
    taxes: dict[str, TaxRef] = attrs.field(factory=dict)
    carriers: dict[str, CarrierRef] = attrs.field(factory=dict)
    payments: dict[str, PaymentRef] = attrs.field(factory=dict)
    pricelists: dict[str, int | None] = attrs.field(factory=dict)
    _company_row: tuple[int | None, int | None] | None = None
    _currency_lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)
    adjustment_product: int | None = None
    rounding_tax: TaxRef | None = None

    # ---- countries and states -------------------------------------------------------------

    async def load_countries(self, ctx: Context, codes: Iterable[str]) -> None:
        new = sorted({c for c in codes if c} - self._countries_seen)
        if not new:
            return
        rows = await ctx.odoo.search_read_page("res.country", [("code", "in", new)],
                                               ["id", "code"])
        by_id: dict[int, str] = {}
        for row in rows:
            code = str(row["code"]).upper()
            self.countries[code] = int(row["id"])
            by_id[int(row["id"])] = code
        if by_id:
            states = await ctx.odoo.search_read_page(
                "res.country.state", [("country_id", "in", sorted(by_id))],
                ["id", "code", "country_id"])
            for row in states:
                country = by_id.get(_m2o(row.get("country_id")) or 0)
                if country and row.get("code"):
                    self.states[(country, str(row["code"]).upper())] = int(row["id"])
                    self.with_states.add(country)
        self._countries_seen.update(new)

    # ---- products -------------------------------------------------------------------------

    async def load_products(self, ctx: Context, skus: Iterable[str]) -> None:
        new = sorted(set(skus) - set(self.products))
        if not new:
            return
        rows = await ctx.odoo.search_read_page(
            "product.product", [("default_code", "in", new)], ["id", "default_code"],
            order="id")
        for row in rows:
            self.products.setdefault(str(row["default_code"]), int(row["id"]))

    # ---- taxes ----------------------------------------------------------------------------

    async def _read_taxes(self, ctx: Context, names: list[str]) -> None:
        rows = await ctx.odoo.search_read_page(
            "account.tax", [("type_tax_use", "=", "sale"), ("name", "in", names)],
            ["id", "name", "amount", "amount_type", "price_include"], order="id")
        for row in rows:
            self.taxes.setdefault(str(row["name"]), TaxRef(
                int(row["id"]), float(row.get("amount") or 0.0),
                bool(row.get("price_include")), str(row.get("amount_type") or "percent")))

    async def load_taxes(self, ctx: Context, codes: Iterable[str]) -> None:
        new = sorted(set(codes) - set(self.taxes))
        if not new:
            return
        await self._read_taxes(ctx, new)
        missing = [c for c in new if c not in self.taxes]
        if not missing:
            return
        # a rate not synced yet: sync those rates first (by their Magento ids)
        criteria = SearchCriteria().where("code", missing, "in").page(len(missing), 1)
        page = await ctx.magento.search_tax_rates(criteria)
        ids = [str(r.id) for r in page.items if r.id is not None]
        if ids:
            await ctx.ensure("tax_rates", Direction.MAGENTO_TO_ODOO, ids)
            await self._read_taxes(ctx, missing)

    # ---- adjustment product and rounding tax -----------------------------------------------

    async def load_adjustments(self, ctx: Context) -> None:
        sales = ctx.settings.sales
        if self.adjustment_product is None:
            # found by name, not by internal reference: a product with one would be sent to
            # Magento by the price sync as an (unknown) SKU
            rows = await ctx.odoo.search_read_page(
                "product.product", [("name", "=", sales.adjustment_product),
                                    ("type", "=", "service")], ["id"], limit=1, order="id")
            if rows:
                self.adjustment_product = int(rows[0]["id"])
            elif not ctx.dry_run:
                (pid,) = await _service_products(ctx, [{
                    "name": sales.adjustment_product, "sale_ok": True,
                }])
                self.adjustment_product = pid
        if self.rounding_tax is None:
            rows = await ctx.odoo.search_read_page(
                "account.tax", [("type_tax_use", "=", "sale"),
                                ("name", "=", sales.rounding_tax)],
                ["id", "amount", "amount_type"], limit=1, order="id")
            if rows:
                row = rows[0]
                self.rounding_tax = TaxRef(int(row["id"]), float(row.get("amount") or 0.0),
                                           False, str(row.get("amount_type") or "percent"))
            elif not ctx.dry_run:
                (tid,) = await ctx.odoo.create("account.tax", [{
                    "name": sales.rounding_tax, "amount_type": "fixed", "amount": 0.01,
                    "type_tax_use": "sale", "price_include_override": "tax_excluded",
                    "invoice_label": "Rounding",
                }], context=WRITE_CONTEXT)
                self.rounding_tax = TaxRef(int(tid), 0.01, False, "fixed")

    # ---- carriers -------------------------------------------------------------------------

    async def load_carriers(
        self, ctx: Context, orders: list[Order], errors: dict[int, MappingError]
    ) -> dict[str, CarrierRef]:
        """Resolve the page's carriers into :attr:`carriers`; returns those a dry run would
        create (id 0, not cached)."""
        sales = ctx.settings.sales
        wanted: dict[str, str] = {}  # code -> title
        users: dict[str, list[Order]] = {}
        for code, title in sales.declared_carriers.items():
            if code not in self.carriers:
                wanted.setdefault(code, title)
        for order in orders:
            method = carrier_code(order)
            if method is None or method in self.carriers:
                continue
            wanted.setdefault(method, carrier_title(order) or method)
            users.setdefault(method, []).append(order)
        if not wanted:
            return {}
        names: dict[str, str] = {}  # code -> Odoo carrier name
        for code, title in wanted.items():
            mapped = sales.carriers.get(code) or sales.carriers.get(code.split("_")[0])
            if mapped:
                names[code] = mapped
            elif sales.unmapped_carrier == "create":
                names[code] = title
            else:
                for order in users.get(code, ()):
                    errors.setdefault(order.entity_id or 0, _error(
                        order, f"the shipping method {code!r} is not mapped (sales.carriers) "
                        "and sales.unmapped_carrier is 'error'", "shipping_method"))
        if not names:
            return {}
        rows = await ctx.odoo.search_read_page(
            "delivery.carrier", [("name", "in", sorted(set(names.values())))],
            ["id", "name", "product_id"], order="id")
        found: dict[str, CarrierRef] = {}
        for row in rows:
            product = _m2o(row.get("product_id"))
            if product is not None:
                found.setdefault(str(row["name"]), CarrierRef(int(row["id"]), product,
                                                              str(row["name"])))
        to_create = sorted({n for c, n in names.items() if n not in found
                            and not (sales.carriers.get(c) or
                                     sales.carriers.get(c.split("_")[0]))})
        for code, name in names.items():
            if name not in found and name not in to_create:
                for order in users.get(code, ()):
                    errors.setdefault(order.entity_id or 0, _error(
                        order, f"sales.carriers maps {code!r} to {name!r}, which is not an "
                        "Odoo carrier", "shipping_method"))
        if to_create and not ctx.dry_run:
            products = await _service_products(ctx, [{
                "name": f"Shipping: {name}", "sale_ok": False,
            } for name in to_create])
            carriers = await ctx.odoo.create("delivery.carrier", [{
                "name": name, "product_id": pid, "delivery_type": "fixed",
                "invoice_policy": "estimated", "fixed_price": 0.0,
            } for name, pid in zip(to_create, products, strict=True)], context=WRITE_CONTEXT)
            for name, pid, cid in zip(to_create, products, carriers, strict=True):
                found[name] = CarrierRef(int(cid), int(pid), name)
            log.info("created Odoo carriers for unmapped Magento shipping methods: %s",
                     ", ".join(to_create), extra={"entity": "orders"})
        elif to_create:  # a dry run: the carriers it would create (id 0)
            for name in to_create:
                found[name] = CarrierRef(0, 0, name)
        rows_to_bind: list[Binding] = []
        planned: dict[str, CarrierRef] = {}
        for code, name in names.items():
            ref = found.get(name)
            if ref is None:
                continue
            if not ref.carrier_id:
                planned[code] = ref
                continue
            self.carriers[code] = ref
            rows_to_bind.append(Binding(backend=ctx.backend, entity=CARRIER_ENTITY,
                                        magento_id=code, odoo_id=ref.carrier_id,
                                        magento_key=wanted.get(code)))
        await self._bind(ctx, rows_to_bind)
        return planned

    # ---- payment methods ------------------------------------------------------------------

    async def load_payments(self, ctx: Context, orders: list[Order]) -> None:
        sales = ctx.settings.sales
        wanted: dict[str, str] = {c: t for c, t in sales.declared_payments.items()
                                  if c not in self.payments}
        for order in orders:
            code = payment_code(order)
            if code and code not in self.payments:
                wanted.setdefault(code, payment_title(order))
        if not wanted:
            return
        journals = sorted({sales.payments[c] for c in wanted if c in sales.payments})
        by_name: dict[str, int] = {}
        if journals:
            rows = await ctx.odoo.search_read_page(
                "account.journal", [("name", "in", journals)], ["id", "name"], order="id")
            for row in rows:
                by_name.setdefault(str(row["name"]), int(row["id"]))
        rows_to_bind: list[Binding] = []
        for code, title in wanted.items():
            journal = by_name.get(sales.payments.get(code, ""))
            if code in sales.payments and journal is None:
                log.warning("sales.payments maps %r to %r, which is not an Odoo journal",
                            code, sales.payments[code], extra={"entity": "orders"})
            self.payments[code] = PaymentRef(code, title, journal)
            if journal is not None:
                rows_to_bind.append(Binding(backend=ctx.backend, entity=PAYMENT_ENTITY,
                                            magento_id=code, odoo_id=journal,
                                            magento_key=title))
        await self._bind(ctx, rows_to_bind)

    async def _bind(self, ctx: Context, rows: list[Binding]) -> None:
        if not rows or ctx.dry_run:
            return
        existing = await ctx.stores.bindings.get_many_by_magento(
            ctx.backend, rows[0].entity, [b.magento_id for b in rows])
        for row in rows:
            old = existing.get(row.magento_id)
            if old is not None and old.odoo_id == row.odoo_id:
                continue
            try:
                if old is not None:
                    await ctx.stores.bindings.unbind(ctx.backend, row.entity,
                                                     magento_id=row.magento_id)
                await ctx.stores.bindings.bind(row)
            except BindingConflictError:
                # several Magento methods mapped to one Odoo record: a binding is one to
                # one, so only the first is recorded (the settings keep the mapping)
                log.info("%s %r shares its Odoo record %s with another method", row.entity,
                         row.magento_id, row.odoo_id)
            except MagodooError as exc:
                log.warning("%s binding skipped: %s", row.entity, exc)

    # ---- currencies -----------------------------------------------------------------------

    async def _company(self, ctx: Context) -> tuple[int | None, int | None]:
        """The main company's id and currency (read once)."""
        if self._company_row is None:
            rows = await ctx.odoo.search_read_page("res.company", [], ["id", "currency_id"],
                                                   limit=1, order="id")
            self._company_row = (
                (int(rows[0]["id"]), _m2o(rows[0].get("currency_id"))) if rows else (None, None))
        return self._company_row

    async def load_currencies(
        self, ctx: Context, orders: list[Order], errors: dict[int, MappingError]
    ) -> dict[str, int]:
        """Resolve the page's currencies into :attr:`pricelists` (currency code -> the first
        active pricelist in it, by ``sequence, id``, of the company or shared; ``None``: the
        company currency without a pricelist, Odoo's default applies): one currency search and
        one pricelist search for what the page adds, one create for the pricelists missing
        when ``sales.missing_pricelist`` is ``"create"``. An order in a currency Odoo lacks or
        has not activated, or without a pricelist, fails alone (``order_currency_code``).
        Returns the pricelists a dry run would create (id 0, not cached)."""
        users: dict[str, list[Order]] = {}
        for order in orders:
            code = (order.order_currency_code or "").strip().upper()
            if code and code not in self.pricelists:
                users.setdefault(code, []).append(order)
        if not users:
            return {}
        async with self._currency_lock:  # two workers' pages: one creates, the other finds
            return await self._resolve_currencies(ctx, users, errors)

    async def _resolve_currencies(
        self, ctx: Context, users: dict[str, list[Order]], errors: dict[int, MappingError]
    ) -> dict[str, int]:
        users = {c: o for c, o in users.items() if c not in self.pricelists}
        if not users:
            return {}
        new = sorted(users)
        company, company_currency = await self._company(ctx)
        rows = await ctx.odoo.search_read_page(
            "res.currency", [("name", "in", new), ("active", "in", [True, False])],
            ["id", "name", "active"])
        currencies = {str(row["name"]).upper(): row for row in rows}
        active = {code: int(row["id"]) for code, row in currencies.items()
                  if row.get("active", True)}
        found: dict[int, int] = {}
        if active:
            lists = await ctx.odoo.search_read_page(
                "product.pricelist", [("currency_id", "in", sorted(active.values())),
                                      ("company_id", "in", [company or False, False])],
                ["id", "currency_id"], order="sequence, id")
            for row in lists:
                currency = _m2o(row.get("currency_id"))
                if currency is not None:
                    found.setdefault(currency, int(row["id"]))
        problems: dict[str, str] = {}
        missing: list[str] = []
        for code in new:
            if code not in currencies:
                problems[code] = f"Odoo has no currency {code}"
            elif code not in active:
                problems[code] = (f"the currency {code} is not active in Odoo (activate it, "
                                  "with a pricelist in it)")
            elif active[code] in found:
                self.pricelists[code] = found[active[code]]
            elif active[code] == company_currency:
                self.pricelists[code] = None
            else:
                missing.append(code)
        planned: dict[str, int] = {}
        sales = ctx.settings.sales
        if missing and sales.missing_pricelist == "create":
            if ctx.dry_run:
                planned = dict.fromkeys(missing, 0)
            else:
                # an import with external ids (magodoo.pricelist_<code>): idempotent, so an
                # answer lost or a commit landing late never makes a second pricelist
                loaded = await ctx.odoo.load(
                    "product.pricelist", ["id", "name", "currency_id/.id", "company_id/.id"],
                    [[f"{PRICELIST_XMLID}{code.lower()}", f"{sales.pricelist_prefix}{code}",
                      str(active[code]), str(company or "")] for code in missing],
                    context=WRITE_CONTEXT)
                created = loaded.ids or ()
                if len(created) != len(missing):
                    raise MagodooError(f"product.pricelist.load refused the pricelists of "
                                       f"{', '.join(missing)}: {list(loaded.messages)}")
                for code, pid in zip(missing, created, strict=True):
                    self.pricelists[code] = int(pid)
                log.info("created Odoo pricelists for Magento order currencies: %s",
                         ", ".join(missing), extra={"entity": "orders"})
        else:
            for code in missing:
                problems[code] = (f"Odoo has no pricelist in {code} (add one, or set "
                                  "sales.missing_pricelist to 'create')")
        for code, message in problems.items():
            for order in users[code]:
                errors.setdefault(order.entity_id or 0, _error(
                    order, message, "order_currency_code"))
        return planned
