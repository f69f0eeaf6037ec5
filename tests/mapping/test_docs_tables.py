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


def test_attributes_table_names_every_written_field() -> None:
    from magodoo.mapping.catalog.attributes import SWATCH_INPUT, attribute_to_magento
    from tests.mapping.catalog.test_attributes import CTX as ATTR_CTX
    from tests.mapping.catalog.test_attributes import attribute

    text = (DOCS / "attributes.md").read_text()
    mapped = attribute_to_magento(attribute(), ATTR_CTX)
    for field in set(mapped.create_body()) | set(mapped.update_body()):
        assert f"`{field}`" in text, field
    assert f'`"{SWATCH_INPUT}"`' in text and "`html_color`" in text and "`Magento_Swatches`" in text


def test_products_table_names_every_written_field() -> None:
    from magodoo.mapping.catalog.products import template_to_magento
    from tests.mapping.catalog.test_products import CTX as PRODUCT_CTX
    from tests.mapping.catalog.test_products import desk, variant

    text = (DOCS / "products.md").read_text()
    mapped = template_to_magento(desk(variant(12, "D-1", [1]), variant(14, "D-2", [2])),
                                 PRODUCT_CTX)
    bodies = [mapped.create_body(), *(c.create_body() for c in mapped.children)]
    for body in bodies:
        for field in set(body) - {"custom_attributes", "extension_attributes"}:
            assert f"`{field}`" in text, field
        for attr in body["custom_attributes"]:
            code = attr["attribute_code"]
            assert f"`custom_attributes.{code}`" in text or code == "legs", code
        for key in body["extension_attributes"]:
            assert f"`extension_attributes.{key}`" in text, key
    assert "`configurable_product_options`" in text


def test_store_structure_table_names_every_kept_field() -> None:
    from magodoo.mapping.catalog.structure import StructureContext, store_view_values
    from tests.mapping.catalog.test_structure import CONFIG, GROUP, VIEW

    text = (DOCS / "store-structure.md").read_text()
    kept = store_view_values(VIEW, CONFIG, GROUP, StructureContext()).hashable()
    for field in set(kept) - {"warnings"}:
        assert f"`{field}`" in text, field


def test_images_table_names_every_written_field() -> None:
    from magodoo.mapping.catalog.images import images_to_magento, media_entry

    text = (DOCS / "images.md").read_text()
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElF"
           "TkSuQmCC")
    values = images_to_magento(9, "Desk", "DESK", "2026-01-01", [
        {"id": 3, "name": "Video", "sequence": 1, "video_url": "https://youtu.be/x"}])
    for image in values.images:
        entry = media_entry(image, png, values.sku)
        for field in set(entry) - {"content", "extension_attributes"}:
            assert f"`{field}`" in text, field
        for field in entry["content"]:
            assert f"`content.{field}`" in text, field
        for field in entry.get("extension_attributes", {}).get("video_content", {}):
            assert f"`{field}`" in text, field


def test_categories_import_table_names_every_written_field() -> None:
    from magodoo.magento.models_catalog import Category
    from magodoo.mapping.catalog.category_import import ImportContext, category_to_odoo

    text = (DOCS / "categories.md").read_text().split("# eCommerce categories: Magento")[1]
    mapped = category_to_odoo(Category.from_api({"id": 5, "parent_id": 2, "name": "Desks",
                                                 "position": 3, "level": 2}), ImportContext())
    for field in mapped.values:
        assert f"`{field}`" in text, field


def test_translations_table_names_every_written_field() -> None:
    from magodoo.mapping.catalog.translations import StoreLanguage, translations_to_magento

    text = (DOCS / "translations.md").read_text()
    mapped = translations_to_magento(
        9, "DESK", [("DESK-1", (1,))], [StoreLanguage("fr", "fr_FR")],
        {"fr_FR": {"name": "Bureau", "description_sale": "Un bureau"}}, {"fr_FR": {1: "Acier"}})
    for _, _, body in mapped.entries:
        for field in set(body) - {"custom_attributes"}:
            assert f"`{field}`" in text, field
        for attr in body.get("custom_attributes", ()):
            assert f"`custom_attributes.{attr['attribute_code']}`" in text


def test_products_table_names_every_bundle_field() -> None:
    import attrs

    from magodoo.mapping.catalog.products import ComboData, TemplateData, template_to_magento
    from tests.mapping.catalog.test_products import CTX as PRODUCT_CTX
    from tests.mapping.catalog.test_products import template, variant

    text = (DOCS / "products.md").read_text()
    data = TemplateData(template(id=34, type="combo", default_code="COMBO"),
                        (variant(43, "COMBO", []),),
                        combos=(ComboData(1, "Desk", 1, ((12, 0.0),)),))
    body = template_to_magento(data, attrs.evolve(PRODUCT_CTX, variant_skus={12: "D-1"}))
    for attr in body.create_body()["custom_attributes"]:
        assert f"`custom_attributes.{attr['attribute_code']}`" in text, attr
    assert "`extension_attributes.bundle_product_options`" in text


