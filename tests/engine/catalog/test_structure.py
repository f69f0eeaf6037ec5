"""Store structure and attribute sets, Magento -> magodoo's stores, over both fakes."""

from __future__ import annotations

from magodoo.backends.models import LogFilter
from magodoo.engine.entities.catalog import attribute_sets, store_views
from magodoo.testing._magento.base_store import store_config
from tests.engine.conftest import World


def add_french_view(world: World) -> None:
    state = world.magento.state
    state.stores.add({"id": 2, "code": "fr", "name": "French", "website_id": 1,
                      "store_group_id": 1, "is_active": 1})
    state.store_configs[2] = store_config(state.stores.rows[2])


async def test_structure_lands_and_a_rerun_writes_nothing(world: World) -> None:
    add_french_view(world)
    results = await world.engine.sync_all("m2o")
    assert [e for e in results][:3] == ["websites", "stores", "attribute_sets"]
    assert results["websites"].created == 1
    views = await store_views(world.stores)
    assert [(v.code, v.locale, v.base_currency, v.timezone) for v in views] == [
        ("default", "en_US", "USD", "UTC"), ("fr", "fr_FR", "USD", "UTC")]
    assert views[0].language_ok and not views[1].language_ok
    sets = await attribute_sets(world.stores)
    assert [s.name for s in sets] == ["Default"]
    assert sets[0].group_id("product details") == 7
    warned = await world.stores.log.query(LogFilter(entity="stores"))
    assert any("fr_FR is not an active Odoo language" in e.message for e in warned)
    again = await world.engine.sync_all("m2o")
    for name in ("websites", "stores", "attribute_sets"):
        assert again[name].skipped == again[name].total > 0, name


async def test_a_store_view_removed_in_magento_leaves_the_stores(world: World) -> None:
    add_french_view(world)
    await world.engine.sync("stores", "m2o")
    del world.magento.state.stores.rows[2]
    del world.magento.state.store_configs[2]
    await world.engine.sync("stores", "m2o")
    assert [v.code for v in await store_views(world.stores)] == ["default"]


async def test_currency_mismatch_is_a_warning(world: World) -> None:
    world.magento.state.store_configs[1]["base_currency_code"] = "EUR"
    await world.engine.sync("stores", "m2o")
    (view,) = await store_views(world.stores)
    assert any("base currency EUR differs" in w for w in view.warnings)


async def test_check_says_when_a_default_attribute_group_is_missing(world: World) -> None:
    report = await world.engine.check()
    assert report.magento.features["default_attribute_set"] is True
    assert report.magento.features["default_attribute_group"] is True
    assert report.magento.warnings == ()
    world.magento.state.attribute_groups.rows.pop(7)
    report = await world.engine.check()
    assert report.magento.features["default_attribute_group"] is False
    assert "'Product Details' is not a group" in report.magento.warnings[0]
    assert report.ok  # a warning, not a failure
