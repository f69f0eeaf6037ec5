"""Magento order -> Odoo ``sale.order`` values with their lines (pure).

Everything the mapping needs from Odoo (partners and their address contacts, products,
taxes, carriers, payment journals, pricelists, the adjustment product and the rounding tax) is
looked up by the handler first and handed in through :class:`OrderContext`; a lookup that
failed for one order is handed in as that order's error and raised here, so the order fails
alone, named with the field at fault.

The lines follow ``SALES-NOTES.md``:

* one line per top-level item, at ``price`` x ``qty_ordered`` with ``discount_amount`` as a
  percentage (never the REST ``row_total``, which has the discount taken off);
* a configurable item is one line for its child product (the parent row's ``sku`` is the
  child's) at the parent's price; the child row is skipped;
* a bundle is its parent line and one line per child; the money stays where Magento put it
  (a dynamic bundle's children carry the prices and the parent line is at 0, a fixed bundle's
  parent carries the price and the children are at 0);
* the taxes of each line are the codes of ``extension_attributes.item_applied_taxes``;
* the shipping line uses the carrier's product, ``is_delivery`` and the shipping taxes;
* what Magento adds that Odoo has no field for (store credit, gift cards, reward points,
  fees) becomes a named untaxed line, and whatever rounding Odoo's per-line computation would
  leave is corrected by a rounding line (untaxed part) and a line carrying a fixed 0.01 tax
  (tax part), so that **the order's untaxed amount, tax and total equal Magento's**.

:func:`odoo_line_amounts` is Odoo's own per-line computation (``round_per_line``), used to
predict what Odoo will compute. ``docs/mapping/orders.md`` is the field table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from magodoo._converter import format_datetime
from magodoo.exceptions import MappingError
from magodoo.magento.models_sales import Order, OrderAddress, OrderItem

__all__ = [
    "ENTITY",
    "EXTRA_AMOUNTS",
    "CarrierRef",
    "LineValues",
    "OrderContext",
    "OrderValues",
    "PartnerRef",
    "PaymentRef",
    "TaxRef",
    "address_key",
    "carrier_code",
    "carrier_title",
    "odoo_line_amounts",
    "order_address_values",
    "order_addresses",
    "order_label",
    "order_to_sale",
    "payment_code",
    "payment_title",
    "product_item_ids",
    "round_money",
    "shipping_address",
    "skus_needed",
    "tax_codes_needed",
]

ENTITY = "orders"

EXTRA_AMOUNTS: Mapping[str, str] = {
    "customer_balance_amount": "Store credit",
    "gift_cards_amount": "Gift cards",
    "reward_currency_amount": "Reward points",
}
"""``extension_attributes`` keys Magento Commerce (and common extensions) use for amounts taken
off the grand total, with the name of the Odoo line that carries each."""


def round_money(value: float, digits: int = 2) -> float:
    """Odoo's ``float_round`` HALF-UP (with its epsilon), as it rounds currency amounts."""
    factor = 10**digits
    epsilon = 2 ** (-52) * abs(value) * factor
    scaled = abs(value) * factor + epsilon
    rounded = float(int(scaled + 0.5)) / factor
    return float(rounded if value >= 0 else -rounded)


# ---- context ---------------------------------------------------------------------------------


@attrs.frozen
class TaxRef:
    """An Odoo tax: id, percent (or fixed amount) and whether prices include it."""

    tax_id: int
    amount: float
    price_include: bool = False
    amount_type: str = "percent"


@attrs.frozen
class PartnerRef:
    """The Odoo partner of an order and its invoice and delivery contacts."""

    partner_id: int
    invoice_id: int
    shipping_id: int


@attrs.frozen
class CarrierRef:
    """An Odoo ``delivery.carrier`` and the product of its shipping lines."""

    carrier_id: int
    product_id: int
    name: str


@attrs.frozen
class PaymentRef:
    """A Magento payment method and the Odoo journal it maps to (None: unmapped)."""

    code: str
    title: str
    journal_id: int | None = None


