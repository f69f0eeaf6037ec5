"""Invoices and credit memos Magento -> Odoo over both fakes: every order invoiced in Magento
becomes a posted, paid Odoo invoice, every credit memo a posted credit note.

The fakes are filled as in ``bench_sales.py`` (orders of 3 lines with their customers), then
every order is invoiced in the fake Magento (``capture``). The orders are synced first (not
timed); then ``invoices`` runs twice: the first pass creates, posts and pays the invoices
(one ``account.move.create``, one ``action_post`` and one payment wizard per journal per
page), the second (``full``) reads everything again and must write nothing. Both fakes answer
every request after an injected latency (default 20 ms).

Printed per pass: documents/s, round trips per document (both servers), Odoo writes::

    python benchmarks/bench_invoicing.py                  # 2,000 invoices, 200 memos, 20 ms
    python benchmarks/bench_invoicing.py --orders 300

Every tenth order also gets an offline credit memo of one item (every other one with an
adjustment fee); ``credit_memos`` runs after ``invoices`` in each pass.
A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_sales import RETRY, fakes
from magodoo.backends import open_sqlite_stores
from magodoo.engine import connect
from magodoo.settings import MagentoSettings, OdooSettings, SalesSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing._magento import sales_creditmemos as scm
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

WRITES = ("create", "write", "unlink", "action_post", "action_create_payments")


def _writes(odoo: FakeOdoo) -> int:
    return sum(v for k, v in odoo.counters.items() if k.split(".")[-1] in WRITES)


async def run(orders: int, latency: float, batch: int) -> None:
    started = time.perf_counter()
    magento, odoo = fakes(orders)
    state = magento.state
    for n, order in enumerate(list(state.table("orders").values())):
        si.create_invoice(state, order, {"capture": True})
        if n % 10 == 0:  # an offline refund of one item, with an adjustment fee
            item = next(i for i in state.table("order_items")
                        if i["order_id"] == order["entity_id"] and not i.get("parent_item_id"))
            scm.create_creditmemo(state, order, {
                "items": [{"order_item_id": item["item_id"], "qty": 1}],
                "arguments": {"shipping_amount": 0, "adjustment_positive": 0,
                              "adjustment_negative": 1.5 if n % 20 == 0 else 0}})
    invoices = len(state.table(si.INVOICES))
    memos = len(state.table(scm.CREDITMEMOS))
    print(f"fakes filled: {orders} orders, {invoices} invoices, {memos} credit memos in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        with tempfile.TemporaryDirectory(prefix="magodoo-bench-") as tmp:
            path = Path(tmp) / "stores.sqlite3"
            settings = Settings(
                magento=MagentoSettings(url=murl, auth="token", token=magento.admin_token()),
                odoo=OdooSettings(url=ourl, database=odoo.database, username=odoo.login,
                                  api_key=odoo.api_key),
                stores=StoreSettings(kind="sqlite", path=str(path)),
                batch_size=batch,
                sales=SalesSettings(payments={"checkmo": "Bank", "banktransfer": "Bank",
                                              "cashondelivery": "Cash",
                                              "purchaseorder": "Bank", "free": "Bank"}),
            )
            stores = await open_sqlite_stores(path)
            async with await connect(settings, stores=stores, retry=RETRY) as conn:
                t0 = time.perf_counter()
                for entity in ("tax_rates", "customers", "orders"):
                    await conn.engine.sync(entity, "m2o")
                print(f"orders synced (not timed) in {time.perf_counter() - t0:.1f} s",
                      file=sys.stderr)
                magento.faults.latency = latency
                odoo.faults.latency = latency
                print(f"invoices: {invoices}, credit memos: {memos}, latency "
                      f"{latency * 1000:.0f} ms, batch {batch}")
                print(f"{'entity':<14}{'pass':<22}{'docs':>7}{'s':>9}{'docs/s':>9}{'trips/doc':>11}"
                      f"{'odoo writes':>13}{'failed':>8}")
                for entity, name, full in (
                    ("invoices", "first pass", False), ("credit_memos", "first pass", False),
                    ("invoices", "pass writing nothing", True),
                    ("credit_memos", "pass writing nothing", True),
                ):
                    m0, o0, w0 = magento.total_requests, odoo.total_requests, _writes(odoo)
                    t1 = time.perf_counter()
                    result = await conn.engine.sync(entity, "m2o", full=full)
                    seconds = time.perf_counter() - t1
                    docs = len(result.records)
                    trips = (magento.total_requests - m0 + odoo.total_requests - o0)
                    failed = result.summary()["failed"]
                    print(f"{entity:<14}{name:<22}{docs:>7}{seconds:>9.2f}{docs / seconds:>9.1f}"
                          f"{trips / max(docs, 1):>11.3f}{_writes(odoo) - w0:>13}{failed:>8}")
                print(f"documents whose Odoo total differs from Magento's: "
                      f"{_differ(magento, odoo)}; not paid: {_unpaid(odoo)}")


def _differ(magento: FakeMagento, odoo: FakeOdoo) -> int:
    want = {str(i["increment_id"]): round(float(i["grand_total"]), 2)
            for i in magento.state.table(si.INVOICES).values()}
    want.update({f"Magento credit memo {m['increment_id']}": round(float(m["grand_total"]), 2)
                 for m in magento.state.table(scm.CREDITMEMOS).values()})
    moves = [m for m in odoo.table("account.move").values()
             if m.get("move_type") in ("out_invoice", "out_refund")]
    rows, _ = odoo.execute("account.move", "read", [[m["id"] for m in moves],
                                                    ["ref", "amount_total"]], {})
    have = {str(r["ref"]): round(float(r["amount_total"]), 2) for r in rows}
    return sum(1 for ref, total in want.items() if have.get(ref) != total)


def _unpaid(odoo: FakeOdoo) -> int:
    moves = [m["id"] for m in odoo.table("account.move").values()
             if m.get("move_type") in ("out_invoice", "out_refund")]
    rows, _ = odoo.execute("account.move", "read", [moves, ["payment_state"]], {})
    return sum(1 for r in rows if r["payment_state"] not in ("paid", "reversed"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.orders, args.latency, args.batch))


if __name__ == "__main__":
    main()
