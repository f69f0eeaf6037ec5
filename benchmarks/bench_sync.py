"""Customer sync Magento -> Odoo: the engine against a naive one-request-per-record loop.

Both fakes answer every request after an injected latency (default 20 ms, a LAN/cloud round
trip). The engine reads Magento a page at a time and creates a page of partners (with their
addresses) per Odoo call; the naive loop GETs each customer and creates each partner with
its own call. Prints records/s and round trips per record::

    python benchmarks/bench_sync.py                 # 5,000 customers, naive loop on 500
    python benchmarks/bench_sync.py --records 500 --naive-records 500 --latency 0.02

The naive loop is sequential (that is what makes it naive), so it runs on a sample
(``--naive-records``) to keep the default run under two minutes; its figures are per record
and do not depend on the sample size.

Read "trips/rec" first. The fakes run in this process, so their CPU time counts in the
wall-clock figures (the fake Odoo scans every partner for each page's e-mail lookup: it has
no index), as does the engine's own work (mapping, redaction, SQLite stores).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

from magodoo._http import RetryPolicy
from magodoo.backends import open_sqlite_stores
from magodoo.engine import connect
from magodoo.magento.auth import BearerTokenAuth
from magodoo.magento.client import MagentoClient
from magodoo.odoo.client import OdooClient
from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=30.0)


@attrs.frozen
class Figures:
    name: str
    records: int
    seconds: float
    magento_requests: int
    odoo_requests: int
    failed: int = 0

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def round_trips(self) -> float:
        return (self.magento_requests + self.odoo_requests) / max(self.records, 1)


def _fakes(records: int) -> tuple[FakeMagento, FakeOdoo]:
    magento, odoo = FakeMagento(seed=None), FakeOdoo(seed=None)
    for n in range(1, records + 1):
        addresses = [{
            "firstname": "Bench", "lastname": f"Customer{n}",
            "street": [f"{n} Main St", f"Unit {i}"], "city": "Austin", "postcode": "78701",
            "country_id": "US", "region_id": 57, "telephone": f"512555{n % 10000:04d}",
            "default_billing": i == 0, "default_shipping": i == 1,
        } for i in range(2)]
        create_customer(magento.state, {
            "email": f"bench{n}@example.com", "firstname": "Bench",
            "lastname": f"Customer{n}", "addresses": addresses,
        })
    return magento, odoo


def _start(magento: FakeMagento, odoo: FakeOdoo, latency: float) -> tuple[int, int]:
    magento.faults.latency = latency
    odoo.faults.latency = latency
    return magento.total_requests, odoo.total_requests


async def bench_engine(records: int, latency: float) -> Figures:
    magento, odoo = _fakes(records)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        with tempfile.TemporaryDirectory(prefix="magodoo-bench-") as tmp:
            path = Path(tmp) / "stores.sqlite3"
            settings = Settings(
                magento=MagentoSettings(url=murl, auth="token", token=magento.admin_token()),
                odoo=OdooSettings(url=ourl, database=odoo.database, username=odoo.login,
                                  api_key=odoo.api_key),
                stores=StoreSettings(kind="sqlite", path=str(path)),
            )
            stores = await open_sqlite_stores(path)
            async with await connect(settings, stores=stores, retry=RETRY) as conn:
                m0, o0 = _start(magento, odoo, latency)
                started = time.perf_counter()
                result = await conn.engine.sync("customers", "m2o")
                seconds = time.perf_counter() - started
    return Figures("engine (pages, batched creates)", result.created, seconds,
                   magento.total_requests - m0, odoo.total_requests - o0, result.failed)


async def bench_naive(records: int, latency: float) -> Figures:
    magento, odoo = _fakes(records)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        mc = MagentoClient(murl, auth=BearerTokenAuth(magento.admin_token()), retry=RETRY)
        oc = OdooClient(ourl, odoo.database, odoo.login, api_key=odoo.api_key,
                        protocol="jsonrpc", retry=RETRY)
        async with mc, oc:
            (us,) = await oc.search("res.country", [("code", "=", "US")])
            ids = sorted(int(r["id"]) for r in magento.state.table("customers").values())
            m0, o0 = _start(magento, odoo, latency)
            started = time.perf_counter()
            for cid in ids:
                customer = await mc.get_customer(cid)
                children: list[Any] = [(0, 0, {
                    "type": "invoice" if a.default_billing else "delivery",
                    "name": f"{a.firstname} {a.lastname}", "street": (a.street or [""])[0],
                    "street2": ", ".join((a.street or [])[1:]) or False, "city": a.city,
                    "zip": a.postcode, "country_id": us, "phone": a.telephone,
                    "ref": f"MAGE-ADDR-{a.id}",
                }) for a in customer.addresses or []]
                await oc.create("res.partner", [{
                    "name": f"{customer.firstname} {customer.lastname}",
                    "email": customer.email, "ref": f"MAGE-CUST-{customer.id}",
                    "child_ids": children,
                }])
            seconds = time.perf_counter() - started
    return Figures("naive (1 GET + 1 create per record)", len(ids), seconds,
                   magento.total_requests - m0, odoo.total_requests - o0)


def _table(rows: list[Figures], records: int, latency: float) -> str:
    lines = [
        f"customer sync Magento -> Odoo, {latency * 1000:.0f} ms latency per request",
        f"{'variant':<36} {'records':>7} {'seconds':>8} {'rec/s':>8} {'trips/rec':>9} "
        f"{'est. s for ' + str(records):>16}",
    ]
    for f in rows:
        estimate = records / f.rate if f.rate else float("nan")
        lines.append(f"{f.name:<36} {f.records:>7} {f.seconds:>8.2f} {f.rate:>8.1f} "
                     f"{f.round_trips:>9.3f} {estimate:>16.1f}"
                     + (f"  ({f.failed} failed)" if f.failed else ""))
    if len(rows) == 2 and rows[1].rate:
        lines.append(f"speed-up: {rows[0].rate / rows[1].rate:.1f}x records/s, "
                     f"{rows[1].round_trips / max(rows[0].round_trips, 1e-9):.0f}x fewer "
                     "round trips per record")
    return "\n".join(lines)


async def run(records: int, naive_records: int, latency: float) -> list[Figures]:
    engine = await bench_engine(records, latency)
    naive = await bench_naive(min(naive_records, records), latency)
    return [engine, naive]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="customers for the engine")
    parser.add_argument("--naive-records", type=int, default=500,
                        help="customers for the sequential naive loop (a sample)")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.records, args.naive_records, args.latency))
    print(_table(rows, args.records, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
