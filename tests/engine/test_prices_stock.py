"""Prices and stock, Odoo -> Magento, over both fakes (the Odoo demo catalog, every SKU of it
known to the fake Magento)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from magodoo.backends import Direction, LogFilter, memory_stores
from magodoo.engine import connect
from magodoo.engine.result import Outcome, RecordOutcome
from magodoo.magento.models_prices import SkuTierPrice
from magodoo.settings import EntitySettings, PriceSettings, StockSettings
from magodoo.testing import serve
from magodoo.testing._magento.products import save_product
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings

O2M = Direction.ODOO_TO_MAGENTO
PRICES = "POST /V1/products/base-prices"
SOURCE_ITEMS = "POST /V1/inventory/source-items"
UNKNOWN = "NOT-IN-MAGENTO"


class open_catalog_world:
    """The demo Odoo, a fake Magento holding one simple product per Odoo SKU."""

    def __init__(self, clock: Clock, *, skip: tuple[str, ...] = (), **extra: Any) -> None:
        self.clock, self.skip, self.extra = clock, skip, extra
        self._exits: list[Any] = []

    async def __aenter__(self) -> World:
        magento = FakeMagento(seed=None, now=self.clock)
        odoo = FakeOdoo(seed="demo", now=self.clock.naive)
        rows, _ = odoo.execute("product.product", "search_read",
                               [[("default_code", "!=", False)]], {"fields": ["default_code"]})
        for row in rows:
            if row["default_code"] not in self.skip:
                save_product(magento.state, {
                    "sku": row["default_code"], "name": row["default_code"], "price": 1,
                    "type_id": "simple", "attribute_set_id": 4})
        for cm in (serve(magento.app), serve(odoo.app)):
            self._exits.append(cm)
        murl = await self._exits[0].__aenter__()
        ourl = await self._exits[1].__aenter__()
        settings = make_settings(murl, ourl, magento.admin_token(), **self.extra)
        self._conn = await connect(settings, stores=memory_stores(now=self.clock),
                                   retry=FAST_RETRY)
        self._conn.engine.clock = self.clock
        return World(magento, odoo, self._conn, self.clock)

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.aclose()
        for cm in reversed(self._exits):
            await cm.__aexit__(None, None, None)


@pytest.fixture
async def world(clock: Clock) -> AsyncIterator[World]:
    async with open_catalog_world(clock) as w:
        yield w


def odoo_rows(world: World, model: str, domain: list[Any], fields: list[str],
              **context: Any) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"fields": fields}
    if context:
        kwargs["context"] = context
    rows, _ = world.odoo.execute(model, "search_read", [domain], kwargs)
    return list(rows)


def magento_price(world: World, sku: str) -> float:
    product = world.magento.state.product_by_sku(sku)
    assert product is not None
    return float(product["price"])


def source_qty(world: World, sku: str, source: str = "default") -> tuple[float, int] | None:
    row = world.magento.state.source_items.get((sku, source))
    return None if row is None else (float(row["quantity"]), int(row["status"]))


def calls(world: World, key: str) -> int:
    return int(world.magento.counters[key])


# ---- prices ----------------------------------------------------------------------------------

async def test_full_pass_sends_every_price_then_nothing(world: World) -> None:
    variants = odoo_rows(world, "product.product", [("default_code", "!=", False)],
                         ["default_code", "lst_price"])
    result = await world.engine.sync("prices", O2M)
    assert result.failed == 0
    assert result.created == len(variants)  # the first price of a SKU binds it
    for v in variants:
        assert magento_price(world, v["default_code"]) == pytest.approx(v["lst_price"])
    assert calls(world, PRICES) == 1  # 38 SKUs in one call (batch_size 50)
    world.clock.advance(120)
    again = await world.engine.sync("prices", O2M)
    assert again.updated == 0 and again.failed == 0
    assert calls(world, PRICES) == 1
    full = await world.engine.sync("prices", O2M, full=True)
    assert full.updated == 0 and calls(world, PRICES) == 1


async def test_a_variant_price_extra_and_a_template_price_send_only_those(world: World) -> None:
    await world.engine.sync("prices", O2M)
    world.clock.advance(600)
    # E-COM13 (product 24) carries a price_extra of 6.4 (template 33.0): raise the extra
    (variant,) = odoo_rows(world, "product.product", [("id", "=", 24)],
                           ["product_template_attribute_value_ids", "lst_price"])
    ptav = variant["product_template_attribute_value_ids"][0]
    world.odoo.execute("product.template.attribute.value", "write",
                       [[ptav], {"price_extra": 10.0}], {})
    world.odoo.execute("product.template", "write", [[18], {"list_price": 17.5}], {})
    (tmpl18,) = odoo_rows(world, "product.product", [("product_tmpl_id", "=", 18)],
                          ["default_code", "lst_price"])
    before = calls(world, PRICES)
    streamed: list[RecordOutcome] = []  # a pass holds only notable outcomes: stream them
    await world.engine.sync("prices", O2M, on_outcome=streamed.append)
    assert calls(world, PRICES) == before + 1
    written = {r.source_id for r in streamed if r.outcome is Outcome.UPDATED}
    assert written == {"24", str(tmpl18["id"])}
    assert magento_price(world, "E-COM13") == pytest.approx(43.0)
    assert magento_price(world, tmpl18["default_code"]) == pytest.approx(17.5)


async def test_input_limit_splits_the_calls(world: World) -> None:
    world.engine.settings = attrs.evolve(
        world.engine.settings, magento=attrs.evolve(world.engine.settings.magento, input_limit=5))
    result = await world.engine.sync("prices", O2M)
    assert result.created == 38
    assert calls(world, PRICES) == 8  # ceil(38 / 5)


async def test_unknown_sku_price_is_skipped_and_logged_once(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_catalog_world(clock, skip=("E-COM08",)) as world:
        with caplog.at_level(logging.WARNING, logger="magodoo.engine"):
            result = await world.engine.sync("prices", O2M)
        outcome = result.by_source()["18"]
        assert outcome.outcome is Outcome.SKIPPED
        assert "unknown to Magento" in outcome.reason
        assert result.failed == 0 and result.created == 37
        warned = [r for r in caplog.records if "E-COM08" in r.getMessage()]
        assert len(warned) == 1
        assert await world.stores.jobs.dead() == [] and not await _waiting_jobs(world)


async def _waiting_jobs(world: World) -> int:
    counts = await world.stores.jobs.counts()
    return sum(counts.values())


async def test_tier_prices_from_the_pricelist_replaced_per_sku(clock: Clock) -> None:
    async with open_catalog_world(clock, prices=PriceSettings(pricelist="Magento tiers")) as world:
        odoo = world.conn.odoo
        (pricelist,) = await odoo.create("product.pricelist", [{"name": "Magento tiers"}])
        (tmpl18,) = odoo_rows(world, "product.product", [("id", "=", 18)], ["product_tmpl_id"])
        await odoo.create("product.pricelist.item", [
            {"pricelist_id": pricelist, "applied_on": "1_product",
             "product_tmpl_id": tmpl18["product_tmpl_id"][0], "min_quantity": 10,
             "fixed_price": 14.0},
            {"pricelist_id": pricelist, "applied_on": "0_product_variant", "product_id": 18,
             "min_quantity": 50, "fixed_price": 12.5}])
        # a tier put in Magento by hand on another SKU: Odoo has none there, so it goes
        assert await world.conn.magento.replace_tier_prices([SkuTierPrice.from_api({
            "sku": "E-COM07", "price": 300.0, "price_type": "fixed", "website_id": 0,
            "customer_group": "ALL GROUPS", "quantity": 3})]) == []
        result = await world.engine.sync("prices", O2M)
        assert result.failed == 0 and result.created == 38
        tiers = await world.conn.magento.get_tier_prices(["E-COM08", "E-COM07"])
        assert sorted((t.sku, t.quantity, t.price) for t in tiers) == [
            ("E-COM08", 10, 14.0), ("E-COM08", 50, 12.5)]
        assert calls(world, "PUT /V1/products/tier-prices") == 2  # ours and the hand-made one
        # one item changes: only its SKU is sent again, its tiers replaced as a whole
        world.clock.advance(600)
        items = odoo_rows(world, "product.pricelist.item", [("pricelist_id", "=", pricelist)],
                          ["min_quantity"])
        ten = next(i["id"] for i in items if i["min_quantity"] == 10)
        await odoo.write("product.pricelist.item", [ten], {"min_quantity": 20,
                                                           "fixed_price": 13.0})
        streamed: list[RecordOutcome] = []
        await world.engine.sync("prices", O2M, on_outcome=streamed.append)
        assert {r.source_id for r in streamed if r.outcome is Outcome.UPDATED} == {"18"}
        tiers = await world.conn.magento.get_tier_prices(["E-COM08"])
        assert sorted((t.quantity, t.price) for t in tiers) == [(20, 13.0), (50, 12.5)]
        assert calls(world, "PUT /V1/products/tier-prices") == 3


async def test_unknown_pricelist_is_a_configuration_error(clock: Clock) -> None:
    from magodoo.exceptions import ConfigurationError

    async with open_catalog_world(clock, prices=PriceSettings(pricelist="Nope")) as world:
        with pytest.raises(ConfigurationError, match=r"prices\.pricelist"):
            await world.engine.sync("prices", O2M)


# ---- stock -----------------------------------------------------------------------------------

def storable(world: World, warehouse: int = 1) -> list[dict[str, Any]]:
    return odoo_rows(world, "product.product",
                     [("is_storable", "=", True), ("default_code", "!=", False)],
                     ["default_code", "qty_available", "free_qty"], warehouse_id=warehouse)


async def test_full_stock_pass_sends_every_quantity_then_nothing(world: World) -> None:
    products = storable(world)
    result = await world.engine.sync("stock", O2M)
    assert result.failed == 0 and result.created == len(products) == 33
    for p in products:
        qty = max(0.0, p["qty_available"])
        assert source_qty(world, p["default_code"]) == (qty, 1 if qty > 0 else 0)
    assert calls(world, SOURCE_ITEMS) == 1
    assert calls(world, "GET /V1/modules") == 1
    # the service product is not storable: no stock sent
    assert source_qty(world, "Delivery_010") is None or source_qty(
        world, "Delivery_010") == (0.0, 0)
    world.clock.advance(120)
    again = await world.engine.sync("stock", O2M)
    assert again.updated == 0 and again.failed == 0
    assert calls(world, SOURCE_ITEMS) == 1


async def test_free_quantity_setting(clock: Clock) -> None:
    async with open_catalog_world(clock, stock=StockSettings(quantity="free")) as world:
        await world.engine.sync("stock", O2M)
        assert source_qty(world, "E-COM07") == (266.0, 1)  # 500 on hand, 234 reserved
        assert source_qty(world, "FURN_6667") == (0.0, 0)  # 16 on hand, all reserved


async def test_validated_transfer_sends_only_its_skus(world: World) -> None:
    await world.engine.sync("stock", O2M)
    world.clock.advance(600)
    (order,), _ = world.odoo.execute("sale.order", "create", [[{
        "partner_id": 11, "order_line": [(0, 0, {"product_id": 18, "product_uom_qty": 3})]}]], {})
    world.odoo.execute("sale.order", "action_confirm", [[order]], {})
    pickings = odoo_rows(world, "stock.picking", [("sale_id", "=", order)], ["state"])
    world.odoo.execute("stock.picking", "button_validate", [[pickings[0]["id"]]],
                       {"context": {"skip_sms": True}})
    before = calls(world, SOURCE_ITEMS)
    streamed: list[RecordOutcome] = []
    await world.engine.sync("stock", O2M, on_outcome=streamed.append)
    written = {r.source_id for r in streamed if r.outcome is Outcome.UPDATED}
    assert written == {"18"}
    assert calls(world, SOURCE_ITEMS) == before + 1
    assert source_qty(world, "E-COM08") == (15.0, 1)  # 18 - 3


async def test_inventory_adjustment_to_zero_sets_out_of_stock(world: World) -> None:
    await world.engine.sync("stock", O2M)
    world.clock.advance(600)
    quants = odoo_rows(world, "stock.quant", [("product_id", "=", 26)], ["quantity"])
    ids = [q["id"] for q in quants]
    world.odoo.execute("stock.quant", "write", [ids, {"inventory_quantity": 0}],
                       {"context": {"inventory_mode": True}})
    world.odoo.execute("stock.quant", "action_apply_inventory", [ids], {})
    streamed: list[RecordOutcome] = []
    await world.engine.sync("stock", O2M, on_outcome=streamed.append)
    assert {r.source_id for r in streamed if r.outcome is Outcome.UPDATED} == {"26"}
    assert source_qty(world, "FURN_1118") == (0.0, 0)


async def test_two_warehouses_land_in_their_sources(clock: Clock) -> None:
    stock = StockSettings(sources={"WH": "default", "My Co": "chicago"})
    async with open_catalog_world(clock, stock=stock) as world:
        world.magento.state.sources.add(
            {"source_code": "chicago", "name": "Chicago", "enabled": True,
             "country_id": "US", "postcode": "60601"}, key="source_code")
        world.odoo.execute("stock.quant", "create", [[{
            "product_id": 18, "location_id": 28, "inventory_quantity_auto_apply": 7}]],
            {"context": {"inventory_mode": True}})
        result = await world.engine.sync("stock", O2M)
        assert result.failed == 0
        assert source_qty(world, "E-COM08", "default") == (18.0, 1)
        assert source_qty(world, "E-COM08", "chicago") == (7.0, 1)
        assert source_qty(world, "E-COM07", "chicago") == (0.0, 0)
        assert calls(world, SOURCE_ITEMS) == 1


async def test_unknown_warehouse_code_is_a_configuration_error(clock: Clock) -> None:
    stock = StockSettings(sources={"NOPE": "default"})
    async with open_catalog_world(clock, stock=stock) as world:
        result = await _sync_error(world)
        assert "stock.sources" in result and "NOPE" in result


async def _sync_error(world: World) -> str:
    from magodoo.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        await world.engine.sync("stock", O2M)
    return str(info.value)


async def test_store_without_msi_gets_stock_items(world: World) -> None:
    world.magento.state.modules = [m for m in world.magento.state.modules
                                   if not m.startswith("Magento_Inventory")]
    product = world.magento.state.product_by_sku("E-COM07")
    assert product is not None
    before = world.magento.state.stock_items.get(product.get("stock_item_id"))
    backorders = None if before is None else before.get("backorders")
    result = await world.engine.sync("stock", O2M)
    assert result.failed == 0 and result.created == 33
    assert calls(world, SOURCE_ITEMS) == 0
    assert calls(world, "PUT /V1/products/{productSku}/stockItems/{itemId}") == 33
    item = world.magento.state.stock_items.get(product["stock_item_id"])
    assert item["qty"] == 500 and item["is_in_stock"] is True
    if backorders is not None:
        assert item["backorders"] == backorders


async def test_unknown_sku_stock_is_skipped_and_logged_once(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_catalog_world(clock, skip=("E-COM08",)) as world:
        with caplog.at_level(logging.WARNING, logger="magodoo.engine"):
            result = await world.engine.sync("stock", O2M)
        assert result.by_source()["18"].outcome is Outcome.SKIPPED
        assert result.failed == 0
        assert source_qty(world, "E-COM08") is None
        assert len([r for r in caplog.records if "E-COM08" in r.getMessage()]) == 1


async def test_last_sent_per_sku_and_source_is_recorded(world: World) -> None:
    await world.engine.sync("stock", O2M)
    binding = await world.stores.bindings.get_by_odoo("default", "stock", 17)
    assert binding is not None and binding.magento_id == "E-COM07"
    assert binding.synced_at == world.clock.now
    entries = await world.stores.log.query(LogFilter(entity="stock", record="E-COM07"))
    assert entries and '"source_code": "default"' in (entries[0].request or "")
    assert '"quantity": 500' in (entries[0].request or "")


# ---- realtime: a validated transfer ----------------------------------------------------------

async def _eventually(check: Any) -> Any:
    import asyncio

    for _ in range(500):  # 10 s at most
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def _validate_delivery(world: World, product_id: int, qty: float) -> int:
    odoo = world.conn.odoo
    (order,) = await odoo.create("sale.order", [{
        "partner_id": 11,
        "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": qty})]}])
    await odoo.call("sale.order", "action_confirm", [order])
    (picking,) = await odoo.search("stock.picking", [("sale_id", "=", order)])
    await odoo.call("stock.picking", "button_validate", [picking],
                    context={"skip_sms": True})
    return int(picking)


async def test_transfer_job_syncs_the_stock_of_its_products(clock: Clock) -> None:
    entities = {"stock_transfers": EntitySettings(realtime=True)}
    async with open_catalog_world(clock, entities=entities) as world:
        await world.engine.sync("stock", O2M)
        picking = await _validate_delivery(world, 18, 2)
        jobs = await world.engine.enqueue("stock_transfers", O2M, [picking])
        assert len(jobs) == 1
        assert await world.engine.work_once("test") == 1
        assert source_qty(world, "E-COM08") == (16.0, 1)
        assert sum((await world.stores.jobs.counts()).values()) == 0
        entries = await world.stores.log.query(LogFilter(entity="stock_transfers"))
        assert entries and "stock of 1 product(s) synced" in entries[-1].message


async def test_realtime_webhook_on_validated_transfer(clock: Clock) -> None:
    import asyncio

    from magodoo.realtime import DEFAULT_FIELDS, WebhookReceiver, provision_odoo_webhooks
    from magodoo.realtime.service import run_realtime

    secret = "s3cret-webhook-token-for-stock-0042"
    entities = {"stock_transfers": EntitySettings(realtime=True)}
    async with open_catalog_world(clock, entities=entities, worker_poll_seconds=0.02) as world:
        await world.engine.sync("stock", O2M)
        stop = asyncio.Event()
        urls: list[str] = []
        service = asyncio.create_task(run_realtime(
            world.engine, secret=secret, stop_event=stop, host="127.0.0.1", port=0,
            poll_entities=[], workers=1, ready=urls.append, webhook_delay=0.0))
        try:
            base = await _eventually(lambda: urls and urls[0])
            url = WebhookReceiver(world.engine, secret).url(base)
            (hook,) = await provision_odoo_webhooks(
                world.conn.odoo, url, {"stock.picking": DEFAULT_FIELDS["stock.picking"]})
            assert hook.model == "stock.picking"
            picking = await _validate_delivery(world, 18, 4)
            assert any(body.get("_id") == picking and body.get("state") == "done"
                       for _, body in world.odoo.webhook_calls)
            await _eventually(lambda: source_qty(world, "E-COM08") == (14.0, 1))
        finally:
            stop.set()
            await asyncio.wait_for(service, 10)


# ---- per-item refusals -----------------------------------------------------------------------

class Corrupting:
    """The engine's Magento port, with one row of each base-prices call spoiled."""

    def __init__(self, inner: Any, sku: str, **spoil: Any) -> None:
        self.inner, self.sku, self.spoil = inner, sku, spoil

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def save_base_prices(self, prices: Any) -> Any:
        rows = [attrs.evolve(p, **self.spoil) if p.sku == self.sku else p for p in prices]
        return await self.inner.save_base_prices(rows)


