"""The translation mapper (pure): which store views, what is sent."""

from __future__ import annotations

import pytest

from magodoo.exceptions import MappingError
from magodoo.mapping.catalog.translations import (
    StoreLanguage,
    store_languages,
    translations_to_magento,
)


def test_a_store_view_language_not_installed_in_odoo_gets_nothing() -> None:
    views = [{"code": "default", "locale": "en_US"}, {"code": "fr", "locale": "fr_FR"},
             {"code": "it", "locale": "it_IT"}]
    assert store_languages(views, ["en_US", "fr_FR"], "en_US") == (
        StoreLanguage("fr", "fr_FR"),)


def test_only_name_and_description_per_view() -> None:
    mapped = translations_to_magento(
        9, "DESK", [("DESK-1", (1, 4))], [StoreLanguage("fr", "fr_FR")],
        {"fr_FR": {"name": " Bureau ", "description_sale": False}}, {"fr_FR": {1: "Acier"}})
    assert mapped.entries == (("fr", "DESK", {"sku": "DESK", "name": "Bureau"}),
                              ("fr", "DESK-1", {"sku": "DESK-1", "name": "Bureau (Acier)"}))
    with pytest.raises(MappingError, match="not synced"):
        translations_to_magento(9, None, [], [StoreLanguage("fr", "fr_FR")], {}, {})


def test_category_name_per_view_only_where_translated() -> None:
    from magodoo.mapping.catalog.translations import category_translations_to_magento

    stores = [StoreLanguage("fr", "fr_FR", 2), StoreLanguage("de", "de_DE", 3),
              StoreLanguage("it", "it_IT", 4)]
    mapped = category_translations_to_magento(
        7, "41", stores, {"fr_FR": " Bureaux ", "de_DE": "Desks"}, "Desks")
    # German is untranslated (Odoo answers the source), Italian was not read: no override
    assert mapped.entries == (("fr", "41", {"name": "Bureaux"}),)
    with pytest.raises(MappingError, match="not synced") as info:
        category_translations_to_magento(7, None, stores, {}, "Desks")
    assert info.value.field == "id"
    with pytest.raises(MappingError, match="no name in fr_FR") as info:
        category_translations_to_magento(7, "41", stores, {"fr_FR": ""}, "Desks")
    assert info.value.field == "name"


def test_option_labels_carry_the_admin_label_and_every_translated_view() -> None:
    from magodoo.mapping.catalog.attributes import OptionValues
    from magodoo.mapping.catalog.translations import option_translations_to_magento

    stores = [StoreLanguage("de", "de_DE", 3), StoreLanguage("fr", "fr_FR", 2)]
    options = [OptionValues(1, "Steel", 1), OptionValues(2, "Wood", 2)]
    names = {"fr_FR": {1: "Acier", 2: "Bois"}, "de_DE": {1: "Stahl", 2: "Wood"}}
    mapped = option_translations_to_magento(5, "material", options, {1: "11", 2: "12"},
                                            stores, names)
    assert mapped.entries == (
        ("11", {"label": "Steel", "value": "11", "sort_order": 1, "store_labels": [
            {"store_id": 0, "label": "Steel"}, {"store_id": 3, "label": "Stahl"},
            {"store_id": 2, "label": "Acier"}]}),
        ("12", {"label": "Wood", "value": "12", "sort_order": 2, "store_labels": [
            {"store_id": 0, "label": "Wood"}, {"store_id": 2, "label": "Bois"}]}))
    with pytest.raises(MappingError, match="value is not synced") as info:
        option_translations_to_magento(5, "material", options, {1: "11"}, stores, names)
    assert info.value.field == "value_ids[2]"
    assert option_translations_to_magento(5, "material", options, {}, [], names).entries == ()


def test_option_labels_of_a_swatch_resend_the_swatch() -> None:
    from magodoo.mapping.catalog.attributes import OptionValues
    from magodoo.mapping.catalog.translations import option_translations_to_magento

    stores = [StoreLanguage("fr", "fr_FR", 2)]
    options = [OptionValues(1, "Red", 1, "#FF0000"), OptionValues(2, "Raw", 2)]
    names = {"fr_FR": {1: "Rouge", 2: "Brut"}}
    mapped = option_translations_to_magento(5, "finish", options, {1: "11", 2: "12"},
                                            stores, names)
    bodies = dict(mapped.entries)
    assert bodies["11"]["value"] == "#FF0000"  # else Magento drops the swatch (#37794)
    assert bodies["12"]["value"] == "12"
