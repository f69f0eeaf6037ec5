"""searchCriteria parsing and evaluation, ``?fields=`` projection, body conversion (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from multidict import MultiDict, MultiDictProxy

from magodoo.testing._magento import errors, fields, schema
from magodoo.testing._magento.search import Filter, matches, parse_criteria, search

ROWS: list[dict[str, Any]] = [
    {"id": 1, "sku": "RED-1", "price": 10, "color": "4", "multi": "1,2", "note": None},
    {"id": 2, "sku": "blue-2", "price": 20.5, "color": "5", "multi": "2,3", "note": "x"},
    {"id": 3, "sku": "RED-3", "price": 30, "color": None, "multi": None, "note": "y"},
]


def q(**pairs: str) -> MultiDictProxy[str]:
    return MultiDictProxy(MultiDict(pairs))


def crit(*filters: tuple[str, str | None, str], page: int | None = None) -> Any:
    params: dict[str, str] = {}
    for i, (field, value, ctype) in enumerate(filters):
        params[f"searchCriteria[filter_groups][{i}][filters][0][field]"] = field
        if value is not None:
            params[f"searchCriteria[filter_groups][{i}][filters][0][value]"] = value
        params[f"searchCriteria[filter_groups][{i}][filters][0][condition_type]"] = ctype
    if page is not None:
        params["searchCriteria[pageSize]"] = str(page)
    return parse_criteria(q(**params))


@pytest.mark.parametrize(
    ("field", "value", "ctype", "ids"),
    [
        ("sku", "red-1", "eq", [1]),
        ("sku", "RED-1", "neq", [2, 3]),
        ("price", "20", "gt", [2, 3]),
        ("price", "20.5", "gteq", [2, 3]),
        ("price", "20.5", "moreq", [2, 3]),
        ("price", "20.5", "lt", [1]),
        ("price", "20.5", "lteq", [1, 2]),
        ("price", "20", "from", [2, 3]),
        ("price", "20.5", "to", [1, 2]),
        ("sku", "red%", "like", [1, 3]),
        ("sku", "%-_", "like", [1, 2, 3]),
        ("sku", "red%", "nlike", [2]),
        ("color", "4,5", "in", [1, 2]),
        ("color", "4", "nin", [2]),
        ("note", None, "null", [1]),
        ("note", None, "notnull", [2, 3]),
        ("multi", "2", "finset", [1, 2]),
        ("multi", "1", "nfinset", [2]),
    ],
)
def test_condition_types(field: str, value: str | None, ctype: str, ids: list[int]) -> None:
    result = search(ROWS, crit((field, value, ctype)))
    assert [r["id"] for r in result["items"]] == ids
    assert result["total_count"] == len(ids)


def test_groups_are_anded_filters_ored() -> None:
    params = {
        "searchCriteria[filterGroups][0][filters][0][field]": "sku",
        "searchCriteria[filterGroups][0][filters][0][value]": "RED-1",
        "searchCriteria[filterGroups][0][filters][1][field]": "sku",
        "searchCriteria[filterGroups][0][filters][1][value]": "RED-3",
        "searchCriteria[filterGroups][1][filters][0][field]": "price",
        "searchCriteria[filterGroups][1][filters][0][value]": "15",
        "searchCriteria[filterGroups][1][filters][0][conditionType]": "gt",
    }
    result = search(ROWS, parse_criteria(q(**params)))
    assert [r["id"] for r in result["items"]] == [3]
    assert result["search_criteria"]["filter_groups"][0]["filters"][1] == {
        "field": "sku",
        "value": "RED-3",
        "condition_type": "eq",
    }


def test_sort_and_pages() -> None:
    params = {
        "searchCriteria[sortOrders][0][field]": "price",
        "searchCriteria[sortOrders][0][direction]": "desc",
        "searchCriteria[pageSize]": "2",
        "searchCriteria[currentPage]": "2",
    }
    criteria = parse_criteria(q(**params))
    assert [r["id"] for r in search(ROWS, criteria)["items"]] == [1]
    past = parse_criteria(q(**{**params, "searchCriteria[currentPage]": "9"}))
    assert [r["id"] for r in search(ROWS, past, past_end="repeat")["items"]] == [1]
    assert search(ROWS, past, past_end="empty")["items"] == []
    assert search(ROWS, past, past_end="empty")["total_count"] == 3
    assert search(ROWS, criteria)["search_criteria"] == {
        "filter_groups": [],
        "sort_orders": [{"field": "price", "direction": "DESC"}],
        "page_size": 2,
        "current_page": 2,
    }


def test_missing_and_bad_criteria() -> None:
    with pytest.raises(errors.MagentoError) as exc:
        parse_criteria(q())
    assert exc.value.body() == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "searchCriteria"},
    }
    with pytest.raises(errors.MagentoError) as exc:
        parse_criteria(q(**{"searchCriteria[pageSize]": "ten"}))
    assert exc.value.message == (
        'Error occurred during "pageSize" processing. The "ten" value\'s type is invalid. '
        'The "int" type was expected. Verify and try again.'
    )
    with pytest.raises(errors.MagentoError) as exc:
        parse_criteria(q(**{"searchCriteria[page]": "1"}))
    assert exc.value.parameters == {"fieldName": "Page"}
    # an unknown condition_type is no error: a real 2.4.6 applies it as eq (issue 20)
    assert [r["id"] for r in search(ROWS, crit(("sku", "red-1", "almost")))["items"]] == [1]


def test_unknown_filter_field_error_is_the_route_s_choice() -> None:
    with pytest.raises(errors.MagentoError) as exc:
        search(
            ROWS,
            crit(("nope", "1", "eq")),
            fields=lambda f: f in ROWS[0],
            unknown_field=lambda f: errors.bad_request("Invalid attribute name: %1", [f]),
        )
    assert exc.value.parameters == ["nope"]


def test_list_columns_match_any() -> None:
    assert matches(["3", "7"], Filter("category_id", "7", "eq"))
    assert not matches(["3"], Filter("category_id", "7", "eq"))


def test_fields_projection() -> None:
    spec = fields.parse("items[sku,extension_attributes[website_ids]],total_count")
    data = {
        "items": [{"sku": "A", "id": 1, "extension_attributes": {"website_ids": [1], "x": 2}}],
        "total_count": 1,
        "search_criteria": {},
    }
    assert fields.project(data, spec) == {
        "items": [{"sku": "A", "extension_attributes": {"website_ids": [1]}}],
        "total_count": 1,
    }
    assert fields.project("plain", spec) == "plain"


def test_body_conversion_as_php() -> None:
    body = {
        "product": {
            "sku": 12,
            "price": "19.5",
            "status": "1",
            "extension_attributes": {"website_ids": ["1"], "stock_item": {"is_in_stock": "0"}},
            "custom_attributes": [{"attribute_code": "color", "value": ["4", "5"]}],
        },
        "unknown_top_level": "ignored",
    }
    out = schema.validate_body("POST", "/V1/products", body)
    assert out == {
        "product": {
            "sku": "12",
            "price": 19.5,
            "status": 1,
            "extension_attributes": {"website_ids": [1], "stock_item": {"is_in_stock": False}},
            "custom_attributes": [{"attribute_code": "color", "value": ["4", "5"]}],
        }
    }


@pytest.mark.parametrize(
    ("product", "message", "parameters"),
    [
        (
            {"sku": "A", "extension_attributes": {"stock_item": {"qty": "lots"}}},
            'Error occurred during "extension_attributes" processing. Error occurred during '
            '"stock_item" processing. Error occurred during "qty" processing. The "lots" '
            'value\'s type is invalid. The "float" type was expected. Verify and try again.',
            None,
        ),
        (
            {"sku": "A", "extension_attributes": {"website_ids": 1}},
            'Error occurred during "extension_attributes" processing. Error occurred during '
            '"website_ids" processing. The "integer" value\'s type is invalid. The "int[]" type '
            "was expected. Verify and try again.",
            None,
        ),
        (
            {"sku": "A", "extension_attributes": {"color_thing": 1}},
            '"%fieldName" is not supported. Correct the field name and try again.',
            {"fieldName": "ColorThing"},
        ),
        (
            {"sku": "A", "custom_attributes": [{"value": "x"}]},
            'Error occurred during "custom_attributes" processing. A custom attribute is '
            "specified with a missing attribute code. Verify the code and try again.",
            None,
        ),
        (
            {"sku": "A", "name": "<script>alert(1)</script>"},
            '"%field_name" does not contains valid value.',
            {"field_name": "name"},
        ),
    ],
)
def test_body_refusals(product: dict[str, Any], message: str, parameters: Any) -> None:
    with pytest.raises(errors.MagentoError) as exc:
        schema.validate_body("POST", "/V1/products", {"product": product})
    assert exc.value.status == 400
    assert exc.value.message == message
    assert exc.value.parameters == parameters


def test_missing_required_parameters() -> None:
    with pytest.raises(errors.MagentoError) as exc:
        schema.validate_body("POST", "/V1/products/attribute-sets/attributes", {})
    body = exc.value.body()
    assert body["message"] == "One or more input exceptions have occurred."
    assert [e["parameters"]["fieldName"] for e in body["errors"]] == [
        "attributeSetId",
        "attributeGroupId",
        "attributeCode",
        "sortOrder",
    ]
