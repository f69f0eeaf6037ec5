"""The after-order mappers: invoices (partial, shipping, rounding) and shipments (quantities per
Magento item, tracking numbers)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento.models_sales import CreditMemo, Invoice
from magodoo.mapping.invoicing import (
    CreditMemoContext,
    InvoiceContext,
    SaleLineRef,
    SaleOrderRef,
    ShipmentContext,
    creditmemo_to_refund,
    invoice_to_move,
    picking_to_shipment,
    tracking_numbers,
)
from magodoo.mapping.sales import TaxRef

VAT = TaxRef(7, 10.0)
ROUNDING = TaxRef(9, 0.01, False, "fixed")
ORDER = SaleOrderRef(
    order_id=40, name="S00040", partner_invoice_id=11, partner_shipping_id=12,
    lines=(
        SaleLineRef(401, 20, "Mug", 12.5, 0.0, (VAT,)),
        SaleLineRef(402, 21, "Pen", 3.0, 0.0, (VAT,)),
        SaleLineRef(403, 30, "Flat Rate - Fixed", 5.0, 0.0, (VAT,), is_delivery=True),
    ),
    item_ids=(1001, 1002), journal_id=6, carrier_code="flatrate", carrier_title="Flat Rate",
)
CTX = InvoiceContext(orders={500: ORDER}, adjustment_product=99, rounding_tax=ROUNDING)


def invoice(lines: list[tuple[int, float]], *, shipping: float = 0.0, **extra: Any) -> Invoice:
    prices = {1001: 12.5, 1002: 3.0}
    subtotal = sum(prices[i] * q for i, q in lines) + shipping
    tax = round(subtotal * 0.1, 2)
    data: dict[str, Any] = {
        "entity_id": 77, "increment_id": "000000077", "order_id": 500, "state": 2,
        "created_at": "2026-11-21 10:00:00", "shipping_amount": shipping,
        "tax_amount": tax, "grand_total": round(subtotal + tax, 2),
        "items": [{"order_item_id": i, "qty": q, "price": prices[i],
                   "row_total": prices[i] * q} for i, q in lines],
    }
    data.update(extra)
    return Invoice.from_api(data)


def test_partial_invoice_invoices_the_invoiced_quantities_only() -> None:
    mapped = invoice_to_move(invoice([(1001, 2)]), CTX)
    lines = mapped.values["invoice_line_ids"]
    assert [(ln["sale_line_ids"], ln["quantity"]) for ln in lines] == [([(6, 0, [401])], 2)]
    assert mapped.values["ref"] == "000000077"
    assert mapped.values["invoice_origin"] == "S00040"
    assert mapped.values["partner_id"] == 11 and mapped.values["invoice_date"] == "2026-11-21"
    assert (mapped.total, mapped.journal_id, mapped.paid) == (27.5, 6, True)


def test_invoice_with_shipping_bills_the_shipping_line() -> None:
    mapped = invoice_to_move(invoice([(1001, 1), (1002, 2)], shipping=5.0), CTX)
    assert [ln["sale_line_ids"][0][2] for ln in mapped.values["invoice_line_ids"]] == [
        [401], [402], [403]]


def test_cents_magento_rounds_otherwise_become_rounding_lines() -> None:
    mapped = invoice_to_move(invoice([(1001, 1)], tax_amount=1.26, grand_total=13.77), CTX)
    extra = mapped.values["invoice_line_ids"][1:]
    assert [(ln["name"], ln["quantity"], ln["price_unit"], ln["tax_ids"]) for ln in extra] == [
        ("Rounding difference (Magento)", 1.0, 0.01, [(6, 0, [])]),
        ("Tax rounding (Magento)", 1.0, 0.0, [(6, 0, [9])]),
    ]


def test_open_invoice_is_not_paid() -> None:
    assert not invoice_to_move(invoice([(1001, 1)], state=1), CTX).paid


def test_invoice_of_an_order_not_in_odoo_names_the_invoice() -> None:
    with pytest.raises(MappingError) as info:
        invoice_to_move(invoice([(1001, 1)], order_id=501), CTX)
    assert info.value.record == "000000077" and info.value.field == "order_id"


def test_invoice_item_without_a_line_names_the_item() -> None:
    bad = invoice([(1001, 1)], items=[{"order_item_id": 1999, "qty": 1, "price": 4,
                                       "row_total": 4}])
    with pytest.raises(MappingError) as info:
        invoice_to_move(bad, CTX)
    assert info.value.field == "items[0].order_item_id"


def picking(**extra: Any) -> dict[str, Any]:
    return {"id": 30, "name": "WH/OUT/00030", "state": "done", "sale_id": [40, "S00040"],
            "carrier_tracking_ref": False, **extra}


def move(line: int, qty: float, state: str = "done") -> dict[str, Any]:
    return {"id": line * 10, "sale_line_id": [line, "x"], "quantity": qty, "state": state}


SHIP_CTX = ShipmentContext(orders={40: ORDER}, magento_ids={40: 500})


def test_delivery_with_two_tracking_numbers() -> None:
    mapped = picking_to_shipment(picking(carrier_tracking_ref="1Z1, 1Z2;1Z2"),
                                 [move(401, 2), move(402, 1)], SHIP_CTX)
    assert mapped.magento_order_id == 500
    assert mapped.items == ((1001, 2.0), (1002, 1.0))
    assert mapped.tracks == (("1Z1", "Flat Rate", "flatrate"), ("1Z2", "Flat Rate", "flatrate"))


def test_partial_delivery_ships_the_done_moves_only() -> None:
    mapped = picking_to_shipment(picking(), [move(401, 1), move(402, 0, "cancel")], SHIP_CTX)
    assert mapped.items == ((1001, 1.0),) and mapped.tracks == ()


def test_duplicate_webhook_maps_to_the_same_payload() -> None:
    """The binding of the picking stops the second write; the payload hash is stable."""
    one = picking_to_shipment(picking(), [move(401, 1)], SHIP_CTX)
    two = picking_to_shipment(picking(), [move(401, 1)], SHIP_CTX)
    assert one.hashable() == two.hashable()


def test_delivery_not_validated_or_not_magento_is_refused() -> None:
    with pytest.raises(MappingError) as info:
        picking_to_shipment(picking(state="assigned"), [move(401, 1)], SHIP_CTX)
    assert info.value.field == "state"
    with pytest.raises(MappingError) as info:
        picking_to_shipment(picking(sale_id=[41, "S00041"]), [move(401, 1)], SHIP_CTX)
    assert info.value.field == "sale_id"


def test_tracking_numbers() -> None:
    assert tracking_numbers(False) == [] and tracking_numbers(" a b,a ") == ["a", "b"]


# ---- credit memos ----------------------------------------------------------------------------

MEMO_CTX = CreditMemoContext(orders={500: ORDER}, invoices={88: 700, 89: 700},
                             adjustment_product=99, rounding_tax=ROUNDING)


def memo(lines: list[tuple[int, float]], *, shipping: float = 0.0, positive: float = 0.0,
         negative: float = 0.0, **extra: Any) -> CreditMemo:
    prices = {1001: 12.5, 1002: 3.0}
    taxed = sum(prices[i] * q for i, q in lines) + shipping
    tax = round(taxed * 0.1, 2)
    data: dict[str, Any] = {
        "entity_id": 88, "increment_id": "000000088", "order_id": 500, "invoice_id": None,
        "state": 2, "created_at": "2026-11-22 09:00:00", "shipping_amount": shipping,
        "adjustment_positive": positive, "adjustment_negative": negative, "tax_amount": tax,
        "grand_total": round(taxed + tax + positive - negative, 2),
        "items": [{"order_item_id": i, "qty": q, "price": prices[i],
                   "row_total": prices[i] * q} for i, q in lines],
    }
    data.update(extra)
    return CreditMemo.from_api(data)


def test_partial_refund_with_an_adjustment_fee() -> None:
    mapped = creditmemo_to_refund(memo([(1001, 1)], negative=2.5), MEMO_CTX)
    assert [(ln["name"], ln["quantity"], ln["price_unit"]) for ln in mapped.lines] == [
        ("Mug", 1, 12.5), ("Adjustment fee (Magento)", 1.0, -2.5)]
    assert mapped.lines[1]["tax_ids"] == [(6, 0, [])]
    assert (mapped.reverse_move_id, mapped.total, mapped.paid) == (700, 11.25, True)
    assert mapped.reason == "Magento credit memo 000000088"


def test_refund_of_shipping_only_and_adjustment_refund() -> None:
    mapped = creditmemo_to_refund(memo([(1001, 0)], shipping=2.0, positive=1.25), MEMO_CTX)
    assert [(ln["name"], ln["quantity"], ln["price_unit"]) for ln in mapped.lines] == [
        ("Flat Rate - Fixed", 1.0, 2.0), ("Adjustment refund (Magento)", 1.0, 1.25)]
    assert mapped.lines[0]["sale_line_ids"] == [(6, 0, [403])]
    assert mapped.lines[0]["tax_ids"] == [(6, 0, [7])]


def test_offline_refund_without_invoice_names_the_order() -> None:
    """The handler syncs the order's invoices first; a memo whose order still has none is a
    clear error, never a credit note reversing nothing."""
    ctx = CreditMemoContext(orders={500: ORDER}, adjustment_product=99, rounding_tax=ROUNDING)
    with pytest.raises(MappingError) as info:
        creditmemo_to_refund(memo([(1001, 1)]), ctx)
    assert info.value.field == "order_id" and info.value.record == "000000088"
    with_invoice = creditmemo_to_refund(memo([(1001, 1)]), MEMO_CTX)
    assert with_invoice.reverse_move_id == 700


def test_two_credit_memos_on_one_order_make_two_notes() -> None:
    one = creditmemo_to_refund(memo([(1001, 1)]), MEMO_CTX)
    two = creditmemo_to_refund(memo([(1002, 2)], entity_id=89, increment_id="000000089"),
                               MEMO_CTX)
    assert one.reverse_move_id == two.reverse_move_id == 700
    assert one.reason != two.reason
    assert [ln["sale_line_ids"] for ln in two.lines] == [[(6, 0, [402])]]


def test_open_credit_memo_is_not_paid() -> None:
    assert not creditmemo_to_refund(memo([(1001, 1)], state=1), MEMO_CTX).paid
