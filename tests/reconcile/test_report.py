"""reconcile(): every entity family against the fakes, planted differences found exactly,
repaired, and the next report clean."""

from __future__ import annotations

import csv
from pathlib import Path

import attrs
import pytest

from magodoo.backends import Direction
from magodoo.magento import Category
from magodoo.magento.models_prices import BasePrice
from magodoo.reconcile import Difference, Report, reconcile
from magodoo.testing._magento.stock import reserve
from magodoo.testing.demo import _catalog_stand_in
from tests.reconcile.conftest import Pair

M2O, O2M = Direction.MAGENTO_TO_ODOO, Direction.ODOO_TO_MAGENTO
ENTITIES = ["categories", "prices", "stock", "customers"]
"""What these tests sync and check (other families, once installed, have their own tests)."""


def key(d: Difference) -> tuple[str, str, str | None, int | None, str | None]:
    return (d.entity, d.kind, d.magento_id, d.odoo_id, d.field)


async def synced(pair: Pair) -> Report:
    """Everything synced; the report of what the demo data itself leaves (customers the
    mapper refuses)."""
    _catalog_stand_in(pair.fake_magento, pair.fake_odoo)
    await pair.engine.sync("customers", M2O)
    for entity in ("categories", "prices", "stock"):
        result = await pair.engine.sync(entity, O2M)
        assert result.failed == 0, entity
    return await reconcile(pair.engine, ENTITIES, page_size=7)


async def a_variant(pair: Pair, entity: str, index: int = 0) -> tuple[int, str]:
    bindings = await pair.stores.bindings.list_bindings("default", entity, limit=index + 1)
    return bindings[index].odoo_id, bindings[index].magento_id


async def test_right_after_a_sync_only_the_refused_customers_differ(pair: Pair) -> None:
    report = await synced(pair)
    assert [c.entity for c in report.counts] == ENTITIES
    assert {(d.entity, d.kind) for d in report.differences} <= {("customers", "missing_in_odoo")}
    assert all(str(d.magento_value).startswith("not mappable") for d in report.differences)
    by = {c.entity: c for c in report.counts}
    for entity in ("categories", "prices", "stock"):
        assert by[entity].compared > 0 and by[entity].agreeing == by[entity].compared
        assert by[entity].differing == 0
    assert by["customers"].agreeing == by["customers"].compared - len(report.differences)


async def plant(pair: Pair) -> set[tuple[str, str, str | None, int | None, str | None]]:
    """A price changed in Magento, stock off by three, a customer's address edited, a
    category renamed in Magento: the differences they must make."""
    price_oid, sku = await a_variant(pair, "prices", 2)
    await pair.magento.save_base_prices([BasePrice(sku=sku, price=999.99, store_id=0)])

    stock_oid, stock_sku = await a_variant(pair, "stock", 1)
    (item,) = [i for i in (await pair.magento.list_source_items()).items
               if i.sku == stock_sku and i.source_code == "default"]
    await pair.magento.save_source_items([attrs.evolve(item, quantity=(item.quantity or 0) + 3,
                                                       status=1)])

    customers = (await pair.magento.search_customers()).items
    bound = await pair.stores.bindings.get_many_by_magento(
        "default", "customers", [str(c.id) for c in customers])
    customer = next(c for c in customers if str(c.id) in bound and c.addresses)
    assert customer.id is not None and customer.addresses
    first, *rest = customer.addresses
    await pair.magento.update_customer(customer.id, attrs.evolve(
        customer, addresses=(attrs.evolve(first, street=["1 Moved Street"]), *rest)))

    cat_oid, cat_mid = await a_variant(pair, "categories", 3)
    await pair.magento.update_category(int(cat_mid), Category(name="Renamed in Magento"))

    partner = bound[str(customer.id)].odoo_id
    return {("prices", "field_mismatch", sku, price_oid, "price"),
            ("stock", "field_mismatch", stock_sku, stock_oid, "quantity[default]"),
            ("customers", "field_mismatch", str(customer.id), partner, "street"),
            ("categories", "field_mismatch", cat_mid, cat_oid, "name")}


