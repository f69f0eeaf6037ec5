"""Products Odoo -> Magento over both fakes: the real demo catalog into an empty store."""

from __future__ import annotations

from typing import Any

from magodoo.engine.result import Outcome
from tests.engine.catalog.conftest import odoo
from tests.engine.conftest import World

NO_CODE = {"1", "2", "3", "4", "29", "30", "34", "36", "37"}
"""Demo templates whose variant has no ``default_code``."""


def product(world: World, sku: str) -> dict[str, Any]:
    found = world.magento.state.product_by_sku(sku)
    assert found is not None, sku
    return found


async def test_demo_catalog_lands(catalog: World) -> None:
    result = await catalog.engine.sync("products", "o2m")
    failed = {r.source_id: r.reason for r in result.records if r.outcome is Outcome.FAILED}
    # the demo's products without an internal reference fail alone, named
    assert set(failed) == NO_CODE, failed
    assert "variant 1 ('Restaurant Expenses') has no internal reference" in failed["1"]
    simple = product(catalog, "FURN_7777")
    assert (simple["type_id"], simple["name"], simple["price"]) == ("simple", "Office Chair", 70)
    assert simple["visibility"] == 4 and simple["status"] == 1
    desk = product(catalog, "odoo-template-9")
    assert desk["type_id"] == "configurable"
    children = {product(catalog, s)["id"] for s in ("FURN_0096", "FURN_0097", "FURN_0098",
                                                    "DESK0005", "DESK0006")}
    assert set(desk["configurable_links"]) == children
    assert {o["label"] for o in desk["configurable_options"]} == {"Legs", "Color"}
    assert product(catalog, "FURN_0098")["price"] == 800.4
    assert product(catalog, "FURN_0098")["visibility"] == 1
    assert desk["category_links"]
    # radio/multi attributes without variants: custom options
    organizer = product(catalog, "FURN_0001")
    assert [o["title"] for o in organizer["options"]] == ["Size", "Fabric"]


async def test_a_second_run_writes_nothing(derived: World) -> None:
    first = await derived.engine.sync("products", "o2m")
    assert first.failed == 0
    assert product(derived, "odoo-1")["name"] == "Restaurant Expenses"
    assert product(derived, "odoo-1")["type_id"] == "virtual"
    before = derived.writes()
    again = await derived.engine.sync("products", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert derived.writes() == before


async def test_one_extra_price_updates_exactly_that_child(catalog: World) -> None:
    await catalog.engine.sync("products", "o2m")
    catalog.magento.counters.clear()
    catalog.clock.advance(60)
    odoo(catalog, "product.template.attribute.value", "write", [2], {"price_extra": 60.0})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("products", "o2m", keep_all=True)
    assert result.by_source()["9"].outcome is Outcome.UPDATED
    writes = {k: v for k, v in catalog.magento.counters.items() if not k.startswith("GET")}
    assert writes == {"PUT /V1/products/{sku}": 1}, writes  # one PUT: that child
    assert product(catalog, "FURN_0098")["price"] == 810


async def test_an_archived_template_disables_its_products(catalog: World) -> None:
    await catalog.engine.sync("products", "o2m")
    catalog.clock.advance(60)
    odoo(catalog, "product.template", "write", [5], {"active": False})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("products", "o2m", keep_all=True)
    assert result.by_source()["5"].outcome is Outcome.UPDATED
    assert product(catalog, "FURN_7777")["status"] == 2


async def test_full_catalog_sync_then_nothing(derived: World) -> None:
    structure = await derived.engine.sync_all("m2o")
    assert all(r.failed == 0 for r in structure.values())
    results = await derived.engine.sync_all("o2m")
    catalog = ["categories", "attributes", "products", "images", "translations"]
    assert list(results)[:5] == catalog
    assert all(results[k].failed == 0 for k in catalog), {
        k: [x.reason for x in results[k].records if x.reason] for k in catalog}
    state = derived.magento.state
    assert len(state.categories) == 2 + len(derived.odoo.table("product.public.category"))
    assert "legs" in state.attributes
    configurables = [p for p in state.products if p["type_id"] == "configurable"]
    assert len(configurables) == 4  # desk, conference chair, screens, warranty
    assert all(p["configurable_links"] for p in configurables)
    before = derived.writes()
    again = await derived.engine.sync_all("o2m", full=True)
    assert all(again[k].created == again[k].updated == again[k].failed == 0 for k in catalog)
    assert derived.writes() == before


async def test_a_new_value_and_variant_reach_the_configurable(catalog: World) -> None:
    await catalog.engine.sync("products", "o2m")
    catalog.clock.advance(60)
    (oak,) = odoo(catalog, "product.attribute.value", "create", [{"name": "Oak",
                                                                   "attribute_id": 1}])
    (line,) = [r for r in catalog.odoo.table("product.template.attribute.line").values()
               if r["product_tmpl_id"] == 16]
    odoo(catalog, "product.template.attribute.line", "write", [line["id"]],
         {"value_ids": [(4, oak)]})
    new = [v for v in catalog.odoo.table("product.product").values()
           if v["product_tmpl_id"] == 16 and v["id"] not in (23, 24)]
    assert len(new) == 1
    odoo(catalog, "product.product", "write", [new[0]["id"]], {"default_code": "E-COM14"})
    catalog.clock.advance(60)
    result = await catalog.engine.sync("products", "o2m", keep_all=True)
    assert result.by_source()["16"].outcome is Outcome.UPDATED, result.by_source()["16"]
    chair = product(catalog, "odoo-template-16")
    assert product(catalog, "E-COM14")["id"] in chair["configurable_links"]
    (option,) = chair["configurable_options"]
    assert len(option["values"]) == 3


async def test_combo_product_becomes_a_bundle(derived: World) -> None:
    result = await derived.engine.sync("products", "o2m", keep_all=True)
    assert result.by_source()["34"].outcome is Outcome.CREATED, result.by_source()["34"]
    bundle = product(derived, "odoo-43")
    assert (bundle["type_id"], bundle["price"], bundle["name"]) == ("bundle", 160, "Office Combo")
    options = bundle["bundle_options"]
    assert [o["title"] for o in options] == ["Desk", "Chair"]
    assert [(link["sku"], link["price"]) for link in options[1]["product_links"]] == [
        ("FURN_7777", 0.0), ("FURN_0269", 25.5)]
    ids = [o["option_id"] for o in options]
    derived.clock.advance(60)
    odoo(derived, "product.combo.item", "write", [4], {"extra_price": 30.0})
    derived.clock.advance(60)
    again = await derived.engine.sync("products", "o2m", keep_all=True)
    assert again.by_source()["34"].outcome is Outcome.UPDATED
    options = product(derived, "odoo-43")["bundle_options"]
    assert [o["option_id"] for o in options] == ids  # updated in place, not added again
    assert options[1]["product_links"][1]["price"] == 30.0


async def test_an_unreadable_variant_fails_its_template_alone(catalog: World) -> None:
    catalog.odoo.table("product.product")[5]["default_code"] = {"garbage": 1}
    result = await catalog.engine.sync("products", "o2m", keep_all=True)
    failed = result.by_source()["5"]
    assert failed.outcome is Outcome.FAILED
    assert "product.product 5, field 'default_code'" in failed.reason
    assert product(catalog, "FURN_8888")["name"] == "Office Lamp"  # the page went on
