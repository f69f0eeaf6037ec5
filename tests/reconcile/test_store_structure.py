"""Store structure: Magento's websites (with store groups), store views (with storeConfigs) and
attribute sets against what magodoo kept at the last sync; planted changes in Magento found
exactly, and a repair that makes the next reconciliation clean."""

from __future__ import annotations

from magodoo.backends import Direction
from magodoo.reconcile import reconcile
from tests.reconcile.conftest import Pair

M2O = Direction.MAGENTO_TO_ODOO
ENTITIES = ["websites", "stores", "attribute_sets"]


def config(view_id: int, code: str, locale: str) -> dict[str, object]:
    return {"id": view_id, "code": code, "website_id": 2, "locale": locale,
            "base_currency_code": "USD", "default_display_currency_code": "USD",
            "timezone": "Europe/Berlin", "weight_unit": "kgs"}


async def test_changes_in_magento_since_the_last_sync(pair: Pair) -> None:
    state = pair.fake_magento.state
    state.stores.add({"id": 4, "code": "nl", "name": "Dutch", "website_id": 2,
                      "store_group_id": 2, "is_active": 1})
    state.store_configs[4] = config(4, "nl", "nl_NL")
    for entity in ENTITIES:
        assert (await pair.engine.sync(entity, M2O)).failed == 0
    report = await reconcile(pair.engine, ENTITIES)
    assert report.clean, report.differences
    assert [(c.entity, c.compared) for c in report.counts] == [
        ("websites", 2), ("stores", 3), ("attribute_sets", 2)]

    # a store view renamed, another's locale and currency changed, one new, one deleted
    fr = state.stores.get(2)
    assert fr is not None
    fr["name"] = "Vue française"
    state.store_configs[1]["locale"] = "en_GB"
    state.store_configs[1]["base_currency_code"] = "EUR"
    state.stores.add({"id": 3, "code": "de", "name": "German", "website_id": 2,
                      "store_group_id": 2, "is_active": 1})
    state.store_configs[3] = config(3, "de", "de_DE")
    state.stores.remove(4)
    del state.store_configs[4]
    # a store group renamed, one added
    eu = state.groups.get(2)
    assert eu is not None
    eu["name"] = "EU Stores"
    state.groups.add({"id": 3, "website_id": 2, "root_category_id": 2, "default_store_id": 3,
                      "name": "Outlet", "code": "outlet"})
    # an attribute set renamed
    clothing = state.attribute_sets.get(9)
    assert clothing is not None
    clothing["attribute_set_name"] = "Apparel"

    report = await reconcile(pair.engine, ENTITIES, page_size=2)
    assert sorted((d.entity, d.kind, d.magento_id, d.odoo_id, d.field)
                  for d in report.differences) == sorted([
        ("websites", "field_mismatch", "2", 2, "groups[2].name"),
        ("websites", "field_mismatch", "2", 2, "groups[3]"),
        ("stores", "field_mismatch", "2", 2, "name"),
        ("stores", "field_mismatch", "1", 1, "locale"),
        ("stores", "field_mismatch", "1", 1, "base_currency"),
        ("stores", "missing_in_odoo", "3", None, "code"),
        ("stores", "missing_in_magento", "4", 4, None),
        ("attribute_sets", "field_mismatch", "9", 9, "name"),
    ])
    values = {(d.entity, d.field): (d.magento_value, d.odoo_value) for d in report.differences}
    assert values["stores", "locale"] == ("en_GB", "en_US")
    assert values["stores", "name"] == ("Vue française", "French Store View")
    assert values["websites", "groups[3]"][1] is None
    assert values["websites", "groups[3]"][0]["name"] == "Outlet"
    assert str(report).startswith("8 differences in 3 of 3 entities")

    plan = await report.repair(pair.engine)
    assert {(a.entity, a.key, a.action) for a in plan} == {
        ("websites", "2", "sync"), ("stores", "1", "sync"), ("stores", "2", "sync"),
        ("stores", "3", "sync"), ("stores", "4", "sync"), ("attribute_sets", "9", "sync")}
    await report.repair(pair.engine, dry_run=False, run=True)
    again = await reconcile(pair.engine, ENTITIES)
    assert again.clean, again.differences
    assert [(c.entity, c.compared) for c in again.counts] == [
        ("websites", 2), ("stores", 3), ("attribute_sets", 2)]
    assert await pair.stores.bindings.get_by_magento("default", "stores", "4") is None
