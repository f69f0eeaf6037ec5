"""magodoo's defaults side by side with peer clients, the same workloads over the fakes.

Workloads (from issue 16's real-server timings):

- ``odoo-create``: create 2,000 plain partners;
- ``odoo-read``: read every partner (5,641), 8 fields;
- ``magento-read``: every Magento product and customer.

Peers: odoorpc and Odooly (Odoo, JSON-RPC, synchronous), pymagento (Magento REST,
synchronous). They are development extras only (``pip install odoorpc odooly pymagento``);
a peer that is not installed is reported and skipped. Each run gets fresh fakes with the same
data, served on loopback from a separate thread, answering after ``--latency`` seconds (by
default 23 ms, what one extra call cost a real Odoo 18 in the issue's measurements). Logging
in is not timed, for any client. Prints, per workload, each client's median seconds and its
requests, and how far magodoo's defaults are from the fastest peer::

    python benchmarks/bench_peers.py
    python benchmarks/bench_peers.py --runs 5 --latency 0.05

The ``magodoo`` rows get what the peers get (plain dicts); the ``typed`` row is magodoo's
``iter_products``/``iter_customers``, same requests, plus the cost of reading every record
into its model (the fakes answer much faster than a real store, so that cost shows more);
it gets its own verdict line. The fakes' objects are frozen out of the garbage collector
(``gc.freeze``) while a client is timed: they share its process only here.

Two shims make the peers talk to the fakes (the fakes lack them; real Odoo has both):
``POST /web/webclient/version_info`` (odoorpc asks it before anything else) and
``res.users.context_get`` (both peers call it when logging in).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
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


# ---- fakes on a thread -------------------------------------------------------------------


@attrs.define
class Served:
    url: str
    loop: asyncio.AbstractEventLoop
    stop: asyncio.Event
    thread: threading.Thread


@contextmanager
def served(app: web.Application) -> Iterator[str]:
    """Serve ``app`` from its own thread and event loop (the peers are synchronous)."""
    box: dict[str, Any] = {}
    ready = threading.Event()

    async def main() -> None:
        async with serve(app) as url:
            box["url"], box["stop"] = url, asyncio.Event()
            box["loop"] = asyncio.get_running_loop()
            ready.set()
            await box["stop"].wait()

    def run() -> None:
        try:
            asyncio.run(main())
        finally:
            ready.set()  # never leave the caller waiting on a server that failed to start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait()
    if "url" not in box:
        raise RuntimeError("the fake did not start")
    try:
        yield str(box["url"])
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join()


def _version_info(request: web.Request) -> web.StreamResponse:
    return web.json_response({"jsonrpc": "2.0", "id": None, "result": {
        "server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
        "server_serie": "18.0", "protocol_version": 1}})


async def _version_info_async(request: web.Request) -> web.StreamResponse:
    return _version_info(request)


def fake_odoo(latency: float, partners: int = 0) -> Fake:
    fake = FakeOdoo(seed=None)
    spec = fake.db.spec("res.users")
    spec.methods["context_get"] = Method(
        fn=lambda env, ids, args, kwargs: {"lang": "en_US", "tz": "UTC"}, on_records=False)
    fake.app.router.add_post("/web/webclient/version_info", _version_info_async)

    def seed(url: str) -> None:
        async def go() -> None:
            async with _odoo(url) as odoo:
                await odoo.create("res.partner", [_partner(i) for i in range(partners)])

        if partners:
            asyncio.run(go())
        fake.faults.latency = latency

    return Fake(fake, seed)


def fake_magento(latency: float) -> Fake:
    fake = FakeMagento(seed="demo", size="medium")
    for i in range(CUSTOMERS):
        create_customer(fake.state, {"email": f"bench{i}@example.com", "firstname": "Jane",
                                     "lastname": f"Doe {i}"})
    fake.faults.latency = latency
    return Fake(fake, lambda url: None)


def _partner(i: int) -> dict[str, Any]:
    return {"name": f"Partner {i}", "email": f"p{i}@example.com", "phone": "+1 512 555 0100",
            "street": f"{i} Main St", "city": "Austin", "zip": "78701", "country_id": 233,
            "ref": f"R{i}"}


def _odoo(url: str) -> OdooClient:
    return OdooClient(url, DB, LOGIN, api_key=KEY, protocol="jsonrpc")


# ---- one workload, one client ---------------------------------------------------------


@attrs.frozen
class Fake:
    """A fake and what fills it once it is served (not timed)."""

    server: Any
    seed: Callable[[str], None]


@attrs.frozen
class Run:
    seconds: float
    requests: int


Prepare = Callable[[str], Callable[[], Any]]  # url -> (logged-in) timed body


def _timed(make_server: Callable[[], Fake], prepare: Callable[[str], Callable[[], Any]],
           counter: Callable[[Any], int]) -> Run:
    made = make_server()
    fake = made.server
    with served(fake.app) as url:
        made.seed(url)
        body = prepare(url)  # logs in; not timed
        before = counter(fake)
        # The fakes' records share this process only here (a real server is another one):
        # frozen, they stay out of the client's garbage collections, as they would be.
        gc.collect()
        gc.freeze()
        try:
            t0 = time.perf_counter()
            body()
            seconds = time.perf_counter() - t0
        finally:
            gc.unfreeze()
        return Run(seconds, counter(fake) - before)


def _magodoo_odoo(work: Callable[[OdooClient], Any]) -> Prepare:
    def prepare(url: str) -> Callable[[], Any]:
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
    def prepare(url: str) -> Callable[[], Any]:
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
    def prepare(url: str) -> Callable[[], Any]:
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


def _magodoo_magento(fake_token: Callable[[], str], *, typed: bool) -> Prepare:
    def prepare(url: str) -> Callable[[], Any]:
        loop = asyncio.new_event_loop()
        magento = MagentoClient(url, auth=BearerTokenAuth(fake_token()), store_code="all")
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


def _pymagento(fake_token: Callable[[], str]) -> Prepare:
    def prepare(url: str) -> Callable[[], Any]:
        import magento  # type: ignore[import-untyped]

        client = magento.Magento(token=fake_token(), base_url=url, scope="all")
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.023)
    parser.add_argument("--only", choices=["odoo-create", "odoo-read", "magento-read"])
    args = parser.parse_args(argv)
    latency = args.latency

    holder: dict[str, FakeMagento] = {}

    def new_magento() -> Fake:
        made = fake_magento(latency)
        holder["fake"] = made.server
        return made

    def token() -> str:
        return holder["fake"].admin_token()

    def odoo_requests(fake: FakeOdoo) -> int:
        return fake.total_requests

    def magento_requests(fake: FakeMagento) -> int:
        return fake.total_requests

    workloads: list[tuple[str, Callable[[], Fake], Callable[[Any], int],
                          list[tuple[str, str | None, Prepare]]]] = [
        ("odoo-create", lambda: fake_odoo(latency), odoo_requests, [
            ("magodoo", None, _magodoo_odoo(_magodoo_create)),
            ("odoorpc", "odoorpc", _odoorpc("create")),
            ("odooly", "odooly", _odooly("create")),
        ]),
        ("odoo-read", lambda: fake_odoo(latency, READ_COUNT), odoo_requests, [
            ("magodoo", None, _magodoo_odoo(_magodoo_read)),
            ("odoorpc", "odoorpc", _odoorpc("read")),
            ("odooly", "odooly", _odooly("read")),
        ]),
        ("magento-read", new_magento, magento_requests, [
            ("magodoo", None, _magodoo_magento(token, typed=False)),
            ("typed", None, _magodoo_magento(token, typed=True)),
            ("pymagento", "magento", _pymagento(token)),
        ]),
    ]
    print(f"latency {latency * 1000:.0f} ms per request, median of {args.runs} runs")
    print(f"{'workload':<14}{'client':<11}{'seconds':>9}{'requests':>10}")
    verdicts: list[str] = []
    for name, make, counter, clients in workloads:
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
                    runs[client].append(_timed(make, prepare, counter))
                except Exception as exc:  # a peer that cannot talk to the fakes
                    print(f"{name:<14}{client:<11}  failed: {type(exc).__name__}: {exc}"[:120])
                    usable.remove((client, prepare))
                    del runs[client]
        for client, done in runs.items():
            run = Run(statistics.median(r.seconds for r in done),
                      int(statistics.median(r.requests for r in done)))
            medians[client] = run
            print(f"{name:<14}{client:<11}{run.seconds:>9.3f}{run.requests:>10}")
        peers = {k: v for k, v in medians.items() if k not in ("magodoo", "typed")}
        if "magodoo" in medians and peers:
            best_name, best = min(peers.items(), key=lambda kv: kv[1].seconds)
            ratio = medians["magodoo"].seconds / best.seconds - 1
            verdicts.append(f"{name}: magodoo {ratio:+.0%} vs fastest peer ({best_name})"
                            f"{'' if ratio <= 0.10 else '  <-- over 10%'}")
            if "typed" in medians:  # typed records: the default path of iter_*
                ratio = medians["typed"].seconds / best.seconds - 1
                verdicts.append(f"{name}: typed {ratio:+.0%} vs fastest peer ({best_name})"
                                f"{'' if ratio <= 0.10 else '  <-- over 10%'}")
    print()
    for line in verdicts:
        print(line)


if __name__ == "__main__":
    main()
