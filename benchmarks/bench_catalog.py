"""Catalog sync Odoo -> Magento: templates with variants into an empty store, then again.

The fake Odoo gets ``--templates`` templates with ``--variants`` variants each (one
variant-creating "Bench Size" attribute, every variant with its own internal reference) and
one eCommerce category; both fakes answer every request after an injected latency (default
20 ms). The first pass syncs categories, attributes and products (configurables with their
children, options and links); the second pass finds everything unchanged. Prints records
(variants) per second, round trips per variant (Magento writes separately) and the peak of
Python memory allocated during each pass::

    python benchmarks/bench_catalog.py                          # 2,000 x 5, 20 ms
    python benchmarks/bench_catalog.py --templates 200 --variants 5 --latency 0.02

The fakes run in this process: their CPU time is in the wall-clock figures and their
allocations in the memory peak (tracemalloc sees every Python allocation).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import tracemalloc
from typing import Any

import attrs

from magodoo._http import RetryPolicy
from magodoo.backends import memory_stores
from magodoo.engine import connect
from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=60.0)


@attrs.frozen
class Figures:
    name: str
    variants: int
    seconds: float
    magento_requests: int
    magento_writes: int
    odoo_requests: int
    peak_mb: float
    failed: int

    @property
    def rate(self) -> float:
        return self.variants / self.seconds if self.seconds else 0.0

    def per_variant(self, count: int) -> float:
        return count / max(self.variants, 1)


def _odoo(templates: int, variants: int) -> FakeOdoo:
    odoo = FakeOdoo(seed=None)

    def call(model: str, method: str, *args: Any) -> Any:
        return odoo.execute(model, method, list(args), {})[0]

    (categ,) = call("product.public.category", "create", [{"name": "Bench"}])
    (attribute,) = call("product.attribute", "create", [{
        "name": "Bench Size", "display_type": "select", "create_variant": "always"}])
    values = call("product.attribute.value", "create", [
        {"name": f"S{n}", "attribute_id": attribute, "sequence": n} for n in range(variants)])
    for start in range(0, templates, 200):
        call("product.template", "create", [{
            "name": f"Bench Product {n}", "list_price": 10.0 + n % 50, "is_published": True,
            "public_categ_ids": [(6, 0, [categ])],
            "attribute_line_ids": [(0, 0, {"attribute_id": attribute,
                                           "value_ids": [(6, 0, values)]})],
        } for n in range(start, min(start + 200, templates))])
    for row in odoo.table("product.product").values():
        row["default_code"] = f"BENCH-{row['id']}"
    return odoo


def _writes(magento: FakeMagento) -> int:
    return sum(v for k, v in magento.counters.items() if not k.startswith("GET"))


async def _pass(name: str, conn: Any, magento: FakeMagento, odoo: FakeOdoo,
                variants: int, full: bool) -> Figures:
    m0, w0, o0 = magento.total_requests, _writes(magento), odoo.total_requests
    tracemalloc.start()
    started = time.perf_counter()
    results = await conn.engine.sync_all("o2m", full=full)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    failed = sum(r.failed for r in results.values())
    return Figures(name, variants, seconds, magento.total_requests - m0, _writes(magento) - w0,
                   odoo.total_requests - o0, peak / 1e6, failed)


async def run(templates: int, variants: int, latency: float) -> list[Figures]:
    odoo = _odoo(templates, variants)
    magento = FakeMagento(seed=None)
    count = len(odoo.table("product.product"))
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        settings = Settings(
            magento=MagentoSettings(url=murl, auth="token", token=magento.admin_token()),
            odoo=OdooSettings(url=ourl, database=odoo.database, username=odoo.login,
                              api_key=odoo.api_key),
            stores=StoreSettings(kind="memory"), log=attrs.evolve(Settings().log, enabled=False),
        )
        async with await connect(settings, stores=memory_stores(log_enabled=False),
                                 retry=RETRY) as conn:
            magento.faults.latency = latency
            odoo.faults.latency = latency
            first = await _pass("first pass (creates)", conn, magento, odoo, count, False)
            second = await _pass("second pass (unchanged)", conn, magento, odoo, count, True)
    return [first, second]


def _table(rows: list[Figures], templates: int, variants: int, latency: float) -> str:
    lines = [
        f"catalog sync Odoo -> Magento: {templates} templates x {variants} variants, "
        f"{latency * 1000:.0f} ms latency per request (sync log off)",
        f"{'pass':<26} {'variants':>8} {'seconds':>8} {'var/s':>8} {'trips/var':>9} "
        f"{'M writes/var':>12} {'Odoo calls':>10} {'peak MB':>8}",
    ]
    for f in rows:
        trips = f.per_variant(f.magento_requests + f.odoo_requests)
        lines.append(f"{f.name:<26} {f.variants:>8} {f.seconds:>8.2f} {f.rate:>8.1f} "
                     f"{trips:>9.3f} {f.per_variant(f.magento_writes):>12.3f} "
                     f"{f.odoo_requests:>10} {f.peak_mb:>8.1f}"
                     + (f"  ({f.failed} failed)" if f.failed else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--templates", type=int, default=2000)
    parser.add_argument("--variants", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.templates, args.variants, args.latency))
    print(_table(rows, args.templates, args.variants, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
