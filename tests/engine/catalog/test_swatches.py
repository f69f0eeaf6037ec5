"""Visual swatches: an Odoo color attribute -> a Magento visual swatch attribute when the
store runs ``Magento_Swatches``, each value's ``html_color`` its option's swatch, kept through
renames and translation writes (Magento drops a swatch an option update does not resend)."""

from __future__ import annotations

from typing import Any

from magodoo.engine.result import Outcome
from tests.engine.catalog.conftest import odoo
from tests.engine.catalog.test_translations import activate, add_view
from tests.engine.conftest import World


def add_finish(world: World) -> tuple[int, int, int]:
    """A color attribute (not ``color``, which a stock store already has as a dropdown):
    Red and Blue with HTML colors, Raw without one."""
    created: Any = odoo(world, "product.attribute", "create", [
        {"name": "Finish", "display_type": "color", "create_variant": "always"}])
    aid = created[0] if isinstance(created, list) else created
    ids = []
    for name, color in (("Red", "#FF0000"), ("Blue", "#0000FF"), ("Raw", False)):
        vid: Any = odoo(world, "product.attribute.value", "create",
                        [{"name": name, "attribute_id": aid, "html_color": color}])
        ids.append(vid[0] if isinstance(vid, list) else vid)
    return ids[0], ids[1], ids[2]


async def option_of(world: World, value_id: int) -> str:
    binding = await world.stores.bindings.get_by_odoo("default", "attribute_values", value_id)
    assert binding is not None
    return binding.magento_id


async def test_a_color_attribute_becomes_a_visual_swatch(catalog: World) -> None:
    red, blue, raw = add_finish(catalog)
    result = await catalog.engine.sync("attributes", "o2m")
    assert result.failed == 0
    state = catalog.magento.state
    assert state.attributes["finish"]["frontend_input"] == "select"  # as Magento reads back
    assert "finish" in state.swatch_attributes
    assert state.option_swatches[await option_of(catalog, red)] == "#FF0000"
    assert state.option_swatches[await option_of(catalog, blue)] == "#0000FF"
    assert await option_of(catalog, raw) not in state.option_swatches  # a text label only
    labels = {o["value"]: o["label"] for o in state.attributes["finish"]["options"]}
    assert labels[await option_of(catalog, raw)] == "Raw"
    # a select attribute stays a dropdown
    assert "duration" not in state.swatch_attributes
    before = catalog.writes()
    again = await catalog.engine.sync("attributes", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert catalog.writes() == before


async def test_a_rename_keeps_the_swatch(catalog: World) -> None:
    red, _, _ = add_finish(catalog)
    await catalog.engine.sync("attributes", "o2m")
    oid = await option_of(catalog, red)
    catalog.clock.advance(60)
    odoo(catalog, "product.attribute.value", "write", [red], {"name": "Crimson"})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("attributes", "o2m", keep_all=True)
    assert result.failed == 0
    state = catalog.magento.state
    labels = {o["value"]: o["label"] for o in state.attributes["finish"]["options"]}
    assert labels[oid] == "Crimson"
    assert state.option_swatches[oid] == "#FF0000"
    # a changed HTML color reaches the swatch
    odoo(catalog, "product.attribute.value", "write", [red], {"html_color": "#AA0000"})
    catalog.clock.advance(60)
    await catalog.engine.sync("attributes", "o2m", keep_all=True)
    assert state.option_swatches[oid] == "#AA0000"


async def test_the_fake_drops_a_swatch_an_update_does_not_resend(catalog: World) -> None:
    red, _, _ = add_finish(catalog)
    await catalog.engine.sync("attributes", "o2m")
    oid = await option_of(catalog, red)
    magento: Any = catalog.engine.magento
    from magodoo.magento.models_catalog import AttributeOption

    await magento.update_attribute_option("finish", oid, AttributeOption.from_api(
        {"label": "Red", "value": oid, "sort_order": 1}))
    assert catalog.magento.state.option_swatches[oid] == oid  # the value became the swatch
    await magento.update_attribute_option("finish", oid, AttributeOption.from_api(
        {"label": "Red", "sort_order": 1}))
    assert oid not in catalog.magento.state.option_swatches  # magento/magento2#37794


async def test_a_translation_write_keeps_the_swatch(derived: World) -> None:
    add_view(derived, 2, "fr", "fr_FR")
    activate(derived, "fr_FR")
    red, _, _ = add_finish(derived)
    derived.odoo.execute("product.attribute.value", "write", [[red], {"name": "Rouge"}],
                         {"context": {"lang": "fr_FR"}})
    results = await derived.engine.sync_all("o2m")
    assert results["option_translations"].failed == 0, [
        r.reason for r in results["option_translations"].records
        if r.outcome is Outcome.FAILED]
    state = derived.magento.state
    oid = await option_of(derived, red)
    assert state.option_store_labels[oid] == {2: "Rouge"}
    assert state.option_swatches[oid] == "#FF0000"


async def test_a_store_without_swatches_gets_a_dropdown(catalog: World) -> None:
    state = catalog.magento.state
    state.modules = [m for m in state.modules if m != "Magento_Swatches"]
    red, _, _ = add_finish(catalog)
    result = await catalog.engine.sync("attributes", "o2m")
    assert result.failed == 0
    assert state.attributes["finish"]["frontend_input"] == "select"
    assert "finish" not in state.swatch_attributes
    assert not state.option_swatches
    labels = {o["value"]: o["label"] for o in state.attributes["finish"]["options"]}
    assert labels[await option_of(catalog, red)] == "Red"