@attrs.frozen
class OrderContext:
    """What mapping an order needs that the order does not carry (all keyed by Magento
    values): ``partners`` by order entity id, ``products`` by SKU, ``taxes`` by Magento tax
    code, ``carriers`` by carrier_method code, ``payments`` by method code, ``pricelists`` by
    currency code (``None``: the company currency, no pricelist needed). ``errors``: what the
    lookups found wrong with one order (raised by :func:`order_to_sale`). An edited order names
    its original in ``origin`` from Magento's own fields: no lookup needed."""

    partners: Mapping[int, PartnerRef] = attrs.field(factory=dict)
    products: Mapping[str, int] = attrs.field(factory=dict)
    taxes: Mapping[str, TaxRef] = attrs.field(factory=dict)
    carriers: Mapping[str, CarrierRef] = attrs.field(factory=dict)
    payments: Mapping[str, PaymentRef] = attrs.field(factory=dict)
    pricelists: Mapping[str, int | None] = attrs.field(factory=dict)
    adjustment_product: int | None = None
    rounding_tax: TaxRef | None = None
    states_to_odoo: Mapping[str, str] = attrs.field(factory=dict)
    price_includes_tax: bool = False
    unmapped_payment: str = "note"
    origin_prefix: str = "Magento #"
    errors: Mapping[int, MappingError] = attrs.field(factory=dict)


# ---- values ----------------------------------------------------------------------------------


@attrs.frozen
class LineValues:
    """One ``sale.order.line`` and what Odoo will compute for it."""

    values: Mapping[str, Any]
    subtotal: float
    tax: float
    item_id: int | None = None


@attrs.frozen
class OrderValues:
    """An order mapped: header values, lines, the state to reach and the totals to expect."""

    order_id: int
    increment_id: str
    values: Mapping[str, Any]
    lines: tuple[LineValues, ...]
    action: str
    date_order: str
    untaxed: float
    tax: float
    total: float
    notes: tuple[str, ...] = ()

    def create_values(self) -> dict[str, Any]:
        """Values for ``sale.order.create``: the lines as ``(0, 0, vals)`` commands."""
        return {**self.values, "order_line": [(0, 0, dict(ln.values)) for ln in self.lines]}

    def write_values(self, *, lines: bool) -> dict[str, Any]:
        """Values for ``sale.order.write``; ``lines`` replaces every line (draft orders only:
        a confirmed order's lines, partner and pricelist are left as they are). ``date_order``
        is always sent: a confirmed order whose date was not written back after
        ``action_confirm`` (its answer lost) gets Magento's date on the next pass."""
        header = dict(self.values)
        if not lines:
            for key in ("partner_id", "pricelist_id"):
                header.pop(key, None)
            return header
        return {**header,
                "order_line": [(5, 0, 0), *((0, 0, dict(ln.values)) for ln in self.lines)]}

    def hashable(self) -> dict[str, Any]:
        return {"values": dict(self.values), "lines": [dict(ln.values) for ln in self.lines],
                "action": self.action}


# ---- small helpers ---------------------------------------------------------------------------


def order_label(order: Order) -> str:
    """How errors name an order: its increment id and entity id."""
    return f"#{order.increment_id or '?'} (id {order.entity_id})"


def _fail(order: Order, message: str, field: str) -> MappingError:
    return MappingError(message, entity=ENTITY, record=order_label(order), field=field)


def _num(value: float | None) -> float:
    return float(value or 0.0)


def carrier_code(order: Order) -> str | None:
    """The ``carrier_method`` code (``flatrate_flatrate``), from the first shipping
    assignment (Magento has no top-level shipping method)."""
    ext = order.extension_attributes or {}
    for assignment in ext.get("shipping_assignments") or ():
        method = ((assignment or {}).get("shipping") or {}).get("method")
        if isinstance(method, str) and method:
            return method
    return None


def carrier_title(order: Order) -> str:
    """The carrier's title: ``shipping_description`` is "<carrier title> - <method title>"."""
    text = (order.shipping_description or "").strip()
    return text.split(" - ")[0].strip() if text else (carrier_code(order) or "")


def payment_code(order: Order) -> str | None:
    return order.payment.method if order.payment and order.payment.method else None


