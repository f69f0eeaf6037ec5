"""Invoices Magento -> Odoo over both fakes: every order invoiced in Magento becomes a posted,
paid Odoo invoice.

The fakes are filled as in ``bench_sales.py`` (orders of 3 lines with their customers), then
every order is invoiced in the fake Magento (``capture``). The orders are synced first (not
timed); then ``invoices`` runs twice: the first pass creates, posts and pays the invoices
(one ``account.move.create``, one ``action_post`` and one payment wizard per journal per
page), the second (``full``) reads everything again and must write nothing. Both fakes answer
every request after an injected latency (default 20 ms).

Printed per pass: documents/s, round trips per document (both servers), Odoo writes::

    python benchmarks/bench_invoicing.py                  # 2,000 invoices, 20 ms
    python benchmarks/bench_invoicing.py --orders 300

Credit memos are not synced yet (issue 12 item 2), so the benchmark has no credit memos.
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
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

WRITES = ("create", "write", "unlink", "action_post", "action_create_payments")


def _writes(odoo: FakeOdoo) -> int:
    return sum(v for k, v in odoo.counters.items() if k.split(".")[-1] in WRITES)


async def run(orders: int, latency: float, batch: int) -> None:
    started = time.perf_counter()
    magento, odoo = fakes(orders)
    for order in list(magento.state.table("orders").values()):
        si.create_invoice(magento.state, order, {"capture": True})
    invoices = len(magento.state.table(si.INVOICES))
    print(f"fakes filled: {orders} orders, {invoices} invoices in "
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
                print(f"invoices: {invoices}, latency {latency * 1000:.0f} ms, batch {batch}")
                print(f"{'pass':<22}{'docs':>7}{'s':>9}{'docs/s':>9}{'trips/doc':>11}"
                      f"{'odoo writes':>13}{'failed':>8}")
                for name, full in (("first pass", False), ("pass writing nothing", True)):
                    m0, o0, w0 = magento.total_requests, odoo.total_requests, _writes(odoo)
                    t1 = time.perf_counter()
                    result = await conn.engine.sync("invoices", "m2o", full=full)
                    seconds = time.perf_counter() - t1
                    docs = len(result.records)
                    trips = (magento.total_requests - m0 + odoo.total_requests - o0)
                    failed = result.summary()["failed"]
                    print(f"{name:<22}{docs:>7}{seconds:>9.2f}{docs / seconds:>9.1f}"
                          f"{trips / max(docs, 1):>11.3f}{_writes(odoo) - w0:>13}{failed:>8}")
                print(f"invoices whose Odoo total differs from Magento's: {_differ(magento, odoo)}"
                      f"; not paid: {_unpaid(odoo)}")


def _differ(magento: FakeMagento, odoo: FakeOdoo) -> int:
    want = {str(i["increment_id"]): round(float(i["grand_total"]), 2)
            for i in magento.state.table(si.INVOICES).values()}
    moves = [m for m in odoo.table("account.move").values() if m.get("move_type") == "out_invoice"]
    rows, _ = odoo.execute("account.move", "read", [[m["id"] for m in moves],
                                                    ["ref", "amount_total"]], {})
    have = {str(r["ref"]): round(float(r["amount_total"]), 2) for r in rows}
    return sum(1 for ref, total in want.items() if have.get(ref) != total)


def _unpaid(odoo: FakeOdoo) -> int:
    moves = [m["id"] for m in odoo.table("account.move").values()
             if m.get("move_type") == "out_invoice"]
    rows, _ = odoo.execute("account.move", "read", [moves, ["payment_state"]], {})
    return sum(1 for r in rows if r["payment_state"] != "paid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.orders, args.latency, args.batch))


if __name__ == "__main__":
    main()
