from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.mapping.categories import (
    CategoryContext,
    category_to_magento,
    depth,
    natural_key,
    suffixed_url_key,
    url_key,
)
from magodoo.odoo.models import PublicCategory


def category(**extra: Any) -> PublicCategory:
    data: dict[str, Any] = {"id": 7, "name": "Desks", "parent_id": False, "sequence": 3,
                            "parent_path": "7/", "write_date": "2026-11-27 06:00:00"}
    data.update(extra)
    return PublicCategory.from_api(data)


def test_top_level_goes_under_the_root() -> None:
    mapped = category_to_magento(category(), CategoryContext(root_id=2))
    assert mapped.parent_id == 2
    body = mapped.create_body()
    assert body["name"] == "Desks"
    assert body["parent_id"] == 2
    assert body["is_active"] is True
    assert body["position"] == 3
    assert body["custom_attributes"] == [{"attribute_code": "url_key", "value": "desks"}]
    assert "custom_attributes" not in mapped.update_body()


def test_child_goes_under_its_bound_parent() -> None:
    child = category(id=9, name="Components", parent_id=[7, "Desks"], parent_path="7/9/")
    mapped = category_to_magento(child, CategoryContext(parents={7: 31}, root_id=2))
    assert mapped.parent_id == 31
    assert mapped.natural_key == "31/components"
    assert depth(child) == 1


def test_unbound_parent_names_the_field() -> None:
    child = category(id=9, name="Components", parent_id=[7, "Desks"], parent_path="7/9/")
    with pytest.raises(MappingError) as info:
        category_to_magento(child, CategoryContext())
    assert info.value.field == "parent_id"
    assert info.value.record == 9


@pytest.mark.parametrize(("name", "key"), [
    ("Desks & Chairs", "desks-chairs"),
    ("Café Crème", "cafe-creme"),
    ("  Outlet  ", "outlet"),
    ("!!!", "category"),
])
def test_url_key(name: str, key: str) -> None:
    assert url_key(name) == key


def test_suffix_is_deterministic() -> None:
    assert suffixed_url_key("Desks", 7) == "desks-7"
    mapped = category_to_magento(category(), CategoryContext())
    assert mapped.create_body(suffixed=True)["custom_attributes"][0]["value"] == "desks-7"


def test_natural_key_ignores_case_and_spaces() -> None:
    assert natural_key(2, " Desks ") == natural_key(2, "desks")
    assert natural_key(2, "Desks") != natural_key(3, "Desks")
