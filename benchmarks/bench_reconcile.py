"""Reconciliation over both fakes: time and memory against the number of products.

Each size runs in a fresh process: ``N`` storable variants in the fake Odoo (a price, stock in
WH), the same SKUs in the fake Magento with the same price and quantity, and the ``prices`` and
``stock`` bindings a sync would have left; 1% of the prices are then changed in Magento. The
reconciliation (``reconcile(engine, ["prices", "stock"])``) must find exactly those. Printed
per size: seconds, records per second, requests to each fake, and memory: the process's
resident peak before the reconciliation (the fakes holding the catalog, in this process) and
the growth during it (the reconciliation's own: pages, maps, the report), which must stay flat
as ``N`` grows (target: under 300 MB whatever the size)::

    python benchmarks/bench_reconcile.py                   # 1,000 / 5,000 / 20,000 SKUs
    python benchmarks/bench_reconcile.py --skus 1000,5000 --page-size 300

The fakes answer at once (no injected latency): on a real store the time is the pages read,
two Odoo calls (variants and quantities) and one or two Magento calls (prices, source items)
per page of ``--page-size`` records and entity. Orders are not reconciled yet (no sales
reconciler), so the 20,000 orders of the target are not part of this run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from typing import Any

from magodoo._http import RetryPolicy
from magodoo.backends import Binding, memory_stores
from magodoo.engine import connect
from magodoo.reconcile import reconcile
from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing._magento.products import save_product
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=30.0)
STOCK_LOCATION = 8  # WH/Stock
CHANGED_EVERY = 100


def _sku(n: int) -> str:
    return f"BENCH-{n:06d}"


def _fakes(skus: int) -> tuple[FakeMagento, FakeOdoo]:
    magento, odoo = FakeMagento(seed=None), FakeOdoo(seed=None)
    db = odoo.db
    when = odoo.now()
    stamps = {"create_date": when, "write_date": when, "create_uid": 1, "write_uid": 1}
    for n in range(1, skus + 1):
        price, qty = 10.0 + n % 90, n % 50
        db.insert("product.template", {
            "id": n, "name": f"Bench product {n}", "type": "consu", "is_storable": True,
            "list_price": price, "default_code": _sku(n), "active": True,
            "sale_ok": True, "categ_id": 1, "uom_id": 1, "uom_po_id": 1, **stamps})
        db.insert("product.product", {
            "id": n, "product_tmpl_id": n, "default_code": _sku(n), "active": True,
            "product_template_attribute_value_ids": [], "barcode": False, **stamps})
        db.insert("stock.quant", {
            "id": n, "product_id": n, "location_id": STOCK_LOCATION,
            "quantity": float(qty), "reserved_quantity": 0.0, "inventory_quantity": 0.0,
            "inventory_quantity_set": False, **stamps})
        save_product(magento.state, {"sku": _sku(n), "name": f"Bench product {n}",
                                     "price": price if n % CHANGED_EVERY else price + 5,
                                     "type_id": "simple", "attribute_set_id": 4})
        magento.state.source_items[(_sku(n), "default")] = {
            "sku": _sku(n), "source_code": "default", "quantity": qty,
            "status": 1 if qty > 0 else 0}
    return magento, odoo


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def run_one(skus: int, page_size: int) -> dict[str, Any]:
    magento, odoo = _fakes(skus)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        settings = Settings(
            magento=MagentoSettings(url=murl, auth="token", token=magento.admin_token()),
            odoo=OdooSettings(url=ourl, database=odoo.database, username=odoo.login,
                              api_key=odoo.api_key),
            stores=StoreSettings(kind="memory"), batch_size=page_size)
        stores = memory_stores(log_enabled=False)
        for entity in ("prices", "stock"):
            await stores.bindings.bind_many(
                Binding(backend="default", entity=entity, magento_id=_sku(n), odoo_id=n,
                        magento_key=_sku(n)) for n in range(1, skus + 1))
        async with await connect(settings, stores=stores, retry=RETRY) as conn:
            before_m, before_o = magento.total_requests, odoo.total_requests
            rss_before = _peak_mb()
            started = time.perf_counter()
            report = await reconcile(conn.engine, ["prices", "stock"], page_size=page_size)
            seconds = time.perf_counter() - started
            rss_after = _peak_mb()
    kinds = Counter((d.entity, d.kind, d.field) for d in report.differences)
    expected = skus // CHANGED_EVERY
    assert kinds == Counter({("prices", "field_mismatch", "price"): expected}), kinds
    return {"skus": skus, "seconds": seconds, "records": 2 * skus,
            "magento_requests": magento.total_requests - before_m,
            "odoo_requests": odoo.total_requests - before_o,
            "differences": len(report.differences),
            "rss_before_mb": rss_before, "rss_after_mb": rss_after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", default="1000,5000,20000",
                        help="comma-separated sizes, each run in a fresh process")
    parser.add_argument("--page-size", type=int, default=300)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(run_one(args.one, args.page_size))))
        return
    print(f"reconcile prices + stock over both fakes, pages of {args.page_size}, "
          f"1 price in {CHANGED_EVERY} changed in Magento")
    print(f"{'SKUs':>7} {'records':>8} {'seconds':>8} {'rec/s':>7} {'Magento':>8} "
          f"{'Odoo':>6} {'diffs':>6} {'RSS before':>11} {'growth':>8}")
    for size in (int(s) for s in args.skus.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--page-size",
                              str(args.page_size)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        growth = r["rss_after_mb"] - r["rss_before_mb"]
        print(f"{r['skus']:>7} {r['records']:>8} {r['seconds']:>8.2f} "
              f"{r['records'] / r['seconds']:>7.0f} {r['magento_requests']:>8} "
              f"{r['odoo_requests']:>6} {r['differences']:>6} "
              f"{r['rss_before_mb']:>8.0f} MB {growth:>5.0f} MB")


if __name__ == "__main__":
    main()
