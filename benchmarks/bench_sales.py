"""Sales sync Magento -> Odoo: orders of 3 lines with their customers, over both fakes.

The fake Magento is filled through its own cart code (demo catalog, taxes, a coupon, flat /
table rate / free shipping, four offline payment methods, about 30 % guests); each order has
3 simple products. Both fakes answer every request after an injected latency (default 20 ms).
The engine runs ``sync_all`` Magento -> Odoo twice: the first pass imports tax rates,
customers and orders; the second (``full``) reads everything again and must write nothing.

About half the orders are invoiced in Magento (``processing``: confirmed in Odoo, their
``date_order`` written back) and a tenth cancelled; the rest stay ``new`` (draft quotations).
Invoices, credit memos and shipments are left out of the sync: orders only.

Printed per pass: orders/s, round trips per order (both servers), peak memory (the process's
resident high-water mark, reset before each pass through ``/proc/self/clear_refs``: the fakes
in this process included; ``--trace`` uses tracemalloc instead, which slows Python code down
a lot and so skews the times), the Odoo writes made and the
time spent inside the sync's ``sale.order.create`` calls. Then the reference, Odoo's own
create time for the same orders: the very ``sale.order.create`` payloads the first pass sent
are sent again, one call per page, to the same fake over the same client and latency, and
the first pass's time is printed as a multiple of it (``x create``; ``orders x``: the orders
entity alone, without tax rates and customers; the target is 1.3x)::

    python benchmarks/bench_sales.py                  # 5,000 orders, 20 ms
    python benchmarks/bench_sales.py --orders 500 --latency 0.02

A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from magodoo._http import RetryPolicy
from magodoo.backends import Direction, Trigger, open_sqlite_stores
from magodoo.engine import connect
from magodoo.settings import (
    EntitySettings,
    MagentoSettings,
    OdooSettings,
    SalesSettings,
    Settings,
    StoreSettings,
)
from magodoo.testing import serve
from magodoo.testing._magento import demo_catalog, demo_sales
from magodoo.testing._magento import sales_checkout as sc
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing._magento import sales_order_api as soa
from magodoo.testing._magento import sales_quotes as sq
from magodoo.testing._magento.errors import MagentoError
from magodoo.testing._magento.sales_totals import config
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=60.0)
WRITES = ("create", "write", "unlink", "action_confirm", "action_lock", "action_cancel")


@attrs.frozen
class Pass:
    name: str
    orders: int
    seconds: float
    magento_requests: int
    odoo_requests: int
    odoo_writes: int
    peak_mb: float
    create_seconds: float
    failed: int
    orders_seconds: float = 0.0
    """The orders entity alone (the pass also syncs tax rates, customers...)."""

    @property
    def rate(self) -> float:
        return self.orders / self.seconds if self.seconds else 0.0

    @property
    def trips(self) -> float:
        return (self.magento_requests + self.odoo_requests) / max(self.orders, 1)


def _place(magento: FakeMagento, rng: random.Random, people: list[Any], products: list[Any],
           n: int) -> bool:
    state = magento.state
    customer = None if rng.random() < 0.3 else rng.choice(people)
    quote = sq.new_quote(state, None if customer is None else customer["id"])
    for product in rng.sample(products, 3):
        sq.add_item(state, quote, {"sku": product["sku"], "qty": rng.randint(1, 3)})
    if rng.random() < 0.2:
        sc.apply_coupon(state, quote, "DEMO10")
    if customer is None:
        ship = {**demo_sales._address(rng, "Guest", f"N{n}"),
                "email": f"guest.{n % 800}@example.com"}
        bill = ship
    else:
        ship = demo_sales._book_address(state, customer, "default_shipping")
        bill = demo_sales._book_address(state, customer, "default_billing")
    quote["email"] = ship["email"]
    offered = [m["carrier_code"] + "_" + m["method_code"] for m in sc.methods(state, quote)]
    carrier, code = rng.choice([c for c in demo_sales.CARRIERS if c in offered]).split("_", 1)
    sc.set_shipping(state, quote, {"shipping_address": ship, "billing_address": bill,
                                   "shipping_carrier_code": carrier,
                                   "shipping_method_code": code})
    payment: dict[str, Any] = {"method": rng.choice(demo_sales.PAYMENTS)}
    if payment["method"] == "purchaseorder":
        payment["po_number"] = f"PO-{n}"
    order_id = sc.place_order(state, quote, {"paymentMethod": payment, "billingAddress": bill})
    order = state.table("orders").rows[order_id]
    fate = rng.random()
    if fate < 0.5:
        si.create_invoice(state, order, {"capture": True})
    elif fate < 0.6:
        soa.cancel(state, order)
    return True


def fakes(orders: int) -> tuple[FakeMagento, FakeOdoo]:
    magento = FakeMagento(seed=None)
    odoo = FakeOdoo(seed=None)
    rng = random.Random("bench-sales")
    state = magento.state
    demo_catalog.seed(state, rng, "small")
    clock = state.now
    moment = [clock() - timedelta(days=30)]
    state.now = lambda: moment[0]
    try:
        demo_sales._taxes(state)
        demo_sales._rules(state)
        config(state)["tablerate_active"] = True
        people = demo_sales._customers(state, rng, max(10, orders // 5))
        products = [p for p in state.products if p.get("type_id") == "simple"]
        placed = 0
        while placed < orders:
            moment[0] += timedelta(seconds=rng.randint(0, 3))
            try:
                placed += _place(magento, rng, people, products, placed)
            except MagentoError:
                continue
    finally:
        state.now = clock
    rows = [{"name": p.get("name") or p["sku"], "default_code": p["sku"], "type": "consu",
             "list_price": float(p.get("price") or 0.0)} for p in products]
    odoo.execute("product.template", "create", [rows], {})
    return magento, odoo


class TimedOdoo:
    """The engine's Odoo port, timing the ``sale.order.create`` calls and keeping their
    arguments (the reference sends them again)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.creates: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def create(self, model: str, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return await self.inner.create(model, *args, **kwargs)
        finally:
            if model == "sale.order":
                self.seconds += time.perf_counter() - t0
                self.creates.append((args, kwargs))


class Peak:
    """Peak memory over a stretch of the run, in MB: the resident high-water mark (reset at
    the start), or tracemalloc's peak when ``trace``."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace

    def start(self) -> None:
        if self.trace:
            tracemalloc.start()
            return
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")

    def stop(self) -> float:
        if self.trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return peak / 1e6
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def reference(timed: TimedOdoo, peak: Peak) -> tuple[int, float, float]:
    """Odoo's own create time: the first pass's ``sale.order.create`` calls sent again, one
    per page, in order; returns (orders, seconds, peak MB)."""
    orders = 0
    peak.start()
    t0 = time.perf_counter()
    for args, kwargs in timed.creates:
        ids = await timed.inner.create("sale.order", *args, **kwargs)
        orders += len(ids)
    seconds = time.perf_counter() - t0
    return orders, seconds, peak.stop()


def _writes(odoo: FakeOdoo) -> int:
    return sum(v for k, v in odoo.counters.items() if k.split(".")[-1] in WRITES)


async def sync_all(engine: Any, full: bool) -> tuple[dict[str, Any], float]:
    """``engine.sync_all("m2o", full=full)`` entity by entity, timing the orders alone."""
    results: dict[str, Any] = {}
    orders_seconds = 0.0
    for handler in engine.registry.ordered(Direction.MAGENTO_TO_ODOO):
        if not engine.settings.is_enabled(handler.entity) or handler.realtime_only:
            continue
        t0 = time.perf_counter()
        results[handler.entity] = await engine.sync(handler.entity, "m2o", full=full,
                                                    trigger=Trigger.BATCH)
        if handler.entity == "orders":
            orders_seconds = time.perf_counter() - t0
    return results, orders_seconds


async def run(orders: int, latency: float, batch: int, trace: bool = False) -> list[Pass]:
    peak = Peak(trace)
    started = time.perf_counter()
    magento, odoo = fakes(orders)
    print(f"fakes filled: {orders} orders in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    out: list[Pass] = []
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        with tempfile.TemporaryDirectory(prefix="magodoo-bench-") as tmp:
            path = Path(tmp) / "stores.sqlite3"
            settings = Settings(
                magento=MagentoSettings(url=murl, auth="token", token=magento.admin_token()),
                odoo=OdooSettings(url=ourl, database=odoo.database, username=odoo.login,
                                  api_key=odoo.api_key),
                stores=StoreSettings(kind="sqlite", path=str(path)),
                batch_size=batch,
                entities={name: EntitySettings(enabled=False)
                          for name in ("invoices", "credit_memos", "shipments")},
                sales=SalesSettings(payments={"checkmo": "Bank", "banktransfer": "Bank",
                                              "cashondelivery": "Cash",
                                              "purchaseorder": "Bank", "free": "Bank"}),
            )
            stores = await open_sqlite_stores(path)
            async with await connect(settings, stores=stores, retry=RETRY) as conn:
                timed = TimedOdoo(conn.engine.odoo)
                conn.engine.odoo = timed
                magento.faults.latency = latency
                odoo.faults.latency = latency
                for name, full in (("first pass", False), ("pass writing nothing", True)):
                    m0, o0, w0 = magento.total_requests, odoo.total_requests, _writes(odoo)
                    timed.seconds = 0.0
                    peak.start()
                    t0 = time.perf_counter()
                    results, orders_seconds = await sync_all(conn.engine, full)
                    seconds = time.perf_counter() - t0
                    peak_mb = peak.stop()
                    result = results["orders"]
                    out.append(Pass(name, result.total, seconds,
                                    magento.total_requests - m0, odoo.total_requests - o0,
                                    _writes(odoo) - w0, peak_mb, timed.seconds,
                                    result.failed, orders_seconds))
                    print(table(out[-1:], latency).splitlines()[-1], file=sys.stderr,
                          flush=True)
                    if not full:
                        creates = list(timed.creates)
                timed.creates = creates
                m0, o0 = magento.total_requests, odoo.total_requests
                count, seconds, peak_mb = await reference(timed, peak)
                out.append(Pass("reference: create only", count, seconds, 0,
                                odoo.total_requests - o0, len(creates), peak_mb, seconds, 0,
                                seconds))
    return out


def table(rows: list[Pass], latency: float) -> str:
    lines = [f"sales sync Magento -> Odoo (tax rates, customers, orders of 3 lines), "
             f"{latency * 1000:.0f} ms latency per request",
             f"{'pass':<22} {'orders':>6} {'seconds':>8} {'orders/s':>9} {'trips/order':>11} "
             f"{'odoo writes':>11} {'peak MB':>8} {'create s':>9} {'orders s':>9} "
             f"{'x create':>8} {'orders x':>8}"]
    ref = next((r for r in rows if r.name.startswith("reference")), None)
    for r in rows:
        ratio = orders_ratio = f"{'-':>8}"
        if ref is not None and ref.seconds and r is not ref and r.odoo_writes:
            ratio = f"{r.seconds / ref.seconds:>8.2f}"
            orders_ratio = f"{r.orders_seconds / ref.seconds:>8.2f}"
        lines.append(f"{r.name:<22} {r.orders:>6} {r.seconds:>8.2f} {r.rate:>9.1f} "
                     f"{r.trips:>11.3f} {r.odoo_writes:>11} {r.peak_mb:>8.1f} "
                     f"{r.create_seconds:>9.2f} {r.orders_seconds:>9.2f} {ratio} {orders_ratio}"
                     + (f"  ({r.failed} failed)" if r.failed else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    parser.add_argument("--batch", type=int, default=50, help="settings.batch_size")
    parser.add_argument("--trace", action="store_true",
                        help="peak memory by tracemalloc (slow) instead of the resident peak")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.orders, args.latency, args.batch, args.trace))
    print(table(rows, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
