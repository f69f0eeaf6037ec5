"""Reconciliation over both fakes: time and memory per entity family against the catalog size.

Each size runs in a fresh process. ``P`` storable products in the fake Odoo (template, variant,
a price, stock in WH) and the same SKUs in the fake Magento (same name, price, quantity), with
the ``products``, ``prices`` and ``stock`` bindings a sync would have left; ``O`` Magento orders
(cloned from a demo order: items, addresses, payment) and their Odoo sales orders (one line of
the same total), bound. Then planted, 1 in 100 each: a product renamed in Magento, a price
changed in Magento, a quantity off by three in Magento, an order total changed in Magento; and
1 order in 1,000 never imported into Odoo. Each family is reconciled on its own
(``reconcile(engine, [family])``) and must find exactly its planted differences.

Printed per family: seconds, records per second, requests to each fake, and memory. The fakes
hold the whole catalog and the orders in this process; each family is reconciled by a fresh
client process that holds magodoo alone (the bindings a sync would have left in a SQLite
store file): its resident set once connected and its peak during the family (reset through
``/proc/self/clear_refs`` just before). The target (issue 15): the client's memory flat in the
number of records, under 300 MB; the time in proportion to
the pages read::

    python benchmarks/bench_reconcile.py                          # 5,000/2,000, 50,000/20,000
    python benchmarks/bench_reconcile.py --products 1000 --orders 1000  # a quick run
    python benchmarks/bench_reconcile.py --products 5000,20000 --orders 2000,8000 --page-size 300

The fakes answer at once (no injected latency): their own work is in the time. On a real pair
the time is the pages read: per page of ``--page-size`` records, products one Odoo read and one
Magento ``sku in`` search per 100 SKUs; prices one Odoo read and one base-prices read; stock
two Odoo reads and one source-items search per 200 SKUs; orders one Magento keyset search, one
bindings query and one Odoo ``read``; then, for each family, one bindings page and one lookup
per page of bindings for the records gone.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from magodoo._http import RetryPolicy
from magodoo.backends import Binding, open_sqlite_stores
from magodoo.engine import connect
from magodoo.reconcile import reconcile
from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento.products import save_product
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=60.0)
STOCK_LOCATION = 8  # WH/Stock
EVERY = 100
"""One record in ``EVERY`` of each family gets a planted difference."""
MISSING_EVERY = 1000
"""One order in ``MISSING_EVERY`` was never imported into Odoo."""
FAMILIES = ("products", "prices", "stock", "orders")


def _sku(n: int) -> str:
    return f"BENCH-{n:06d}"


def _catalog(magento: FakeMagento, odoo: FakeOdoo, products: int) -> None:
    db = odoo.db
    when = odoo.now()
    stamps = {"create_date": when, "write_date": when, "create_uid": 1, "write_uid": 1}
    for n in range(1, products + 1):
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
        save_product(magento.state, {
            "sku": _sku(n), "price": price + 5 if n % EVERY == 0 else price,
            "name": f"Renamed {n}" if n % EVERY == 50 else f"Bench product {n}",
            "type_id": "simple", "attribute_set_id": 4, "visibility": 1, "weight": 0.0})
        magento.state.source_items[(_sku(n), "default")] = {
            "sku": _sku(n), "source_code": "default",
            "quantity": qty + 3 if n % EVERY == 25 else qty, "status": 1 if qty > 0 else 0}


def _total(n: int) -> float:
    return 20.0 + n % 80 + 0.25


def _orders(magento: FakeMagento, odoo: FakeOdoo, orders: int) -> None:
    """``orders`` Magento orders cloned from the demo store's first order (its items, billing
    and shipping addresses, payment), each with its own total and no tax; their Odoo sales
    orders hold one line of that total."""
    demo = FakeMagento(seed="demo").state
    template = demo.table(so.ORDERS).get(1)
    assert template is not None
    items = [i for i in demo.table(so.ITEMS) if i["order_id"] == 1]
    payment = demo.table(so.PAYMENTS).get(1)
    addresses = {k: demo.table(so.ADDRESSES).get(template[k])
                 for k in ("billing_address_id", "_shipping_address_id")}
    state, db = magento.state, odoo.db
    when = odoo.now()
    stamps = {"create_date": when, "write_date": when, "create_uid": 1, "write_uid": 1}
    item_ids, address_ids = state.table(so.ITEMS), state.table(so.ADDRESSES)
    for n in range(1, orders + 1):
        total = _total(n)
        order = copy.deepcopy(template)
        order.update(entity_id=n, increment_id=f"1{n:08d}", tax_amount=0.0,
                     base_tax_amount=0.0,
                     grand_total=total + 1 if n % EVERY == 75 else total,
                     base_grand_total=total)
        for key, address in addresses.items():
            if address is not None:
                row = {**address, "entity_id": address_ids.next_id(), "parent_id": n}
                address_ids.rows[row["entity_id"]] = row
                order[key] = row["entity_id"]
        state.table(so.ORDERS).rows[n] = order
        for item in items:
            row = {**item, "item_id": item_ids.next_id(), "order_id": n}
            item_ids.rows[row["item_id"]] = row
        if payment is not None:
            state.table(so.PAYMENTS).rows[n] = {**payment, "entity_id": n, "parent_id": n}
        if n % MISSING_EVERY == 0:
            continue  # never imported into Odoo
        db.insert("sale.order", {
            "id": n, "name": f"S{n:06d}", "client_order_ref": order["increment_id"],
            "partner_id": 1, "company_id": 1, "currency_id": 1, "state": "sale", **stamps})
        db.insert("sale.order.line", {
            "id": n, "order_id": n, "product_id": 1, "name": "Bench line", "sequence": 10,
            "price_unit": total, "product_uom_qty": 1.0, "discount": 0.0, "tax_id": [],
            **stamps})
    state.table(so.ORDERS).last_id = orders


def _expected(products: int, orders: int) -> dict[str, Counter[tuple[str, str | None]]]:
    changed = {f: sum(1 for n in range(1, products + 1) if n % EVERY == r)
               for f, r in (("prices", 0), ("products", 50), ("stock", 25))}
    totals = sum(1 for n in range(1, orders + 1) if n % EVERY == 75 and n % MISSING_EVERY)
    return {
        "products": Counter({("field_mismatch", "name"): changed["products"]}),
        "prices": Counter({("field_mismatch", "price"): changed["prices"]}),
        "stock": Counter({("field_mismatch", "quantity[default]"): changed["stock"]}),
        "orders": Counter({("field_mismatch", "amount_total"): totals,
                           ("field_mismatch", "amount_untaxed"): totals,
                           ("missing_in_odoo", "increment_id"): orders // MISSING_EVERY}),
    }


def _rss() -> tuple[float, float]:
    """The resident set and its peak since the last reset, in MB (Linux)."""
    fields = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS


def _settings(murl: str, ourl: str, page_size: int) -> Settings:
    env = os.environ
    return Settings(
        magento=MagentoSettings(url=murl, auth="token", token=env["BENCH_MAGENTO_TOKEN"]),
        odoo=OdooSettings(url=ourl, database=env["BENCH_ODOO_DB"],
                          username=env["BENCH_ODOO_LOGIN"], api_key=env["BENCH_ODOO_KEY"]),
        stores=StoreSettings(kind="sqlite"), batch_size=page_size)


async def _bind(path: str, products: int, orders: int) -> None:
    """The bindings a sync would have left, in a SQLite store file (as a deployment keeps
    them: on disk, not in the client's memory)."""
    stores = await open_sqlite_stores(path, log_enabled=False)
    try:
        for entity in ("products", "prices", "stock"):
            await stores.bindings.bind_many(
                Binding(backend="default", entity=entity, magento_id=_sku(n), odoo_id=n,
                        magento_key=_sku(n)) for n in range(1, products + 1))
        await stores.bindings.bind_many(
            Binding(backend="default", entity="orders", magento_id=str(n), odoo_id=n,
                    magento_key=f"1{n:08d}")
            for n in range(1, orders + 1) if n % MISSING_EVERY)
    finally:
        await stores.aclose()


async def run_client(products: int, orders: int, family: str, murl: str, ourl: str,
                     page_size: int, path: str) -> dict[str, Any]:
    """One family reconciled by a fresh client process (magodoo only: the fakes are in the
    parent), over the bindings in the SQLite file ``path``."""
    stores = await open_sqlite_stores(path, log_enabled=False)
    try:
        async with await connect(_settings(murl, ourl, page_size), stores=stores,
                                 retry=RETRY) as conn:
            _reset_peak()
            rss_before, _ = _rss()
            started = time.perf_counter()
            report = await reconcile(conn.engine, [family], page_size=page_size)
            seconds = time.perf_counter() - started
            _, peak = _rss()
    finally:
        await stores.aclose()
    found = Counter((d.kind, d.field) for d in report.differences)
    expected = _expected(products, orders)[family]
    assert found == expected, (family, found, expected)
    return {"seconds": seconds, "differences": len(report.differences),
            "client_rss_mb": rss_before, "client_peak_mb": peak}


async def run_one(products: int, orders: int, page_size: int) -> dict[str, Any]:
    """Seed both fakes in this process, serve them, and reconcile each family from a fresh
    client process, so the client's memory is magodoo's alone."""
    magento, odoo = FakeMagento(seed=None), FakeOdoo(seed=None)
    started = time.perf_counter()
    _catalog(magento, odoo, products)
    _orders(magento, odoo, orders)
    seeded = time.perf_counter() - started
    out: dict[str, Any] = {"products": products, "orders": orders, "seed_seconds": seeded,
                           "fakes_rss_mb": _rss()[0], "families": []}
    env = {**os.environ, "BENCH_MAGENTO_TOKEN": magento.admin_token(),
           "BENCH_ODOO_DB": odoo.database, "BENCH_ODOO_LOGIN": odoo.login,
           "BENCH_ODOO_KEY": odoo.api_key}
    folder = tempfile.mkdtemp(prefix="bench-reconcile-")
    path = str(Path(folder) / "stores.sqlite3")
    await _bind(path, products, orders)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        for family in FAMILIES:
            before_m, before_o = magento.total_requests, odoo.total_requests
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--client", str(products), str(orders), family,
                murl, ourl, path, "--page-size", str(page_size), env=env,
                stdout=asyncio.subprocess.PIPE)
            stdout, _ = await child.communicate()
            if child.returncode:
                raise SystemExit(f"the {family} client failed (exit {child.returncode})")
            result = json.loads(stdout.decode().strip().splitlines()[-1])
            out["families"].append({
                "family": family, **result,
                "records": products if family != "orders" else orders,
                "magento_requests": magento.total_requests - before_m,
                "odoo_requests": odoo.total_requests - before_o})
        out["fakes_peak_mb"] = _rss()[1]
    shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", default="5000,50000",
                        help="comma-separated catalog sizes, each run in a fresh process")
    parser.add_argument("--orders", default="2000,20000",
                        help="comma-separated order counts, one per catalog size")
    parser.add_argument("--page-size", type=int, default=300)
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        products, orders, family, murl, ourl, path = args.client
        print(json.dumps(asyncio.run(run_client(int(products), int(orders), family, murl,
                                                ourl, args.page_size, path))))
        return
    if args.one:
        print(json.dumps(asyncio.run(run_one(args.one[0], args.one[1], args.page_size))))
        return
    sizes = [int(s) for s in args.products.split(",")]
    counts = [int(s) for s in args.orders.split(",")]
    if len(counts) != len(sizes):
        parser.error("give as many --orders as --products sizes")
    print(f"reconcile over both fakes, pages of {args.page_size}; planted 1 in {EVERY} per "
          f"family, 1 order in {MISSING_EVERY} never imported")
    print(f"{'products':>8} {'orders':>7} {'family':>8} {'records':>8} {'seconds':>8} "
          f"{'rec/s':>7} {'Magento':>8} {'Odoo':>6} {'trips/rec':>9} {'diffs':>6} "
          f"{'client RSS':>11} {'client peak':>12}")
    for products, orders in zip(sizes, counts, strict=True):
        done = subprocess.run([sys.executable, __file__, "--one", str(products), str(orders),
                               "--page-size", str(args.page_size)],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        for f in r["families"]:
            print(f"{products:>8} {orders:>7} {f['family']:>8} {f['records']:>8} "
                  f"{f['seconds']:>8.2f} {f['records'] / f['seconds']:>7.0f} "
                  f"{f['magento_requests']:>8} {f['odoo_requests']:>6} "
                  f"{(f['magento_requests'] + f['odoo_requests']) / f['records']:>9.4f} "
                  f"{f['differences']:>6} "
                  f"{f['client_rss_mb']:>8.0f} MB {f['client_peak_mb']:>9.0f} MB")
        print(f"{'':>17} (seeding both fakes: {r['seed_seconds']:.1f} s; the fakes' process: "
              f"{r['fakes_rss_mb']:.0f} MB seeded, peak {r['fakes_peak_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
