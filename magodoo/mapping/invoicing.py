"""After the order, pure: Magento invoices -> Odoo customer invoices, Odoo deliveries ->
Magento shipments.

Both sides meet on the order lines. The orders import writes one ``sale.order.line`` per
Magento item that becomes a line (:func:`magodoo.mapping.sales.product_item_ids`), in that
order, before the shipping line and the adjustment lines; :func:`line_items` pairs them again.

* :func:`invoice_to_move`: an ``out_invoice`` with one line per invoiced item (the Magento
  invoice's quantities, the sale line's price, discount and taxes, linked by
  ``sale_line_ids`` as the invoicing wizard links them), the shipping line when the invoice
  bills shipping, the order's adjustment lines on the invoice that bills shipping; the
  Magento increment id as ``ref``; the journal of the order's payment method.
* :func:`picking_to_shipment`: the done quantities of a validated delivery per Magento order
  item, and one track per tracking number (``carrier_tracking_ref`` split on commas, spaces
  or semicolons) with the order's carrier code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento.models_sales import CreditMemo, Invoice
from magodoo.mapping.sales import TaxRef, odoo_line_amounts, round_money

__all__ = [
    "CreditMemoContext",
    "CreditNoteValues",
    "InvoiceContext",
    "InvoiceValues",
    "SaleLineRef",
    "SaleOrderRef",
    "ShipmentContext",
    "ShipmentValues",
    "balance",
    "creditmemo_to_refund",
    "invoice_to_move",
    "line_items",
    "picking_to_shipment",
    "tracking_numbers",
]


@attrs.frozen
class SaleLineRef:
    """One ``sale.order.line`` as the invoice needs it."""

    line_id: int
    product_id: int | None
    name: str
    price_unit: float
    discount: float = 0.0
    taxes: tuple[TaxRef, ...] = ()
    is_delivery: bool = False

    @property
    def tax_ids(self) -> list[int]:
        return [t.tax_id for t in self.taxes]


@attrs.frozen
class SaleOrderRef:
    """The Odoo order of a Magento order: its contacts and lines (by ``sequence, id``), and the
    Magento item ids that became its product lines (in the same order)."""

    order_id: int
    name: str
    partner_invoice_id: int | None
    partner_shipping_id: int | None
    lines: tuple[SaleLineRef, ...]
    item_ids: tuple[int, ...]
    journal_id: int | None = None
    carrier_code: str | None = None
    carrier_title: str | None = None


def line_items(order: SaleOrderRef) -> dict[int, SaleLineRef]:
    """Magento order item id -> its sale line (the product lines, in order)."""
    products = [ln for ln in order.lines if not ln.is_delivery]
    if len(products) < len(order.item_ids):
        raise MappingError(
            f"Odoo order {order.name} has {len(products)} product lines for "
            f"{len(order.item_ids)} Magento items", entity="orders", record=order.order_id,
            field="order_line")
    return dict(zip(order.item_ids, products, strict=False))


# ---- invoices --------------------------------------------------------------------------------


@attrs.frozen
class InvoiceContext:
    """``orders``: the Odoo order of each Magento order (by Magento entity id)."""

    orders: Mapping[int, SaleOrderRef] = attrs.field(factory=dict)
    adjustment_product: int | None = None
    rounding_tax: TaxRef | None = None
    invoice_date: bool = True


@attrs.frozen
class InvoiceValues:
    """An ``out_invoice`` to create, post and pay, and the total Magento says it has."""

    invoice_id: int
    increment_id: str
    sale_order_id: int
    values: Mapping[str, Any]
    total: float
    journal_id: int | None
    paid: bool

    def create_values(self) -> dict[str, Any]:
        return {**self.values,
                "invoice_line_ids": [(0, 0, dict(v)) for v in self.values["invoice_line_ids"]]}

    def hashable(self) -> dict[str, Any]:
        return {"values": dict(self.values), "journal": self.journal_id, "paid": self.paid}


def _fail(invoice: Invoice, message: str, field: str) -> MappingError:
    label = invoice.increment_id or invoice.entity_id
    return MappingError(message, entity="invoices", record=label, field=field)


def _num(value: float | None) -> float:
    return float(value or 0.0)


def _line(ref: SaleLineRef, quantity: float) -> dict[str, Any]:
    return {"product_id": ref.product_id or False, "name": ref.name, "quantity": quantity,
            "price_unit": ref.price_unit, "discount": ref.discount,
            "tax_ids": [(6, 0, list(ref.tax_ids))], "sale_line_ids": [(6, 0, [ref.line_id])]}


def invoice_to_move(invoice: Invoice, ctx: InvoiceContext) -> InvoiceValues:
    """Map one Magento invoice; raises :class:`MappingError` naming the invoice and field."""
    if invoice.entity_id is None:
        raise _fail(invoice, "no entity_id", "entity_id")
    if invoice.order_id is None or invoice.order_id not in ctx.orders:
        raise _fail(invoice, f"its order {invoice.order_id} is not in Odoo", "order_id")
    order = ctx.orders[invoice.order_id]
    try:
        by_item = line_items(order)
    except MappingError as exc:
        raise _fail(invoice, str(exc), "order_id") from None
    chosen: list[tuple[SaleLineRef, float]] = []
    for index, item in enumerate(invoice.items or ()):
        qty = _num(item.qty)
        if qty <= 0:
            continue
        ref = by_item.get(item.order_item_id or -1)
        if ref is None:
            if _num(item.row_total) or _num(item.price):
                raise _fail(invoice, f"order item {item.order_item_id} has no Odoo line",
                            f"items[{index}].order_item_id")
            continue  # the child row of a configurable: its parent carries it
        chosen.append((ref, qty))
    if not chosen:
        raise _fail(invoice, "invoices no item", "items")
    if _num(invoice.shipping_amount) or _num(invoice.shipping_incl_tax):
        chosen += [(ref, 1.0) for ref in order.lines if ref.is_delivery]
    lines = [_line(ref, qty) for ref, qty in chosen]
    lines += _adjustments(invoice, ctx, chosen)
    values: dict[str, Any] = {
        "move_type": "out_invoice",
        "partner_id": order.partner_invoice_id or False,
        "partner_shipping_id": order.partner_shipping_id or False,
        "invoice_origin": order.name,
        "ref": str(invoice.increment_id or invoice.entity_id),
        "invoice_line_ids": lines,
    }
    if ctx.invoice_date and invoice.created_at is not None:
        values["invoice_date"] = invoice.created_at.strftime("%Y-%m-%d")
    return InvoiceValues(
        invoice_id=invoice.entity_id, increment_id=str(invoice.increment_id or ""),
        sale_order_id=order.order_id, values=values,
        total=round_money(_num(invoice.grand_total)), journal_id=order.journal_id,
        paid=invoice.state in (None, 2),
    )


def _adjustments(invoice: Invoice, ctx: InvoiceContext,
                 chosen: list[tuple[SaleLineRef, float]]) -> list[dict[str, Any]]:
    """Lines for what Magento's invoice holds beyond the order lines (store credit, gift
    cards, extension fees) and for the cents Odoo's rounding would differ by."""
    try:
        return balance(chosen, (), _num(invoice.grand_total), _num(invoice.tax_amount),
                       ctx.adjustment_product, ctx.rounding_tax)
    except ValueError as exc:
        raise _fail(invoice, str(exc), "grand_total") from None