def test_translations_table_names_every_category_and_option_field() -> None:
    from magodoo.mapping.catalog.attributes import OptionValues
    from magodoo.mapping.catalog.translations import (
        StoreLanguage,
        category_translations_to_magento,
        option_translations_to_magento,
    )

    text = (DOCS / "translations.md").read_text()
    categories = text.split("## Category names")[1].split("## Attribute option labels")[0]
    options = text.split("## Attribute option labels")[1]
    stores = [StoreLanguage("fr", "fr_FR", 2)]
    mapped = category_translations_to_magento(7, "41", stores, {"fr_FR": "Bureaux"}, "Desks")
    for _, _, body in mapped.entries:
        for field in body:
            assert f"`{field}`" in categories, field
    values = option_translations_to_magento(5, "material", [OptionValues(1, "Steel", 1)],
                                            {1: "11"}, stores, {"fr_FR": {1: "Acier"}})
    for _, body in values.entries:
        for field in body:
            assert f"`{field}`" in options, field
        for label in body["store_labels"]:
            for field in label:
                assert f"`{field}`" in options, field


def test_orders_table_names_every_written_field() -> None:
    from magodoo.mapping.sales import order_to_sale
    from tests.mapping.test_sales import CTX, item, order

    text = (DOCS / "orders.md").read_text()
    mapped = order_to_sale(order([item(1, "MUG", 12.5, 3, discount=3.75, tax=2.79)],
                                 shipping=30.0, shipping_tax=2.48, order_currency_code="EUR"),
                           CTX)
    fields = set(mapped.create_values()) | {k for ln in mapped.lines for k in ln.values}
    for field in fields:
        assert f"`{field}`" in text, field
    (currency,) = [ln for ln in text.splitlines() if ln.startswith("| `order_currency_code` |")]
    assert "`pricelist_id`" in currency and "`sales.missing_pricelist" in currency
    assert "`sales.pricelist_prefix`" in currency


def test_tax_rates_table_names_every_written_field() -> None:
    from magodoo.magento.models_store import TaxRate
    from magodoo.mapping.taxes import TaxContext, tax_rate_to_tax

    text = (DOCS / "tax_rates.md").read_text()
    rate = TaxRate.from_api({"id": 1, "tax_country_id": "US", "rate": 8.25, "code": "X"})
    for field in tax_rate_to_tax(rate, TaxContext(countries={"US": 233})).values:
        assert f"`{field}`" in text, field


def test_order_status_table_names_the_fields_and_events() -> None:
    from magodoo.settings import ODOO_EVENTS_TO_MAGENTO, ORDER_STATES_TO_ODOO

    text = (DOCS / "order_status.md").read_text()
    for name in ("state", "locked", "delivery_status", "status"):
        assert f"`{name}`" in text or f"`{name} =" in text, name
    for event in ODOO_EVENTS_TO_MAGENTO:
        assert f"`{event}`" in text, event
    for action in set(ORDER_STATES_TO_ODOO.values()):
        assert f"`{action}`" in text, action


def test_invoices_table_names_every_written_field() -> None:
    from magodoo.mapping.invoicing import invoice_to_move
    from tests.mapping.test_invoicing import CTX, invoice

    text = (DOCS / "invoices.md").read_text()
    mapped = invoice_to_move(invoice([(1001, 1)], shipping=5.0, tax_amount=1.76,
                                     grand_total=19.27), CTX)
    fields = set(mapped.values) | {k for ln in mapped.values["invoice_line_ids"] for k in ln}
    for field in fields:
        assert f"`{field}`" in text, field


def test_shipments_table_names_every_field_read_and_written() -> None:
    from magodoo.mapping.invoicing import picking_to_shipment
    from tests.mapping.test_invoicing import SHIP_CTX, move, picking

    text = (DOCS / "shipments.md").read_text()
    mapped = picking_to_shipment(picking(carrier_tracking_ref="1Z1"), [move(401, 1)], SHIP_CTX)
    assert mapped.tracks
    for field in ("state", "sale_id", "carrier_tracking_ref", "move_ids.quantity",
                  "items[].order_item_id", "tracks[].track_number", "tracks[].carrier_code",
                  "tracks[].title"):
        assert field in text, field


def test_credit_memos_table_names_every_written_field() -> None:
    from magodoo.mapping.invoicing import creditmemo_to_refund
    from tests.mapping.test_invoicing import MEMO_CTX, memo

    text = (DOCS / "credit_memos.md").read_text()
    mapped = creditmemo_to_refund(memo([(1001, 1)], shipping=2.0, positive=1.0, negative=0.5),
                                  MEMO_CTX)
    for field in {k for ln in mapped.lines for k in ln} | {"ref", "reversed_entry_id"}:
        assert f"`{field}`" in text, field
    for field in ("adjustment_positive", "adjustment_negative", "shipping_amount", "invoice_id"):
        assert f"`{field}`" in text, field