@pytest.mark.parametrize("spoil", [{"price": -1.0}, {"store_id": 99}],
                         ids=["refused-naming-no-sku", "refused-naming-the-sku"])
async def test_refused_price_row_fails_alone_and_is_retried(
    world: World, spoil: dict[str, Any]
) -> None:
    world.engine.magento = Corrupting(world.conn.magento, "E-COM08", **spoil)
    result = await world.engine.sync("prices", O2M)
    outcome = result.by_source()["18"]
    assert outcome.outcome is Outcome.FAILED and outcome.retriable
    assert "E-COM08" in outcome.reason
    assert result.failed == 1 and result.created == 37  # the rest of the call stands
    assert magento_price(world, "E-COM08") == 1.0  # not saved
    assert magento_price(world, "E-COM07") == 320.0
    entries = await world.stores.log.query(LogFilter(entity="prices", record="E-COM08"))
    assert entries and entries[-1].status.value == "failed"
    # the failure went to the queue: a worker sends it once Magento takes it
    world.engine.magento = world.conn.magento
    world.clock.advance(60)
    assert await world.engine.work_once("test") == 1
    assert magento_price(world, "E-COM08") == 15.8
    assert sum((await world.stores.jobs.counts()).values()) == 0


class LosingStock:
    """The engine's Magento port, Magento keeping another quantity than sent for one SKU."""

    def __init__(self, inner: Any, sku: str) -> None:
        self.inner, self.sku = inner, sku

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def save_source_items(self, items: Any) -> None:
        rows = [attrs.evolve(i, quantity=1.0) if i.sku == self.sku else i for i in items]
        await self.inner.save_source_items(rows)