def balance(
    chosen: Sequence[tuple[SaleLineRef, float]], untaxed: Sequence[float], total: float,
    tax: float, product: int | None, rounding_tax: TaxRef | None,
) -> list[dict[str, Any]]:
    """The lines that make Odoo's untaxed amount and tax equal ``total - tax`` and ``tax``:
    ``chosen`` lines (ref, quantity) as Odoo computes them, plus ``untaxed`` amounts."""
    amounts = [odoo_line_amounts(ref.price_unit, ref.discount, qty, ref.taxes)
               for ref, qty in chosen]
    want_total = round_money(total)
    want_tax = round_money(tax)
    delta_untaxed = round_money(want_total - want_tax - sum(a[0] for a in amounts)
                                - sum(untaxed))
    delta_tax = round_money(want_tax - sum(a[1] for a in amounts))
    out: list[dict[str, Any]] = []
    if (delta_untaxed or delta_tax) and product is None:
        raise ValueError("the amounts differ from the order lines' and need the adjustment "
                         "product (sales.adjustment_product)")
    if delta_untaxed:
        small = abs(delta_untaxed) <= 0.01 * (len(chosen) + 1)
        name = "Rounding difference (Magento)" if small else "Other Magento amounts"
        out.append(_free_line(product, name, delta_untaxed))
    if delta_tax:
        if rounding_tax is None or rounding_tax.amount_type != "fixed" or not rounding_tax.amount:
            raise ValueError(f"tax differs from the order lines' by {delta_tax:.2f} and needs "
                             "the rounding tax (sales.rounding_tax)")
        out.append({"product_id": product, "name": "Tax rounding (Magento)",
                    "quantity": float(round(delta_tax / rounding_tax.amount)),
                    "price_unit": 0.0, "discount": 0.0,
                    "tax_ids": [(6, 0, [rounding_tax.tax_id])]})
    return out


