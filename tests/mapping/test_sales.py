"""The order mapper's awkward cases: guests, configurables, bundles, discounts, tax-included
prices, free shipping, carriers and payments, store credit, currencies, countries and states,
edited orders; the totals always equal Magento's."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from magodoo.exceptions import MappingError
from magodoo.magento.models_sales import Order, OrderAddress
from magodoo.magento.models_store import TaxRate
from magodoo.mapping.sales import (
    CarrierRef,
    OrderContext,
    PartnerRef,
    PaymentRef,
    TaxRef,
    address_key,
    odoo_line_amounts,
    order_address_values,
    order_to_sale,
)
from magodoo.mapping.taxes import TaxContext, tax_rate_to_tax
from magodoo.settings import ORDER_STATES_TO_ODOO

CA = TaxRef(4, 8.25)
CA_INCL = TaxRef(5, 10.0, price_include=True)
ROUNDING = TaxRef(9, 0.01, amount_type="fixed")

CTX = OrderContext(
    partners={1: PartnerRef(10, 11, 12)},
    products={"MUG": 100, "TEE-M": 101, "POSTER": 102, "KIT": 103, "KIT-A": 104, "KIT-B": 105},
    taxes={"US-CA": CA, "INCL": CA_INCL},
    carriers={"flatrate_flatrate": CarrierRef(3, 37, "Flat Rate"),
              "freeshipping_freeshipping": CarrierRef(4, 38, "Free Shipping")},
    payments={"checkmo": PaymentRef("checkmo", "Check / Money order", 7)},
    pricelists={"USD": None, "EUR": 2},
    adjustment_product=99,
    rounding_tax=ROUNDING,
    states_to_odoo=ORDER_STATES_TO_ODOO,
)

ADDRESS = {"firstname": "Ann", "lastname": "Lee", "street": ["1 Main St"], "city": "San Jose",
           "postcode": "95113", "country_id": "US", "region_code": "CA", "email": "a@x.com"}


def item(item_id: int, sku: str, price: float, qty: float = 1, *, discount: float = 0,
         tax: float = 0, **extra: Any) -> dict[str, Any]:
    return {"item_id": item_id, "sku": sku, "name": sku, "price": price, "qty_ordered": qty,
            "discount_amount": discount, "tax_amount": tax, "product_type": "simple",
            "row_total": price * qty - discount, **extra}


def order(items: list[dict[str, Any]], *, shipping: float = 5.0, shipping_tax: float = 0.0,
          method: str = "flatrate_flatrate", taxed: dict[int, float] | None = None,
          tax_code: str = "US-CA", **extra: Any) -> Order:
    """An order whose totals follow Magento's identity (grand = subtotal + discount +
    shipping + tax); ``taxed``: item id -> its tax (the codes go to item_applied_taxes)."""
    top = [i for i in items if "parent_item_id" not in i]
    subtotal = sum(i["price"] * i["qty_ordered"] for i in top)
    shipping_discount = extra.pop("shipping_discount", 0.0)
    discount = sum(i["discount_amount"] for i in top) + shipping_discount
    taxes = {**{i["item_id"]: i["tax_amount"] for i in items if i["tax_amount"]},
             **(taxed or {})}
    tax = round(sum(taxes.values()) + shipping_tax, 2)
    applied = [{"type": "product", "item_id": k, "applied_taxes": [{"code": tax_code}]}
               for k in taxes]
    if shipping_tax:
        applied.append({"type": "shipping", "applied_taxes": [{"code": tax_code}]})
    data: dict[str, Any] = {
        "entity_id": 1, "increment_id": "000000042", "created_at": "2026-11-20 10:15:00",
        "updated_at": "2026-11-20 10:15:00", "state": "processing", "status": "processing",
        "order_currency_code": "USD", "customer_email": "a@x.com", "customer_id": 5,
        "subtotal": subtotal, "discount_amount": -discount, "shipping_amount": shipping,
        "shipping_tax_amount": shipping_tax, "tax_amount": tax,
        "shipping_discount_amount": shipping_discount,
        "grand_total": round(subtotal - discount + shipping + tax, 2),
        "shipping_description": "Flat Rate - Fixed", "items": items,
        "billing_address": {**ADDRESS, "address_type": "billing"},
        "payment": {"method": "checkmo"},
        "extension_attributes": {
            "item_applied_taxes": applied,
            "shipping_assignments": [{"shipping": {"method": method, "address": ADDRESS}}],
        },
    }
    data.update(extra)
    return Order.from_api(data)


def totals_equal(o: Order, ctx: OrderContext = CTX) -> Any:
    mapped = order_to_sale(o, ctx)
    assert mapped.tax == pytest.approx(o.tax_amount or 0, abs=1e-9)
    assert mapped.total == pytest.approx(o.grand_total or 0, abs=1e-9)
    assert mapped.untaxed == pytest.approx((o.grand_total or 0) - (o.tax_amount or 0), abs=1e-9)
    return mapped


def products(mapped: Any) -> list[tuple[Any, ...]]:
    return [(ln.values["product_id"], ln.values["product_uom_qty"], ln.values["price_unit"],
             ln.values["discount"]) for ln in mapped.lines]


def test_header_values() -> None:
    mapped = totals_equal(order([item(1, "MUG", 12.5, 2)]))
    v = mapped.values
    assert (v["partner_id"], v["partner_invoice_id"], v["partner_shipping_id"]) == (10, 11, 12)
    assert v["client_order_ref"] == "000000042"
    assert v["origin"] == "Magento #000000042"
    assert v["date_order"] == "2026-11-20 10:15:00"
    assert v["carrier_id"] == 3
    assert "Check / Money order (checkmo)" in v["note"]
    assert "pricelist_id" not in v  # the company currency
    assert mapped.action == "confirm"
    ship = mapped.lines[-1].values
    assert ship["is_delivery"] is True and ship["product_id"] == 37
    assert ship["price_unit"] == 5.0 and ship["product_uom_qty"] == 1.0


def test_guest_order_uses_the_partner_found_for_its_email() -> None:
    o = order([item(1, "MUG", 12.5)], customer_id=None, customer_is_guest=1)
    assert order_to_sale(o, CTX).values["partner_id"] == 10


def test_configurable_is_one_line_for_the_child_at_the_parent_price() -> None:
    parent = item(1, "TEE-M", 25.0, 2, product_type="configurable", product_id=28)
    child = item(2, "TEE-M", 0.0, 2, parent_item_id=1, product_id=26)
    mapped = totals_equal(order([parent, child]))
    assert products(mapped)[0] == (101, 2.0, 25.0, 0.0)
    assert len(mapped.lines) == 2  # the product line and the shipping line


def test_bundle_keeps_the_money_where_magento_put_it() -> None:
    dynamic = [item(1, "KIT", 30.0, 1, product_type="bundle"),
               item(2, "KIT-A", 10.0, 1, parent_item_id=1),
               item(3, "KIT-B", 20.0, 1, parent_item_id=1)]
    o = order(dynamic, subtotal=30.0, grand_total=35.0)
    mapped = order_to_sale(o, CTX)
    assert products(mapped)[:3] == [(103, 1.0, 0.0, 0.0), (104, 1.0, 10.0, 0.0),
                                    (105, 1.0, 20.0, 0.0)]
    assert mapped.total == 35.0
    fixed = [item(1, "KIT", 30.0, 1, product_type="bundle"),
             item(2, "KIT-A", 0.0, 1, parent_item_id=1),
             item(3, "KIT-B", 0.0, 1, parent_item_id=1)]
    mapped = totals_equal(order(fixed))
    assert products(mapped)[:3] == [(103, 1.0, 30.0, 0.0), (104, 1.0, 0.0, 0.0),
                                    (105, 1.0, 0.0, 0.0)]


def test_percent_and_fixed_discounts_give_exact_line_amounts() -> None:
    mapped = totals_equal(order([item(1, "MUG", 12.5, 3, discount=3.75),
                                 item(2, "POSTER", 45.99, 1, discount=5.0)]))
    assert [ln.values["discount"] for ln in mapped.lines[:2]] == [10.0, 10.87]
    assert [ln.subtotal for ln in mapped.lines[:2]] == [33.75, 40.99]


def test_taxes_per_line_with_magento_rounding_deltas() -> None:
    # SALES-NOTES: the mug row gets 2.79 (delta carried) where Odoo computes 2.78
    items = [item(1, "TEE-M", 25.0, 2, discount=5.0, tax=3.71),
             item(2, "MUG", 12.5, 3, discount=3.75, tax=2.79)]
    mapped = totals_equal(order(items, shipping=30.0, shipping_tax=2.48))
    assert mapped.lines[0].values["tax_id"] == [(6, 0, [4])]
    rounding = [ln for ln in mapped.lines if ln.values["tax_id"] == [(6, 0, [9])]]
    assert len(rounding) == 1 and rounding[0].values["product_uom_qty"] == 1.0
    assert rounding[0].values["price_unit"] == 0.0


def test_tax_included_prices_use_the_included_tax() -> None:
    items = [item(1, "MUG", 100.0, 1, tax=10.0, price_incl_tax=110.0)]
    o = order(items, tax_code="INCL", shipping=0.0, method="freeshipping_freeshipping",
              shipping_description="Free Shipping - Free", subtotal=100.0,
              grand_total=110.0)
    mapped = order_to_sale(o, attrs.evolve(CTX, price_includes_tax=True))
    assert mapped.lines[0].values["price_unit"] == 110.0
    assert (mapped.untaxed, mapped.tax, mapped.total) == (100.0, 10.0, 110.0)
    assert odoo_line_amounts(220.0, 10.0, 2.0, [CA_INCL]) == (360.0, 36.0)  # WORKFLOWS 4


def test_free_shipping_is_a_zero_shipping_line_with_its_carrier() -> None:
    o = order([item(1, "MUG", 60.0)], shipping=0.0, method="freeshipping_freeshipping",
              shipping_description="Free Shipping - Free")
    mapped = totals_equal(o)
    assert mapped.values["carrier_id"] == 4
    ship = mapped.lines[-1].values
    assert (ship["product_id"], ship["price_unit"], ship["is_delivery"]) == (38, 0.0, True)


def test_shipping_discount_of_a_full_coupon() -> None:
    o = order([item(1, "MUG", 33.0, discount=33.0)], shipping=10.0, shipping_discount=10.0)
    mapped = totals_equal(o)
    assert mapped.lines[-1].values["discount"] == 100.0
    assert mapped.total == 0.0


def test_unknown_carrier_is_an_error_naming_the_order() -> None:
    o = order([item(1, "MUG", 10.0)], method="ups_ground")
    with pytest.raises(MappingError) as err:
        order_to_sale(o, CTX)
    assert err.value.field == "shipping_method" and "#000000042" in str(err.value)


def test_unmapped_payment_is_noted_or_refused() -> None:
    o = order([item(1, "MUG", 10.0)], payment={"method": "banktransfer",
                                               "additional_information": ["Bank Transfer"]})
    mapped = order_to_sale(o, CTX)
    assert "Bank Transfer (banktransfer)" in mapped.values["note"]
    assert any("banktransfer" in n for n in mapped.notes)
    with pytest.raises(MappingError) as err:
        order_to_sale(o, attrs.evolve(CTX, unmapped_payment="error"))
    assert err.value.field == "payment.method"


def test_store_credit_becomes_a_line_that_keeps_the_totals() -> None:
    o = order([item(1, "MUG", 50.0)], shipping=0.0, grand_total=40.0,
              extension_attributes={
                  "customer_balance_amount": 10.0,
                  "shipping_assignments": [{"shipping": {"method": "flatrate_flatrate"}}]})
    mapped = totals_equal(o)
    credit = [ln for ln in mapped.lines if ln.values["name"] == "Store credit (Magento)"]
    assert credit and credit[0].values["price_unit"] == -10.0
    assert credit[0].values["product_id"] == 99
    assert any("Store credit" in n for n in mapped.notes)


def test_a_currency_odoo_lacks_is_an_error_naming_the_order() -> None:
    o = order([item(1, "MUG", 10.0)], order_currency_code="GBP")
    with pytest.raises(MappingError) as err:
        order_to_sale(o, CTX)
    assert err.value.field == "order_currency_code" and "GBP" in str(err.value)
    euro = order_to_sale(order([item(1, "MUG", 10.0)], order_currency_code="EUR"), CTX)
    assert euro.values["pricelist_id"] == 2


def test_the_pricelist_of_each_currency_is_set_on_the_order() -> None:
    ctx = attrs.evolve(CTX, pricelists={"USD": 7, "EUR": 2})
    assert order_to_sale(order([item(1, "MUG", 10.0)]), ctx).values["pricelist_id"] == 7
    euro = order_to_sale(order([item(1, "MUG", 10.0)], order_currency_code=" eur "), ctx)
    assert euro.values["pricelist_id"] == 2
    # a confirmed order's write leaves the pricelist (and partner) as they are
    assert "pricelist_id" not in euro.write_values(lines=False)
    assert euro.write_values(lines=True)["pricelist_id"] == 2


def test_a_currency_the_lookups_refused_fails_that_order_only() -> None:
    bad = order([item(1, "MUG", 10.0)], order_currency_code="EUR")
    refused = MappingError("the currency EUR is not active in Odoo", entity="orders",
                           record="#000000042 (id 1)", field="order_currency_code")
    ctx = attrs.evolve(CTX, errors={1: refused},
                       partners={**CTX.partners, 2: PartnerRef(10, 11, 12)})
    with pytest.raises(MappingError) as err:
        order_to_sale(bad, ctx)
    assert err.value is refused
    assert "#000000042" in str(err.value) and "order_currency_code" in str(err.value)
    other = order([item(1, "MUG", 10.0)], entity_id=2, increment_id="000000043")
    assert order_to_sale(other, ctx).values["client_order_ref"] == "000000043"


def test_an_order_without_currency_is_an_error() -> None:
    with pytest.raises(MappingError) as err:
        order_to_sale(order([item(1, "MUG", 10.0)], order_currency_code=""), CTX)
    assert err.value.field == "order_currency_code"


def test_a_country_or_state_odoo_lacks_is_an_error_naming_the_field() -> None:
    o = order([item(1, "MUG", 10.0)])
    address = OrderAddress.from_api({**ADDRESS, "country_id": "XX"})
    with pytest.raises(MappingError) as err:
        order_address_values(address, {"US": 233}, {}, {"US"}, order=o,
                             field="billing_address", kind="invoice", email=None)
    assert err.value.field == "billing_address.country_id"
    assert "#000000042" in str(err.value)
    address = OrderAddress.from_api({**ADDRESS, "region_code": "ZZ"})
    with pytest.raises(MappingError) as err:
        order_address_values(address, {"US": 233}, {("US", "CA"): 13}, {"US"}, order=o,
                             field="shipping_address", kind="delivery", email=None)
    assert err.value.field == "shipping_address.region_code"
    # a country without states in Odoo ignores the region
    fr = OrderAddress.from_api({**ADDRESS, "country_id": "FR", "region_code": "75"})
    values = order_address_values(fr, {"FR": 75}, {}, set(), order=o, field="billing_address",
                                  kind="invoice", email=None)
    assert values["state_id"] is False


def test_addresses_are_the_same_contact_whatever_the_case_and_spaces() -> None:
    o = order([item(1, "MUG", 10.0)])
    one = order_address_values(OrderAddress.from_api(ADDRESS), {"US": 233},
                               {("US", "CA"): 13}, {"US"}, order=o, field="b", kind="invoice",
                               email=None)
    two = order_address_values(OrderAddress.from_api({**ADDRESS, "city": " san  JOSE "}),
                               {"US": 233}, {("US", "CA"): 13}, {"US"}, order=o, field="s",
                               kind="delivery", email=None)
    assert address_key(one) == address_key(two)
    moved = {**one, "street": "2 Main St"}
    assert address_key(moved) != address_key(one)
    assert address_key({**one, "country_id": [233, "United States"], "state_id": [13, "CA"]}) \
        == address_key(one)


def test_edited_order_is_linked_to_the_one_it_replaces() -> None:
    o = order([item(1, "MUG", 10.0)], increment_id="000000042-1", relation_parent_id="41",
              relation_parent_real_id="000000042", edit_increment=1)
    mapped = order_to_sale(o, CTX)
    assert mapped.values["client_order_ref"] == "000000042-1"
    assert mapped.values["origin"] == "Magento #000000042-1 (edit of Magento #000000042)"


def test_states_drive_the_odoo_order() -> None:
    for state, action in (("new", "draft"), ("processing", "confirm"), ("complete", "lock"),
                          ("closed", "lock"), ("canceled", "cancel"), ("holded", "confirm")):
        assert order_to_sale(order([item(1, "MUG", 1.0)], state=state), CTX).action == action
    with pytest.raises(MappingError) as err:
        order_to_sale(order([item(1, "MUG", 1.0)], state="fraud_review"), CTX)
    assert err.value.field == "state"


def test_missing_product_and_lookup_errors_fail_the_order_alone() -> None:
    with pytest.raises(MappingError) as err:
        order_to_sale(order([item(1, "NOPE", 1.0)]), CTX)
    assert err.value.field == "items[0].sku"
    boom = MappingError("no partner", entity="orders", record="#1", field="customer_id")
    with pytest.raises(MappingError) as err:
        order_to_sale(order([item(1, "MUG", 1.0)]), attrs.evolve(CTX, errors={1: boom}))
    assert err.value is boom


def test_create_and_write_values() -> None:
    mapped = order_to_sale(order([item(1, "MUG", 12.5, 2)]), CTX)
    created = mapped.create_values()
    assert created["order_line"][0][:2] == (0, 0)
    header = mapped.write_values(lines=False)
    assert "order_line" not in header and "partner_id" not in header
    # a confirmed order gets Magento's date again (action_confirm set it to now)
    assert header["date_order"] == "2026-11-20 10:15:00"
    full = mapped.write_values(lines=True)
    assert full["order_line"][0] == (5, 0, 0)


def test_tax_rate_becomes_a_sales_tax() -> None:
    rate = TaxRate.from_api({"id": 3, "tax_country_id": "US", "tax_region_id": 12,
                             "region_name": "CA", "tax_postcode": "*", "rate": 8.25,
                             "code": "US-CA-8.25", "titles": [{"store_id": "1",
                                                               "value": "CA Sales Tax"}]})
    mapped = tax_rate_to_tax(rate, TaxContext(countries={"US": 233}))
    assert mapped.values["name"] == "US-CA-8.25" and mapped.values["amount"] == 8.25
    assert mapped.values["price_include_override"] == "tax_excluded"
    assert mapped.values["invoice_label"] == "CA Sales Tax"
    assert mapped.values["country_id"] == 233
    incl = tax_rate_to_tax(rate, TaxContext(countries={"US": 233}, price_includes_tax=True))
    assert incl.values["price_include_override"] == "tax_included"
    with pytest.raises(MappingError) as err:
        tax_rate_to_tax(rate, TaxContext())
    assert err.value.field == "tax_country_id"
