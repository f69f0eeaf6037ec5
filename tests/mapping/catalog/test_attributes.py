"""The attribute mapper and the option plan (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.mapping.catalog.attributes import (
    AttributeContext,
    OptionValues,
    attribute_code,
    attribute_to_magento,
    is_magento_attribute,
    plan_options,
)
from magodoo.odoo.models import ProductAttribute, ProductAttributeValue


def attribute(**extra: Any) -> ProductAttribute:
    data: dict[str, Any] = {"id": 2, "name": "Color", "display_type": "color",
                            "create_variant": "always", "sequence": 20}
    data.update(extra)
    return ProductAttribute.from_api(data)


def value(vid: int, name: str, sequence: int = 0) -> ProductAttributeValue:
    return ProductAttributeValue.from_api({"id": vid, "name": name, "attribute_id": [2, "Color"],
                                           "sequence": sequence})


CTX = AttributeContext(values={2: (value(4, "White", 2), value(3, "Black", 1))})


def test_which_attributes_are_magento_attributes() -> None:
    assert is_magento_attribute(attribute(display_type="select", create_variant="no_variant"))
    assert is_magento_attribute(attribute(display_type="radio", create_variant="always"))
    assert not is_magento_attribute(attribute(display_type="radio", create_variant="no_variant"))
    assert not is_magento_attribute(attribute(display_type="multi", create_variant="no_variant"))


def test_codes() -> None:
    assert attribute_code("Color") == "color"
    assert attribute_code("Légs & Feet") == "legs_feet"
    assert attribute_code("3D") == "attr_3d"
    assert len(attribute_code("x" * 99)) == 60


def test_options_in_sequence_order() -> None:
    mapped = attribute_to_magento(attribute(), CTX)
    assert mapped.code == "color" and mapped.frontend_input == "select"
    assert [(o.odoo_id, o.label, o.sort_order) for o in mapped.options] == [
        (3, "Black", 1), (4, "White", 2)]
    assert mapped.create_body()["scope"] == "global"  # configurable options need it


def test_a_renamed_attribute_changes_label_not_code_of_a_bound_one() -> None:
    renamed = attribute_to_magento(attribute(name="Colour"), CTX)
    assert renamed.update_body()["default_frontend_label"] == "Colour"
    assert "attribute_code" not in renamed.update_body()


def test_same_value_names_are_refused() -> None:
    ctx = AttributeContext(values={2: (value(3, "Black"), value(5, "black"))})
    with pytest.raises(MappingError, match=r"values 3 and 5 are both called 'black'"):
        attribute_to_magento(attribute(), ctx)


def test_plan_add_rename_remove_adopt() -> None:
    wanted = (OptionValues(3, "Black", 1), OptionValues(4, "Ivory", 2), OptionValues(5, "Red", 3),
              OptionValues(6, "Blue", 4))
    current = {"10": "Black", "11": "White", "12": "Red", "13": "Green"}
    bound = {3: "10", 4: "11"}
    plan = plan_options(wanted, current, bound, bound_elsewhere=["13"])
    assert plan.keep == ((wanted[0], "10"),)
    assert plan.rename == (("11", wanted[1]),)        # a renamed value
    assert plan.adopt == ((wanted[2], "12"),)         # an option with the same label
    assert plan.add == (wanted[3],)
    assert plan.remove == ("13",)                     # a removed value


def colored(vid: int, name: str, color: str | None) -> ProductAttributeValue:
    return ProductAttributeValue.from_api({"id": vid, "name": name, "attribute_id": [2, "Color"],
                                           "sequence": vid, "html_color": color or False})


def test_a_color_attribute_is_a_visual_swatch_when_the_store_has_swatches() -> None:
    values = {2: (colored(3, "Black", "#000000"), colored(4, "Wood", None))}
    mapped = attribute_to_magento(attribute(), AttributeContext(values=values, swatches=True))
    assert mapped.frontend_input == "swatch_visual" and mapped.is_swatch
    assert mapped.create_body()["frontend_input"] == "swatch_visual"
    black, wood = mapped.options
    assert black.swatch == "#000000" and black.write_value("12") == {"value": "#000000"}
    assert wood.swatch is None and wood.write_value("13") == {"value": "13"}  # a label only
    # without the module: a dropdown, no swatch anywhere
    plain = attribute_to_magento(attribute(), AttributeContext(values=values))
    assert plain.frontend_input == "select"
    assert [o.swatch for o in plain.options] == [None, None]
    # a select attribute is never a swatch
    select = attribute_to_magento(attribute(display_type="select"),
                                  AttributeContext(values=values, swatches=True))
    assert select.frontend_input == "select" and not select.is_swatch
    # a changed colour changes the hash; dropdown hashes are as before
    recolored = attribute_to_magento(attribute(), AttributeContext(
        values={2: (colored(3, "Black", "#111111"), colored(4, "Wood", None))}, swatches=True))
    assert recolored.hashable() != mapped.hashable()
    assert plain.hashable()["options"] == [[3, "Black", 1], [4, "Wood", 2]]