def _free_line(product: int | None, name: str, amount: float) -> dict[str, Any]:
    return {"product_id": product or False, "name": name, "quantity": 1.0,
            "price_unit": round_money(amount), "discount": 0.0, "tax_ids": [(6, 0, [])]}


# ---- credit memos ----------------------------------------------------------------------------


@attrs.frozen
class CreditMemoContext:
    """``orders`` by Magento order id; ``invoices``: the Odoo invoice each memo reverses (by
    Magento credit memo id: the memo's invoice, or for an offline refund the order's first
    invoice)."""

    orders: Mapping[int, SaleOrderRef] = attrs.field(factory=dict)
    invoices: Mapping[int, int] = attrs.field(factory=dict)
    adjustment_product: int | None = None
    rounding_tax: TaxRef | None = None


@attrs.frozen
class CreditNoteValues:
    """A credit note: the invoice to reverse, the lines it must end with, its total."""

    memo_id: int
    increment_id: str
    sale_order_id: int
    reverse_move_id: int
    reason: str
    lines: tuple[Mapping[str, Any], ...]
    total: float
    journal_id: int | None
    paid: bool
    date: str | None = None

    def hashable(self) -> dict[str, Any]:
        return {"reverse": self.reverse_move_id, "lines": [dict(v) for v in self.lines],
                "paid": self.paid, "journal": self.journal_id}


def _memo_fail(memo: CreditMemo, message: str, field: str) -> MappingError:
    return MappingError(message, entity="credit_memos",
                        record=memo.increment_id or memo.entity_id, field=field)


def creditmemo_to_refund(memo: CreditMemo, ctx: CreditMemoContext) -> CreditNoteValues:
    """Map one Magento credit memo to the lines of its Odoo credit note: the refunded items
    and quantities, the shipping refund, the adjustment refund (positive) and fee (negative),
    and lines for Odoo's rounding so that the amounts equal Magento's to the cent."""
    if memo.entity_id is None:
        raise _memo_fail(memo, "no entity_id", "entity_id")
    order = ctx.orders.get(memo.order_id or -1)
    if order is None:
        raise _memo_fail(memo, f"its order {memo.order_id} is not in Odoo", "order_id")
    move = ctx.invoices.get(memo.entity_id)
    if move is None:
        raise _memo_fail(memo, "no Odoo invoice of its order to reverse",
                         "invoice_id" if memo.invoice_id else "order_id")
    try:
        by_item = line_items(order)
    except MappingError as exc:
        raise _memo_fail(memo, str(exc), "order_id") from None
    chosen: list[tuple[SaleLineRef, float]] = []
    for index, item in enumerate(memo.items or ()):
        qty = _num(item.qty)
        if qty <= 0:
            continue
        ref = by_item.get(item.order_item_id or -1)
        if ref is None:
            if _num(item.row_total) or _num(item.price):
                raise _memo_fail(memo, f"order item {item.order_item_id} has no Odoo line",
                                 f"items[{index}].order_item_id")
            continue
        chosen.append((ref, qty))
    lines = [_line(ref, qty) for ref, qty in chosen]
    shipping = _num(memo.shipping_amount)
    if shipping:
        delivery = next((ref for ref in order.lines if ref.is_delivery), None)
        if delivery is None:
            raise _memo_fail(memo, "refunds shipping but the Odoo order has no shipping line",
                             "shipping_amount")
        price = delivery.price_unit * (1 - delivery.discount / 100.0)
        ref = attrs.evolve(delivery, price_unit=round_money(shipping)) if abs(
            price - shipping) > 0.004 else delivery
        if ref is not delivery:
            ref = attrs.evolve(ref, discount=0.0)
        chosen.append((ref, 1.0))
        lines.append(_line(ref, 1.0))
    untaxed: list[float] = []
    if _num(memo.adjustment_positive):
        amount = _num(memo.adjustment_positive)
        lines.append(_free_line(ctx.adjustment_product, "Adjustment refund (Magento)", amount))
        untaxed.append(amount)
    if _num(memo.adjustment_negative):
        amount = -_num(memo.adjustment_negative)
        lines.append(_free_line(ctx.adjustment_product, "Adjustment fee (Magento)", amount))
        untaxed.append(amount)
    if not lines:
        raise _memo_fail(memo, "refunds nothing", "items")
    try:
        lines += balance(chosen, untaxed, _num(memo.grand_total), _num(memo.tax_amount),
                         ctx.adjustment_product, ctx.rounding_tax)
    except ValueError as exc:
        raise _memo_fail(memo, str(exc), "grand_total") from None
    label = str(memo.increment_id or memo.entity_id)
    return CreditNoteValues(
        memo_id=memo.entity_id, increment_id=str(memo.increment_id or ""),
        sale_order_id=order.order_id, reverse_move_id=move,
        reason=f"Magento credit memo {label}", lines=tuple(lines),
        total=round_money(_num(memo.grand_total)), journal_id=order.journal_id,
        paid=memo.state in (None, 2),
        date=memo.created_at.strftime("%Y-%m-%d") if memo.created_at else None,
    )


