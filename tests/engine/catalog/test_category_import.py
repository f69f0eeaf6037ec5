"""Categories Magento -> Odoo over both fakes: one binding whatever the direction, one source
of truth per field, conflicts logged and resolved by the setting, never ping-ponged."""

from __future__ import annotations

from typing import Any

from magodoo.backends.models import LogFilter
from magodoo.engine.result import Outcome
from magodoo.magento.models_catalog import Category
from magodoo.settings import CatalogSettings
from tests.engine.catalog.conftest import odoo, open_catalog_world
from tests.engine.conftest import Clock, World


def odoo_category(world: World, name: str) -> dict[str, Any] | None:
    return next((r for r in world.odoo.table("product.public.category").values()
                 if r["name"] == name), None)


async def magento_id_of(world: World, odoo_id: int) -> int:
    binding = await world.stores.bindings.get_by_odoo("default", "categories", odoo_id)
    assert binding is not None
    return int(binding.magento_id)


async def test_magento_only_categories_land_and_odoo_written_ones_are_echoes(
        catalog: World) -> None:
    await catalog.engine.sync("categories", "o2m")
    first = await catalog.engine.sync("categories", "m2o")
    assert first.total > 0 and first.skipped == first.total
    assert first.skip_reasons == {"echo": first.total}
    desks = odoo_category(catalog, "Desks")
    assert desks is not None
    parent = await magento_id_of(catalog, desks["id"])
    catalog.clock.advance(60)
    made = await catalog.conn.magento.create_category(Category.from_api(
        {"name": "Sit Stand Frames", "parent_id": parent, "is_active": True, "position": 4}))
    catalog.clock.advance(60)
    result = await catalog.engine.sync("categories", "m2o", keep_all=True)
    assert result.by_source()[str(made.id)].outcome is Outcome.CREATED
    row = odoo_category(catalog, "Sit Stand Frames")
    assert row is not None and row["parent_id"] == desks["id"] and row["sequence"] == 4
    writes = catalog.writes()
    catalog.clock.advance(60)
    for direction in ("m2o", "o2m", "m2o"):
        again = await catalog.engine.sync("categories", direction, full=True)
        assert again.skipped == again.total > 0, direction
    assert catalog.writes() == writes


async def test_changed_on_both_sides_is_a_conflict_odoo_wins(catalog: World) -> None:
    await catalog.engine.sync("categories", "o2m")
    desks = odoo_category(catalog, "Desks")
    assert desks is not None
    mid = await magento_id_of(catalog, desks["id"])
    catalog.clock.advance(60)
    await catalog.conn.magento.update_category(mid, Category.from_api({"name": "Tables"}))
    odoo(catalog, "product.public.category", "write", [desks["id"]], {"name": "Work Desks"})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("categories", "m2o", keep_all=True)
    outcome = result.by_source()[str(mid)]
    assert "conflict: name 'Tables' in Magento, 'Work Desks' in Odoo" in outcome.reason
    assert odoo_category(catalog, "Work Desks") is not None  # Odoo untouched
    entries = await catalog.stores.log.query(LogFilter(entity="categories"))
    assert any("conflict" in e.message for e in entries)
    # the next Odoo -> Magento sync puts Odoo's value back; then everything is quiet
    await catalog.engine.sync("categories", "o2m")
    assert catalog.magento.state.categories.get(mid)["name"] == "Work Desks"
    catalog.clock.advance(60)
    for direction in ("m2o", "o2m"):
        again = await catalog.engine.sync("categories", direction)
        assert again.skipped == again.total, direction


async def test_magento_as_source_writes_to_odoo(clock: Clock) -> None:
    async with open_catalog_world(
            clock, catalog=CatalogSettings(category_source="magento")) as world:
        await world.engine.sync("categories", "o2m")
        desks = odoo_category(world, "Desks")
        assert desks is not None
        mid = await magento_id_of(world, desks["id"])
        world.clock.advance(60)
        await world.conn.magento.update_category(mid, Category.from_api({"name": "Tables"}))
        world.clock.advance(60)
        result = await world.engine.sync("categories", "m2o", keep_all=True)
        assert result.by_source()[str(mid)].outcome is Outcome.UPDATED
        assert world.odoo.table("product.public.category")[desks["id"]]["name"] == "Tables"
        # a change made in Odoo now is the conflict: Magento keeps its value
        world.clock.advance(60)
        odoo(world, "product.public.category", "write", [desks["id"]], {"name": "Benches"})
        world.clock.advance(60)
        back = await world.engine.sync("categories", "o2m")
        assert "conflict" in back.by_source()[str(desks["id"])].reason
        assert world.magento.state.categories.get(mid)["name"] == "Tables"
