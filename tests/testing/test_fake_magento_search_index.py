"""The fake Magento's search indexes (the primary key of orders and products, the SKU of source
items) answer exactly what a pass over every row answers: same items, same order, same
total_count, same page past the end."""

from __future__ import annotations

import copy
from typing import Any

import aiohttp
import pytest

from magodoo.testing._magento.search import (
    Filter,
    KeyIndex,
    SearchCriteria,
    SortOrder,
    search,
)
from magodoo.testing._magento.state import SourceItems
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

KEY = frozenset({"entity_id"})
ROWS = {k: {"entity_id": k, "status": "pending" if k % 3 else "complete",
            "grand_total": float(k % 7)} for k in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89)}


def F(field: str, value: str | None, ctype: str = "eq") -> Filter:
    return Filter(field, value, ctype)


CASES: list[tuple[list[list[Filter]], list[SortOrder] | None]] = [
    ([], None),
    ([], [SortOrder("entity_id", "ASC")]),
    ([], [SortOrder("entity_id", "DESC")]),
    ([[F("entity_id", "5", "gt")]], [SortOrder("entity_id", "ASC")]),
    ([[F("entity_id", "5", "gteq")]], [SortOrder("entity_id", "DESC")]),
    ([[F("entity_id", "21", "lt")], [F("entity_id", "2", "moreq")]], None),
    ([[F("entity_id", "21", "lteq")], [F("entity_id", "2", "from")]],
     [SortOrder("entity_id", "ASC")]),
    ([[F("entity_id", "34", "to")]], None),
    ([[F("entity_id", "13,2,4,89", "in")]], None),
    ([[F("entity_id", "13, 2.0 ,abc", "in")]], [SortOrder("entity_id", "DESC")]),
    ([[F("entity_id", "", "in")]], None),
    ([[F("entity_id", "8")]], None),
    ([[F("entity_id", "8.5")]], None),
    ([[F("entity_id", "abc")]], None),
    ([[F("entity_id", "abc", "gt")]], None),
    ([[F("entity_id", "5", "gt")], [F("status", "pending")]], [SortOrder("entity_id", "ASC")]),
    ([[F("entity_id", "5", "gt"), F("status", "complete")]], None),  # an OR: not narrowed
    ([[F("entity_id", "5", "gt")]], [SortOrder("grand_total", "DESC")]),
    ([[F("entity_id", "5", "neq")]], None),
    ([[F("entity_id", "5", "nonsense")]], None),  # applied as eq by Magento
    ([[F("entity_id", "5", "gt")]], [SortOrder("entity_id", "ASC"), SortOrder("status")]),
    ([[F("entity_id", "1e1", "gt")]], [SortOrder("entity_id", "ASC")]),
]


@pytest.mark.parametrize(("groups", "sort"), CASES, ids=[repr(c) for c in CASES])
@pytest.mark.parametrize(("size", "page"), [(None, None), (3, 1), (3, 2), (4, 9), (0, 1)])
@pytest.mark.parametrize("past_end", ["repeat", "empty"])
def test_key_index_answers_as_the_scan(groups: list[list[Filter]],
                                       sort: list[SortOrder] | None, size: int | None,
                                       page: int | None, past_end: Any) -> None:
    criteria = SearchCriteria(groups, sort, size, page)
    rows = copy.deepcopy(ROWS)
    plain = search(list(rows.values()), criteria, past_end=past_end)
    indexed = search(list(rows.values()), criteria, past_end=past_end,
                     index=KeyIndex(rows, KEY))
    assert indexed == plain


def test_rows_out_of_key_order_are_scanned() -> None:
    rows = {k: ROWS[k] for k in (8, 1, 3)}
    criteria = SearchCriteria([[F("entity_id", "1", "gt")]])
    out = search(list(rows.values()), criteria, index=KeyIndex(rows, KEY))
    assert [r["entity_id"] for r in out["items"]] == [8, 3]


def _item(sku: str, source: str, qty: float) -> dict[str, Any]:
    return {"sku": sku, "source_code": source, "quantity": qty, "status": 1}


