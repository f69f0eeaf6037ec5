"""Customers: Magento against the Odoo partners the real engine made of them."""

from __future__ import annotations

import attrs

from magodoo.backends import Binding, Direction, LogFilter
from magodoo.engine.result import Outcome
from magodoo.magento import Customer
from magodoo.reconcile import Difference, compare_customers, differences_frame, log_frame
from tests.reconcile.conftest import Pair

M2O = Direction.MAGENTO_TO_ODOO


async def differences(pair: Pair, page_size: int = 3) -> list[Difference]:
    return [d async for d in compare_customers(pair.magento, pair.odoo, pair.stores,
                                               page_size=page_size)]


async def synced(pair: Pair) -> set[str]:
    """Sync every customer; the ids that failed (the only ones allowed to differ)."""
    result = await pair.engine.sync("customers", M2O)
    assert result.created > 0
    return {r.source_id for r in result.records if r.outcome is Outcome.FAILED}


async def test_no_differences_right_after_a_sync(pair: Pair) -> None:
    failed = await synced(pair)
    diffs = await differences(pair)
    assert {d.magento_id for d in diffs} == failed
    assert all(d.kind == "missing_in_odoo" for d in diffs)


async def test_before_any_sync_every_customer_is_missing_in_odoo(pair: Pair) -> None:
    diffs = await differences(pair)
    count = (await pair.magento.search_customers()).total_count
    assert len(diffs) == count > 0
    assert {d.kind for d in diffs} == {"missing_in_odoo"}


async def test_changed_phone_is_one_field_mismatch(pair: Pair) -> None:
    failed = await synced(pair)
    page = await pair.magento.search_customers()
    customer = next(c for c in page.items if str(c.id) not in failed and c.addresses)
    assert customer.id is not None
    addresses = tuple(attrs.evolve(a, telephone="+1 555 0199") for a in customer.addresses or ())
    await pair.magento.update_customer(customer.id, attrs.evolve(customer, addresses=addresses))

    diffs = [d for d in await differences(pair) if d.magento_id not in failed]
    binding = await pair.stores.bindings.get_by_magento("default", "customers", customer.id)
    assert binding is not None
    assert diffs == [Difference("customers", "field_mismatch", str(customer.id),
                                binding.odoo_id, "phone", "+1 555 0199", diffs[0].odoo_value)]
    assert diffs[0].odoo_value not in (None, False, "+1 555 0199")


async def test_unsynced_customer_is_missing_in_odoo(pair: Pair) -> None:
    failed = await synced(pair)
    new = await pair.magento.create_customer(Customer(
        email="late.comer@example.com", firstname="Late", lastname="Comer", website_id=1,
    ))
    diffs = [d for d in await differences(pair) if d.magento_id not in failed]
    assert diffs == [Difference("customers", "missing_in_odoo", str(new.id))]


async def test_partner_without_binding_is_unbound(pair: Pair) -> None:
    failed = await synced(pair)
    binding = next(b for b in await pair.stores.bindings.list_bindings("default", "customers")
                   if b.magento_id not in failed)
    await pair.stores.bindings.unbind("default", "customers", magento_id=binding.magento_id)
    diffs = [d for d in await differences(pair) if d.magento_id not in failed]
    assert diffs == [Difference("customers", "unbound", binding.magento_id, binding.odoo_id)]


async def test_archived_partner_and_removed_address(pair: Pair) -> None:
    failed = await synced(pair)
    bound = [b for b in await pair.stores.bindings.list_bindings("default", "customers")
             if b.magento_id not in failed]
    archived, other = bound[0], bound[1]
    await pair.odoo.write("res.partner", [archived.odoo_id], {"active": False})
    kids = await pair.odoo.search_read_page(
        "res.partner", [("parent_id", "=", other.odoo_id)], ["id"])
    assert kids
    await pair.odoo.write("res.partner", [kids[0]["id"]], {"active": False})
    diffs = {(d.magento_id, d.field): d for d in await differences(pair)
             if d.magento_id not in failed}
    assert diffs[(archived.magento_id, "active")].odoo_value is False
    count = diffs[(other.magento_id, "addresses")]
    assert count.kind == "field_mismatch"
    assert count.magento_value == count.odoo_value + 1
    assert len(diffs) == 2


async def test_bindings_to_gone_records(pair: Pair) -> None:
    failed = await synced(pair)
    bound = [b for b in await pair.stores.bindings.list_bindings("default", "customers")
             if b.magento_id not in failed]
    gone_partner, gone_customer = bound[0], bound[1]
    await pair.odoo.unlink("res.partner", [gone_partner.odoo_id])
    assert await pair.magento.delete_customer(int(gone_customer.magento_id))
    stray = Binding(backend="default", entity="customers", magento_id="999999", odoo_id=424242)
    await pair.stores.bindings.bind(stray)

    diffs = [d for d in await differences(pair, page_size=2) if d.magento_id not in failed]
    assert sorted(diffs, key=lambda d: d.magento_id or "") == sorted([
        Difference("customers", "missing_in_odoo", gone_partner.magento_id,
                   gone_partner.odoo_id),
        Difference("customers", "missing_in_magento", gone_customer.magento_id,
                   gone_customer.odoo_id),
        Difference("customers", "missing_in_magento", "999999", 424242),
    ], key=lambda d: d.magento_id or "")


async def test_notebook_frames_after_a_sync(pair: Pair) -> None:
    failed = await synced(pair)
    page = await pair.magento.search_customers()
    customer = next(c for c in page.items if str(c.id) not in failed)
    assert customer.id is not None
    await pair.magento.update_customer(customer.id, attrs.evolve(customer, lastname="Changed"))

    frame = await differences_frame(compare_customers(pair.magento, pair.odoo, pair.stores))
    mismatches = frame[frame["kind"] == "field_mismatch"]
    assert mismatches[["magento_id", "field"]].values.tolist() == [[str(customer.id), "name"]]

    log = await log_frame(pair.stores.log, LogFilter(entity="customers"))
    assert len(log) == page.total_count
    assert set(log["status"]) <= {"success", "failed"}
    assert (log["status"] == "failed").sum() == len(failed)