async def test_planted_drifts_are_found_exactly_then_repaired(pair: Pair) -> None:
    baseline = await synced(pair)
    planted = await plant(pair)

    report = await reconcile(pair.engine, ENTITIES, page_size=7)
    new = [d for d in report.differences if d not in baseline.differences]
    assert {key(d) for d in new} == planted
    assert len(new) == len(planted)
    assert not report.clean
    price = next(d for d in new if d.entity == "prices")
    assert price.magento_value == 999.99
    assert report.sources["prices"] == "odoo" and report.sources["customers"] == "magento"

    plan = await report.repair(pair.engine)  # dry run: lists, changes nothing
    syncs = {(a.entity, a.direction, a.key) for a in plan if a.action == "sync"}
    assert {(d.entity, d.magento_id if d.entity == "customers" else str(d.odoo_id))
            for d in new} <= {(e, k) for e, _, k in syncs}
    assert await pair.stores.jobs.counts() == {} or sum(
        (await pair.stores.jobs.counts()).values()) == 0
    again = await reconcile(pair.engine, ENTITIES, page_size=7)
    assert {key(d) for d in again.differences} == {key(d) for d in report.differences}

    await report.repair(pair.engine, dry_run=False, run=True)
    after = await reconcile(pair.engine, ENTITIES, page_size=7)
    assert {key(d) for d in after.differences} == {key(d) for d in baseline.differences}


async def test_open_reservations_are_in_flight_not_drift(pair: Pair) -> None:
    baseline = await synced(pair)
    oid, sku = await a_variant(pair, "stock", 0)
    (item,) = [i for i in (await pair.magento.list_source_items()).items
               if i.sku == sku and i.source_code == "default"]
    # Odoo shipped 2; Magento has not shipped its order yet (2 reserved)
    await pair.magento.save_source_items([attrs.evolve(item, quantity=(item.quantity or 0) + 2,
                                                       status=1)])
    reserve(pair.fake_magento.state, sku, 2)
    report = await reconcile(pair.engine, ["stock"])
    assert [key(d) for d in report.differences] == [
        ("stock", "in_flight", sku, oid, "quantity[default]")]
    assert report.clean and report.counts[0].in_flight == 1
    assert "1 in flight" in str(report)
    actions = await report.repair(pair.engine)
    assert [a.action for a in actions] == ["none"]
    assert baseline.counts  # (the baseline was taken)


async def test_prices_to_the_cent_and_bindings(pair: Pair) -> None:
    await synced(pair)
    _, sku = await a_variant(pair, "prices", 0)
    current = (await pair.magento.get_base_prices([sku]))[0].price or 0.0
    await pair.magento.save_base_prices([BasePrice(sku=sku, price=current + 0.004,
                                                   store_id=0)])
    assert (await reconcile(pair.engine, ["prices"])).clean  # rounds to the same cent

    other_oid, other_sku = await a_variant(pair, "prices", 1)
    binding = await pair.stores.bindings.get_by_odoo("default", "prices", other_oid)
    assert binding is not None
    await pair.stores.bindings.unbind("default", "prices", odoo_id=other_oid)
    report = await reconcile(pair.engine, ["prices"])
    assert [key(d) for d in report.differences] == [
        ("prices", "unbound", other_sku, other_oid, None)]
    await pair.stores.bindings.bind(attrs.evolve(binding, id=None, magento_id="GONE-SKU"))
    report = await reconcile(pair.engine, ["prices"])
    assert [key(d) for d in report.differences] == [
        ("prices", "broken_binding", "GONE-SKU", other_oid, "sku")]
    await report.repair(pair.engine, dry_run=False, run=True)
    final = await reconcile(pair.engine, ["prices"])
    assert final.clean


async def test_a_variant_gone_from_odoo_is_only_in_magento(pair: Pair) -> None:
    await synced(pair)
    oid, sku = await a_variant(pair, "prices", 0)
    await pair.odoo.write("product.product", [oid], {"default_code": False})
    report = await reconcile(pair.engine, ["prices"])
    assert [key(d) for d in report.differences] == [("prices", "missing_in_odoo", sku, oid,
                                                     None)]
    (action,) = await report.repair(pair.engine)
    assert action.action == "none" and "by hand" in action.reason


async def test_exports(pair: Pair, tmp_path: Path) -> None:
    await synced(pair)
    cat_oid, cat_mid = await a_variant(pair, "categories", 0)
    await pair.magento.update_category(int(cat_mid), Category(name="<b>Renamed</b>"))
    report = await reconcile(pair.engine, ["categories"])
    assert str(report) == (f"1 differences in 1 of 1 entities (1 field_mismatch); "
                           f"{report.counts[0].agreeing} pairs agree")
    assert "&lt;b&gt;Renamed" in report._repr_html_() and "<table>" in report._repr_html_()
    frame = report.to_pandas()
    assert list(frame.columns) == ["entity", "kind", "magento_id", "odoo_id", "field",
                                   "magento_value", "odoo_value", "source_of_truth"]
    assert frame.iloc[0]["source_of_truth"] == "odoo" and frame.iloc[0]["odoo_id"] == cat_oid
    path = report.save(tmp_path / "r.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["magento_value"] == "<b>Renamed</b>" and rows[0]["kind"] == "field_mismatch"
    document = report.to_json()
    assert document["clean"] is False and document["differences"][0]["odoo_id"] == cat_oid
    pytest.importorskip("pyarrow")
    assert report.save(tmp_path / "r.parquet").exists()


async def test_unknown_entity_is_named(pair: Pair) -> None:
    from magodoo.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"'nonsense'.*customers"):
        await reconcile(pair.engine, ["nonsense"])


