"""The after-order mappers: invoices (partial, shipping, rounding) and shipments (quantities per
Magento item, tracking numbers)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento.models_sales import Invoice
from magodoo.mapping.invoicing import (
    InvoiceContext,
    SaleLineRef,
    SaleOrderRef,
    ShipmentContext,
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
