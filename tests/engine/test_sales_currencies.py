"""Order currencies over both fakes: an order is placed in an Odoo pricelist in its currency
(found with one search per page, created when ``sales.missing_pricelist`` says so); a currency
Odoo lacks or has not activated fails that order alone, naming it and
``order_currency_code``."""

from __future__ import annotations

from typing import Any

from magodoo.backends import Direction
from magodoo.settings import SalesSettings
from tests.engine.conftest import Clock, World
from tests.engine.test_sales import odoo_order, sales_world

M2O = Direction.MAGENTO_TO_ODOO
EUR_ORDER = "000000004"  # a new order of the demo store


def in_currency(world: World, increment: str, code: str) -> dict[str, Any]:
    (order,) = [o for o in world.magento.state.table("orders").values()
                if o["increment_id"] == increment]
    order["order_currency_code"] = code
    return order


def activate(world: World, code: str) -> int:
    (cid,) = world.odoo.execute("res.currency", "search",
                                [[("name", "=", code), ("active", "=", False)]], {})[0]
    world.odoo.execute("res.currency", "write", [[cid], {"active": True}], {})
    return int(cid)


def pricelist(world: World, name: str, currency: int) -> int:
    (pid,), _ = world.odoo.execute("product.pricelist", "create",
                                   [[{"name": name, "currency_id": currency}]], {})
    return int(pid)


def failures(result: Any) -> dict[str, str]:
    return {r.source_id: r.reason for r in result.records if r.outcome.value == "failed"}


async def test_eur_order_on_a_usd_company_uses_the_eur_pricelist(clock: Clock) -> None:
    async with sales_world(clock) as w:
        usd = pricelist(w, "Default", 1)
        eur = pricelist(w, "Euro", activate(w, "EUR"))
        pricelist(w, "Euro (late)", 2)  # a second one in EUR: the first by sequence, id wins
        in_currency(w, EUR_ORDER, "EUR")
        result = await w.engine.sync("orders", M2O)
        assert failures(result) == {}
        row = odoo_order(w, EUR_ORDER)
        assert (row["pricelist_id"], row["currency_id"]) == (eur, 2)
        others = [o for o in w.odoo.table("sale.order").values()
                  if o.get("client_order_ref") not in (None, EUR_ORDER)]
        assert others and {(o["pricelist_id"], o["currency_id"]) for o in others} == {(usd, 1)}
        # one currency search and one pricelist search for the page, none per order
        assert w.odoo.counters["res.currency.search_read"] == 1
        assert w.odoo.counters["product.pricelist.search_read"] == 1


async def test_an_active_currency_without_pricelist_fails_the_order(clock: Clock) -> None:
    async with sales_world(clock) as w:
        activate(w, "EUR")
        order = in_currency(w, EUR_ORDER, "EUR")
        result = await w.engine.sync("orders", M2O)
        failed = failures(result)
        assert list(failed) == [str(order["entity_id"])]
        reason = failed[str(order["entity_id"])]
        assert f"#{EUR_ORDER}" in reason and "order_currency_code" in reason
        assert "no pricelist in EUR" in reason and "sales.missing_pricelist" in reason
        assert not [o for o in w.odoo.table("sale.order").values()
                    if o.get("client_order_ref") == EUR_ORDER]
        assert w.odoo.table("product.pricelist") == {}


async def test_a_missing_pricelist_is_created_when_the_setting_says_so(clock: Clock) -> None:
    settings = SalesSettings(missing_pricelist="create")
    async with sales_world(clock, sales=settings) as w:
        eur = activate(w, "EUR")
        in_currency(w, EUR_ORDER, "EUR")
        result = await w.engine.sync("orders", M2O)
        assert failures(result) == {}
        (created,) = w.odoo.table("product.pricelist").values()
        assert (created["name"], created["currency_id"]) == ("Magento EUR", eur)
        assert odoo_order(w, EUR_ORDER)["pricelist_id"] == created["id"]
        assert odoo_order(w, EUR_ORDER)["currency_id"] == eur
        # a later run finds it: never a second pricelist for one currency
        w.clock.advance(120)
        await w.engine.sync("orders", M2O, full=True)
        assert len(w.odoo.table("product.pricelist")) == 1


async def test_an_inactive_or_unknown_currency_fails_only_its_order(clock: Clock) -> None:
    settings = SalesSettings(missing_pricelist="create")  # creation never activates
    async with sales_world(clock, sales=settings) as w:
        eur = in_currency(w, EUR_ORDER, "EUR")  # EUR is archived, as Odoo ships it
        odd = in_currency(w, "000000011", "XTS")
        result = await w.engine.sync("orders", M2O)
        failed = failures(result)
        assert set(failed) == {str(eur["entity_id"]), str(odd["entity_id"])}
        reason = failed[str(eur["entity_id"])]
        assert f"#{EUR_ORDER}" in reason and "order_currency_code" in reason
        assert "currency EUR is not active in Odoo" in reason
        assert "Odoo has no currency XTS" in failed[str(odd["entity_id"])]
        assert "#000000011" in failed[str(odd["entity_id"])]
        assert result.summary()["created"] == 14
        assert w.odoo.table("product.pricelist") == {}
        # activated in Odoo later: the next run imports the order, with a new pricelist
        activate(w, "EUR")
        w.clock.advance(120)
        again = await w.engine.sync("orders", M2O, keys=[str(eur["entity_id"])])
        assert failures(again) == {}
        assert odoo_order(w, EUR_ORDER)["currency_id"] == 2


async def test_the_demo_odoo_default_pricelist_is_in_the_company_currency(clock: Clock) -> None:
    from magodoo.testing.fake_odoo import FakeOdoo

    odoo = FakeOdoo(seed="demo")
    rows, _ = odoo.execute("product.pricelist", "search_read",
                           [[("currency_id", "=", 1)], ["id", "display_name"]], {})
    assert rows[0] == {"id": 2, "display_name": "Benelux (USD)"}  # as workflow 03 reads it
    (company,), _ = odoo.execute("res.company", "read", [[1], ["currency_id"]], {})
    assert company["currency_id"] == [1, "USD"]


async def test_a_created_pricelist_survives_a_lost_answer(clock: Clock) -> None:
    """The pricelist is made by an import with an external id (``magodoo.pricelist_eur``):
    the client sends it again when its answer is lost, and Odoo updates instead of making a
    second one."""
    from tests.engine.faults.test_sales_faults import Armed, lose

    settings = SalesSettings(missing_pricelist="create")
    async with sales_world(clock, sales=settings) as w:
        eur = activate(w, "EUR")
        in_currency(w, EUR_ORDER, "EUR")
        inner = w.engine.odoo
        port = Armed(inner, "load", lambda a: a[:1] == ("product.pricelist",),
                     lose(w.odoo), times=1)
        w.engine.odoo = port
        try:
            result = await w.engine.sync("orders", M2O)
        finally:
            w.engine.odoo = inner
        assert port.left == 0 and w.odoo.faults.injected["lost"] == 1
        assert failures(result) == {}
        (created,) = w.odoo.table("product.pricelist").values()
        assert created["currency_id"] == eur
        assert w.odoo.counters["product.pricelist.load"] == 2  # sent again, loaded once
        (xmlid,) = [r for r in w.odoo.table("ir.model.data").values()
                    if r.get("model") == "product.pricelist"]
        assert (xmlid["module"], xmlid["name"], xmlid["res_id"]) == (
            "magodoo", "pricelist_eur", created["id"])
