"""The pure price and stock mappers."""

from __future__ import annotations

import json

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento._core import seg
from magodoo.mapping.prices import PriceContext, chunks, product_price, read_variant
from magodoo.mapping.stock import (
    ProductStock,
    StockContext,
    sku_segment,
    source_map,
    stock_to_magento,
)
from magodoo.odoo.models import ProductProduct


def variant(**extra: object) -> ProductProduct:
    row: dict[str, object] = {"id": 24, "default_code": "E-COM13", "lst_price": 39.4,
                              "price_extra": 6.4, "product_tmpl_id": [24, "Desk"],
                              "write_date": "2026-11-27 05:00:00"}
    row.update(extra)
    return read_variant(row)


def stock(**extra: object) -> ProductStock:
    values: dict[str, object] = {"odoo_id": 17, "default_code": "E-COM07",
                                 "on_hand": {"WH": 500.0}, "free": {"WH": 266.0}}
    values.update(extra)
    return ProductStock(**values)  # type: ignore[arg-type]


# ---- prices ----------------------------------------------------------------------------------

def test_variant_with_price_extra_sends_its_lst_price() -> None:
    mapped = product_price(variant(), PriceContext())
    assert mapped.base_price() == {"sku": "E-COM13", "price": 39.4, "store_id": 0}


def test_float_noise_is_rounded() -> None:
    assert product_price(variant(lst_price=0.1 + 0.2), PriceContext()).price == 0.3


@pytest.mark.parametrize("code", [False, "", "   "])
def test_variant_without_sku_is_a_mapping_error(code: object) -> None:
    with pytest.raises(MappingError) as info:
        product_price(variant(default_code=code), PriceContext())
    assert info.value.record == 24 and info.value.field == "default_code"


def test_negative_price_is_a_mapping_error() -> None:
    with pytest.raises(MappingError) as info:
        product_price(variant(lst_price=-1.0), PriceContext())
    assert info.value.field == "lst_price"


def test_unreadable_row_names_record_and_field() -> None:
    with pytest.raises(MappingError) as info:
        read_variant({"id": 9, "default_code": "X", "lst_price": "cheap"})
    assert info.value.record == 9 and info.value.field == "lst_price"


def test_sku_with_space_and_slash_kept_in_body_encoded_in_path() -> None:
    mapped = product_price(variant(default_code=" 24/7 Desk "), PriceContext())
    assert mapped.sku == "24/7 Desk"
    assert json.loads(json.dumps(mapped.base_price()))["sku"] == "24/7 Desk"
    assert sku_segment(mapped.sku) == "24%2F7%20Desk" == seg(mapped.sku)


def test_input_limit_splits_a_batch() -> None:
    assert [len(c) for c in chunks(range(45), 20)] == [20, 20, 5]
    assert [len(c) for c in chunks(range(45), 0)] == [45]  # limits off: one call
    assert [len(c) for c in chunks(range(45), 0, size=30)] == [30, 15]
    assert [len(c) for c in chunks(range(45), 20, size=30)] == [20, 20, 5]
    assert list(chunks([], 20)) == []


# ---- stock -----------------------------------------------------------------------------------

def test_on_hand_by_default_free_when_asked() -> None:
    on_hand = stock_to_magento(stock(), StockContext())
    assert on_hand.source_items() == [
        {"sku": "E-COM07", "source_code": "default", "quantity": 500.0, "status": 1}]
    free = stock_to_magento(stock(), StockContext(quantity="free"))
    assert free.source_items()[0]["quantity"] == 266.0


def test_product_in_no_warehouse_is_zero_and_out_of_stock() -> None:
    mapped = stock_to_magento(stock(on_hand={}, free={}), StockContext())
    assert mapped.source_items() == [
        {"sku": "E-COM07", "source_code": "default", "quantity": 0.0, "status": 0}]
    assert mapped.stock_item() == {"qty": 0.0, "is_in_stock": False}


def test_negative_free_quantity_is_sent_as_zero_out_of_stock() -> None:
    mapped = stock_to_magento(stock(free={"WH": -3.0}), StockContext(quantity="free"))
    assert mapped.source_items()[0]["quantity"] == 0.0
    assert mapped.source_items()[0]["status"] == 0


