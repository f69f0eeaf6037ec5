"""The field tables in docs/mapping/ name every field the mappers write."""

from __future__ import annotations

from pathlib import Path

from magodoo.mapping.categories import CategoryContext, category_to_magento
from magodoo.mapping.partners import customer_to_partner
from tests.mapping.test_categories import category
from tests.mapping.test_partners import CTX, customer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "mapping"


def test_customers_table_names_every_written_field() -> None:
    text = (DOCS / "customers.md").read_text()
    mapped = customer_to_partner(customer(), CTX)
    fields = set(mapped.create_values()) | {k for a in mapped.addresses for k in a.values}
    for field in fields:
        assert f"`{field}`" in text, field


def test_categories_table_names_every_written_field() -> None:
    text = (DOCS / "categories.md").read_text()
    body = category_to_magento(category(), CategoryContext()).create_body()
    for field in set(body) - {"custom_attributes"}:
        assert f"`{field}`" in text, field
    assert "`custom_attributes.url_key`" in text


def test_prices_table_names_every_written_field() -> None:
    from magodoo.mapping.prices import PriceContext, product_price
    from tests.mapping.test_prices_stock import variant

    text = (DOCS / "prices.md").read_text()
    for field in product_price(variant(), PriceContext()).base_price():
        assert f"`{field}`" in text, field
    for field in ("default_code", "lst_price", "price_extra", "write_date"):
        assert f"`{field}`" in text, field


def test_stock_table_names_every_written_field() -> None:
    from magodoo.mapping.stock import StockContext, stock_to_magento
    from tests.mapping.test_prices_stock import stock

    text = (DOCS / "stock.md").read_text()
    mapped = stock_to_magento(stock(), StockContext())
    for field in mapped.source_items()[0]:
        assert f"`{field}`" in text, field
    for field in stock_to_magento(stock(), StockContext(msi=False)).stock_item():
        assert f"`stockItem.{field}`" in text, field
    for field in ("qty_available", "free_qty", "default_code"):
        assert f"`{field}`" in text, field


def test_prices_table_names_every_tier_price_field() -> None:
    from magodoo.mapping.prices import PriceContext, product_price
    from tests.mapping.test_prices_stock import item, variant

    text = (DOCS / "prices.md").read_text()
    ctx = PriceContext(tiers=True, by_template={24: [item(1, 10, 30.0, template=24)]})
    for field in product_price(variant(), ctx).tier_prices()[0]:
        assert f"`{field}`" in text, field
    for field in ("min_quantity", "fixed_price", "compute_price", "date_start", "date_end"):
        assert f"`{field}`" in text, field
