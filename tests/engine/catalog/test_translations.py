"""Names and descriptions per store view language, Odoo -> Magento, over both fakes."""

from __future__ import annotations

from typing import Any

from magodoo.engine.result import Outcome
from magodoo.testing._magento.base_store import store_config
from tests.engine.catalog.conftest import odoo
from tests.engine.conftest import World


def add_view(world: World, view_id: int, code: str, locale: str) -> None:
    state = world.magento.state
    state.stores.add({"id": view_id, "code": code, "name": code.upper(), "website_id": 1,
                      "store_group_id": 1, "is_active": 1})
    state.store_configs[view_id] = {**store_config(state.stores.rows[view_id]), "locale": locale}


def store_value(world: World, sku: str, view_id: int) -> dict[str, Any]:
    product = world.magento.state.product_by_sku(sku)
    assert product is not None
    return dict(product.get("store_values", {}).get(view_id, {}))


async def test_names_go_to_the_store_views_of_active_languages(derived: World) -> None:
    add_view(derived, 2, "fr", "fr_FR")
    add_view(derived, 3, "de", "de_DE")
    add_view(derived, 4, "it", "it_IT")  # not installed in Odoo: left alone
    for lang in ("fr_FR", "de_DE"):
        (lid,) = [r["id"] for r in derived.odoo.table("res.lang").values()
                  if r["code"] == lang]
        odoo(derived, "res.lang", "write", [lid], {"active": True})
    def fr() -> dict[str, Any]:  # execute() takes the context out of its kwargs: one each
        return {"context": {"lang": "fr_FR"}}

    de = {"context": {"lang": "de_DE"}}
    derived.odoo.execute("product.template", "write", [[5], {"name": "Chaise de bureau"}], fr())
    derived.odoo.execute("product.template", "write", [[9], {"name": "Bureau modulable"}], fr())
    derived.odoo.execute("product.attribute.value", "write", [[1], {"name": "Acier"}], fr())
    derived.odoo.execute("product.template", "write", [[5], {"name": "Bürostuhl"}], de)
    assert derived.odoo.table("product.attribute.value")[1]["name"] == "Steel"
    results = await derived.engine.sync_all("o2m")
    assert results["translations"].failed == 0, [
        r.reason for r in results["translations"].records if r.outcome is Outcome.FAILED]
    assert store_value(derived, "FURN_7777", 2) == {"name": "Chaise de bureau"}
    assert store_value(derived, "FURN_7777", 3) == {"name": "Bürostuhl"}
    assert store_value(derived, "FURN_7777", 4) == {}
    assert store_value(derived, "odoo-template-9", 2)["name"] == "Bureau modulable"
    assert store_value(derived, "FURN_0096", 2)["name"] == "Bureau modulable (Acier, White)"
    chair = derived.magento.state.product_by_sku("FURN_7777")
    assert chair is not None and chair["name"] == "Office Chair"  # the global name stays
    desk = derived.magento.state.product_by_sku("odoo-template-9")
    assert desk is not None and desk["name"] != "Bureau modulable"
    assert set(store_value(derived, "FURN_7777", 2)) == {"name"}  # nothing else at store level
    before = derived.writes()
    again = await derived.engine.sync("translations", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert derived.writes() == before


async def test_no_other_language_no_writes(derived: World) -> None:
    await derived.engine.sync("products", "o2m")
    before = derived.writes()
    result = await derived.engine.sync("translations", "o2m")
    assert result.failed == 0
    assert derived.writes() == before


def activate(world: World, *langs: str) -> None:
    for lang in langs:
        (lid,) = [r["id"] for r in world.odoo.table("res.lang").values() if r["code"] == lang]
        odoo(world, "res.lang", "write", [lid], {"active": True})


async def test_category_names_and_option_labels_go_to_the_store_views(derived: World) -> None:
    add_view(derived, 2, "fr", "fr_FR")
    add_view(derived, 3, "de", "de_DE")
    activate(derived, "fr_FR", "de_DE")
    def fr() -> dict[str, Any]:  # execute() takes the context out of its kwargs
        return {"context": {"lang": "fr_FR"}}

    de = {"context": {"lang": "de_DE"}}
    categories = sorted(derived.odoo.table("product.public.category").values(),
                        key=lambda r: r["id"])
    first, second = categories[0], categories[1]
    derived.odoo.execute("product.public.category", "write", [[first["id"]],
                                                              {"name": "Bureaux"}], fr())
    derived.odoo.execute("product.public.category", "write", [[first["id"]],
                                                              {"name": "Schreibtische"}], de)
    derived.odoo.execute("product.attribute.value", "write", [[1], {"name": "Acier"}], fr())
    assert derived.odoo.table("product.attribute.value")[1]["name"] == "Steel"
    results = await derived.engine.sync_all("o2m")
    for entity in ("category_translations", "option_translations"):
        assert results[entity].failed == 0, [
            r.reason for r in results[entity].records if r.outcome is Outcome.FAILED]
    state = derived.magento.state
    cat = await derived.engine.stores.bindings.get_by_odoo("default", "categories",
                                                           first["id"])
    assert cat is not None
    row = state.categories.get(int(cat.magento_id))
    assert row["name"] == first["name"]  # the global name stays
    assert row["store_values"] == {2: {"name": "Bureaux"}, 3: {"name": "Schreibtische"}}
    other = await derived.engine.stores.bindings.get_by_odoo("default", "categories",
                                                             second["id"])
    assert other is not None  # untranslated: no store-level name, it follows the global one
    assert not state.categories.get(int(other.magento_id)).get("store_values")
    magento: Any = derived.engine.magento
    fr_cat = await magento.for_store("fr").get_category(int(cat.magento_id))
    assert fr_cat.name == "Bureaux"
    # the option of value 1 has the French label; the German view falls back to the admin one
    option = await derived.engine.stores.bindings.get_by_odoo("default", "attribute_values", 1)
    assert option is not None
    assert state.option_store_labels[option.magento_id] == {2: "Acier"}
    code = option.magento_key.split("/")[0]
    by_store = {o.value: o.label for o in await magento.for_store("fr").list_attribute_options(
        code)}
    assert by_store[option.magento_id] == "Acier"
    before = derived.writes()
    for entity in ("category_translations", "option_translations"):
        again = await derived.engine.sync(entity, "o2m", full=True)
        assert again.skipped == again.total > 0, entity
    assert derived.writes() == before
    # a renamed value: the attributes handler's rename drops the option's store labels
    # (Magento saves them all at once); the option translations put them back
    odoo(derived, "product.attribute.value", "write", [1], {"name": "Steel grey"})
    derived.clock.advance(60)
    results = await derived.engine.sync_all("o2m")
    assert results["option_translations"].failed == 0
    assert state.option_store_labels[option.magento_id] == {2: "Acier"}
    labels = {o.value: o.label for o in await magento.list_attribute_options(code)}
    assert labels[option.magento_id] == "Steel grey"
