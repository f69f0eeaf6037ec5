"""Every client method against the fake Odoo, over loopback, on both transports."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from magodoo._http import Exchange
from magodoo.exceptions import (
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    OutcomeUnknownError,
    TransportError,
    UnknownFieldError,
    UnknownModelError,
    UserError,
    ValidationError,
)
from magodoo.odoo import (
    AND,
    NOT,
    OR,
    F,
    Invoice,
    OdooClient,
    Partner,
    PublicCategory,
    Ref,
    SaleOrder,
)
from magodoo.testing import FakeOdoo, serve

from .conftest import FAST_RETRY

PASSWORD = "Fake-Passw0rd!"
API_KEY = "fake0123456789abcdef0123456789abcdef0123"


def make_fake(version: str = "18.0", seed: str | None = "demo") -> FakeOdoo:
    return FakeOdoo(seed=seed, version=version, password=PASSWORD, api_key=API_KEY)


@pytest.fixture(params=["18.0", "19.0"], ids=["jsonrpc", "json2"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[FakeOdoo, str]]:
    fake = make_fake(request.param)
    async with serve(fake.app) as url:
        yield fake, url


def client(url: str, **kwargs: Any) -> OdooClient:
    kwargs.setdefault("api_key", API_KEY)
    return OdooClient(url, "magodoo", "admin", retry=FAST_RETRY, **kwargs)


async def test_protocol_and_version(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    async with client(url) as odoo:
        info = await odoo.version()
        assert info["server_version_info"][0] == int(fake.version[:2])
        expected = "json2" if fake.version == "19.0" else "jsonrpc"
        assert (await odoo.transport()).name == expected


async def test_crud_round_trip(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    async with client(url, context={"lang": "en_US", "tz": "UTC"}) as odoo:
        (us,) = await odoo.search("res.country", F("code").eq_ilike("us"), limit=1)
        ids = await odoo.create(Partner, [
            Partner(name="Magento Test Co", is_company=True, email="co@example.com",
                    country_id=Ref(us), ref="MAGE-CUST-42"),
            {"name": "Solo Buyer", "email": "solo@example.com"},
        ])
        assert len(ids) == 2
        company, solo = await odoo.read(Partner, ids)
        assert company.name == "Magento Test Co"
        assert company.country_id is not None and company.country_id.id == us
        assert company.is_company and solo.email == "solo@example.com"
        assert company.type == "contact"  # None fields of a new record keep Odoo's defaults
        (child,) = await odoo.create("res.partner", [
            {"name": "Accounts", "type": "invoice", "parent_id": company.id, "city": "SF"}
        ])
        found = await odoo.search(Partner, [("ref", "=", "MAGE-CUST-42")])
        assert found == [company.id]
        assert await odoo.search_count("res.partner", [("parent_id", "=", company.id)]) == 1
        assert await odoo.write(Partner, [child], {"street": "1 Main St"}) is True
        rows = await odoo.read("res.partner", [child], ["street", "parent_id", "type"])
        assert rows[0]["street"] == "1 Main St" and rows[0]["parent_id"][0] == company.id
        page = await odoo.search_read_page(
            Partner, [("id", "in", [company.id, child])], order="id desc"
        )
        assert [p.id for p in page] == [child, company.id]
        assert await odoo.unlink("res.partner", [solo.id]) is True
        assert await odoo.read("res.partner", [solo.id], ["name"]) == []
    assert fake.counters["res.partner.create"] == 2


async def test_public_categories(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        (root,) = await odoo.create(PublicCategory, [PublicCategory(name="Magento Apparel")])
        (shirts,) = await odoo.create(PublicCategory, [{"name": "Shirts", "parent_id": root}])
        cats = [c async for c in odoo.search_read(PublicCategory, [("id", "in", [root, shirts])])]
        assert [c.name for c in cats] == ["Magento Apparel", "Shirts"]
        assert cats[1].parent_id is not None and cats[1].parent_id.id == root
        assert await odoo.write(PublicCategory, [shirts], PublicCategory(
            name="T-Shirts", parent_id=None, sequence=3)) is True
        (moved,) = await odoo.read(PublicCategory, [shirts])
        assert moved.parent_id is None and moved.name == "T-Shirts" and moved.sequence == 3


async def test_read_group_and_fields_get(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        groups = await odoo.read_group("sale.order", [], ["amount_total:sum"], ["state"])
        assert {g["state"] for g in groups} >= {"draft", "sale"}
        assert all("state_count" in g or "__count" in g for g in groups)
        fields = await odoo.fields_get("res.partner", ["type", "relation"])
        assert fields["country_id"] == {"type": "many2one", "relation": "res.country"}
        assert "name" in await odoo.fields_get(Partner, None)


async def test_call_and_wizard(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        (order,) = await odoo.search_read_page(SaleOrder, [("state", "=", "draft")], limit=1)
        assert await odoo.call(SaleOrder, "action_confirm", [order.id]) is True
        (confirmed,) = await odoo.read(SaleOrder, [order.id])
        assert confirmed.state == "sale"
        action = await odoo.call_wizard(
            "sale.advance.payment.inv", {"advance_payment_method": "delivered"},
            "create_invoices", active_model="sale.order", active_ids=[order.id],
        )
        assert isinstance(action, dict)
        (after,) = await odoo.read(SaleOrder, [order.id])
        assert after.invoice_ids
        invoices = await odoo.read(Invoice, after.invoice_ids)
        assert invoices[0].move_type == "out_invoice" and invoices[0].invoice_origin == order.name
        # archive through a public method, then read it with active_test off
        (pid,) = await odoo.create("res.partner", [{"name": "Archived"}])
        await odoo.call("res.partner", "action_archive", [pid])
        assert await odoo.search("res.partner", [("id", "=", pid)]) == []
        assert await odoo.search("res.partner", [("id", "=", pid)],
                                 context={"active_test": False}) == [pid]


async def test_errors_from_the_fake(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        with pytest.raises(UnknownFieldError) as unknown_field:
            await odoo.create("res.partner", [{"name": "x", "no_such_field": 1}])
        assert unknown_field.value.field == "no_such_field"
        assert unknown_field.value.model == "res.partner"
        assert unknown_field.value.rpc_method == "create"
        with pytest.raises(UnknownFieldError):
            await odoo.search("res.partner", [("no_such_field", "=", 1)])
        with pytest.raises(UnknownModelError):
            await odoo.search("no.such.model")
        with pytest.raises(NotFoundError):
            await odoo.write("res.partner", [999999], {"name": "x"})
        with pytest.raises(ForbiddenError):
            await odoo.call("res.partner", "_compute_display_name", [1])
        with pytest.raises(ValidationError) as bad:
            await odoo.create("product.template", [{"name": "Err", "type": "product"}])
        assert type(bad.value) is ValidationError and bad.value.field == "type"
        with pytest.raises(ValidationError) as not_null:
            await odoo.create("sale.order", [{}])
        assert not_null.value.field == "partner_id"
        with pytest.raises(ValidationError):
            await odoo.call("res.partner", "no_such_method", [1])
        (confirmed,) = await odoo.search("sale.order", [("state", "=", "sale")], limit=1)
        with pytest.raises(UserError):
            await odoo.unlink("sale.order", [confirmed])


async def test_wrong_password_no_retry_loop() -> None:
    fake = make_fake()
    async with serve(fake.app) as url:
        odoo = client(url, api_key=None, password="Bad-Passw0rd-123", protocol="jsonrpc")
        async with odoo:
            for _ in range(3):
                with pytest.raises(AuthenticationError) as info:
                    await odoo.search("res.partner")
        assert "'admin'" in str(info.value) and "Bad-Passw0rd-123" not in str(info.value)
    assert fake.counters["common.authenticate"] == 1
    assert fake.total_requests == 1


async def test_wrong_database() -> None:
    fake = make_fake()
    async with serve(fake.app) as url:
        odoo = OdooClient(url, "no_such_db", "admin", password=PASSWORD, protocol="jsonrpc",
                          retry=FAST_RETRY)
        async with odoo:
            with pytest.raises(AuthenticationError) as info:
                await odoo.search_count("res.partner")
    assert "may not exist" in str(info.value)
    assert fake.counters["common.authenticate"] == 1


@pytest.mark.parametrize("version", ["18.0", "19.0"])
async def test_wrong_api_key(version: str) -> None:
    fake = make_fake(version)
    async with serve(fake.app) as url, client(url, api_key="0" * 40) as odoo:
        with pytest.raises(AuthenticationError) as info:
            await odoo.search_count("res.partner")
        with pytest.raises(AuthenticationError):
            await odoo.search_count("res.partner")
    assert "0" * 40 not in str(info.value)
    # no retry loop: JSON-RPC logs in once; JSON-2 sends each call once
    assert fake.counters["common.authenticate"] <= 1
    assert fake.total_requests <= 3


@pytest.mark.parametrize("version", ["18.0", "19.0"])
async def test_nothing_secret_is_captured_or_logged(
    version: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = make_fake(version)
    captured: list[Exchange] = []
    async with serve(fake.app) as url:
        for creds in ({"password": PASSWORD, "api_key": None}, {"api_key": API_KEY}):
            async with client(url, capture=captured.append, **creds) as odoo:
                await odoo.search_count("res.partner")
                (pid,) = await odoo.create("res.partner", [{"name": "Secretive"}])
                await odoo.write("res.partner", [pid], {"email": "s@example.com"})
                fake.faults.fail_next = [503]
                await odoo.search("res.partner", [("id", "=", pid)])
                with pytest.raises(UnknownFieldError) as info:
                    await odoo.write("res.partner", [pid], {"nope": 1})
            text = str(info.value) + repr(info.value.body)
        async with client(url, api_key="wrong-" + API_KEY, capture=captured.append) as odoo:
            with pytest.raises(AuthenticationError) as denied:
                await odoo.search_count("res.partner")
        text += str(denied.value) + repr(denied.value.body)
    assert len(captured) >= 10
    everything = json.dumps([repr(e) for e in captured]) + caplog.text + text
    assert PASSWORD not in everything
    assert API_KEY not in everything
    assert "***" in everything


async def test_paging_large_table_bounded() -> None:
    fake = make_fake(seed=None)
    table = fake.table("res.partner")
    start = max(table, default=0) + 1
    for rid in range(start, start + 20_000):
        table[rid] = {"id": rid, "name": f"Bulk {rid}", "active": True, "type": "contact",
                      "is_company": False}
    total = sum(1 for r in table.values() if r.get("active", True))
    pages: list[int] = []

    def record(exchange: Exchange) -> None:
        body = exchange.response_body
        result = body.get("result") if isinstance(body, dict) else body
        if isinstance(result, list):
            pages.append(len(result))

    async with serve(fake.app) as url:
        odoo = client(url, api_key=None, password=PASSWORD, capture=record)
        async with odoo:
            seen = 0
            last = 0
            async for row in odoo.search_read("res.partner", [], ["name"], batch_size=500):
                assert row["id"] > last
                last = row["id"]
                seen += 1
    assert seen == total
    assert max(pages) == 500
    assert fake.counters["res.partner.search_read"] == total // 500 + 1
    assert len(pages) == fake.counters["res.partner.search_read"]


async def test_id_paging_survives_deletes_offset_does_not() -> None:
    fake = make_fake(seed=None)
    table = fake.table("res.partner")
    start = max(table, default=0) + 1
    for rid in range(start, start + 100):
        table[rid] = {"id": rid, "name": f"P{rid}", "active": True, "type": "contact"}
    expected = sorted(i for i, r in table.items() if r.get("active", True))
    async with serve(fake.app) as url, client(url) as odoo:
        for paging, complete in (("id", True), ("offset", False)):
            seen: list[int] = []
            async for row in odoo.search_read("res.partner", [("id", ">=", start)], ["name"],
                                              batch_size=10, paging=paging):  # type: ignore[call-overload]
                seen.append(row["id"])
                if len(seen) == 10:  # a concurrent job archives part of the first page
                    await odoo.write("res.partner", seen[:5], {"active": False})
            assert (seen == [i for i in expected if i >= start]) is complete
            await odoo.write("res.partner", seen[:5], {"active": True})
        limited = [r async for r in odoo.search_read("res.partner", [], ["name"], limit=25,
                                                     batch_size=10)]
        assert len(limited) == 25


async def test_reads_retry_on_503_and_drops(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    async with client(url) as odoo:
        await odoo.version()
        await odoo.search_count("res.partner")
        fake.faults.fail_next = [503, 502]
        assert await odoo.search_count("res.partner") > 0
        fake.faults.drop_next = 1
        rows = await odoo.search_read_page("res.partner", [], ["name"], limit=2)
        assert len(rows) == 2
        fake.faults.fail_next = [503]
        (pid,) = await odoo.search("res.partner", [], limit=1)
        assert await odoo.write("res.partner", [pid], {"comment": "retried"}) is True
        fake.faults.fail_next = [503, 503, 503, 503, 503]
        with pytest.raises(Exception) as exhausted:
            await odoo.search_count("res.partner")
        assert getattr(exhausted.value, "status", None) == 503 or isinstance(
            exhausted.value, TransportError)
        fake.faults.fail_next = []


async def test_create_is_never_retried_blindly(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    async with client(url) as odoo:
        await odoo.search_count("res.partner")  # log in and pick the protocol first
        before = fake.total_requests
        fake.faults.drop_next = 1
        with pytest.raises(OutcomeUnknownError):
            await odoo.create("res.partner", [{"name": "Maybe"}])
        assert fake.total_requests - before == 1
        fake.faults.fail_next = [503]
        with pytest.raises(OutcomeUnknownError):
            await odoo.create("res.partner", [{"name": "Maybe"}])
        assert fake.total_requests - before == 2
        assert fake.counters["res.partner.create"] == 0
        # 429: the server surely did nothing, so even a create is sent again
        fake.faults.fail_next = [429]
        fake.faults.retry_after = 0
        (pid,) = await odoo.create("res.partner", [{"name": "Throttled"}])
        assert pid > 0
        assert fake.counters["res.partner.create"] == 1
        with pytest.raises(OutcomeUnknownError):
            fake.faults.drop_next = 1
            await odoo.call("res.partner", "action_archive", [pid])


async def test_create_in_batches(server: tuple[FakeOdoo, str]) -> None:
    fake, url = server
    async with client(url, create_batch=50) as odoo:
        ids = await odoo.create("res.partner", [{"name": f"B{i}"} for i in range(120)])
        assert len(ids) == 120 == len(set(ids))
        names = [r["name"] for r in await odoo.read("res.partner", ids, ["name"])]
        assert names == [f"B{i}" for i in range(120)]
    assert fake.counters["res.partner.create"] == 3


async def test_read_in_batches() -> None:
    fake = make_fake()
    async with serve(fake.app) as url, client(url, read_batch=10) as odoo:
        ids = await odoo.search("res.partner")
        rows = await odoo.read(Partner, ids)
        assert [p.id for p in rows] == ids
    assert fake.counters["res.partner.read"] == -(-len(ids) // 10)


async def test_domains_built_here_are_accepted(server: tuple[FakeOdoo, str]) -> None:
    _fake, url = server
    async with client(url) as odoo:
        companies = set(await odoo.search("res.partner", [("is_company", "=", True)]))
        people = set(await odoo.search("res.partner", [("is_company", "=", False)]))
        assert companies and people
        assert set(await odoo.search("res.partner", ~(F("is_company") == True))) == people  # noqa: E712
        either = OR([("id", "in", sorted(companies)[:1])], [("id", "in", sorted(people)[:1])])
        assert len(await odoo.search("res.partner", either)) == 2
        both = AND(F("is_company") == True, NOT([("id", "in", sorted(companies)[:1])]))  # noqa: E712
        assert set(await odoo.search("res.partner", both)) == companies - {min(companies)}
        assert await odoo.search("res.country", F("code").eq_ilike("us")) == await odoo.search(
            "res.country", [("code", "=", "US")])


async def test_json2_wrong_database() -> None:
    fake = make_fake("19.0")
    async with serve(fake.app) as url:
        odoo = OdooClient(url, "no_such_db", "admin", api_key=API_KEY, protocol="json2",
                          retry=FAST_RETRY)
        async with odoo:
            with pytest.raises(AuthenticationError) as info:
                await odoo.search_count("res.partner")
    assert "may not exist" in str(info.value)
