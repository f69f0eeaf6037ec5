"""Product attributes Odoo -> Magento over both fakes (the real demo's attributes)."""

from __future__ import annotations

from magodoo.engine.result import Outcome, RecordOutcome
from tests.engine.catalog.conftest import odoo
from tests.engine.conftest import World


def options(world: World, code: str) -> dict[str, str]:
    attr = world.magento.state.attributes[code]
    return {o["value"]: o["label"] for o in attr["options"] if o["value"]}


async def value_bindings(world: World) -> dict[int, str]:
    rows = await world.stores.bindings.list_bindings("default", "attribute_values")
    return {b.odoo_id: b.magento_id for b in rows}


async def test_demo_attributes_land_with_bound_options(catalog: World) -> None:
    streamed: list[RecordOutcome] = []  # a pass holds only notable outcomes: stream them
    await catalog.engine.sync("attributes", "o2m", on_outcome=streamed.append)
    by_id = {r.source_id: r for r in streamed}
    # Legs (radio, variants), Color (color), Duration (select), Fabric (select), Brand
    # (radio, variants, no values); Extra Options (multi) and Size (radio, no variant) are
    # custom options.
    assert sorted(by_id, key=int) == ["1", "2", "3", "6", "7"]
    assert {r.outcome for r in streamed} == {Outcome.CREATED, Outcome.UPDATED}
    assert by_id["2"].outcome is Outcome.UPDATED  # "color" exists in a stock store: bound
    state = catalog.magento.state
    assert state.attributes["legs"]["frontend_input"] == "select"
    assert state.attributes["legs"]["scope"] == "global"
    assert sorted(options(catalog, "legs").values()) == ["Aluminium", "Custom", "Steel"]
    assert sorted(options(catalog, "color").values()) == ["Black", "White", "Wood"]
    assert "legs" in state.set_attributes[4] and "duration" in state.set_attributes[4]
    bound = await value_bindings(catalog)
    assert options(catalog, "legs")[bound[1]] == "Steel"
    assert len(bound) == 3 + 3 + 2 + 3


async def test_a_rerun_writes_nothing(catalog: World) -> None:
    await catalog.engine.sync("attributes", "o2m")
    before = catalog.writes()
    again = await catalog.engine.sync("attributes", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert catalog.writes() == before


async def test_renamed_added_and_removed_values(catalog: World) -> None:
    await catalog.engine.sync("attributes", "o2m")
    bound = await value_bindings(catalog)
    catalog.clock.advance(60)
    odoo(catalog, "product.attribute.value", "write", [1], {"name": "Stainless Steel"})
    odoo(catalog, "product.attribute.value", "create", [{"name": "Oak", "attribute_id": 1}])
    odoo(catalog, "product.attribute", "write", [1], {"name": "Desk Legs"})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("attributes", "o2m", keep_all=True)
    assert result.by_source()["1"].outcome is Outcome.UPDATED
    legs = options(catalog, "legs")  # the code stays: the binding keeps the attribute
    assert legs[bound[1]] == "Stainless Steel"
    assert "Oak" in legs.values()
    assert catalog.magento.state.attributes["legs"]["default_frontend_label"] == "Desk Legs"


async def test_a_value_removed_in_odoo_removes_its_option(catalog: World) -> None:
    await catalog.engine.sync("attributes", "o2m")
    bound = await value_bindings(catalog)
    gone = bound[16]
    catalog.clock.advance(60)
    odoo(catalog, "product.attribute.value", "unlink", [16])
    result = await catalog.engine.sync("attributes", "o2m", full=True, keep_all=True)
    assert result.by_source()["6"].outcome is Outcome.UPDATED
    assert gone not in options(catalog, "fabric")
    assert 16 not in await value_bindings(catalog)
