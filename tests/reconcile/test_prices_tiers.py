"""Prices with tier prices on (prices.pricelist), and the page size reaching every read."""

from __future__ import annotations

from typing import Any

from magodoo.backends import Direction
from magodoo.magento.models_prices import SkuTierPrice
from magodoo.reconcile import reconcile
from magodoo.settings import PriceSettings
from tests.engine.conftest import Clock, clock  # noqa: F401
from tests.engine.test_prices_stock import open_catalog_world

O2M = Direction.ODOO_TO_MAGENTO


async def test_tier_prices_edited_in_magento_are_found_and_repaired(clock: Clock) -> None:  # noqa: F811
    async with open_catalog_world(clock, prices=PriceSettings(pricelist="Magento tiers")) as world:
        odoo = world.conn.odoo
        (pricelist,) = await odoo.create("product.pricelist", [{"name": "Magento tiers"}])
        await odoo.create("product.pricelist.item", [
            {"pricelist_id": pricelist, "applied_on": "0_product_variant", "product_id": 18,
             "min_quantity": 10, "fixed_price": 14.0}])
        assert (await world.engine.sync("prices", O2M)).failed == 0
        assert (await reconcile(world.engine, ["prices"])).clean

        await world.conn.magento.replace_tier_prices([SkuTierPrice.from_api({
            "sku": "E-COM08", "price": 15.0, "price_type": "fixed", "website_id": 0,
            "customer_group": "ALL GROUPS", "quantity": 10})])
        report = await reconcile(world.engine, ["prices"])
        assert [(d.kind, d.magento_id, d.odoo_id, d.field, d.magento_value, d.odoo_value)
                for d in report.differences] == [
            ("field_mismatch", "E-COM08", 18, "tier_prices", [[10.0, 15.0]], [[10.0, 14.0]])]
        await report.repair(world.engine, dry_run=False, run=True)
        assert (await reconcile(world.engine, ["prices"])).clean


async def test_every_read_stays_within_the_page(clock: Clock) -> None:  # noqa: F811
    async with open_catalog_world(clock) as world:
        for entity in ("prices", "stock"):
            assert (await world.engine.sync(entity, O2M)).failed == 0
        sizes: list[int] = []

        class Counting:
            """The client, with the size of each bulk read noted."""

            def __init__(self, inner: Any) -> None:
                self.inner = inner

            def __getattr__(self, name: str) -> Any:
                return getattr(self.inner, name)

            async def get_base_prices(self, skus: list[str]) -> Any:
                sizes.append(len(skus))
                return await self.inner.get_base_prices(skus)

            async def list_source_items(self, criteria: Any = None) -> Any:
                sizes.append(criteria.page_size)
                return await self.inner.list_source_items(criteria)

        world.engine.magento = Counting(world.engine.magento)
        report = await reconcile(world.engine, ["prices", "stock"], page_size=7)
        assert report.clean and sum(c.compared for c in report.counts) > 30
        assert len(sizes) >= 8 and max(sizes) <= 7
