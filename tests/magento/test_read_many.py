"""``ApiModel.read_many`` (what paging reads pages with) gives what ``from_api`` gives, record
by record, on both reading paths: the same records, the same failures, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from magodoo._converter import set_fast_path
from magodoo.exceptions import MappingError
from magodoo.magento import Customer, Product
from magodoo.magento.models_common import read_items

CUSTOMERS: list[Any] = [
    {"id": 1, "email": "a@example.com", "firstname": "A", "lastname": "B",
     "addresses": [{"id": 3, "street": ["1 Main St"], "city": "Austin", "country_id": "US"}],
     "extension_attributes": {"is_subscribed": False}},
    {"id": 2, "email": "b@example.com", "group_id": {"id": 1}},  # a wrong type
    {"id": 3, "email": "c@example.com", "addresses": [{"id": 0, "city": "Paris"}]},  # bad id
    "not an object",
    {"id": "4", "email": "d@example.com", "created_at": "2024-05-01 10:00:00",
     "store_id": "1", "unknown_key": [1, 2]},  # read on the detailed path after all
    {"id": 5, "email": "e\x00@example.com"},  # a control character
    {"id": 6, "email": "f@example.com"},
]

PRODUCTS: list[Any] = [
    {"sku": "A", "price": 10.5, "custom_attributes": [
        {"attribute_code": "color", "value": "5"},
        {"attribute_code": "category_ids", "value": ["3", None]}]},
    {"sku": "B", "price": "nan"},
    {"sku": "C", "custom_attributes": [{"attribute_code": "color", "value": "5"}]},
]


@pytest.fixture(params=[True, False], ids=["fast", "detailed"])
def path(request: pytest.FixtureRequest) -> Iterator[bool]:
    set_fast_path(request.param)
    try:
        yield request.param
    finally:
        set_fast_path(True)


def _one_by_one(model: Any, payloads: list[Any]) -> tuple[list[Any], list[str]]:
    records: list[Any] = []
    errors: list[str] = []
    for payload in payloads:
        try:
            records.append(model.from_api(payload))
        except MappingError as exc:
            errors.append(str(exc))
    return records, errors


@pytest.mark.parametrize(("model", "payloads"), [(Customer, CUSTOMERS), (Product, PRODUCTS)])
def test_read_many_matches_from_api(path: bool, model: Any, payloads: list[Any]) -> None:
    records, failures = model.read_many(payloads)
    expected, errors = _one_by_one(model, payloads)
    assert records == expected
    assert [type(r) for r in records] == [model] * len(expected)
    assert [str(f) for f in failures] == errors
    again, failed = read_items(model, payloads)
    assert again == records and [str(f) for f in failed] == errors


def test_read_many_names_each_bad_record() -> None:
    records, failures = Customer.read_many(CUSTOMERS)
    assert [c.id for c in records] == [1, 4, 6]
    assert [(f.record, f.field) for f in failures] == [
        (2, "$.group_id"), (3, "$.addresses[0].id"), (None, None), (5, "$.email")]


def test_ids_are_checked_where_a_model_with_ids_can_be() -> None:
    # only the lists whose items forbid a non-positive id are walked: a customer's addresses,
    # not its custom attributes nor an address's street
    from magodoo.magento._base import _may_hold_lists
    from magodoo.magento.models import Category, CustomerAddress

    assert _may_hold_lists(Customer) == ("addresses",)
    assert _may_hold_lists(CustomerAddress) == ()
    assert _may_hold_lists(Category) == ()
    payload = {"id": 7, "custom_attributes": [{"attribute_code": "id", "value": "0"}],
               "addresses": [{"id": 1, "street": ["0"]}, {"id": 0}]}
    with pytest.raises(MappingError) as caught:
        Customer.from_api(payload)
    assert (caught.value.record, caught.value.field) == (7, "$.addresses[1].id")
    records, failures = Customer.read_many([payload])
    assert records == [] and [f.field for f in failures] == ["$.addresses[1].id"]
