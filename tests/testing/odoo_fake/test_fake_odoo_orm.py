"""ORM behaviour over JSON-RPC: domains, x2many commands, ordering, write_date, read shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import aiohttp
import pytest
from odoo_rpc import Rpc

from magodoo.testing._server import serve
from magodoo.testing.fake_odoo import FakeOdoo


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 5, 17, 40, 123456)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1.5) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed(clock: Clock) -> AsyncIterator[Rpc]:
    fake = FakeOdoo(seed="demo", now=clock)
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        yield Rpc(url, session, fake)


async def _ids(odoo: Rpc, model: str, domain: list[object], **kw: object) -> list[int]:
    result: list[int] = await odoo(model, "search", domain, **kw)
    return result


async def test_domain_operators(odoo: Rpc) -> None:
    assert await _ids(odoo, "res.country", [["code", "=", "US"]]) == [233]
    assert await _ids(odoo, "res.country", [["code", "=", "us"]]) == []
    assert await _ids(odoo, "res.country", [["code", "=ilike", "us"]]) == [233]
    united = await _ids(odoo, "res.country", [["name", "ilike", "unit"]], order="id")
    assert united == [2, 231, 233]  # United Arab Emirates, United Kingdom, United States
    no_a = await _ids(odoo, "res.country", [["name", "not ilike", "a"]])
    assert 65 in no_a and 233 not in no_a  # "Egypt" has no "a", "United States" has one
    assert await _ids(odoo, "res.country", [["code", "=like", "U_"]], order="id") == [
        229, 230, 232, 233, 234, 235]  # UA UG UM US UY UZ
    assert await _ids(odoo, "res.country", [["code", "in", ["IT", "ES"]]], order="id") == [68, 109]
    assert 233 not in await _ids(odoo, "res.country", [["code", "not in", ["US"]]])
    assert await _ids(odoo, "res.country.state",
                      [["country_id.code", "=", "US"], ["code", "=", "CA"]]) == [13]
    both = await _ids(odoo, "res.country", ["|", ["code", "=", "IT"], ["code", "=", "ES"]])
    assert sorted(both) == [68, 109]
    assert 233 not in await _ids(odoo, "res.country", ["!", ["code", "=", "US"]])
    # False comparisons, numbers, many2one by name
    orphans = await _ids(odoo, "res.partner",
                         [["parent_id", "=", False], ["is_company", "=", True]])
    assert 10 in orphans and 19 not in orphans
    assert 19 in await _ids(odoo, "res.partner", [["parent_id", "!=", False]])
    assert await _ids(odoo, "res.partner", [["parent_id", "=", "Deco Addict"]], order="id") == [
        19, 20, 36]
    big = await _ids(odoo, "sale.order.line", [["price_unit", ">=", 1000]])
    assert all(odoo.fake.table("sale.order.line")[i]["price_unit"] >= 1000 for i in big)


async def test_child_of_and_parent_of(odoo: Rpc) -> None:
    desks = await _ids(odoo, "product.public.category", [["id", "child_of", 1]])
    assert 1 in desks and set(desks) >= {10, 11, 12, 13, 14, 15}
    assert await _ids(odoo, "product.public.category", [["id", "parent_of", 10]], order="id") == [
        1, 10]
    kids = await _ids(odoo, "res.partner", [["parent_id", "child_of", 12]])
    assert 22 in kids and 12 not in kids


async def test_active_test_and_order_and_paging(odoo: Rpc) -> None:
    assert 2 not in await _ids(odoo, "res.partner", [])  # OdooBot is archived
    assert 2 in await _ids(odoo, "res.partner", [], context={"active_test": False})
    assert 2 in await _ids(odoo, "res.partner", [["active", "in", [True, False]]])
    page = await odoo("sale.order", "search_read", [], fields=["name"], order="id desc", limit=2,
                      offset=1)
    assert [r["id"] for r in page] == [10, 9]
    assert await odoo("sale.order", "search_count", []) == 11


async def test_read_shapes(odoo: Rpc) -> None:
    (row,) = await odoo("sale.order", "read", [2], ["partner_id", "order_line", "date_order",
                                                     "amount_total", "carrier_id"])
    assert row["partner_id"] == [12, "Ready Mat"]
    assert row["order_line"] == [4, 5]
    assert row["date_order"] == "2026-10-27 04:56:00"
    assert row["carrier_id"] is False
    assert row["amount_total"] == 2947.5
    assert await odoo("res.partner", "read", [999999], ["name"]) == []
    (state,) = await odoo("res.country.state", "read", [13], ["display_name"])
    assert state["display_name"] == "California (US)"
    groups = await odoo("sale.order", "read_group", [], ["amount_total:sum"], ["state"])
    assert sum(g["state_count"] for g in groups) == 11
    assert {g["state"] for g in groups} >= {"draft"}
    fields = await odoo("res.partner", "fields_get", ["type"], attributes=["type", "selection"])
    assert fields["type"]["type"] == "selection"
    assert await odoo("res.partner", "name_search", "Deco", limit=1) == [[10, "Deco Addict"]]


async def test_x2many_commands(odoo: Rpc) -> None:
    pid = await odoo("res.partner", "create", {"name": "Cmd Co", "is_company": True, "child_ids": [
        [0, 0, {"type": "invoice", "name": "Billing"}],
        [0, 0, {"type": "delivery", "name": "Dock"}],
    ]})
    (row,) = await odoo("res.partner", "read", [pid], ["child_ids"])
    billing, dock = row["child_ids"]
    await odoo("res.partner", "write", [pid], {"child_ids": [[1, dock, {"city": "Oakland"}]]})
    assert odoo.fake.table("res.partner")[dock]["city"] == "Oakland"
    await odoo("res.partner", "write", [pid], {"child_ids": [[3, billing]]})
    assert not odoo.fake.table("res.partner")[billing]["parent_id"]
    await odoo("res.partner", "write", [pid], {"child_ids": [[4, billing]]})
    await odoo("res.partner", "write", [pid], {"child_ids": [[2, dock]]})
    assert dock not in odoo.fake.table("res.partner")
    await odoo("res.partner", "write", [pid], {"child_ids": [[5]]})
    assert not odoo.fake.table("res.partner")[billing]["parent_id"]
    await odoo("res.partner", "write", [pid], {"child_ids": [[6, 0, [billing]]]})
    (row,) = await odoo("res.partner", "read", [pid], ["child_ids"])
    assert row["child_ids"] == [billing]
    # many2many: Command tuples and a plain id list
    tmpl = await odoo("product.template", "create", {"name": "Taxed", "taxes_id": [[6, 0, [1]]]})
    await odoo("product.template", "write", [tmpl], {"taxes_id": [[4, 2]]})
    assert odoo.fake.table("product.template")[tmpl]["taxes_id"] == [1, 2]
    await odoo("product.template", "write", [tmpl], {"taxes_id": [[3, 1]]})
    assert odoo.fake.table("product.template")[tmpl]["taxes_id"] == [2]
    await odoo("product.template", "write", [tmpl], {"taxes_id": [[5, 0, 0]]})
    assert odoo.fake.table("product.template")[tmpl]["taxes_id"] == []
    await odoo("product.template", "write", [tmpl], {"taxes_id": [1]})
    assert odoo.fake.table("product.template")[tmpl]["taxes_id"] == [1]


async def test_create_batch_returns_list_and_single_returns_int(odoo: Rpc) -> None:
    assert isinstance(await odoo("res.partner", "create", {"name": "One"}), int)
    ids = await odoo("res.partner", "create", [{"name": "A"}, {"name": "B"}])
    assert isinstance(ids, list) and len(ids) == 2


async def test_write_dates(timed: Rpc, clock: Clock) -> None:
    odoo = timed

    async def stamp(model: str, rid: int) -> str:
        (row,) = await odoo(model, "read", [rid], ["write_date"])
        value: str = row["write_date"]
        return value

    ids = await odoo("res.partner", "create", [{"name": f"TS {i}"} for i in range(3)])
    rows = await odoo("res.partner", "read", ids, ["write_date", "create_date"])
    assert {r["write_date"] for r in rows} == {"2026-11-27 05:17:40"}
    assert {r["create_date"] for r in rows} == {"2026-11-27 05:17:40"}
    # stored with microseconds: '>' its own displayed value still finds it
    assert await odoo("res.partner", "search",
                      [["id", "=", ids[0]], ["write_date", ">", "2026-11-27 05:17:40"]]) == [ids[0]]
    for text in ("2026-01-01T00:00:00", "2026-01-01T00:00:00Z", "2026-01-01",
                 "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00+00:00"):
        assert ids[0] in await odoo("res.partner", "search", [["write_date", ">", text]])
    so = await odoo("sale.order", "create", {"partner_id": 10, "order_line": [
        [0, 0, {"product_id": 44, "product_uom_qty": 1, "price_unit": 100.0}]]})
    (line,) = [r["id"] for r in odoo.fake.table("sale.order.line").values()
               if r["order_id"] == so]
    before = await stamp("sale.order", so)
    clock.tick()
    await odoo("sale.order.line", "write", [line], {"name": "renamed"})
    assert await stamp("sale.order", so) == before
    clock.tick()
    await odoo("sale.order.line", "write", [line], {"price_unit": 90.0})
    changed = await stamp("sale.order", so)
    assert changed > before
    clock.tick()
    await odoo("sale.order", "write", [so], {"order_line": [[1, line, {"name": "via parent"}]]})
    assert await stamp("sale.order", so) > changed
    # partner children
    parent = await odoo("res.partner", "create", {"name": "P", "is_company": True, "child_ids": [
        [0, 0, {"type": "delivery", "name": "D"}]]})
    child = max(odoo.fake.table("res.partner"))
    parent_stamp = await stamp("res.partner", parent)
    clock.tick()
    await odoo("res.partner", "write", [child], {"street": "x"})
    await odoo("res.partner", "create", {"parent_id": parent, "type": "other", "name": "New"})
    assert await stamp("res.partner", parent) == parent_stamp
    clock.tick()
    await odoo("res.partner", "write", [parent], {"vat": "US123"})
    assert await stamp("res.partner", child) > parent_stamp
    assert odoo.fake.table("res.partner")[child]["vat"] == "US123"


async def test_partner_delete_takes_draft_orders(odoo: Rpc) -> None:
    so = await odoo("sale.order", "create", {"partner_id": 10, "partner_shipping_id": 19})
    await odoo("res.partner", "unlink", [19])
    assert so not in odoo.fake.table("sale.order")


async def test_unlink_confirmed_order_and_missing_ids(odoo: Rpc) -> None:
    so = await odoo("sale.order", "create", {"partner_id": 10, "order_line": [
        [0, 0, {"product_id": 44, "product_uom_qty": 1}]]})
    assert await odoo("sale.order", "action_confirm", [so]) is True
    error = await odoo.error("sale.order", "unlink", [so])
    assert error["name"] == "odoo.exceptions.UserError"
    error = await odoo.error("sale.order", "write", [so, 999999], {"note": "x"})
    assert error["message"].endswith("(Record: sale.order(999999,), User: 2)")


async def test_partner_names(odoo: Rpc) -> None:
    pid = await odoo("res.partner", "create", {"name": "Co", "is_company": True, "child_ids": [
        [0, 0, {"type": "delivery", "street": "1 Dock"}]]})
    (row,) = await odoo("res.partner", "read", [pid], ["child_ids", "display_name",
                                                       "company_type"])
    assert (row["display_name"], row["company_type"]) == ("Co", "company")
    (child,) = await odoo("res.partner", "read", row["child_ids"], ["display_name",
                                                                     "commercial_partner_id"])
    assert child["display_name"] == "Co, Delivery Address"
    assert child["commercial_partner_id"] == [pid, "Co"]
    addresses = await odoo("res.partner", "address_get", [pid], ["invoice", "delivery"])
    assert addresses == {"invoice": pid, "delivery": row["child_ids"][0], "contact": pid}
    error = await odoo.error("res.partner", "write", [pid], {"parent_id": row["child_ids"][0]})
    assert error["message"] == "You cannot create recursive Partner hierarchies."