async def test_customer_bound_to_a_deleted_partner_is_a_broken_binding(pair: Pair) -> None:
    baseline = await synced(pair)
    binding = (await pair.stores.bindings.list_bindings("default", "customers", limit=1))[0]
    children = await pair.odoo.search_read_page("res.partner",
                                                [("parent_id", "=", binding.odoo_id)], ["id"])
    await pair.odoo.unlink("res.partner", [*(c["id"] for c in children), binding.odoo_id])
    report = await reconcile(pair.engine, ["customers"])
    new = [d for d in report.differences if d not in baseline.differences]
    assert [key(d) for d in new] == [("customers", "broken_binding", binding.magento_id,
                                      binding.odoo_id, "binding")]
    (action,) = [a for a in await report.repair(pair.engine) if a.key == binding.magento_id]
    assert action.action == "rebind"
    await report.repair(pair.engine, dry_run=False, run=True)
    after = await reconcile(pair.engine, ["customers"])
    assert [d for d in after.differences if d not in baseline.differences] == []


async def test_category_deleted_in_odoo_is_deleted_by_the_repair(pair: Pair) -> None:
    await synced(pair)
    rows = await pair.odoo.search_read_page("product.public.category",
                                            [("child_id", "=", False)], ["id"], order="id")
    leaf = int(rows[-1]["id"])
    binding = await pair.stores.bindings.get_by_odoo("default", "categories", leaf)
    assert binding is not None
    await pair.odoo.unlink("product.public.category", [leaf])
    report = await reconcile(pair.engine, ["categories"])
    assert [key(d) for d in report.differences] == [
        ("categories", "missing_in_odoo", binding.magento_id, leaf, None)]
    (action,) = await report.repair(pair.engine)
    assert action.action == "sync" and "deletes" in action.reason
    await report.repair(pair.engine, dry_run=False, run=True)
    assert (await reconcile(pair.engine, ["categories"])).clean
    assert not [c for c in (await pair.magento.list_categories()).items
                if str(c.id) == binding.magento_id]


async def test_a_custom_reconciler_registers_itself(pair: Pair) -> None:
    from collections.abc import AsyncIterator

    from magodoo.reconcile import Reconciler, Reconcilers, Scope, Tally

    async def compare(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
        tally.compared += 2
        tally.differ("7")
        yield Difference("loyalty", "field_mismatch", "7", 7, "points", 10, 12)

    registry = Reconcilers()
    registry.register(Reconciler("loyalty", M2O, compare, ("points",)))
    report = await reconcile(pair.engine, reconcilers=registry)
    assert report.counts[0].agreeing == 1 and report.sources == {"loyalty": "magento"}
    (action,) = await report.repair(pair.engine)
    assert action.action == "none" and "no handler" in action.reason


async def test_since_keeps_what_is_new(pair: Pair) -> None:
    baseline = await synced(pair)
    planted = await plant(pair)
    drift = (await reconcile(pair.engine, ENTITIES)).since(baseline)
    assert {key(d) for d in drift.differences} == planted
    assert drift.since(drift).differences == ()


async def test_values_reconciler_over_a_handler(pair: Pair) -> None:
    from magodoo.reconcile import Reconcilers, values_reconciler

    baseline = await synced(pair)
    registry = Reconcilers()
    registry.register(values_reconciler("customers"))
    first = await reconcile(pair.engine, reconcilers=registry)
    refused = {d.magento_id for d in baseline.differences}
    assert {d.magento_id for d in first.differences} == refused
    customers = (await pair.magento.search_customers()).items
    customer = next(c for c in customers if str(c.id) not in refused)
    assert customer.id is not None
    await pair.magento.update_customer(customer.id, attrs.evolve(customer, lastname="Other"))
    report = (await reconcile(pair.engine, reconcilers=registry)).since(first)
    binding = await pair.stores.bindings.get_by_magento("default", "customers",
                                                        str(customer.id))
    assert binding is not None
    assert [key(d) for d in report.differences] == [
        ("customers", "field_mismatch", str(customer.id), binding.odoo_id, "name")]
