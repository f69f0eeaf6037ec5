"""Garbage from either API is refused as a MappingError naming the model, record and field
(issue 7 items 7 and 8), never a bare cattrs, type or value error."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import Category
from magodoo.magento.models_customers import Customer
from magodoo.odoo import Partner
from magodoo.odoo.models.catalog import PublicCategory
from magodoo.odoo.models.sales import SaleOrder

GOOD_CATEGORY = {"id": 7, "name": "Desks", "parent_id": [3, "Office"], "sequence": 1,
                 "parent_path": "3/7/", "write_date": "2026-11-27 06:00:00"}


@pytest.mark.parametrize(("field", "value"), [
    ("write_date", "yesterday"),
    ("write_date", 12),
    ("sequence", "first"),
    ("name", {"en_US": "Desks"}),
    ("parent_id", [False]),
    ("parent_id", [0, "Nothing"]),
    ("parent_id", -3),
    ("name", "Desks\x00"),
    ("name", "Des\x1bks"),
])
def test_an_unreadable_odoo_row_is_a_mapping_error_naming_it(field: str, value: Any) -> None:
    with pytest.raises(MappingError) as info:
        PublicCategory.from_api({**GOOD_CATEGORY, field: value})
    err = info.value
    assert err.entity == "product.public.category"
    assert err.record == 7
    assert err.field == field
    assert "product.public.category 7" in str(err)


@pytest.mark.parametrize("rid", [0, -1, True])
def test_odoo_ids_are_positive(rid: Any) -> None:
    with pytest.raises(MappingError) as info:
        PublicCategory.from_api({**GOOD_CATEGORY, "id": rid})
    assert info.value.field == "id"


def test_a_good_row_and_tabs_newlines_still_read() -> None:
    cat = PublicCategory.from_api({**GOOD_CATEGORY, "name": "Desks\tand\r\ntables"})
    assert cat.parent_id is not None and cat.parent_id.id == 3
    assert PublicCategory.from_api({**GOOD_CATEGORY, "parent_id": False}).parent_id is None
    assert Partner.from_api({"id": 4, "name": "Jane", "street": "1 Main St"}).id == 4


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), "-inf", "NaN"])
def test_money_must_be_finite(amount: Any) -> None:
    with pytest.raises(MappingError) as info:
        SaleOrder.from_api({"id": 9, "name": "S00009", "amount_total": amount})
    assert info.value.field == "amount_total" and info.value.record == 9


def test_magento_street_as_a_string_is_refused_not_split() -> None:
    payload = {"id": 5, "email": "a@example.com", "firstname": "A", "lastname": "B",
               "addresses": [{"id": 8, "street": "0 Main St", "city": "Austin"}]}
    with pytest.raises(MappingError) as info:
        Customer.from_api(payload)
    assert "addresses" in str(info.value) and "street" in str(info.value)
    ok = Customer.from_api({**payload, "addresses": [{"id": 8, "street": ["0 Main St"]}]})
    assert ok.addresses[0].street == ("0 Main St",)


@pytest.mark.parametrize("payload", [
    {"id": 0, "email": "a@example.com"},
    {"id": -4, "email": "a@example.com"},
    {"id": 5, "email": "a@example.com", "addresses": [{"id": 0, "street": ["x"]}]},
])
def test_magento_ids_of_zero_or_below_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(MappingError) as info:
        Customer.from_api(payload)
    assert "ids are positive" in str(info.value)


def test_magento_control_characters_in_names_are_refused() -> None:
    with pytest.raises(MappingError) as info:
        Category.from_api({"id": 4, "name": "Bad\x00Name"})
    assert info.value.field == "$.name" and info.value.record == 4