def test_warehouses_map_to_sources_and_share_one() -> None:
    ctx = StockContext(sources={"WH": "default", "CHI": "chicago", "OUT": "chicago"})
    mapped = stock_to_magento(stock(on_hand={"WH": 5.0, "CHI": 2.0, "OUT": 1.5}), ctx)
    assert [(i["source_code"], i["quantity"]) for i in mapped.source_items()] == [
        ("chicago", 3.5), ("default", 5.0)]
    assert mapped.stock_item() == {"qty": 8.5, "is_in_stock": True}


def test_stock_item_never_carries_backorder_or_manage_stock_flags() -> None:
    item = stock_to_magento(stock(), StockContext(msi=False)).stock_item()
    assert set(item) == {"qty", "is_in_stock"}


def test_bad_quantity_names_the_warehouse() -> None:
    with pytest.raises(MappingError) as info:
        stock_to_magento(stock(on_hand={"WH": "lots"}), StockContext())
    assert info.value.record == 17 and info.value.field == "qty_available[WH]"


def test_default_source_map() -> None:
    assert source_map({}, "WH") == {"WH": "default"}
    assert source_map({"A": "x"}, "WH") == {"A": "x"}


def test_hash_follows_the_store_kind() -> None:
    msi = stock_to_magento(stock(), StockContext()).hashable()
    legacy = stock_to_magento(stock(), StockContext(msi=False)).hashable()
    assert msi != legacy


# ---- tier prices -----------------------------------------------------------------------------

def item(iid: int, qty: float, price: float, *, variant: int | None = None,
         template: int | None = None, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": iid, "applied_on": "0_product_variant" if variant else "1_product",
        "product_id": [variant, "v"] if variant else False,
        "product_tmpl_id": [template, "t"] if template else False,
        "min_quantity": qty, "compute_price": "fixed", "fixed_price": price,
        "date_start": False, "date_end": False}
    row.update(extra)
    return row


def test_tiers_variant_item_wins_newest_first_sorted_by_quantity() -> None:
    from datetime import UTC, datetime

    from magodoo.mapping.prices import Tier, pricelist_tiers

    items = [item(1, 10, 30.0, template=7), item(2, 10, 29.0, variant=24),
             item(3, 5, 35.0, template=7), item(4, 5, 34.0, template=7),
             item(5, 1, 20.0, template=7),  # quantity 1: the plain price, not a tier
             item(6, 50, 1.0, template=7, compute_price="percentage"),
             item(7, 20, 25.0, template=8),  # another template
             item(8, 30, 20.0, template=7, date_end="2026-01-01 00:00:00"),  # expired
             item(9, 40, 19.0, template=7, date_start="2027-01-01 00:00:00")]  # not yet
    now = datetime(2026, 11, 27, tzinfo=UTC)
    tiers = pricelist_tiers(items, product_id=24, template_id=7, now=now)
    assert tiers == (Tier(5, 34.0), Tier(10, 29.0))


def test_tiers_in_the_mapped_price_and_hash() -> None:
    from magodoo.mapping.prices import PriceContext

    ctx = PriceContext(tiers=True, by_template={24: [item(1, 10, 30.0, template=24)]},
                       website_id=1)
    mapped = product_price(variant(), ctx)
    assert mapped.tier_prices() == [{"sku": "E-COM13", "price": 30.0, "price_type": "fixed",
                                     "website_id": 1, "customer_group": "ALL GROUPS",
                                     "quantity": 10.0}]
    off = product_price(variant(), PriceContext())
    assert off.tiers is None and "tiers" not in off.hashable()
    assert mapped.hashable() != off.hashable()


def test_negative_tier_price_is_a_mapping_error() -> None:
    from magodoo.mapping.prices import PriceContext

    ctx = PriceContext(tiers=True, by_variant={24: [item(1, 10, -3.0, variant=24)]})
    with pytest.raises(MappingError) as info:
        product_price(variant(), ctx)
    assert info.value.field == "pricelist_item.fixed_price"
