"""Sales Magento -> Odoo over both fakes: the demo store's taxes, customers, guests and orders,
totals to the cent, status both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from magodoo.backends import Direction, memory_stores
from magodoo.engine import connect
from magodoo.settings import SalesSettings
from magodoo.testing import serve
from magodoo.testing._magento import sales_order_api, sales_orders
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings

M2O = Direction.MAGENTO_TO_ODOO
O2M = Direction.ODOO_TO_MAGENTO


def seed_products(magento: FakeMagento, odoo: FakeOdoo) -> None:
    """Every sellable Magento product as an Odoo product with the SKU as internal reference
    (the catalog sync's job; here through the fake's own create)."""
    rows = [{"name": p.get("name") or p["sku"], "default_code": p["sku"], "type": "consu",
             "list_price": float(p.get("price") or 0.0), "taxes_id": [(6, 0, [])]}
            for p in magento.state.products.values() if p.get("type_id") != "configurable"]
    odoo.execute("product.template", "create", [rows], {})


class sales_world:  # used like a function
    def __init__(self, clock: Clock, **extra: Any) -> None:
        self.clock, self.extra = clock, extra
        self._exits: list[Any] = []

    async def __aenter__(self) -> World:
        magento = FakeMagento(seed="demo", size="small", now=self.clock)
        odoo = FakeOdoo(seed=None, now=self.clock.naive)
        seed_products(magento, odoo)
        m_cm, o_cm = serve(magento.app), serve(odoo.app)
        murl = await m_cm.__aenter__()
        self._exits.append(m_cm)
        ourl = await o_cm.__aenter__()
        self._exits.append(o_cm)
        settings = make_settings(murl, ourl, magento.admin_token(), **self.extra)
        conn = await connect(settings, stores=memory_stores(now=self.clock), retry=FAST_RETRY)
        conn.engine.clock = self.clock
        self._conn = conn
        return World(magento, odoo, conn, self.clock)

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.aclose()
        for cm in reversed(self._exits):
            await cm.__aexit__(None, None, None)


@pytest.fixture
async def sales(clock: Clock) -> AsyncIterator[World]:
    async with sales_world(clock) as w:
        yield w


def magento_orders(world: World) -> list[dict[str, Any]]:
    return [sales_orders.render(world.magento.state, o)
            for o in world.magento.state.table("orders").values()]


def odoo_order(world: World, increment: str) -> dict[str, Any]:
    (row,) = [o for o in world.odoo.table("sale.order").values()
              if o.get("client_order_ref") == increment]
    return row


def amounts(world: World, order_id: int) -> tuple[float, float, float]:
    (row,), _ = world.odoo.execute("sale.order", "read", [[order_id],
                                   ["amount_untaxed", "amount_tax", "amount_total"]], {})
    return row["amount_untaxed"], row["amount_tax"], row["amount_total"]


async def test_demo_sales_import_with_totals_to_the_cent(sales: World) -> None:
    results = await sales.engine.sync_all(M2O)
    orders = results["orders"]
    assert orders.summary()["failed"] == 0, [r.reason for r in orders.records if r.reason]
    for order in magento_orders(sales):
        row = odoo_order(sales, order["increment_id"])
        untaxed, tax, total = amounts(sales, row["id"])
        want_tax = float(order["tax_amount"])
        want_total = float(order["grand_total"])
        assert (round(untaxed, 2), round(tax, 2), round(total, 2)) == (
            round(want_total - want_tax, 2), want_tax, want_total), order["increment_id"]
        state = order["state"]
        expected = {"new": "draft", "canceled": "cancel"}.get(state, "sale")
        assert row["state"] == expected, order["increment_id"]
        assert row["locked"] is (state in ("complete", "closed"))
        assert str(row["date_order"]).startswith(str(order["created_at"])[:10])
        lines = [ln for ln in sales.odoo.table("sale.order.line").values()
                 if ln["order_id"] == row["id"]]
        ship = [ln for ln in lines if ln.get("is_delivery")]
        assert len(ship) == 1 and row["carrier_id"]


def confirmed_dates(world: World) -> dict[str, tuple[str, str]]:
    """Per confirmed order: (Magento's created_at, Odoo's date_order as read)."""
    out: dict[str, tuple[str, str]] = {}
    for order in magento_orders(world):
        if order["state"] in ("new", "canceled"):
            continue
        row = odoo_order(world, order["increment_id"])
        (read,), _ = world.odoo.execute("sale.order", "read", [[row["id"]], ["date_order"]], {})
        out[order["increment_id"]] = (str(order["created_at"]), str(read["date_order"]))
    return out


async def test_confirmed_orders_keep_magento_date_in_one_load_per_page(sales: World) -> None:
    """``action_confirm`` sets ``date_order`` to now; Magento's date goes back with one
    ``sale.order.load`` (``.id``, ``date_order``) per page, not one write per date."""
    await sales.engine.sync_all(M2O)
    dates = confirmed_dates(sales)
    assert len(dates) > 5
    assert all(magento == odoo for magento, odoo in dates.values()), dates
    counters = sales.odoo.counters
    assert counters["sale.order.load"] == counters["sale.order.action_confirm"] >= 1
    assert counters.get("sale.order.write", 0) == 0


async def test_dates_written_one_by_one_when_load_is_refused(clock: Clock) -> None:
    async with sales_world(clock) as world:
        from magodoo.testing._odoo import errors as odoo_errors

        real = world.odoo.execute

        def execute(model: str, method: str, *args: Any, **kwargs: Any) -> Any:
            if method == "load":
                raise odoo_errors.OdooError("odoo.exceptions.AccessError", "no import here")
            return real(model, method, *args, **kwargs)

        world.odoo.execute = execute  # type: ignore[method-assign]
        results = await world.engine.sync_all(M2O)
        assert results["orders"].summary()["failed"] == 0
        dates = confirmed_dates(world)
        assert dates and all(magento == odoo for magento, odoo in dates.values()), dates
        assert world.odoo.counters["sale.order.write"] >= 1


async def test_every_customer_and_guest_once(sales: World) -> None:
    await sales.engine.sync_all(M2O)
    top = [p for p in sales.odoo.table("res.partner").values()
           if not p.get("parent_id") and p.get("email") and p["id"] > 3]
    emails = [str(p["email"]).lower() for p in top]
    assert len(emails) == len(set(emails))
    wanted = {str(o["customer_email"]).lower() for o in magento_orders(sales)}
    assert wanted <= set(emails)
    for partner in top:
        kids = [p for p in sales.odoo.table("res.partner").values()
                if p.get("parent_id") == partner["id"] and p.get("active", True)]
        keys = [(k["name"], k["street"], k["city"], k["zip"]) for k in kids
                if not (k.get("ref") or "").startswith("MAGE-ADDR-")]
        assert len(keys) == len(set(keys)), partner["email"]


async def test_rerun_writes_nothing(sales: World) -> None:
    await sales.engine.sync_all(M2O)
    count = len(sales.odoo.table("sale.order"))
    writes = sales.writes()
    sales.clock.advance(120)
    again = await sales.engine.sync_all(M2O, full=True)
    assert again["orders"].summary()["created"] == 0
    assert sales.writes() == writes
    assert len(sales.odoo.table("sale.order")) == count


async def test_cancel_in_magento_cancels_in_odoo(sales: World) -> None:
    await sales.engine.sync_all(M2O)
    state = sales.magento.state
    order = next(o for o in state.table("orders").values() if o["state"] == "new")
    sales.clock.advance(120)
    assert sales_order_api.cancel(state, order)
    await sales.engine.sync("orders", M2O, keys=[order["entity_id"]])
    assert odoo_order(sales, order["increment_id"])["state"] == "cancel"


async def test_confirm_and_deliver_in_odoo_add_status_with_comment(sales: World) -> None:
    await sales.engine.sync_all(M2O)
    state = sales.magento.state
    order = next(o for o in state.table("orders").values() if o["state"] == "new")
    row = odoo_order(sales, order["increment_id"])
    sales.clock.advance(120)
    sales.odoo.execute("sale.order", "action_confirm", [[row["id"]]], {})
    result = await sales.engine.sync("order_status", O2M, keys=[row["id"]])
    assert result.summary()["failed"] == 0, result.records
    assert order["status"] == "processing"
    comments = [h for h in sales_orders.histories(state, order)]
    assert comments[0]["status"] == "processing"
    assert "confirmed" in comments[0]["comment"]
    assert sales.magento.counters["POST /V1/orders/{id}/comments"] == 1
    again = await sales.engine.sync("order_status", O2M, keys=[row["id"]])
    assert [r.reason for r in again.records] == ["unchanged"]
    for picking in sales.odoo.table("stock.picking").values():
        if picking.get("sale_id") == row["id"]:
            sales.odoo.execute("stock.picking", "button_validate", [[picking["id"]]],
                               {"context": {"skip_sms": True}})
    sales.clock.advance(120)
    await sales.engine.sync("order_status", O2M, keys=[row["id"]])
    assert order["status"] == "complete"


async def test_unmapped_carrier_error_names_the_order(clock: Clock) -> None:
    async with sales_world(clock, sales=SalesSettings(unmapped_carrier="error")) as w:
        result = await w.engine.sync("orders", M2O)
        failed = [r for r in result.records if r.outcome.value == "failed"]
        assert failed and all("shipping_method" in r.reason for r in failed)
        assert all("is not mapped" in r.reason and "#0000" in r.reason for r in failed)


async def test_mapped_carrier_and_payment(clock: Clock) -> None:
    async with sales_world(clock) as w:
        (tid,), _ = w.odoo.execute("product.template", "create", [[{
            "name": "UPS shipping", "type": "service"}]], {})
        pid = next(p["id"] for p in w.odoo.table("product.product").values()
                   if p["product_tmpl_id"] == tid)
        (cid,), _ = w.odoo.execute("delivery.carrier", "create", [[{
            "name": "UPS Ground", "product_id": pid, "delivery_type": "fixed",
            "invoice_policy": "estimated"}]], {})
        settings = w.engine.settings
        import attrs

        w.engine.settings = attrs.evolve(settings, sales=SalesSettings(
            carriers={"flatrate": "UPS Ground"}, payments={"checkmo": "Bank"}))
        await w.engine.sync("orders", M2O)
        flat = [o for o in magento_orders(w)
                if o["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"]
                == "flatrate_flatrate"]
        assert flat
        for order in flat:
            assert odoo_order(w, order["increment_id"])["carrier_id"] == cid
        bound = await w.stores.bindings.list_bindings("default", "payment_methods")
        assert [b.magento_id for b in bound] == ["checkmo"]
        carriers = await w.stores.bindings.list_bindings("default", "shipping_methods")
        assert {b.magento_id for b in carriers} >= {"flatrate_flatrate"}


async def test_customer_with_five_addresses_one_removed(sales: World) -> None:
    order = next(o for o in magento_orders(sales)
                 if o.get("customer_id") and o["state"] == "complete"
                 and o["extension_attributes"]["shipping_assignments"][0]["shipping"]
                 ["address"].get("customer_address_id"))
    cid = order["customer_id"]
    used = order["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]
    book = sales.addresses(cid)
    extra = [{**{k: v for k, v in book[0].items() if k not in ("id", "customer_id")},
              "street": [f"{n} Side St"], "default_billing": False,
              "default_shipping": False} for n in range(5 - len(book))]
    sales.update_customer(cid, addresses=[*book, *extra])
    assert len(sales.addresses(cid)) == 5
    await sales.engine.sync("customers", M2O)
    sales.clock.advance(120)
    keep = [a for a in sales.addresses(cid) if a["id"] != used["customer_address_id"]]
    sales.update_customer(cid, addresses=keep)
    await sales.engine.sync_all(M2O)
    email = str(order["customer_email"]).lower()
    (partner,) = [p for p in sales.odoo.table("res.partner").values()
                  if not p.get("parent_id") and str(p.get("email")).lower() == email]
    kids = [p for p in sales.odoo.table("res.partner").values()
            if p.get("parent_id") == partner["id"]]
    assert len([k for k in kids if k.get("active", True)]) == 4
    row = odoo_order(sales, order["increment_id"])
    shipping = sales.odoo.table("res.partner")[row["partner_shipping_id"]]
    assert shipping["parent_id"] == partner["id"]
    assert shipping["ref"] == f"MAGE-ADDR-{used['customer_address_id']}"
    assert shipping.get("active") is False  # the archived contact, not a duplicate


def test_sales_settings_from_toml_tables() -> None:
    import tomllib

    from magodoo.exceptions import ConfigurationError
    from magodoo.settings import Settings

    data = tomllib.loads('''
[sales]
unmapped_carrier = "error"
carriers = { flatrate = "Flat Rate", ups = "UPS Ground" }
payments = { checkmo = "Bank" }
apply_tax_after_discount = false
''')
    s = Settings.from_mapping(data)
    assert s.sales.carriers == {"flatrate": "Flat Rate", "ups": "UPS Ground"}
    assert s.sales.payments["checkmo"] == "Bank"
    assert s.sales.unmapped_carrier == "error"
    assert s.sales.states_to_odoo["canceled"] == "cancel"
    with pytest.raises(ConfigurationError, match=r"sales\.carriers"):
        Settings.from_mapping({"sales": {"carriers": {"flatrate": 3}}})
    with pytest.raises(ConfigurationError, match=r"sales\.unmapped_carrier"):
        Settings.from_mapping({"sales": {"unmapped_carrier": "fallback"}})


async def test_check_says_tax_before_discount(clock: Clock) -> None:
    async with sales_world(clock, sales=SalesSettings(apply_tax_after_discount=False)) as w:
        report = await w.engine.check()
        assert any("before the discount" in text for text in report.magento.warnings)


async def test_dry_run_writes_nothing_and_plans_every_order(sales: World) -> None:
    result = await sales.engine.sync_all(M2O, dry_run=True)
    orders = result["orders"]
    assert orders.summary()["failed"] == 0, [r.reason for r in orders.records]
    assert len(orders.planned) == len(magento_orders(sales))
    assert not sales.odoo.table("sale.order")
    assert sales.writes() == 0


async def test_orders_are_polled_when_realtime_is_on(clock: Clock) -> None:
    from magodoo.realtime.service import realtime_entities
    from magodoo.settings import EntitySettings

    async with sales_world(clock, entities={"orders": EntitySettings(realtime=True)}) as w:
        assert realtime_entities(w.engine, M2O) == ["orders"]


async def test_state_that_came_from_magento_is_not_sent_back(sales: World) -> None:
    await sales.engine.sync_all(M2O)
    state = sales.magento.state
    held = next(o for o in state.table("orders").values() if o["state"] == "holded")
    before = len(sales_orders.histories(state, held))
    assert odoo_order(sales, held["increment_id"])["state"] == "sale"
    result = await sales.engine.sync_all(O2M)
    assert result["order_status"].summary()["failed"] == 0
    assert held["status"] == "holded"
    assert len(sales_orders.histories(state, held)) == before
    assert sales.magento.counters.get("POST /V1/orders/{id}/comments", 0) == 0
