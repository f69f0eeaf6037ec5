"""magodoo's defaults side by side with peer clients, the same workloads over the fakes.

Workloads (from issue 16's real-server timings):

- ``odoo-create``: create 2,000 plain partners;
- ``odoo-read``: read every partner (5,641), 8 fields;
- ``magento-read``: every Magento product and customer.

Peers: odoorpc and Odooly (Odoo, JSON-RPC, synchronous), pymagento (Magento REST,
synchronous). They are development extras only (``pip install odoorpc odooly pymagento``);
a peer that is not installed is reported and skipped. Each run gets a fresh fake with the
same data, served on loopback by a child process (a real server is another process: the fake
takes neither the client's GIL nor its garbage collections), answering after ``--latency``
seconds (by default 23 ms, what one extra call cost a real Odoo 18 in the issue's
measurements); the child makes no garbage collection of its own once filled (they would fall
on whichever client's request happened to trigger one). Logging in is not timed, for any
client. Prints, per workload, each client's median seconds and its
requests, and how far magodoo's defaults are from the fastest peer (the median of the
round-by-round ratios: the clients run one after the other in each round, so a change of the
machine's load between rounds cancels out; the ratio of the medians is printed beside). The
client's own CPU time is printed too: wall time on a shared machine moves by tens of percent
between runs, CPU time much less, and it is the part a client's code decides (latency and the
server's work are the same for every client)::

    python benchmarks/bench_peers.py
    python benchmarks/bench_peers.py --runs 5 --latency 0.05

The ``magodoo`` rows get what the peers get (plain dicts); the ``typed`` row is magodoo's
``iter_products``/``iter_customers``, same requests, plus the cost of reading every record
into its model (the fakes answer much faster than a real store, so that cost shows more);
it gets its own verdict line, after issue 16's (which compares magodoo's defaults on the
records the peers give).

Two shims make the peers talk to the fakes (the fakes lack them; real Odoo has both):
``POST /web/webclient/version_info`` (odoorpc asks it before anything else) and
``res.users.context_get`` (both peers call it when logging in).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from _child_server import ChildServer, Queries
from aiohttp import web

from magodoo.magento import BearerTokenAuth, MagentoClient
from magodoo.odoo import OdooClient
from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer
from magodoo.testing._odoo.orm import Method
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

DB, LOGIN, KEY = "magodoo", "admin", "magodoo-test-key"
FIELDS = ["name", "email", "phone", "street", "city", "zip", "country_id", "ref"]
CREATE_COUNT = 2000
READ_COUNT = 5641
CUSTOMERS = 1500


# ---- fakes in a child process -----------------------------------------------------------


@attrs.frozen
class Spec:
    """Which fake to serve (sent to the child process)."""

    kind: str  # "odoo" or "magento"
    latency: float
    partners: int = 0  # Odoo partners created before the latency is set (not timed)


@attrs.frozen
class Served:
    """A fake being served by a child process: its URL, an admin token (Magento), and how
    many requests it has answered so far."""

    url: str
    token: str
    requests: Callable[[], int]


@contextmanager
def served(spec: Spec) -> Iterator[Served]:
    """Serve a fresh fake from a child process (a real server is another process: the fake
    then takes neither the client's GIL nor its garbage collections)."""
    server: ChildServer[tuple[str, str]] = ChildServer(functools.partial(_fake, spec),
                                                       f"fake {spec.kind}")
    with server as (url, token):
        yield Served(url, token, lambda: int(server.ask("requests")))


@contextlib.asynccontextmanager
async def _fake(spec: Spec) -> AsyncIterator[tuple[tuple[str, str], Queries]]:
    """The fake, filled and served in the child process."""
    fake: Any = fake_odoo() if spec.kind == "odoo" else fake_magento()
    async with serve(fake.app) as url:
        if spec.partners:
            async with _odoo(url) as odoo:
                await odoo.create("res.partner", [_partner(i) for i in range(spec.partners)])
        fake.faults.latency = spec.latency
        # The fake stands in for a server whose own time is the latency: its garbage
        # collections (walking its records) would fall on whichever client's request
        # happened to trigger one, so it makes none.
        gc.collect()
        gc.freeze()
        gc.disable()
        yield ((url, fake.admin_token() if spec.kind == "magento" else ""),
               {"requests": lambda: fake.total_requests})


def _version_info(request: web.Request) -> web.StreamResponse:
    return web.json_response({"jsonrpc": "2.0", "id": None, "result": {
        "server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
        "server_serie": "18.0", "protocol_version": 1}})


async def _version_info_async(request: web.Request) -> web.StreamResponse:
    return _version_info(request)


def fake_odoo() -> FakeOdoo:
    fake = FakeOdoo(seed=None)
    spec = fake.db.spec("res.users")
    spec.methods["context_get"] = Method(
        fn=lambda env, ids, args, kwargs: {"lang": "en_US", "tz": "UTC"}, on_records=False)
    fake.app.router.add_post("/web/webclient/version_info", _version_info_async)
    return fake


def fake_magento() -> FakeMagento:
    fake = FakeMagento(seed="demo", size="medium")
    for i in range(CUSTOMERS):
        create_customer(fake.state, {"email": f"bench{i}@example.com", "firstname": "Jane",
                                     "lastname": f"Doe {i}"})
    return fake


def _partner(i: int) -> dict[str, Any]:
    return {"name": f"Partner {i}", "email": f"p{i}@example.com", "phone": "+1 512 555 0100",
            "street": f"{i} Main St", "city": "Austin", "zip": "78701", "country_id": 233,
            "ref": f"R{i}"}


def _odoo(url: str) -> OdooClient:
    return OdooClient(url, DB, LOGIN, api_key=KEY, protocol="jsonrpc")


# ---- one workload, one client ---------------------------------------------------------


@attrs.frozen
class Run:
    seconds: float
    requests: int
    cpu: float = 0.0  # the client process's CPU seconds (the fake's are another process's)


Prepare = Callable[[Served], Callable[[], Any]]  # served fake -> (logged-in) timed body


def _timed(spec: Spec, prepare: Prepare) -> Run:
    with served(spec) as fake:
        body = prepare(fake)  # logs in; not timed
        before = fake.requests()
        gc.collect()  # every client starts with the same clean heap
        t0, c0 = time.perf_counter(), time.process_time()
        body()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        return Run(seconds, fake.requests() - before, cpu)


def _magodoo_odoo(work: Callable[[OdooClient], Any]) -> Prepare:
    def prepare(fake: Served) -> Callable[[], Any]:
        url = fake.url
        loop = asyncio.new_event_loop()
        odoo = _odoo(url)
        loop.run_until_complete(odoo.search_read_page("res.users", [], ["id"], limit=1))

        def body() -> None:
            try:
                loop.run_until_complete(work(odoo))
            finally:
                loop.run_until_complete(odoo.aclose())
                loop.close()

        return body

    return prepare


async def _magodoo_create(odoo: OdooClient) -> None:
    ids = await odoo.create("res.partner", [_partner(i) for i in range(CREATE_COUNT)])
    assert len(ids) == CREATE_COUNT


async def _magodoo_read(odoo: OdooClient) -> None:
    n = 0
    async for _ in odoo.search_read("res.partner", [], FIELDS):
        n += 1
    assert n >= READ_COUNT, n


def _odoorpc(work: str) -> Prepare:
    def prepare(fake: Served) -> Callable[[], Any]:
        url = fake.url
        import odoorpc  # type: ignore[import-untyped]

        host, port = url.rsplit("//", 1)[1].split(":")
        client = odoorpc.ODOO(host, port=int(port), timeout=120)
        client.login(DB, LOGIN, KEY)

        def body() -> None:
            if work == "create":
                ids = client.execute("res.partner", "create",
                                     [_partner(i) for i in range(CREATE_COUNT)])
                assert len(ids) == CREATE_COUNT
            else:
                rows = client.execute_kw("res.partner", "search_read", [[]], {"fields": FIELDS})
                assert len(rows) >= READ_COUNT

        return body

    return prepare


def _odooly(work: str) -> Prepare:
    def prepare(fake: Served) -> Callable[[], Any]:
        url = fake.url
        import odooly  # type: ignore[import-untyped]

        client = odooly.Client(url + "/jsonrpc", DB, LOGIN, KEY)

        def body() -> None:
            if work == "create":
                ids = client.env.execute("res.partner", "create",
                                         [_partner(i) for i in range(CREATE_COUNT)])
                assert len(ids) == CREATE_COUNT
            else:
                rows = client.env.execute("res.partner", "search_read", [], FIELDS)
                assert len(rows) >= READ_COUNT

        return body

    return prepare


def _magodoo_magento(*, typed: bool) -> Prepare:
    def prepare(fake: Served) -> Callable[[], Any]:
        url = fake.url
        loop = asyncio.new_event_loop()
        magento = MagentoClient(url, auth=BearerTokenAuth(fake.token), store_code="all")
        loop.run_until_complete(magento.list_websites())

        async def work() -> None:
            if typed:
                products: list[Any] = [p async for p in magento.iter_products()]
                customers: list[Any] = [c async for c in magento.iter_customers()]
            else:  # plain dicts, what pymagento gives
                products = [p async for p in magento.paginate("/V1/products")]
                customers = [c async for c in magento.paginate("/V1/customers/search")]
            assert products and len(customers) >= CUSTOMERS

        def body() -> None:
            try:
                loop.run_until_complete(work())
            finally:
                loop.run_until_complete(magento.aclose())
                loop.close()

        return body

    return prepare


def _pymagento() -> Prepare:
    def prepare(fake: Served) -> Callable[[], Any]:
        url = fake.url
        import magento  # type: ignore[import-untyped]

        client = magento.Magento(token=fake.token, base_url=url, scope="all")
        list(client.get_stores() if hasattr(client, "get_stores") else [])

        def body() -> None:
            products = list(client.get_products(limit=-1))
            customers = list(client.get_customers(limit=-1))
            assert products and len(customers) >= CUSTOMERS

        return body

    return prepare


# ---- the table -------------------------------------------------------------------------


def _available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _verdict(workload: str, client: str, mine: list[Run], peer_name: str,
             peer: list[Run]) -> str:
    """How far ``client`` is from the fastest peer: the median, over the rounds, of the two
    clients' ratio in the same round (a round runs every client one after the other, so a
    change of machine load between rounds cancels out); the ratio of the medians beside."""
    paired = statistics.median(m.seconds / p.seconds for m, p in zip(mine, peer, strict=True))
    medians = (statistics.median(m.seconds for m in mine)
               / statistics.median(p.seconds for p in peer))
    return (f"{workload}: {client} {paired - 1:+.0%} vs fastest peer ({peer_name}), "
            f"round by round (ratio of medians {medians - 1:+.0%})"
            f"{'' if paired - 1 <= 0.10 else '  <-- over 10%'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--latency", type=float, default=0.023)
    parser.add_argument("--only", choices=["odoo-create", "odoo-read", "magento-read"])
    args = parser.parse_args(argv)
    latency = args.latency

    workloads: list[tuple[str, Spec, list[tuple[str, str | None, Prepare]]]] = [
        ("odoo-create", Spec("odoo", latency), [
            ("magodoo", None, _magodoo_odoo(_magodoo_create)),
            ("odoorpc", "odoorpc", _odoorpc("create")),
            ("odooly", "odooly", _odooly("create")),
        ]),
        ("odoo-read", Spec("odoo", latency, READ_COUNT), [
            ("magodoo", None, _magodoo_odoo(_magodoo_read)),
            ("odoorpc", "odoorpc", _odoorpc("read")),
            ("odooly", "odooly", _odooly("read")),
        ]),
        ("magento-read", Spec("magento", latency), [
            ("magodoo", None, _magodoo_magento(typed=False)),
            ("typed", None, _magodoo_magento(typed=True)),
            ("pymagento", "magento", _pymagento()),
        ]),
    ]
    print(f"latency {latency * 1000:.0f} ms per request, median of {args.runs} runs")
    print(f"{'workload':<14}{'client':<11}{'seconds':>9}{'requests':>10}{'client CPU ms':>15}")
    verdicts: list[str] = []
    typed: list[str] = []
    for name, spec, clients in workloads:
        if args.only and name != args.only:
            continue
        medians: dict[str, Run] = {}
        runs: dict[str, list[Run]] = {}
        usable = []
        for client, module, prepare in clients:
            if module and not _available(module):
                print(f"{name:<14}{client:<11}{'not installed':>19}")
                continue
            usable.append((client, prepare))
            runs[client] = []
        for _ in range(args.runs):  # interleaved, so a change of machine load hits all alike
            for client, prepare in list(usable):
                try:
                    runs[client].append(_timed(spec, prepare))
                except Exception as exc:  # a peer that cannot talk to the fakes
                    print(f"{name:<14}{client:<11}  failed: {type(exc).__name__}: {exc}"[:120])
                    usable.remove((client, prepare))
                    del runs[client]
        for client, done in runs.items():
            run = Run(statistics.median(r.seconds for r in done),
                      int(statistics.median(r.requests for r in done)),
                      statistics.median(r.cpu for r in done))
            medians[client] = run
            print(f"{name:<14}{client:<11}{run.seconds:>9.3f}{run.requests:>10}"
                  f"{run.cpu * 1000:>15.1f}")
        peers = {k: v for k, v in medians.items() if k not in ("magodoo", "typed")}
        if "magodoo" in medians and peers:
            best_name = min(peers, key=lambda k: peers[k].seconds)
            verdicts.append(_verdict(name, "magodoo", runs["magodoo"], best_name,
                                     runs[best_name]))
            if "typed" in medians:  # typed records: the default path of iter_*
                typed.append(_verdict(name, "typed", runs["typed"], best_name,
                                      runs[best_name]))
    print()
    print("issue 16: magodoo's defaults, the records the peers give")
    for line in verdicts:
        print("  " + line)
    if typed:
        print("beyond it: the same read into typed models (the peers give plain dicts)")
        for line in typed:
            print("  " + line)


if __name__ == "__main__":
    main()
