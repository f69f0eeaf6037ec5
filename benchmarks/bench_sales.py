"""Sales sync Magento -> Odoo: orders of 3 lines with their customers, over both fakes.

The fake Magento is filled through its own cart code (demo catalog, taxes, a coupon, flat /
table rate / free shipping, four offline payment methods, about 30 % guests); each order has
3 simple products. Both fakes run in a child process (as real servers are other processes:
their CPU is not charged to the sync's), are filled there, and answer every request after an
injected latency (default 20 ms). The engine runs ``sync_all`` Magento -> Odoo twice: the
first pass imports tax rates, customers and orders; the second (``full``) reads everything
again and must write nothing.

About half the orders are invoiced in Magento (``processing``: confirmed in Odoo, their
``date_order`` written back) and a tenth cancelled; the rest stay ``new`` (draft quotations).
Invoices, credit memos and shipments are left out of the sync: orders only.

A fake's ``create`` is nearly free, a real Odoo's is not: the fake Odoo sleeps
``--odoo-row-cost`` seconds per row a call writes (its ``faults.row_cost``; default 0.007, the
real Odoo 18's partner create of ``odoo/NOTES.md`` section 3: 22 ms per partner with two
addresses, 3 rows, in calls of 50). A sale order and its lines cost a real server more than a
partner (taxes, amounts, pricelist, a confirmation's pickings), so the modelled cost is a lower
bound and the ratio below conservative. ``--odoo-row-cost 0`` gives the raw fakes.

Printed per pass: orders/s, round trips per order (both servers, counted by the fakes), peak
memory of the sync's process and of the fakes' process (each one's resident high-water mark,
reset before each pass; ``--trace`` uses tracemalloc for the sync's process instead, which
slows Python code down a lot and so skews the times), the Odoo writes made and the time spent
inside the sync's ``sale.order.create`` calls. Then the reference, Odoo's own create time for
the same orders: the very ``sale.order.create`` payloads the first pass sent are sent again,
one call per page, to the same fake over the same client, latency and row cost, and the first
pass's time is printed as a multiple of it (``x create``; ``orders x``: the orders entity
alone, without tax rates and customers; the target is 1.3x). With a row cost, a last line
splits the rows the fake Odoo charged during the orders entity into the create's and the
rest (guest partners, their addresses, ``action_confirm``, the ``date_order`` load: server
work the import needs besides the create) and gives the orders entity's time as a multiple
of the reference plus that rest. The orders import works on two pages at once (a page's
confirmation, date load and amounts read run while the next page's partners are made and its
orders created; the creates stay one at a time, one stream as in the reference), so that
multiple falls below 1.0 by what ran beside the creates. The fake Odoo answers calls side by
side as an Odoo with several workers does; a one-process threaded Odoo on two cores shares
its CPU between them (about four calls in flight saturated it, issue 16), so there the
overlap gains less::

    python benchmarks/bench_sales.py                  # 5,000 orders, 20 ms, 7 ms per row
    python benchmarks/bench_sales.py --orders 500 --latency 0.02 --odoo-row-cost 0

A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fakes_process import FakesProcess, peak_mb, peak_reset

from magodoo._http import RetryPolicy
from magodoo.backends import Direction, Trigger, open_sqlite_stores
from magodoo.engine import connect
from magodoo.settings import (
    EntitySettings,
    SalesSettings,
)
from magodoo.testing._magento import demo_catalog, demo_sales
from magodoo.testing._magento import sales_checkout as sc
from magodoo.testing._magento import sales_invoices as si
from magodoo.testing._magento import sales_order_api as soa
from magodoo.testing._magento import sales_quotes as sq
from magodoo.testing._magento.errors import MagentoError
from magodoo.testing._magento.sales_totals import config
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

ROW_COST = 0.007
"""Seconds per row written: the real Odoo 18's partner create (``odoo/NOTES.md`` section 3)."""
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
    fakes_peak_mb: float
    create_seconds: float
    failed: int
    orders_seconds: float = 0.0
    """The orders entity alone (the pass also syncs tax rates, customers...)."""
    orders_rows: int = 0
    """Rows the fake Odoo charged ``row_cost`` for during the orders entity."""

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
    """Both fakes filled with ``orders`` orders (run in the fakes' process)."""
    started = time.perf_counter()
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
    print(f"fakes filled: {orders} orders in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)
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
    """Peak memory of this process over a stretch of the run, in MB: the resident
    high-water mark (reset at the start), or tracemalloc's peak when ``trace``."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace

    def start(self) -> None:
        if self.trace:
            tracemalloc.start()
        else:
            peak_reset()

    def stop(self) -> float:
        if self.trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return peak / 1e6
        return peak_mb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def _writes(counters: dict[str, int]) -> int:
    return sum(v for k, v in counters.items() if k.split(".")[-1] in WRITES)


async def sync_all(engine: Any, full: bool, rows: Callable[[], int] = lambda: 0
                   ) -> tuple[dict[str, Any], float, int]:
    """``engine.sync_all("m2o", full=full)`` entity by entity, timing the orders alone (and
    counting the rows charged during them by ``rows()``)."""
    results: dict[str, Any] = {}
    orders_seconds, orders_rows = 0.0, 0
    for handler in engine.registry.ordered(Direction.MAGENTO_TO_ODOO):
        if not engine.settings.is_enabled(handler.entity) or handler.realtime_only:
            continue
        r0 = rows() if handler.entity == "orders" else 0
        t0 = time.perf_counter()
        results[handler.entity] = await engine.sync(handler.entity, "m2o", full=full,
                                                    trigger=Trigger.BATCH)
        if handler.entity == "orders":
            orders_seconds = time.perf_counter() - t0
            orders_rows = rows() - r0
    return results, orders_seconds, orders_rows


async def run(orders: int, latency: float, batch: int, trace: bool = False,
              row_cost: float = ROW_COST) -> list[Pass]:
    peak = Peak(trace)
    faults = {"magento": {"latency": latency}, "odoo": {"latency": latency, "row_cost": row_cost}}
    out: list[Pass] = []
    fakes_process = FakesProcess(build=functools.partial(fakes, orders), faults=faults)
    with fakes_process as peers, \
            tempfile.TemporaryDirectory(prefix="magodoo-bench-") as tmp:
        path = Path(tmp) / "stores.sqlite3"
        settings = peers.settings(
            path, batch,
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
            for name, full in (("first pass", False), ("pass writing nothing", True)):
                m0, o0, c0 = fakes_process.counters()
                timed.seconds = 0.0
                fakes_process.peak_reset()
                peak.start()
                t0 = time.perf_counter()
                results, orders_seconds, orders_rows = await sync_all(
                    conn.engine, full, lambda: fakes_process.injected()[1].get("rows", 0))
                seconds = time.perf_counter() - t0
                peak_mb_ = peak.stop()
                m1, o1, c1 = fakes_process.counters()
                result = results["orders"]
                out.append(Pass(name, result.total, seconds, m1 - m0, o1 - o0,
                                _writes(c1) - _writes(c0), peak_mb_, fakes_process.peak_mb(),
                                timed.seconds, result.failed, orders_seconds, orders_rows))
                print(table(out[-1:], latency, row_cost).splitlines()[-1], file=sys.stderr,
                      flush=True)
                if not full:
                    creates = list(timed.creates)
            timed.creates = creates
            m0, o0, _ = fakes_process.counters()
            r0 = fakes_process.injected()[1].get("rows", 0)
            fakes_process.peak_reset()
            count, seconds, peak_mb_ = await reference(timed, peak)
            m1, o1, _ = fakes_process.counters()
            out.append(Pass("reference: create only", count, seconds, m1 - m0, o1 - o0,
                            len(creates), peak_mb_, fakes_process.peak_mb(), seconds, 0,
                            seconds, fakes_process.injected()[1].get("rows", 0) - r0))
    return out


def table(rows: list[Pass], latency: float, row_cost: float) -> str:
    cost = (f"fake Odoo {row_cost * 1000:g} ms per row written" if row_cost
            else "no modelled Odoo cost (raw fakes)")
    lines = [f"sales sync Magento -> Odoo (tax rates, customers, orders of 3 lines), "
             f"{latency * 1000:.0f} ms latency per request, {cost}; fakes in a child process",
             f"{'pass':<22} {'orders':>6} {'seconds':>8} {'orders/s':>9} {'trips/order':>11} "
             f"{'odoo writes':>11} {'peak MB':>8} {'fakes MB':>8} {'create s':>9} "
             f"{'orders s':>9} {'x create':>8} {'orders x':>8}"]
    ref = next((r for r in rows if r.name.startswith("reference")), None)
    for r in rows:
        ratio = orders_ratio = f"{'-':>8}"
        if ref is not None and ref.seconds and r is not ref and r.odoo_writes:
            ratio = f"{r.seconds / ref.seconds:>8.2f}"
            orders_ratio = f"{r.orders_seconds / ref.seconds:>8.2f}"
        lines.append(f"{r.name:<22} {r.orders:>6} {r.seconds:>8.2f} {r.rate:>9.1f} "
                     f"{r.trips:>11.3f} {r.odoo_writes:>11} {r.peak_mb:>8.1f} "
                     f"{r.fakes_peak_mb:>8.1f} {r.create_seconds:>9.2f} "
                     f"{r.orders_seconds:>9.2f} {ratio} {orders_ratio}"
                     + (f"  ({r.failed} failed)" if r.failed else ""))
    first = next((r for r in rows if r.odoo_writes and r is not ref), None)
    if ref is not None and first is not None and row_cost and ref.seconds:
        other = (first.orders_rows - ref.orders_rows) * row_cost
        floor = ref.seconds + other
        hidden = max(0.0, floor - first.orders_seconds)
        lines.append(
            f"modelled Odoo work of the orders entity: {first.orders_rows} rows, "
            f"{first.orders_rows * row_cost:.1f} s; the create's {ref.orders_rows} rows "
            f"{ref.orders_rows * row_cost:.1f} s, the rest (guest partners, addresses, "
            f"action_confirm, date_order load) {other:.1f} s; orders / (reference + the rest) "
            f"= {first.orders_seconds / floor:.2f}x ({hidden:.1f} s of the rest and of "
            f"magodoo's own time ran beside the creates: two pages in flight)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    parser.add_argument("--odoo-row-cost", type=float, default=ROW_COST,
                        help="seconds the fake Odoo sleeps per row a call writes (default "
                             "0.007: a real Odoo 18's partner create; 0: the raw fake)")
    parser.add_argument("--batch", type=int, default=50, help="settings.batch_size")
    parser.add_argument("--trace", action="store_true",
                        help="peak memory by tracemalloc (slow) instead of the resident peak")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.orders, args.latency, args.batch, args.trace,
                           args.odoo_row_cost))
    print(table(rows, args.latency, args.odoo_row_cost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