# ---- shipments -------------------------------------------------------------------------------

_SPLIT = re.compile(r"[,;\s]+")


def tracking_numbers(value: Any) -> list[str]:
    """The tracking numbers in a ``carrier_tracking_ref`` (False/None: none)."""
    if not value:
        return []
    seen: list[str] = []
    for part in _SPLIT.split(str(value)):
        if part and part not in seen:
            seen.append(part)
    return seen


@attrs.frozen
class ShipmentContext:
    """``orders``: the Odoo order of each picking's ``sale_id`` (by Odoo order id), with the
    Magento order id in ``magento_ids``."""

    orders: Mapping[int, SaleOrderRef] = attrs.field(factory=dict)
    magento_ids: Mapping[int, int] = attrs.field(factory=dict)


@attrs.frozen
class ShipmentValues:
    """``POST /V1/order/{id}/ship``: items (order item id -> qty) and tracks."""

    picking_id: int
    picking_name: str
    magento_order_id: int
    items: tuple[tuple[int, float], ...]
    tracks: tuple[tuple[str, str, str], ...]
    """(track_number, title, carrier_code)."""

    def hashable(self) -> dict[str, Any]:
        return {"order": self.magento_order_id, "items": [list(i) for i in self.items],
                "tracks": [list(t) for t in self.tracks]}


def picking_to_shipment(
    picking: Mapping[str, Any], moves: Sequence[Mapping[str, Any]], ctx: ShipmentContext,
) -> ShipmentValues:
    """Map one validated delivery (``stock.picking`` and its ``stock.move`` rows)."""
    pid = int(picking["id"])
    name = str(picking.get("name") or pid)
    sale = picking.get("sale_id")
    sale_id = int(sale[0] if isinstance(sale, (list, tuple)) else sale or 0)
    if picking.get("state") != "done":
        raise MappingError(f"not validated (state {picking.get('state')!r})",
                           entity="shipments", record=name,
                           field="state")
    order = ctx.orders.get(sale_id)
    magento_id = ctx.magento_ids.get(sale_id)
    if order is None or magento_id is None:
        raise MappingError("its order is not a Magento order",
                           entity="shipments", record=name,
                           field="sale_id")
    by_line = {ref.line_id: item for item, ref in line_items(order).items()}
    qty: dict[int, float] = {}
    for index, move in enumerate(moves):
        if move.get("state") != "done":
            continue
        line = move.get("sale_line_id")
        line_id = int(line[0] if isinstance(line, (list, tuple)) else line or 0)
        item = by_line.get(line_id)
        if item is None:
            raise MappingError(f"move {move.get('id')} is for no Magento item",
                               entity="shipments", record=name,
                           field=f"move_ids[{index}].sale_line_id")
        qty[item] = qty.get(item, 0.0) + float(move.get("quantity") or 0.0)
    items = tuple((item, q) for item, q in sorted(qty.items()) if q > 0)
    if not items:
        raise MappingError("ships nothing", entity="shipments", record=name,
                           field="move_ids")
    code = order.carrier_code or "custom"
    title = order.carrier_title or code
    tracks = tuple((n, title, code) for n in tracking_numbers(picking.get("carrier_tracking_ref")))
    return ShipmentValues(picking_id=pid, picking_name=name, magento_order_id=magento_id,
                          items=items, tracks=tracks)