def test_source_items_keep_the_keys_of_each_sku_in_order() -> None:
    items = SourceItems()
    items[("A-1", "default")] = _item("A-1", "default", 1)
    items[("b-2", "default")] = _item("b-2", "default", 2)
    items[("A-1", "paris")] = _item("A-1", "paris", 3)
    items.update({("C", "default"): _item("C", "default", 4)})
    assert items.keys_of(["a-1", "B-2"]) == [("A-1", "default"), ("b-2", "default"),
                                             ("A-1", "paris")]
    items[("A-1", "default")] = _item("A-1", "default", 9)  # a rewrite keeps its place
    assert items.keys_of(["A-1"]) == [("A-1", "default"), ("A-1", "paris")]
    del items[("A-1", "default")]
    items[("A-1", "default")] = _item("A-1", "default", 1)  # back in, at the end
    assert items.keys_of(["A-1"]) == [("A-1", "paris"), ("A-1", "default")]
    assert items.pop(("b-2", "default"))["quantity"] == 2
    assert items.pop(("b-2", "default"), None) is None
    assert items.keys_of(["b-2"]) == []
    items.setdefault(("D", "default"), _item("D", "default", 5))
    assert items.keys_of(["d"]) == [("D", "default")]
    copied = copy.deepcopy(items)
    assert copied == items and copied.keys_of(["a-1"]) == items.keys_of(["a-1"])
    items.clear()
    assert items.keys_of(["a-1", "c", "d"]) == [] and not items


@pytest.mark.parametrize("query", [
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=ms00001,MS00002,nope"
    "&{g}[0][filters][0][condition_type]=in",
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=ms00003",
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=ms00001,ms00004"
    "&{g}[0][filters][0][condition_type]=in&{g}[1][filters][0][field]=quantity"
    "&{g}[1][filters][0][value]=0&{g}[1][filters][0][condition_type]=gt",
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=1,MS00001"
    "&{g}[0][filters][0][condition_type]=in",  # a number among them: every row tested
    "[0][filters][0][field]=source_code&{g}[0][filters][0][value]=default",
])
async def test_source_items_by_sku_answer_as_the_scan(magento_session: aiohttp.ClientSession,
                                                      query: str) -> None:
    fake = FakeMagento(seed="demo")
    assert isinstance(fake.state.source_items, SourceItems)
    g = "searchCriteria[filter_groups]"
    url = "/rest/V1/inventory/source-items?" + g + query.format(g=g) \
        + "&searchCriteria[pageSize]=3"
    headers = {"Authorization": f"Bearer {fake.admin_token()}"}
    answers = []
    for items in (fake.state.source_items, dict(fake.state.source_items)):
        fake.state.source_items = items  # the SKU index, then a plain dict: every row tested
        async with serve(fake.app) as base, magento_session.get(base + url,
                                                                headers=headers) as r:
            assert r.status == 200
            answers.append(await r.json())
    assert answers[0] == answers[1] and answers[0]["total_count"] > 0


@pytest.mark.parametrize("query", [
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=ms00001,Ms00002,nope"
    "&{g}[0][filters][0][condition_type]=in",
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=MS00003",
    "[0][filters][0][field]=sku&{g}[0][filters][0][value]=ms00001,ms00004"
    "&{g}[0][filters][0][condition_type]=in&{g}[1][filters][0][field]=type_id"
    "&{g}[1][filters][0][value]=simple",
    "[0][filters][0][field]=entity_id&{g}[0][filters][0][value]=3"
    "&{g}[0][filters][0][condition_type]=gt&searchCriteria[sortOrders][0][field]=entity_id"
    "&searchCriteria[sortOrders][0][direction]=DESC",
    "[0][filters][0][field]=entity_id&{g}[0][filters][0][value]=2,5,7"
    "&{g}[0][filters][0][condition_type]=in",
])
async def test_products_by_sku_and_key_answer_as_the_scan(
        magento_session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch,
        query: str) -> None:
    from magodoo.testing._magento import products
    from magodoo.testing._magento import search as search_module

    fake = FakeMagento(seed="demo")
    g = "searchCriteria[filter_groups]"
    url = "/rest/V1/products?" + g + query.format(g=g) + "&searchCriteria[pageSize]=4"
    headers = {"Authorization": f"Bearer {fake.admin_token()}"}
    answers = []
    async with serve(fake.app) as base:
        for indexed in (True, False):
            if not indexed:  # every row tested, as before the indexes
                monkeypatch.setattr(products, "_ids_by_sku", lambda *_: None)
                monkeypatch.setattr(search_module, "_by_key", lambda *_: None)
            async with magento_session.get(base + url, headers=headers) as r:
                assert r.status == 200
                answers.append(await r.json())
    assert answers[0] == answers[1] and answers[0]["total_count"] > 0