def payment_title(order: Order) -> str:
    ext = order.extension_attributes or {}
    for info in ext.get("payment_additional_info") or ():
        if isinstance(info, Mapping) and info.get("key") == "method_title" and info.get("value"):
            return str(info["value"])
    extra = order.payment.additional_information if order.payment else None
    if extra and extra[0]:
        return str(extra[0])
    return payment_code(order) or ""


def shipping_address(order: Order) -> OrderAddress | None:
    ext = order.extension_attributes or {}
    for assignment in ext.get("shipping_assignments") or ():
        address = ((assignment or {}).get("shipping") or {}).get("address")
        if isinstance(address, Mapping) and address:
            return OrderAddress.from_api(dict(address))
    return None


def order_addresses(order: Order) -> tuple[OrderAddress | None, OrderAddress | None]:
    """(billing, shipping); a virtual order ships nowhere: its billing address is used."""
    billing = order.billing_address
    shipping = shipping_address(order) or billing
    return billing, shipping


def order_address_values(
    address: OrderAddress,
    countries: Mapping[str, int],
    states: Mapping[tuple[str, str], int],
    countries_with_states: Iterable[str],
    *,
    order: Order,
    field: str,
    kind: str,
    email: str | None,
) -> dict[str, Any]:
    """An order address as the values of a child contact (``kind``: invoice or delivery).

    A country Odoo lacks, or a region code Odoo lacks in a country where Odoo has states, is a
    :class:`MappingError` naming the order and ``field``.
    """
    country = (address.country_id or "").strip().upper()
    if not country:
        raise _fail(order, "the address has no country", f"{field}.country_id")
    country_id = countries.get(country)
    if country_id is None:
        raise _fail(order, f"Odoo has no country with code {country!r}", f"{field}.country_id")
    state = (address.region_code or "").strip().upper()
    state_id: int | bool = False
    if state and country in set(countries_with_states):
        found = states.get((country, state))
        if found is None:
            raise _fail(order, f"Odoo has no state {state!r} in {country}",
                        f"{field}.region_code")
        state_id = found
    lines = [s.strip() for s in address.street or () if s and s.strip()]
    name = " ".join(p.strip() for p in (address.firstname, address.middlename, address.lastname)
                    if p and p.strip())
    return {
        "type": kind,
        "name": name or (address.company or "").strip() or "?",
        "street": lines[0] if lines else False,
        "street2": " ".join(lines[1:]) or False,
        "city": (address.city or "").strip() or False,
        "zip": (address.postcode or "").strip() or False,
        "country_id": country_id,
        "state_id": state_id,
        "phone": (address.telephone or "").strip() or False,
        "email": (address.email or email or "").strip() or False,
    }


