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
