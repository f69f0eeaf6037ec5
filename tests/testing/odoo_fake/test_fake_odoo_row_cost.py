"""The fake Odoo's opt-in server cost: ``faults.row_cost`` seconds slept per row written.

Behaviour only: the sleep is replaced by a recorder of the requested seconds (no clock)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from odoo_rpc import Rpc

from magodoo.testing._odoo.faults import Faults, rows_written
from magodoo.testing._server import serve
from magodoo.testing.fake_odoo import FakeOdoo

COST = 0.007


class Slept:
    """Stands in for ``asyncio.sleep``: keeps the seconds asked for, waits for nothing."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def slept(fake_odoo: FakeOdoo) -> Slept:
    recorder = Slept()
    fake_odoo.faults.sleep = recorder
    return recorder


def _partner(n: int, children: int = 2) -> dict[str, Any]:
    return {"name": f"Row cost {n}", "email": f"row.cost.{n}@example.com",
            "child_ids": [[0, 0, {"type": "invoice" if i == 0 else "delivery",
                                  "name": f"Address {n}.{i}"}] for i in range(children)]}


def _order(lines: int) -> dict[str, Any]:
    return {"partner_id": 10, "order_line": [
        [0, 0, {"product_id": 44, "product_uom_qty": 1, "price_unit": 10.0 + i}]
        for i in range(lines)]}


def test_off_by_default() -> None:
    assert Faults().row_cost == 0.0
    assert FakeOdoo(seed=None).faults.row_cost == 0.0


async def test_off_sleeps_nothing(odoo: Rpc, slept: Slept) -> None:
    await odoo("res.partner", "create", [_partner(n) for n in range(3)])
    await odoo("sale.order", "create", [_order(3)])
    assert slept.calls == []
    assert odoo.fake.faults.injected["rows"] == 0


async def test_a_create_of_n_rows_sleeps_n_times_the_cost(odoo: Rpc, slept: Slept) -> None:
    odoo.fake.faults.row_cost = COST
    ids = await odoo("res.partner", "create", [_partner(n) for n in range(50)])
    assert len(ids) == 50
    assert slept.calls == [pytest.approx(150 * COST)]  # each partner and its 2 addresses
    orders = await odoo("sale.order", "create", [_order(3), _order(1)])
    assert slept.calls[-1] == pytest.approx(6 * COST)
    (one,) = await odoo("res.partner", "create", [{"name": "Alone"}])
    assert slept.calls[-1] == pytest.approx(COST)
    assert odoo.fake.faults.injected["rows"] == 157
    assert len(orders) == 2 and one


async def test_writes_loads_and_confirmations_count_their_records(
    odoo: Rpc, slept: Slept
) -> None:
    orders = await odoo("sale.order", "create", [_order(1), _order(1), _order(1)])
    odoo.fake.faults.row_cost = COST
    await odoo("sale.order", "write", orders[:2], {"note": "x", "order_line": [
        [0, 0, {"product_id": 44, "product_uom_qty": 2, "price_unit": 5.0}]]})
    assert slept.calls == [pytest.approx(4 * COST)]  # two orders, a new line on each
    await odoo("sale.order", "action_confirm", orders)
    assert slept.calls[-1] == pytest.approx(3 * COST)
    rows = [[str(i), "2026-11-20 10:15:00"] for i in orders]
    result = await odoo("sale.order", "load", [".id", "date_order"], rows,
                        context={"tz": "UTC"})
    assert result["ids"] == orders
    assert slept.calls[-1] == pytest.approx(3 * COST)
    assert len(slept.calls) == 3


async def test_reads_and_other_methods_cost_nothing(odoo: Rpc, slept: Slept) -> None:
    odoo.fake.faults.row_cost = COST
    await odoo("res.partner", "search_read", [["id", "=", 10]], fields=["name"])
    await odoo("res.partner", "search", [])
    await odoo("res.partner", "fields_get", attributes=["type"])
    assert slept.calls == []


async def test_a_refused_create_still_costs_and_writes_nothing(
    odoo: Rpc, slept: Slept
) -> None:
    odoo.fake.faults.row_cost = COST
    before = len(odoo.fake.table("res.partner"))
    data = await odoo.call_raw("res.partner", "create", [{"name": "A", "no_such_field": 1}])
    assert "error" in data
    assert slept.calls == [pytest.approx(COST)]
    assert len(odoo.fake.table("res.partner")) == before


async def test_json2_calls_are_charged_too() -> None:
    fake = FakeOdoo(seed="demo", version="19.0")
    recorder = Slept()
    fake.faults.sleep, fake.faults.row_cost = recorder, COST
    headers = {"Authorization": "bearer magodoo-test-key", "X-Odoo-Database": "magodoo"}
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        async with session.post(f"{url}/json/2/res.partner/create", headers=headers,
                                json={"vals_list": [_partner(1), _partner(2, 1)]}) as r:
            assert r.status == 200 and len(await r.json()) == 2
        assert recorder.calls == [pytest.approx(5 * COST)]
        async with session.post(f"{url}/json/2/res.partner/search_read", headers=headers,
                                json={"domain": [], "fields": ["name"], "limit": 1}) as r:
            assert r.status == 200
        assert len(recorder.calls) == 1


def test_rows_written() -> None:
    order = _order(3)
    assert rows_written("create", [[order, order]], {}) == 8
    assert rows_written("create", [order], {}) == 4
    assert rows_written("create", [], {"vals_list": [{"name": "x"}]}) == 1
    nested = {"name": "p", "child_ids": [[0, 0, {"name": "c", "child_ids": [
        [0, 0, {"name": "g"}]]}], [4, 7, 0], [1, 9, {"name": "u"}], [2, 8, 0]]}
    assert rows_written("create", [[nested]], {}) == 4  # p, c, g, and u updated
    assert rows_written("write", [[1, 2, 3], {"name": "x"}], {}) == 3
    assert rows_written("write", [[1, 2], {"order_line": [[0, 0, {"name": "l"}]]}], {}) == 4
    assert rows_written("write", [[1]], {"vals": {"name": "x"}}) == 1
    assert rows_written("load", [["name"], [["a"], ["b"]]], {}) == 2
    assert rows_written("load", [], {"fields": ["name"], "data": [["a"]]}) == 1
    assert rows_written("action_confirm", [[4, 5]], {}) == 2
    for method in ("read", "search_read", "unlink", "action_cancel", "name_search"):
        assert rows_written(method, [[1, 2]], {}) == 0


def test_the_command_line_option(monkeypatch: pytest.MonkeyPatch) -> None:
    from magodoo.testing import fake_odoo

    made: list[FakeOdoo] = []

    class Recording(FakeOdoo):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    async def serve_forever(*_args: Any) -> None:
        return None

    monkeypatch.setattr(fake_odoo, "FakeOdoo", Recording)
    monkeypatch.setattr(fake_odoo, "serve_forever", serve_forever)
    fake_odoo.main(["--seed", "none"])
    fake_odoo.main(["--seed", "none", "--row-cost", "0.007"])
    assert [f.faults.row_cost for f in made] == [0.0, 0.007]
