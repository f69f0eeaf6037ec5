"""Store structure and attribute set mapping (pure), and a category moved in Odoo."""

from __future__ import annotations

from magodoo.magento.models_catalog import AttributeGroup, AttributeSet
from magodoo.magento.models_store import StoreConfig, StoreGroup, StoreView
from magodoo.mapping.catalog.structure import (
    StructureContext,
    attribute_set_from_key,
    attribute_set_values,
    store_view_from_key,
    store_view_values,
)
from magodoo.mapping.categories import CategoryContext, category_to_magento
from tests.mapping.test_categories import category

VIEW = StoreView.from_api({"id": 2, "code": "de", "name": "German", "website_id": 1,
                           "store_group_id": 1, "is_active": 1})
CONFIG = StoreConfig.from_api({"id": 2, "code": "de", "website_id": 1, "locale": "de_DE",
                               "base_currency_code": "EUR",
                               "default_display_currency_code": "EUR",
                               "timezone": "Europe/Berlin", "weight_unit": "kgs"})
GROUP = StoreGroup.from_api({"id": 1, "website_id": 1, "root_category_id": 2,
                             "default_store_id": 1, "name": "Main", "code": "main"})


def test_a_store_view_language_not_installed_in_odoo_is_a_warning() -> None:
    ctx = StructureContext(company_currency="EUR", languages=frozenset({"en_US", "fr_FR"}))
    view = store_view_values(VIEW, CONFIG, GROUP, ctx)
    assert not view.language_ok
    (warning,) = view.warnings
    assert "locale de_DE is not an active Odoo language (active: en_US, fr_FR)" in warning
    assert (view.locale, view.base_currency, view.timezone, view.root_category_id) == (
        "de_DE", "EUR", "Europe/Berlin", 2)


def test_matching_store_view_has_no_warning_and_round_trips_through_its_key() -> None:
    ctx = StructureContext(company_currency="EUR", languages=frozenset({"de_DE"}))
    view = store_view_values(VIEW, CONFIG, GROUP, ctx)
    assert view.warnings == () and view.language_ok
    assert store_view_from_key(view.to_key()) == view


def test_currency_mismatch() -> None:
    ctx = StructureContext(company_currency="USD", languages=frozenset({"de_DE"}))
    (warning,) = store_view_values(VIEW, CONFIG, GROUP, ctx).warnings
    assert "base currency EUR differs from the Odoo company currency USD" in warning


def test_attribute_set_with_its_groups() -> None:
    values = attribute_set_values(
        AttributeSet.from_api({"attribute_set_id": 4, "attribute_set_name": "Default",
                               "entity_type_id": 4}),
        [AttributeGroup.from_api({"attribute_group_id": "13", "attribute_group_name": "Content",
                                  "attribute_set_id": 4}),
         AttributeGroup.from_api({"attribute_group_id": "7",
                                  "attribute_group_name": "Product Details",
                                  "attribute_set_id": 4}),
         AttributeGroup.from_api({"attribute_group_id": "30", "attribute_group_name": "Other",
                                  "attribute_set_id": 9})])
    assert [g["id"] for g in values.groups] == [7, 13]
    assert values.group_id("PRODUCT details") == 7 and values.group_id("General") is None
    assert attribute_set_from_key(values.to_key()) == values


def test_a_category_moved_under_a_new_parent() -> None:
    ctx = CategoryContext(parents={7: 31, 8: 40}, root_id=2)
    before = category_to_magento(category(id=9, parent_id=[7, "Desks"]), ctx)
    after = category_to_magento(category(id=9, parent_id=[8, "Chairs"]), ctx)
    assert (before.parent_id, after.parent_id) == (31, 40)
    assert before.hashable() != after.hashable()  # the engine sees a change: a move
    assert after.natural_key == "40/desks"


def test_a_category_changed_in_magento_is_a_conflict_when_odoo_owns_it() -> None:
    from magodoo.magento.models_catalog import Category
    from magodoo.mapping.catalog.category_import import ImportContext, category_to_odoo

    moved = Category.from_api({"id": 5, "parent_id": 9, "name": "Desks", "position": 3})
    current = {5: {"name": "Desks", "parent_id": 70, "sequence": 3}}
    odoo_owns = category_to_odoo(moved, ImportContext(parents={9: 71}, current=current))
    assert odoo_owns.conflicts == ("parent_id",)
    assert "parent_id 71 in Magento, 70 in Odoo" in odoo_owns.conflict_message()
    magento_owns = category_to_odoo(moved, ImportContext(parents={9: 71}, current=current,
                                                         source="magento"))
    assert magento_owns.conflicts == () and magento_owns.values["parent_id"] == 71