def address_key(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """What two addresses must share to be the same contact (case and spaces ignored)."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.lower().split())
        if isinstance(value, list | tuple):
            return value[0] if value else False
        return value or False

    return tuple(norm(values.get(k)) for k in ("name", "street", "street2", "city", "zip",
                                                "country_id", "state_id"))


def skus_needed(orders: Iterable[Order]) -> set[str]:
    return {item.sku for order in orders for item in _product_items(order) if item.sku}


def tax_codes_needed(orders: Iterable[Order]) -> set[str]:
    codes: set[str] = set()
    for order in orders:
        for entry in (order.extension_attributes or {}).get("item_applied_taxes") or ():
            for tax in (entry or {}).get("applied_taxes") or ():
                if tax.get("code"):
                    codes.add(str(tax["code"]))
    return codes


# ---- Odoo's computation ----------------------------------------------------------------------


def odoo_line_amounts(
    price_unit: float, discount: float, qty: float, taxes: Sequence[TaxRef]
) -> tuple[float, float]:
    """(subtotal, tax) of one line as Odoo computes it with ``round_per_line``."""
    price = price_unit * (1.0 - discount / 100.0)
    gross = price * qty
    included = [t for t in taxes if t.price_include]
    rate_in = sum(t.amount for t in included if t.amount_type == "percent") / 100.0
    fixed_in = sum(t.amount * qty for t in included if t.amount_type == "fixed")
    base = round_money((gross - fixed_in) / (1.0 + rate_in))
    last_included = included[-1] if included else None
    total_tax = 0.0
    included_tax = 0.0
    for tax in taxes:
        if tax.amount_type == "fixed":
            value = round_money(tax.amount * qty)
        else:
            value = round_money(base * tax.amount / 100.0)
        if tax is last_included:
            value = round_money(gross - base - included_tax)
        if tax.price_include:
            included_tax += value
        total_tax += value
    return base, round_money(total_tax)


def _discount_percent(price: float, qty: float, discount: float,
                      taxes: Sequence[TaxRef]) -> float:
    """The percentage (2 decimals, as Odoo stores it) whose line amount is
    ``price * qty - discount``; the nearest one when none is exact."""
    gross = price * qty
    if discount <= 0 or gross <= 0:
        return 0.0
    exact = min(discount / gross * 100.0, 100.0)
    first = round(exact, 2)
    want = round_money(gross - discount)
    if not any(t.price_include for t in taxes):
        for step in (0, 1, -1, 2, -2, 3, -3):
            candidate = round(first + step * 0.01, 2)
            if 0 <= candidate <= 100 and round_money(gross * (1 - candidate / 100)) == want:
                return candidate
    return first


# ---- the mapping -----------------------------------------------------------------------------


def _product_items(order: Order) -> list[OrderItem]:
    """The items that become lines: top-level items and the children of bundles (the child
    row of a configurable is skipped, its parent row carries the child's SKU)."""
    items = list(order.items or ())
    parents = {i.item_id: i for i in items if i.item_id is not None}
    out: list[OrderItem] = []
    for item in items:
        if item.parent_item_id is None:
            out.append(item)
            continue
        parent = parents.get(item.parent_item_id)
        if parent is not None and parent.product_type == "bundle":
            out.append(item)
    return out


def product_item_ids(order: Order) -> tuple[int, ...]:
    """The Magento item ids that became the Odoo order's product lines, in line order."""
    return tuple(i.item_id for i in _product_items(order) if i.item_id is not None)


def _item_taxes(order: Order) -> tuple[dict[int, list[str]], list[str]]:
    """Tax codes per item id, and those of the shipping."""
    per_item: dict[int, list[str]] = {}
    shipping: list[str] = []
    for entry in (order.extension_attributes or {}).get("item_applied_taxes") or ():
        codes = [str(t["code"]) for t in (entry or {}).get("applied_taxes") or ()
                 if t.get("code")]
        if entry.get("type") == "shipping":
            shipping.extend(codes)
        elif entry.get("item_id") is not None:
            per_item.setdefault(int(entry["item_id"]), []).extend(codes)
    return per_item, shipping


def _taxes(order: Order, codes: Iterable[str], ctx: OrderContext, field: str) -> list[TaxRef]:
    refs: list[TaxRef] = []
    for code in dict.fromkeys(codes):
        ref = ctx.taxes.get(code)
        if ref is None:
            raise _fail(order, f"no Odoo tax for the Magento tax {code!r} (sync tax_rates)",
                        field)
        refs.append(ref)
    return refs


def _line(values: dict[str, Any], taxes: list[TaxRef], item_id: int | None = None) -> LineValues:
    subtotal, tax = odoo_line_amounts(float(values["price_unit"]), float(values["discount"]),
                                      float(values["product_uom_qty"]), taxes)
    values["tax_id"] = [(6, 0, [t.tax_id for t in taxes])]
    return LineValues(values=values, subtotal=subtotal, tax=tax, item_id=item_id)


def _product_lines(order: Order, ctx: OrderContext) -> list[LineValues]:
    item_taxes, _ = _item_taxes(order)
    all_items = list(order.items or ())
    children: dict[int, list[OrderItem]] = {}
    for item in all_items:
        if item.parent_item_id is not None:
            children.setdefault(item.parent_item_id, []).append(item)
    lines: list[LineValues] = []
    for index, item in enumerate(all_items):
        if item not in _product_items(order):
            continue
        field = f"items[{index}]"
        sku = (item.sku or "").strip()
        if not sku:
            raise _fail(order, "the item has no SKU", f"{field}.sku")
        product_id = ctx.products.get(sku)
        if product_id is None:
            raise _fail(order, f"no Odoo product with internal reference {sku!r}",
                        f"{field}.sku")
        qty = _num(item.qty_ordered)
        if qty <= 0:
            raise _fail(order, f"bad quantity {item.qty_ordered!r}", f"{field}.qty_ordered")
        price = _num(item.price_incl_tax if ctx.price_includes_tax else item.price)
        discount = _num(item.discount_amount)
        if item.product_type == "bundle" and any(
            _num(c.price) > 0 for c in children.get(item.item_id or -1, ())
        ):
            price, discount = 0.0, 0.0  # a dynamic bundle: the children carry the money
        taxes = _taxes(order, item_taxes.get(item.item_id or -1, ()), ctx, f"{field}.tax")
        if _num(item.tax_amount) and not taxes:
            raise _fail(order, "the item is taxed but names no tax (item_applied_taxes)",
                        f"{field}.tax_amount")
        values: dict[str, Any] = {
            "product_id": product_id,
            "name": (item.name or sku).strip(),
            "product_uom_qty": qty,
            "price_unit": price,
            "discount": _discount_percent(price, qty, discount, taxes),
        }
        lines.append(_line(values, taxes, item.item_id))
    return lines


def _shipping_line(order: Order, ctx: OrderContext, carrier: CarrierRef | None) -> list[LineValues]:
    if carrier is None:
        return []
    _, codes = _item_taxes(order)
    taxes = _taxes(order, codes, ctx, "shipping.tax")
    price = _num(order.shipping_incl_tax if ctx.price_includes_tax else order.shipping_amount)
    discount = _num(order.shipping_discount_amount)
    description = (order.shipping_description or carrier.name).strip()
    values: dict[str, Any] = {
        "product_id": carrier.product_id,
        "name": description,
        "product_uom_qty": 1.0,
        "price_unit": price,
        "discount": _discount_percent(price, 1.0, discount, taxes),
        "is_delivery": True,
    }
    return [_line(values, taxes)]


def _extras(order: Order) -> list[tuple[str, float]]:
    ext = order.extension_attributes or {}
    found: list[tuple[str, float]] = []
    for key, label in EXTRA_AMOUNTS.items():
        value = ext.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            found.append((label, -abs(float(value))))
    return found


def _adjustments(order: Order, ctx: OrderContext, lines: list[LineValues],
                 notes: list[str]) -> list[LineValues]:
    """Lines for what Magento adds (extras) and for what Odoo's rounding would differ by."""
    product = ctx.adjustment_product
    out: list[LineValues] = []

    def untaxed(name: str, amount: float) -> None:
        if product is None:
            raise _fail(order, f"{name} needs the adjustment product (sales."
                        "adjustment_product)", "adjustment")
        out.append(_line({"product_id": product, "name": name, "product_uom_qty": 1.0,
                          "price_unit": amount, "discount": 0.0}, []))

    for label, amount in _extras(order):
        untaxed(f"{label} (Magento)", amount)
        notes.append(f"{label} {amount:.2f} added as a line")
    want_total = round_money(_num(order.grand_total))
    want_tax = round_money(_num(order.tax_amount))
    have_untaxed = round_money(sum(ln.subtotal for ln in [*lines, *out]))
    have_tax = round_money(sum(ln.tax for ln in lines))
    delta_tax = round_money(want_tax - have_tax)
    delta_untaxed = round_money(want_total - want_tax - have_untaxed)
    if delta_untaxed:
        small = abs(delta_untaxed) <= 0.01 * (len(lines) + 1)
        name = "Rounding difference (Magento)" if small else "Other Magento amounts"
        untaxed(name, delta_untaxed)
        if not small:
            notes.append(f"{name} {delta_untaxed:.2f} added as a line")
    if delta_tax:
        tax = ctx.rounding_tax
        if tax is None or product is None or tax.amount_type != "fixed" or not tax.amount:
            notes.append(f"tax differs from Magento's by {delta_tax:.2f}")
        else:
            cents = round(delta_tax / tax.amount)
            out.append(_line({"product_id": product, "name": "Tax rounding (Magento)",
                              "product_uom_qty": float(cents), "price_unit": 0.0,
                              "discount": 0.0}, [tax]))
    return out


def _action(order: Order, ctx: OrderContext) -> str:
    state = (order.state or "").strip()
    action = ctx.states_to_odoo.get(state)
    if action is None:
        raise _fail(order, f"Magento state {state!r} is not in sales.states_to_odoo", "state")
    if action not in ("draft", "confirm", "lock", "cancel"):
        raise _fail(order, f"sales.states_to_odoo[{state!r}] = {action!r} is not one of "
                    "draft, confirm, lock, cancel", "state")
    return action


def order_to_sale(order: Order, ctx: OrderContext) -> OrderValues:
    """Map one order (raises :class:`MappingError` naming the order and the field)."""
    if order.entity_id is None:
        raise MappingError("the order has no id", entity=ENTITY, record=None, field="entity_id")
    oid = order.entity_id
    if oid in ctx.errors:
        raise ctx.errors[oid]
    increment = (order.increment_id or "").strip()
    if not increment:
        raise _fail(order, "the order has no increment id", "increment_id")
    if order.created_at is None:
        raise _fail(order, "the order has no creation date", "created_at")
    partner = ctx.partners.get(oid)
    if partner is None:
        raise _fail(order, "no Odoo partner for this order's customer", "customer_email")
    currency = (order.order_currency_code or "").strip().upper()
    if not currency:
        raise _fail(order, "the order has no currency", "order_currency_code")
    if currency not in ctx.pricelists:
        raise _fail(order, f"Odoo has no active currency {currency} with a pricelist "
                    "(activate it and add a pricelist in it)", "order_currency_code")
    notes: list[str] = []
    code = carrier_code(order)
    carrier: CarrierRef | None = None
    if code is not None:
        carrier = ctx.carriers.get(code)
        if carrier is None:
            raise _fail(order, f"no Odoo carrier for the shipping method {code!r} "
                        "(sales.carriers)", "shipping_method")
    pay_code = payment_code(order)
    payment = ctx.payments.get(pay_code or "")
    note_parts: list[str] = []
    if pay_code:
        title = payment.title if payment else payment_title(order)
        note_parts.append(f"Payment: {title} ({pay_code})")
        if payment is None or payment.journal_id is None:
            if ctx.unmapped_payment == "error":
                raise _fail(order, f"the payment method {pay_code!r} is not mapped "
                            "(sales.payments)", "payment.method")
            notes.append(f"payment method {pay_code!r} is not mapped (sales.payments)")
    if order.payment and order.payment.po_number:
        note_parts.append(f"PO number: {order.payment.po_number}")
    lines = _product_lines(order, ctx)
    lines += _shipping_line(order, ctx, carrier)
    lines += _adjustments(order, ctx, lines, notes)
    origin = f"{ctx.origin_prefix}{increment}"
    parent = order.relation_parent_real_id or order.original_increment_id
    if order.relation_parent_id:
        origin += f" (edit of {ctx.origin_prefix}{parent or order.relation_parent_id})"
    date_order = format_datetime(order.created_at)
    values: dict[str, Any] = {
        "partner_id": partner.partner_id,
        "partner_invoice_id": partner.invoice_id,
        "partner_shipping_id": partner.shipping_id,
        "client_order_ref": increment,
        "origin": origin,
        "date_order": date_order,
        "carrier_id": carrier.carrier_id if carrier else False,
        "note": "\n".join(note_parts) or False,
    }
    pricelist = ctx.pricelists[currency]
    if pricelist is not None:
        values["pricelist_id"] = pricelist
    untaxed = round_money(sum(ln.subtotal for ln in lines))
    tax = round_money(sum(ln.tax for ln in lines))
    return OrderValues(
        order_id=oid, increment_id=increment, values=values, lines=tuple(lines),
        action=_action(order, ctx), date_order=date_order, untaxed=untaxed, tax=tax,
        total=round_money(untaxed + tax), notes=tuple(notes),
    )
