"""Customer sync Magento -> Odoo: the engine against Odoo's own batch create and a naive loop.

The fakes run in a child process (:mod:`_fakes_process`) and answer as slowly as the real
servers did (:meth:`Costs.recorded`: Magento 100 ms per call + 5 ms per customer read, Odoo
50 ms per call + 20 ms per partner created; see that module for the recordings). Four
variants over the same customers (two addresses each), each against freshly seeded fakes:

* **target batch write**: the floor. The same partner values the engine writes (mapped
  beforehand, not timed) created by ``res.partner.create`` in chunks of ``batch_size``,
  nothing read, nothing logged: Odoo's own batch-write time;
* **engine, pipelined**: ``engine.sync("customers", "m2o")`` as shipped: page n+1 is read
  from Magento while page n is written to Odoo, logged and bound (at most one page ahead);
* **engine, one page at a time**: the same with ``engine.read_ahead = False`` (how the
  engine ran before issue 8's throughput item);
* **naive**: one GET and one create per customer, on a sample (``--naive-records``).

Prints seconds, records/s, round trips per record, and each variant's time over the
target's (issue 8's goal: the engine within 1.3x)::

    python benchmarks/bench_sync.py                       # 1,000 customers, recorded costs
    python benchmarks/bench_sync.py --records 200 --costs none --naive-records 50

``--peers lean`` (and the default ``both``) runs the same against the lean stand-ins of
:mod:`_lean_peers`: the recorded answer times without the fakes' own CPU time, which grows
with the tables (they scan every partner for each e-mail and children lookup; a real Odoo
uses its indexes). With ``--costs none`` the servers answer at once and the figures show the
engine's own CPU time (mapping, redaction, SQLite stores).
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
from _fakes_process import Costs, FakesProcess, Peers
from _lean_peers import LeanProcess

from magodoo._http import RetryPolicy
from magodoo.backends import Trigger, open_sqlite_stores
from magodoo.engine import connect
from magodoo.engine.echo import EchoGuard
from magodoo.engine.entities.customers import WRITE_CONTEXT, CustomerImporter
from magodoo.engine.handler import Context
from magodoo.magento.auth import BearerTokenAuth
from magodoo.magento.client import MagentoClient
from magodoo.odoo.client import OdooClient

RETRY = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=60.0)


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


def _clients(peers: Peers) -> tuple[MagentoClient, OdooClient]:
    return (MagentoClient(peers.magento_url, auth=BearerTokenAuth(peers.magento_token),
                          retry=RETRY),
            OdooClient(peers.odoo_url, peers.odoo_database, peers.odoo_login,
                       api_key=peers.odoo_api_key, protocol="jsonrpc", retry=RETRY))


PEERS = {"fakes": FakesProcess, "lean": LeanProcess}
Servers = FakesProcess | LeanProcess


async def bench_target(records: int, costs: Costs, batch_size: int, peers: str) -> Figures:
    """Odoo's own batch create of the engine's partner values: the floor."""
    fakes: Servers = PEERS[peers](records, costs)
    with fakes as peers, tempfile.TemporaryDirectory() as tmp:
        mc, oc = _clients(peers)
        async with mc, oc:
            settings = peers.settings(Path(tmp) / "unused.sqlite3", batch_size)
            ctx = Context(magento=mc, odoo=oc, stores=None,  # type: ignore[arg-type]
                          settings=settings, echo=EchoGuard(), trigger=Trigger.MANUAL,
                          dry_run=False, ensure=None)
            handler = CustomerImporter()
            values: list[dict[str, Any]] = []
            async for page in handler.fetch(ctx, None):  # mapped beforehand, not timed
                mctx = await handler.prepare(ctx, page)
                values += [handler.map(c, mctx).create_values() for c in page]
            await oc.search_read_page("res.country", [("code", "=", "US")], ["id", "code"])
            m0, o0 = fakes.requests()
            started = time.perf_counter()
            for start in range(0, len(values), batch_size):
                await oc.create("res.partner", values[start:start + batch_size],
                                context=WRITE_CONTEXT)
            seconds = time.perf_counter() - started
            m1, o1 = fakes.requests()
    return Figures(f"target batch write ({batch_size}/call)", len(values), seconds,
                   m1 - m0, o1 - o0)


async def bench_engine(records: int, costs: Costs, batch_size: int, peers: str, *,
                       read_ahead: bool) -> Figures:
    fakes: Servers = PEERS[peers](records, costs)
    with fakes as peers, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stores.sqlite3"
        stores = await open_sqlite_stores(path)
        settings = peers.settings(path, batch_size)
        async with await connect(settings, stores=stores, retry=RETRY) as conn:
            conn.engine.read_ahead = read_ahead
            await conn.engine.check()  # sessions and tokens, as the target's warm-up
            m0, o0 = fakes.requests()
            started = time.perf_counter()
            result = await conn.engine.sync("customers", "m2o")
            seconds = time.perf_counter() - started
            m1, o1 = fakes.requests()
    name = "engine, pipelined" if read_ahead else "engine, one page at a time"
    return Figures(name, result.created, seconds, m1 - m0, o1 - o0, result.failed)


async def bench_naive(records: int, costs: Costs) -> Figures:
    fakes = FakesProcess(records, costs)
    with fakes as peers:
        mc, oc = _clients(peers)
        async with mc, oc:
            (us,) = await oc.search("res.country", [("code", "=", "US")])
            m0, o0 = fakes.requests()
            started = time.perf_counter()
            for cid in range(1, records + 1):
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
            m1, o1 = fakes.requests()
    return Figures("naive (1 GET + 1 create per record)", records, seconds, m1 - m0, o1 - o0)


def _table(rows: list[Figures], records: int, costs: Costs, peers: str) -> str:
    lines = [
        f"customer sync Magento -> Odoo, {records} customers; {peers} in another process: "
        f"{costs.describe()}",
        f"{'variant':<36} {'records':>7} {'seconds':>8} {'rec/s':>8} {'trips/rec':>9} "
        f"{'x target':>8}",
    ]
    floor = rows[0].rate
    for f in rows:
        ratio = floor / f.rate if f.rate else float("nan")
        lines.append(f"{f.name:<36} {f.records:>7} {f.seconds:>8.2f} {f.rate:>8.1f} "
                     f"{f.round_trips:>9.3f} {ratio:>8.2f}"
                     + (f"  ({f.failed} failed)" if f.failed else ""))
    lines.append("x target: the variant's time per record over the target's (goal for the "
                 "engine: within 1.3)")
    return "\n".join(lines)


async def run(records: int, naive_records: int, costs: Costs, batch_size: int, peers: str
              ) -> list[Figures]:
    rows = [
        await bench_target(records, costs, batch_size, peers),
        await bench_engine(records, costs, batch_size, peers, read_ahead=True),
        await bench_engine(records, costs, batch_size, peers, read_ahead=False),
    ]
    if peers == "fakes":  # the stand-ins answer only what a pass asks
        rows.append(await bench_naive(min(naive_records, records), costs))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="customers")
    parser.add_argument("--naive-records", type=int, default=50,
                        help="customers for the sequential naive loop (a sample)")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--costs", choices=["recorded", "none"], default="recorded",
                        help="answer times of the servers (see _fakes_process.Costs)")
    parser.add_argument("--peers", choices=["fakes", "lean", "both"], default="both",
                        help="the fakes, the lean stand-ins (_lean_peers: no scanning), both")
    args = parser.parse_args(argv)
    costs = Costs.recorded() if args.costs == "recorded" else Costs()
    for peers in (["fakes", "lean"] if args.peers == "both" else [args.peers]):
        rows = asyncio.run(run(args.records, args.naive_records, costs, args.batch_size,
                               peers))
        print(_table(rows, args.records, costs, peers), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
