"""Invoices and credit memos: Magento documents against the Odoo moves the sync made of them,
with planted differences found exactly, repaired where a sync can, left by hand where not."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from magodoo.backends import Direction
from magodoo.reconcile import reconcile
from magodoo.testing._magento import sales_creditmemos, sales_invoices
from tests.engine.conftest import Clock, World, clock  # noqa: F401

sales = pytest.importorskip("tests.engine.test_sales", reason="the sales handlers are not in")

M2O = Direction.MAGENTO_TO_ODOO


def found(report: Any) -> list[tuple[Any, ...]]:
    return sorted(((d.kind, d.magento_id, d.odoo_id, d.field) for d in report.differences),
                  key=str)


def expect(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=str)


async def bound(world: World, entity: str, magento_id: Any) -> int:
    binding = await world.stores.bindings.get_by_magento("default", entity, str(magento_id))
    assert binding is not None
    return binding.odoo_id


async def synced(world: World) -> None:
    results = await world.engine.sync_all(M2O)
    for entity in ("orders", "invoices", "credit_memos"):
        assert results[entity].failed == 0, entity


async def test_invoices_planted_found_exactly_then_repaired(clock: Clock) -> None:  # noqa: F811
    async with sales.sales_world(clock) as world:
        await synced(world)
        report = await reconcile(world.engine, ["invoices"], page_size=3)
        table = world.magento.state.table(sales_invoices.INVOICES)
        assert report.clean and report.counts[0].compared == len(table) > 6

        invoices = sorted(table.values(), key=lambda i: i["entity_id"])
        by_order: dict[int, dict[str, Any]] = {}
        for inv in invoices:
            by_order.setdefault(inv["order_id"], inv)
        gone, amount, draft, moved, other = [i["entity_id"] for i in list(by_order.values())[:5]]
        odoo, bindings = world.odoo, world.stores.bindings
        ids = {k: await bound(world, "invoices", k) for k in (gone, amount, draft, moved, other)}
        # 1. the Odoo invoice deleted by hand, the binding left behind
        odoo.table("account.move").pop(ids[gone])
        # 2. Magento's total changed (a posted invoice is not rewritten: by hand)
        row = table.get(amount)
        assert row is not None
        row["grand_total"] = float(row["grand_total"]) + 1.0
        # 3. the Odoo invoice reset to draft (the sync posts it again)
        odoo.execute("account.move", "button_draft", [[ids[draft]]], {})
        # 4. one binding moved to another order's invoice, that invoice left unbound
        await bindings.unbind("default", "invoices", magento_id=str(other))
        old = await bindings.get_by_magento("default", "invoices", str(moved))
        assert old is not None
        await bindings.unbind("default", "invoices", magento_id=str(moved))
        await bindings.bind(attrs.evolve(old, odoo_id=ids[other]))
        # 5. a new Magento invoice never synced
        order = next(o for o in world.magento.state.table("orders").values()
                     if o["state"] in ("new", "processing") and o["entity_id"] not in by_order)
        new = await world.conn.magento.create_invoice(order["entity_id"])
        # 6. a Magento invoice gone (the Odoo invoice stays: magodoo never deletes invoices)
        last = invoices[-1]["entity_id"]
        assert last not in (gone, amount, draft, moved, other)
        table.remove(last)

        # 7. an invoice made in Odoo by hand for a Magento order (only in Odoo)
        sale = sales.odoo_order(world, order["increment_id"])
        (by_hand,), _ = odoo.execute("account.move", "create", [[{
            "move_type": "out_invoice", "partner_id": sale["partner_id"],
            "invoice_origin": sale["name"], "ref": "by hand",
            "invoice_line_ids": [(0, 0, {"name": "Gift wrap", "quantity": 1.0,
                                         "price_unit": 5.0})]}]], {})
        odoo.execute("account.move", "action_post", [[by_hand]], {})

        writes = world.writes()
        report = await reconcile(world.engine, ["invoices"], page_size=3)
        assert world.writes() == writes  # a reconciliation only reads
        assert found(report) == expect([
            ("broken_binding", str(gone), ids[gone], "binding"),
            ("field_mismatch", str(amount), ids[amount], "amount_total"),
            ("field_mismatch", str(amount), ids[amount], "amount_untaxed"),
            ("field_mismatch", str(draft), ids[draft], "state"),
            ("broken_binding", str(moved), ids[other], "binding"),
            ("unbound", str(other), ids[other], None),
            ("missing_in_odoo", str(new), None, "increment_id"),
            ("missing_in_magento", str(last), await bound(world, "invoices", last), None),
            ("missing_in_magento", None, by_hand, "invoice_origin"),
        ])
        state = next(d for d in report.differences if d.field == "state")
        assert (state.magento_value, state.odoo_value) == ("paid", "draft/not_paid")
        owner = next(d for d in report.differences if d.magento_id == str(moved))
        assert "invoice_origin" in owner.magento_value and "invoice_origin" in owner.odoo_value
        assert owner.odoo_value.endswith(f"its own is account.move {ids[moved]}")

        plan = await report.repair(world.engine)
        hand = {(a.key, a.reason.split(":")[0]) for a in plan if a.action == "none"}
        assert {key for key, _ in hand} == {str(amount), str(last), None}
        assert {(a.key, a.action) for a in plan if a.action != "none"} == {
            (str(gone), "rebind"), (str(draft), "sync"), (str(moved), "rebind"),
            (str(other), "sync"), (str(new), "sync")}
        await report.repair(world.engine, dry_run=False, run=True)

        again = await reconcile(world.engine, ["invoices"], page_size=3)
        assert found(again) == expect([  # what only a person can put right
            ("field_mismatch", str(amount), ids[amount], "amount_total"),
            ("field_mismatch", str(amount), ids[amount], "amount_untaxed"),
            ("missing_in_magento", str(last), await bound(world, "invoices", last), None),
            ("missing_in_magento", None, by_hand, "invoice_origin"),
        ])
        assert await bound(world, "invoices", moved) == ids[moved]


async def test_credit_memos_planted_found_exactly_then_repaired(
    clock: Clock,  # noqa: F811
) -> None:
    async with sales.sales_world(clock) as world:
        await synced(world)
        assert (await reconcile(world.engine, ["credit_memos"], page_size=2)).clean
        table = world.magento.state.table(sales_creditmemos.CREDITMEMOS)
        memos = sorted(table.values(), key=lambda m: m["entity_id"])
        assert len(memos) >= 4
        gone, amount, moved, other = (m["entity_id"] for m in memos[:4])
        ids = {k: await bound(world, "credit_memos", k) for k in (gone, amount, moved, other)}
        bindings = world.stores.bindings
        # 1. the Odoo credit note deleted by hand
        world.odoo.table("account.move").pop(ids[gone])
        # 2. Magento's total changed, and the memo reopened (both by hand)
        row = table.get(amount)
        assert row is not None
        row["grand_total"] = float(row["grand_total"]) - 0.5
        row["state"] = 1
        # 3. one memo bound to the note reversing another invoice, that note left unbound
        await bindings.unbind("default", "credit_memos", magento_id=str(other))
        old = await bindings.get_by_magento("default", "credit_memos", str(moved))
        assert old is not None
        await bindings.unbind("default", "credit_memos", magento_id=str(moved))
        await bindings.bind(attrs.evolve(old, odoo_id=ids[other]))

        writes = world.writes()
        report = await reconcile(world.engine, ["credit_memos"], page_size=2)
        assert world.writes() == writes  # a reconciliation only reads
        assert found(report) == expect([
            ("broken_binding", str(gone), ids[gone], "binding"),
            ("field_mismatch", str(amount), ids[amount], "amount_total"),
            ("field_mismatch", str(amount), ids[amount], "amount_untaxed"),
            ("field_mismatch", str(amount), ids[amount], "state"),
            ("broken_binding", str(moved), ids[other], "binding"),
            ("unbound", str(other), ids[other], None),
        ])
        owner = next(d for d in report.differences if d.magento_id == str(moved))
        assert "reversed_entry_id" in owner.odoo_value
        plan = await report.repair(world.engine)
        assert {a.key for a in plan if a.action == "none"} == {str(amount)}
        await report.repair(world.engine, dry_run=False, run=True)

        again = await reconcile(world.engine, ["credit_memos"], page_size=2)
        assert found(again) == expect([
            ("field_mismatch", str(amount), ids[amount], "amount_total"),
            ("field_mismatch", str(amount), ids[amount], "amount_untaxed"),
            ("field_mismatch", str(amount), ids[amount], "state"),
        ])
        assert await bound(world, "credit_memos", moved) == ids[moved]


async def test_amounts_compared_to_the_rounding_of_the_moves_currency(
    clock: Clock,  # noqa: F811
) -> None:
    async with sales.sales_world(clock) as world:
        await synced(world)
        table = world.magento.state.table(sales_invoices.INVOICES)

        def unchanged_in_units(row: dict[str, Any]) -> bool:
            total, tax = float(row["grand_total"]), float(row["tax_amount"])
            return (round(total) == round(total + 0.3)
                    and round(total - tax) == round(total + 0.3 - tax))

        row = next(r for r in table.values() if unchanged_in_units(r))
        row["grand_total"] = round(float(row["grand_total"]) + 0.3, 2)
        currency = world.odoo.table("res.currency")[1]
        currency["rounding"] = 1.0  # a currency without cents: 0.30 is no difference
        first = await reconcile(world.engine, ["invoices"])
        assert first.clean, first.differences
        currency["rounding"] = 0.01
        report = await reconcile(world.engine, ["invoices"])
        assert sorted((d.magento_id, d.field) for d in report.differences) == [
            (str(row["entity_id"]), "amount_total"), (str(row["entity_id"]), "amount_untaxed")]


def test_rounded_follows_the_currency_rounding() -> None:
    from decimal import Decimal

    from magodoo.reconcile._moves import rounded

    assert rounded(19.994, Decimal("0.01")) == Decimal("19.99")
    assert rounded(19.995, Decimal("0.01")) == Decimal("20.00")
    assert rounded(1.02, Decimal("0.05")) == Decimal("1.00")
    assert rounded(1.03, Decimal("0.05")) == Decimal("1.05")
    assert rounded(309.54, Decimal("1.0")) == rounded(309.8, Decimal("1.0")) == 310
    assert rounded(None, Decimal("1")) is None
