"""The exact ``searchCriteria`` encoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from magodoo.exceptions import ConfigurationError
from magodoo.magento import Condition, Filter, SearchCriteria

P = "searchCriteria"


def test_empty_criteria_still_sends_search_criteria() -> None:
    assert SearchCriteria().to_params() == [(f"{P}[currentPage]", "1")]


def test_and_groups_or_filters_sort_and_page() -> None:
    criteria = (
        SearchCriteria()
        .where("updated_at", "2026-11-27 05:29:23", "gteq")
        .where_any(Filter("email", "a@x.com"), Filter("email", "b@x.com", "like"))
        .order_by("updated_at")
        .order_by("entity_id", "desc")
        .page(50, 3)
    )
    assert criteria.to_params() == [
        (f"{P}[filter_groups][0][filters][0][field]", "updated_at"),
        (f"{P}[filter_groups][0][filters][0][value]", "2026-11-27 05:29:23"),
        (f"{P}[filter_groups][0][filters][0][condition_type]", "gteq"),
        (f"{P}[filter_groups][1][filters][0][field]", "email"),
        (f"{P}[filter_groups][1][filters][0][value]", "a@x.com"),
        (f"{P}[filter_groups][1][filters][0][condition_type]", "eq"),
        (f"{P}[filter_groups][1][filters][1][field]", "email"),
        (f"{P}[filter_groups][1][filters][1][value]", "b@x.com"),
        (f"{P}[filter_groups][1][filters][1][condition_type]", "like"),
        (f"{P}[sortOrders][0][field]", "updated_at"),
        (f"{P}[sortOrders][0][direction]", "ASC"),
        (f"{P}[sortOrders][1][field]", "entity_id"),
        (f"{P}[sortOrders][1][direction]", "DESC"),
        (f"{P}[pageSize]", "50"),
        (f"{P}[currentPage]", "3"),
    ]


def test_builder_is_immutable() -> None:
    base = SearchCriteria().where("a", 1)
    more = base.where("b", 2)
    assert len(base.filter_groups) == 1 and len(more.filter_groups) == 2
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        base.page_size = 3  # type: ignore[misc]


def test_in_and_nin_take_lists() -> None:
    params = dict(SearchCriteria().where("entity_id", [1, 2, 3], "in")
                  .where("sku", ("A", "B"), Condition.NIN).to_params())
    assert params[f"{P}[filter_groups][0][filters][0][value]"] == "1,2,3"
    assert params[f"{P}[filter_groups][1][filters][0][value]"] == "A,B"
    assert params[f"{P}[filter_groups][1][filters][0][condition_type]"] == "nin"
    with pytest.raises(ConfigurationError):
        SearchCriteria().where("sku", ["A", "B"], "eq")


def test_values_are_encoded() -> None:
    paris = timezone(timedelta(hours=1))
    params = dict(
        SearchCriteria()
        .where("updated_at", datetime(2026, 11, 27, 6, 0, tzinfo=paris), "gt")
        .where("is_active", True)
        .where("price", 12.5, "lteq")
        .where("email", None, "notnull")
        .to_params()
    )
    assert params[f"{P}[filter_groups][0][filters][0][value]"] == "2026-11-27 05:00:00"
    assert params[f"{P}[filter_groups][1][filters][0][value]"] == "1"
    assert params[f"{P}[filter_groups][2][filters][0][value]"] == "12.5"
    assert params[f"{P}[filter_groups][3][filters][0][value]"] == ""
    assert params[f"{P}[filter_groups][3][filters][0][condition_type]"] == "notnull"
    assert datetime(2026, 1, 1, tzinfo=UTC)  # UTC import used for the aware case


def test_every_condition_type_is_known() -> None:
    assert {c.value for c in Condition} == {
        "eq", "neq", "gt", "gteq", "lt", "lteq", "moreq", "from", "to", "like", "nlike", "in",
        "nin", "null", "notnull", "finset", "nfinset"}
    for condition in Condition:
        SearchCriteria().where("f", "v", condition.value)
    with pytest.raises(ConfigurationError):
        SearchCriteria().where("f", "v", "contains")


def test_bad_arguments() -> None:
    with pytest.raises(ConfigurationError):
        SearchCriteria().order_by("x", "UP")
    with pytest.raises(ConfigurationError):
        SearchCriteria().page(0)
    with pytest.raises(ConfigurationError):
        SearchCriteria().where_any()
    with pytest.raises(ConfigurationError):
        Filter("", "x")
