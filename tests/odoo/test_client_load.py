"""``OdooClient.load`` against the fake Odoo on both transports: external ids make it
idempotent, row errors come back typed, one bad row saves nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from magodoo.exceptions import MappingError, OutcomeUnknownError
from magodoo.odoo import LoadResult, OdooClient
from magodoo.odoo.client import _load_is_idempotent
from magodoo.testing import FakeOdoo, serve

from .conftest import FAST_RETRY

API_KEY = "fake0123456789abcdef0123456789abcdef0123"
FIELDS = ["id", "name", "email", "country_id/id", "child_ids/id", "child_ids/name",
          "child_ids/type"]
ROWS = [["mg.cust_1", "Ada", "ada@example.com", "base.us", "mg.addr_1", "Bill", "invoice"],
        ["", "", "", "", "mg.addr_2", "Ship", "delivery"],
        ["mg.cust_2", "Bob", "bob@example.com", "base.de", "", "", ""]]


@pytest.fixture(params=["18.0", "19.0"], ids=["jsonrpc", "json2"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeOdoo, str]]:
    fake = FakeOdoo(seed="demo", version=request.param, api_key=API_KEY)
    async with serve(fake.app) as url:
        yield fake, url


def client(url: str) -> OdooClient:
    return OdooClient(url, "magodoo", "admin", api_key=API_KEY, retry=FAST_RETRY)


async def test_load_creates_then_updates(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        first = await odoo.load("res.partner", FIELDS, ROWS)
        assert isinstance(first, LoadResult) and first.ok and first.messages == ()
        assert first.ids is not None and len(first.ids) == 2
        again = await odoo.load("res.partner", FIELDS, ROWS)
        assert again.ids == first.ids
        children = [c async for c in odoo.search_read(
            "res.partner", [["parent_id", "=", first.ids[0]]], fields=["name", "type"])]
        assert sorted((c["name"], c["type"]) for c in children) == [
            ("Bill", "invoice"), ("Ship", "delivery")]
        xids = await odoo.search_count("ir.model.data", [["module", "=", "mg"]])
        assert xids == 4


async def test_load_errors_are_typed_and_roll_back(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    before = len(fake.table("res.partner"))
    rows = [["mg.a", "A", "a@example.com", "base.us"], ["mg.b", "B", "b@example.com", "base.zz"]]
    async with client(url) as odoo:
        result = await odoo.load("res.partner", ["id", "name", "email", "country_id/id"], rows)
    assert not result.ok and result.ids is None
    (error,) = result.errors
    assert (error.record, error.rows_from, error.rows_to) == (1, 1, 1)
    assert (error.field, error.field_name) == ("country_id", "Country")
    assert error.message == "No matching record found for external id 'base.zz' in field 'Country'"
    assert len(fake.table("res.partner")) == before
    with pytest.raises(MappingError) as caught:
        result.raise_for_errors("res.partner", ("mg.a", "mg.b"))
    assert caught.value.record == "mg.b" and caught.value.field == "country_id"


async def test_a_lost_answer_is_retried_only_with_external_ids() -> None:
    fake = FakeOdoo(seed="demo", api_key=API_KEY)
    async with serve(fake.app) as url, client(url) as odoo:
        fake.faults.drop_next = 1
        done = await odoo.load("res.partner", ["id", "name"], [["mg.z", "Zed"]])
        assert done.ok
        fake.faults.drop_next = 1
        with pytest.raises(OutcomeUnknownError):
            await odoo.load("res.partner", ["name"], [["No xid"]])


def test_idempotence_needs_every_external_id() -> None:
    assert _load_is_idempotent(FIELDS, ROWS)
    assert not _load_is_idempotent(["name"], [["x"]])
    assert not _load_is_idempotent(FIELDS, [[*ROWS[0][:4], "", "Bill", "invoice"]])
    assert not _load_is_idempotent(["id", "name"], [["", "x"]])
    assert _load_is_idempotent(["id", "name", "country_id/id"], [["m.a", "x", "base.us"]])


async def test_dates_by_database_id_through_call(server: tuple[FakeOdoo, str]) -> None:
    """The orders handler's ``date_order`` write-back: ``call(model, "load", fields=...,
    data=...)`` with ``.id`` rows, each order its own date, on both transports."""
    fake, url = server
    async with client(url) as odoo:
        ids = await odoo.create("sale.order", [{"partner_id": 10}, {"partner_id": 10}])
        rows = [[str(ids[0]), "2026-11-20 10:15:00"], [str(ids[1]), "2026-11-21 08:00:00"]]
        answer = await odoo.call("sale.order", "load", fields=[".id", "date_order"], data=rows,
                                 context={"tz": "UTC"}, idempotent=True)
        assert answer["ids"] == ids
        got = await odoo.read("sale.order", ids, ["date_order"])
    assert [r["date_order"] for r in got] == ["2026-11-20 10:15:00", "2026-11-21 08:00:00"]
    assert fake.counters["sale.order.load"] == 1


def test_a_load_by_database_id_is_idempotent() -> None:
    """``.id`` rows update existing records (the sales date write-back): the same again
    changes nothing; a row without its id would create."""
    assert _load_is_idempotent([".id", "date_order"], [["5", "2026-01-02 03:04:05"]])
    assert not _load_is_idempotent([".id", "date_order"], [["", "2026-01-02 03:04:05"]])
    assert not _load_is_idempotent([".id", "name", "child_ids/name"], [["5", "x", "kid"]])
