"""The fake Magento's shortcuts for large sales tables answer exactly as the plain scans."""

from __future__ import annotations

import pytest

from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento.sales_order_api import ORDER_KEY
from magodoo.testing._magento.search import (
    Filter,
    KeyIndex,
    SearchCriteria,
    SortOrder,
    search,
)
from magodoo.testing.fake_magento import FakeMagento


@pytest.fixture(scope="module")
def magento() -> FakeMagento:
    return FakeMagento(seed="demo", size="small")


@pytest.mark.parametrize("groups", [
    [[Filter("entity_id", "3", "gt")]],
    [[Filter("entity_id", "3", "gteq")]],
    [[Filter("entity_id", "3.5", "gt")], [Filter("status", "pending", "neq")]],
    [[Filter("entity_id", "x", "gt")]],
    [[Filter("entity_id", "3", "gt"), Filter("increment_id", "000000001", "eq")]],
    [[Filter("entity_id", "2", "gt")], [Filter("entity_id", "6", "lt")]],
    [[Filter("entity_id", "9999", "gt")]],
])
def test_the_order_key_index_changes_nothing(magento: FakeMagento,
                                          groups: list[list[Filter]]) -> None:
    table = magento.state.table(so.ORDERS)
    rows = table.values()
    index = KeyIndex(table.rows, ORDER_KEY)
    for sort in (None, [SortOrder("entity_id", "ASC")], [SortOrder("created_at", "DESC")]):
        for size, page in ((None, None), (2, 1), (2, 2), (50, 1)):
            criteria = SearchCriteria(groups, sort, size, page)
            assert search(rows, criteria, past_end="empty", index=index) == \
                search(rows, criteria, past_end="empty")


def test_item_and_history_lookups_follow_new_rows(magento: FakeMagento) -> None:
    table = magento.state.table(so.ITEMS)
    (order,) = list(magento.state.table(so.ORDERS).values())[:1]
    before = so.order_items(magento.state, order)
    assert before == [i for i in table.values() if i["order_id"] == order["entity_id"]]
    extra = {**before[0], "item_id": max(table.rows) + 1}
    table.rows[extra["item_id"]] = extra
    assert so.order_items(magento.state, order) == [*before, extra]
    table.remove(extra["item_id"])
    assert so.order_items(magento.state, order) == before