async def test_quantity_not_kept_fails_that_sku_alone(world: World) -> None:
    world.engine.magento = LosingStock(world.conn.magento, "E-COM07")
    result = await world.engine.sync("stock", O2M)
    outcome = result.by_source()["17"]
    assert outcome.outcome is Outcome.FAILED and outcome.retriable
    assert "did not keep" in outcome.reason and "E-COM07" in outcome.reason
    assert result.failed == 1 and result.created == 32


async def test_input_limit_counts_source_items(clock: Clock) -> None:
    stock = StockSettings(sources={"WH": "default", "My Co": "chicago"})
    async with open_catalog_world(clock, stock=stock) as world:
        world.magento.state.sources.add(
            {"source_code": "chicago", "name": "Chicago", "enabled": True,
             "country_id": "US", "postcode": "60601"}, key="source_code")
        world.engine.settings = attrs.evolve(
            world.engine.settings,
            magento=attrs.evolve(world.engine.settings.magento, input_limit=20))
        result = await world.engine.sync("stock", O2M)
        assert result.created == 33
        assert calls(world, SOURCE_ITEMS) == 4  # 10 SKUs x 2 sources per call: ceil(33 / 10)


async def test_store_without_msi_unknown_sku_is_skipped(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    async with open_catalog_world(clock, skip=("E-COM08",)) as world:
        world.magento.state.modules = [m for m in world.magento.state.modules
                                       if not m.startswith("Magento_Inventory")]
        with caplog.at_level(logging.WARNING, logger="magodoo.engine"):
            result = await world.engine.sync("stock", O2M)
        assert result.by_source()["18"].outcome is Outcome.SKIPPED
        assert result.failed == 0 and result.created == 32
        assert len([r for r in caplog.records if "E-COM08" in r.getMessage()]) == 1


# ---- settings --------------------------------------------------------------------------------

def test_price_and_stock_settings_from_toml(tmp_path: Any) -> None:
    from magodoo.exceptions import ConfigurationError
    from magodoo.settings import Settings

    path = tmp_path / "magodoo.toml"
    path.write_text('[magento]\ninput_limit = 20\n[prices]\npricelist = "Tiers"\n'
                    'website_id = 1\n[stock]\nquantity = "free"\n'
                    'sources = { "WH" = "default", "CHI" = "chicago" }\n')
    s = Settings.load(path, env={})
    assert s.magento.input_limit == 20
    assert (s.prices.pricelist, s.prices.website_id) == ("Tiers", 1)
    assert s.stock.quantity == "free" and dict(s.stock.sources) == {"WH": "default",
                                                                    "CHI": "chicago"}
    assert Settings().stock.quantity == "on_hand" and not Settings().stock.sources
    for bad, key in (({"stock": {"quantity": "forecast"}}, "stock.quantity"),
                     ({"stock": {"sources": {"WH": 1}}}, "stock.sources.WH"),
                     ({"stock": {"sources": ["WH"]}}, "stock.sources"),
                     ({"magento": {"input_limit": -1}}, "input_limit")):
        with pytest.raises(ConfigurationError, match=key.replace(".", r"\.")):
            Settings.from_mapping(bad)
