"""The product mapper's awkward cases (pure: no server)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.mapping.catalog.products import (
    AttributeInfo,
    ProductContext,
    TemplateData,
    duplicate_codes,
    template_to_magento,
)
from magodoo.odoo.models import ProductProduct, ProductTemplate, TemplateAttributeValue

LEGS = AttributeInfo(code="legs", magento_id=137, name="Legs", display_type="radio",
                     create_variant="always")
SIZE = AttributeInfo(code=None, magento_id=None, name="Size", display_type="radio",
                     create_variant="no_variant")
CTX = ProductContext(attribute_set_id=4, website_ids=(1,), attributes={1: LEGS, 5: SIZE},
                     options={1: "10", 2: "11", 11: "20", 12: "21"}, categories={7: 31})


def template(**extra: Any) -> ProductTemplate:
    data: dict[str, Any] = {
        "id": 9, "name": "Customizable Desk", "type": "consu", "list_price": 750.0,
        "weight": 12.5, "active": True, "sale_ok": True, "is_published": True,
        "public_categ_ids": [7], "description_sale": "A desk", "default_code": False,
        "write_date": "2026-11-27 06:00:00",
    }
    data.update(extra)
    return ProductTemplate.from_api(data)


def variant(vid: int, code: str | bool, ptavs: list[int], price_extra: float = 0.0,
            **extra: Any) -> ProductProduct:
    return ProductProduct.from_api({
        "id": vid, "default_code": code, "product_tmpl_id": [9, "Customizable Desk"],
        "product_template_attribute_value_ids": ptavs, "price_extra": price_extra,
        "active": True, **extra})


def ptav(pid: int, attribute: int, value: int, name: str, price_extra: float = 0.0
         ) -> TemplateAttributeValue:
    return TemplateAttributeValue.from_api({
        "id": pid, "product_tmpl_id": [9, "x"], "attribute_id": [attribute, "a"],
        "product_attribute_value_id": [value, f"A: {name}"], "price_extra": price_extra,
        "ptav_active": True})


DESK_VALUES = (ptav(1, 1, 1, "Steel"), ptav(2, 1, 2, "Aluminium", 50.4))


def desk(*variants: ProductProduct, **extra: Any) -> TemplateData:
    return TemplateData(template(**extra), variants, DESK_VALUES)


def test_a_template_with_variants_is_a_configurable_with_children() -> None:
    mapped = template_to_magento(desk(variant(12, "D-1", [1]), variant(14, "D-2", [2], 50.4)),
                                 CTX)
    assert mapped.configurable and mapped.sku == "odoo-template-9"
    assert "price" not in mapped.body  # Magento prices a configurable from its children
    assert mapped.configurable_options == ({
        "attribute_id": "137", "label": "Legs", "position": 0, "is_use_default": True,
        "values": [{"value_index": 10}, {"value_index": 11}]},)
    first, second = mapped.children
    assert (first.sku, first.body["price"], first.body["visibility"]) == ("D-1", 750.0, 1)
    assert second.body["price"] == 800.4
    assert second.body["name"] == "Customizable Desk (Aluminium)"
    assert second.body["custom_attributes"] == [{"attribute_code": "legs", "value": "11"}]
    assert mapped.body["extension_attributes"]["category_links"] == [
        {"position": 0, "category_id": "31"}]


def test_a_variant_without_sku_is_named() -> None:
    with pytest.raises(MappingError) as err:
        template_to_magento(desk(variant(12, "D-1", [1]), variant(14, False, [2])), CTX)
    assert err.value.record == 9
    assert err.value.field == "product_variant_ids[14].default_code"
    assert "variant 14" in str(err.value)


def test_a_variant_without_sku_may_get_a_derived_one() -> None:
    import attrs

    ctx = attrs.evolve(CTX, missing_sku="derive")
    mapped = template_to_magento(desk(variant(12, "D-1", [1]), variant(14, False, [2])), ctx)
    assert [c.sku for c in mapped.children] == ["D-1", "odoo-14"]


def test_two_variants_with_one_sku_are_both_named() -> None:
    shared = duplicate_codes([{"id": 12, "default_code": "D-1"},
                              {"id": 14, "default_code": "D-1"},
                              {"id": 15, "default_code": "X"}])
    assert shared == {"D-1": (12, 14)}
    import attrs

    with pytest.raises(MappingError, match=r"'D-1' of variant 12 is also used by variant\(s\) 14"):
        template_to_magento(desk(variant(12, "D-1", [1]), variant(14, "D-1", [2])),
                            attrs.evolve(CTX, shared_codes=shared))


def test_an_archived_product_is_disabled() -> None:
    single = TemplateData(template(id=5, default_code="FURN_7777", active=False),
                          (variant(5, "FURN_7777", [], active=False),))
    mapped = template_to_magento(single, CTX)
    assert (mapped.type_id, mapped.body["status"], mapped.active) == ("simple", 2, False)


def test_an_archived_variant_is_a_disabled_child() -> None:
    mapped = template_to_magento(desk(variant(12, "D-1", [1]),
                                      variant(14, "D-2", [2], active=False)), CTX)
    assert [c.body["status"] for c in mapped.children] == [1, 2]


def test_a_value_not_synced_yet_is_a_mapping_error() -> None:
    import attrs

    ctx = attrs.evolve(CTX, options={1: "10"})
    with pytest.raises(MappingError, match="value 2 of attribute 'Legs' is not synced"):
        template_to_magento(desk(variant(12, "D-1", [1]), variant(14, "D-2", [2])), ctx)


def test_radio_without_variants_is_a_custom_option() -> None:
    values = (ptav(12, 5, 11, "S"), ptav(13, 5, 12, "M", 2.5))
    data = TemplateData(template(id=31, default_code="FURN_0001"),
                        (variant(40, "FURN_0001", []),), values)
    mapped = template_to_magento(data, CTX)
    assert mapped.type_id == "simple"
    (option,) = mapped.body["options"]
    assert (option["title"], option["type"], option["is_require"]) == ("Size", "radio", True)
    assert [(v["title"], v["price"]) for v in option["values"]] == [("S", 0.0), ("M", 2.5)]


def test_unpublished_and_not_for_sale() -> None:
    data = TemplateData(template(id=5, default_code="A", is_published=False, sale_ok=False),
                        (variant(5, "A", []),))
    mapped = template_to_magento(data, CTX)
    assert (mapped.body["status"], mapped.body["visibility"]) == (2, 1)


def test_unsynced_category_is_named() -> None:
    data = TemplateData(template(id=5, default_code="A", public_categ_ids=[8]),
                        (variant(5, "A", []),))
    with pytest.raises(MappingError) as err:
        template_to_magento(data, CTX)
    assert err.value.field == "public_categ_ids"


def test_url_keys() -> None:
    mapped = template_to_magento(desk(variant(12, "D-1", [1]), variant(14, "D-2", [2])), CTX)
    assert mapped.url_key == "customizable-desk"
    assert mapped.children[0].url_key == "customizable-desk-d-1"
    assert {"attribute_code": "url_key", "value": "customizable-desk"} in \
        mapped.create_body()["custom_attributes"]
    assert all(a["attribute_code"] != "url_key"
               for a in mapped.update_body()["custom_attributes"])


def test_a_combo_is_a_fixed_price_bundle_and_an_unsynced_item_is_named() -> None:
    import attrs

    from magodoo.mapping.catalog.products import ComboData

    data = TemplateData(template(id=34, type="combo", default_code="COMBO", list_price=160.0),
                        (variant(43, "COMBO", []),),
                        combos=(ComboData(2, "Chair", 2, ((5, 0.0), (25, 25.5))),
                                ComboData(1, "Desk", 1, ((16, 0.0),))))
    ctx = attrs.evolve(CTX, variant_skus={5: "CH-1", 25: "CH-2", 16: "DK-1"})
    mapped = template_to_magento(data, ctx)
    assert (mapped.type_id, mapped.body["price"]) == ("bundle", 160.0)
    options = mapped.body["extension_attributes"]["bundle_product_options"]
    assert [o["title"] for o in options] == ["Desk", "Chair"]
    assert [(x["sku"], x["price"], x["is_default"]) for x in options[1]["product_links"]] == [
        ("CH-1", 0.0, True), ("CH-2", 25.5, False)]
    with pytest.raises(MappingError) as err:
        template_to_magento(data, attrs.evolve(CTX, variant_skus={5: "CH-1", 16: "DK-1"}))
    assert err.value.field == "combo_ids[2].combo_item_ids"
