"""Products: Odoo against the Magento products the catalog sync made (runs once the catalog
handlers are in: skipped before)."""

from __future__ import annotations

import pytest

from magodoo.reconcile import reconcile
from tests.engine.conftest import Clock, clock  # noqa: F401

catalog = pytest.importorskip("tests.engine.catalog.conftest",
                              reason="the catalog handlers are not in")


async def test_products_edited_in_magento_are_found_and_repaired(clock: Clock) -> None:  # noqa: F811
    from magodoo.settings import CatalogSettings

    async with catalog.open_catalog_world(
            clock, catalog=CatalogSettings(missing_sku="derive")) as world:
        assert (await world.engine.sync("products", "o2m")).failed == 0
        baseline = await reconcile(world.engine, ["products"], page_size=5)
        assert baseline.clean, baseline.differences[:5]
        assert baseline.counts[0].compared > 10

        chair = world.magento.state.product_by_sku("FURN_7777")
        assert chair is not None
        chair["name"] = "Renamed in Magento"
        child = world.magento.state.product_by_sku("FURN_0098")
        assert child is not None
        child["status"] = 2  # disabled by hand
        binding = await world.stores.bindings.get_by_magento("default", "products",
                                                             "odoo-template-9")
        chair_binding = await world.stores.bindings.get_by_magento("default", "products",
                                                                   "FURN_7777")
        assert binding is not None and chair_binding is not None

        report = await reconcile(world.engine, ["products"], page_size=5)
        assert sorted((d.kind, d.magento_id, d.odoo_id, d.field, d.magento_value)
                      for d in report.differences) == sorted([
            ("field_mismatch", "FURN_7777", chair_binding.odoo_id, "name",
             "Renamed in Magento"),
            ("field_mismatch", "odoo-template-9", binding.odoo_id,
             "children[FURN_0098].status", 2)])
        await report.repair(world.engine, dry_run=False, run=True)
        assert (await reconcile(world.engine, ["products"], page_size=5)).clean


async def test_attributes_renamed_in_magento_are_found_and_repaired(clock: Clock) -> None:  # noqa: F811
    async with catalog.open_catalog_world(clock) as world:
        assert (await world.engine.sync("attributes", "o2m")).failed == 0
        report = await reconcile(world.engine, ["attributes"])
        assert report.clean, report.differences
        binding = (await world.stores.bindings.list_bindings("default", "attributes",
                                                             limit=1))[0]
        attribute = await world.conn.magento.get_product_attribute(binding.magento_id)
        from magodoo.magento.models_catalog import ProductAttribute

        await world.conn.magento.update_product_attribute(
            binding.magento_id, ProductAttribute(default_frontend_label="Renamed by hand"))
        report = await reconcile(world.engine, ["attributes"])
        assert [(d.kind, d.magento_id, d.odoo_id, d.field, d.magento_value, d.odoo_value)
                for d in report.differences] == [
            ("field_mismatch", binding.magento_id, binding.odoo_id, "default_frontend_label",
             "Renamed by hand", attribute.default_frontend_label)]
        await report.repair(world.engine, dry_run=False, run=True)
        assert (await reconcile(world.engine, ["attributes"])).clean


async def test_categories_led_by_magento_are_repaired_into_odoo(clock: Clock) -> None:  # noqa: F811
    from magodoo.magento import Category
    from magodoo.settings import CatalogSettings

    async with catalog.open_catalog_world(
            clock, catalog=CatalogSettings(category_source="magento")) as world:
        assert (await world.engine.sync("categories", "o2m")).failed == 0
        assert (await reconcile(world.engine, ["categories"])).clean
        binding = (await world.stores.bindings.list_bindings("default", "categories",
                                                             limit=2))[1]
        world.clock.advance(600)  # a later edit (not the echo of magodoo's own write)
        await world.conn.magento.update_category(int(binding.magento_id),
                                                 Category(name="Renamed in Magento"))
        report = await reconcile(world.engine, ["categories"])
        assert report.sources == {"categories": "magento"}
        assert [(d.kind, d.magento_id, d.field) for d in report.differences] == [
            ("field_mismatch", binding.magento_id, "name")]
        (action,) = await report.repair(world.engine)
        assert (action.direction.value, action.key) == ("m2o", binding.magento_id)
        await report.repair(world.engine, dry_run=False, run=True)
        (row,) = await world.conn.odoo.read("product.public.category", [binding.odoo_id],
                                            ["name"])
        assert row["name"] == "Renamed in Magento"
        assert (await reconcile(world.engine, ["categories"])).clean
