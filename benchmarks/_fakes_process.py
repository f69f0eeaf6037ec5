"""Both fakes in a child process, so a benchmark measures only the sync process.

``with FakesProcess(customers=10_000, costs=Costs.recorded()) as peers:`` starts the fake
Magento (``customers`` customers with two US addresses each) and an empty fake Odoo in a
child process and gives their URLs and credentials; ``requests()`` asks the child how many
requests each fake answered so far.

``FakesProcess(build=functools.partial(fill, 5000), faults={"odoo": {"latency": 0.02}})``
instead has a picklable function build and fill both fakes in the child (it returns
``(FakeMagento, FakeOdoo)``), then sets their ``faults`` fields (``row_cost``, ``latency``...)
before they serve; ``counters()`` gives the request totals and the fake Odoo's call counters,
``injected()`` each fake's ``faults.injected`` counter (rows charged by ``row_cost``),
``peak_reset()`` / ``peak_mb()`` the child's resident high-water mark.

The child process itself (spawning, the pipe, the ready handshake, the questions, the
shutdown) is :class:`_child_server.ChildServer`; :class:`PeersProcess` adds ``requests()``
for the two servers of this module and of :mod:`_lean_peers`.

:class:`Costs` makes the fakes answer as slowly as the real servers did. The defaults of
:meth:`Costs.recorded` come from the recordings in ``/work/shared/reference``:

* Odoo 18 (``odoo/NOTES.md``, "throughput", ``samples/throughput-res-partner*.json``): about
  50 ms fixed cost per call (auth, registry check, transaction, commit; a single ``create``
  of one partner took 74-84 ms), and 20-22 ms per partner with two child addresses in a
  ``create`` of 50;
* Magento 2.4.6 (``magento/samples-2.4.6*``, ``elapsed_s``): GETs of 60-190 ms, a customer
  search of 1-3 customers 183-194 ms; 100 ms per call, plus 5 ms per customer returned (an
  assumption: no large page was recorded; it fits the 5.9 s the engine took for 200
  customers in issue 8).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from _child_server import ChildServer, Queries
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.frozen
class Costs:
    """Seconds a fake waits before it answers."""

    magento_call: float = 0.0
    magento_per_item: float = 0.0
    odoo_call: float = 0.0
    odoo_per_create: float = 0.0

    @classmethod
    def recorded(cls) -> Costs:
        return cls(magento_call=0.100, magento_per_item=0.005, odoo_call=0.050,
                   odoo_per_create=0.020)

    def describe(self) -> str:
        return (f"Magento {self.magento_call * 1000:.0f} ms/call + "
                f"{self.magento_per_item * 1000:.0f} ms/customer read, Odoo "
                f"{self.odoo_call * 1000:.0f} ms/call + "
                f"{self.odoo_per_create * 1000:.0f} ms/partner created")


@attrs.frozen
class Peers:
    """What the sync process needs to reach the fakes."""

    magento_url: str
    magento_token: str
    odoo_url: str
    odoo_database: str
    odoo_login: str
    odoo_api_key: str

    def settings(self, path: Path, batch_size: int, **extra: Any) -> Any:
        """Settings reaching these fakes, with stores in the SQLite file ``path``."""
        from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings

        return Settings(
            magento=MagentoSettings(url=self.magento_url, auth="token", token=self.magento_token),
            odoo=OdooSettings(url=self.odoo_url, database=self.odoo_database,
                              username=self.odoo_login, api_key=self.odoo_api_key),
            stores=StoreSettings(kind="sqlite", path=str(path)),
            batch_size=batch_size, **extra,
        )


def customer_data(n: int, addresses: int = 2) -> dict[str, Any]:
    return {
        "email": f"bench{n}@example.com", "firstname": "Bench", "lastname": f"Customer{n}",
        "addresses": [{
            "firstname": "Bench", "lastname": f"Customer{n}",
            "street": [f"{n} Main St", f"Unit {i}"], "city": "Austin", "postcode": "78701",
            "country_id": "US", "region_id": 57, "telephone": f"512555{n % 10000:04d}",
            "default_billing": i == 0, "default_shipping": i == 1,
        } for i in range(addresses)],
    }


def _magento_cost(costs: Costs) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        items = 0
        if request.method == "GET" and isinstance(response, web.Response) and response.body:
            try:
                body = json.loads(bytes(response.body))  # type: ignore[arg-type]
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("items"), list):
                items = len(body["items"])
        await asyncio.sleep(costs.magento_call + items * costs.magento_per_item)
        return response

    return middleware


def _odoo_cost(costs: Costs) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        created = 0
        if request.method == "POST" and request.path == "/jsonrpc":
            try:
                args = (await request.json())["params"]["args"]
                if args[4] == "create":
                    vals = args[5][0]
                    created = len(vals) if isinstance(vals, list) else 1
            except (ValueError, KeyError, IndexError, TypeError):
                created = 0
        await asyncio.sleep(costs.odoo_call + created * costs.odoo_per_create)
        return await handler(request)

    return middleware


def _seed(magento: Any, customers: int, addresses: int) -> None:
    from magodoo.testing._magento import customers as module

    check = module._check_email
    # Seeding only: the fake checks e-mail uniqueness by scanning every customer (quadratic
    # for 100,000); these e-mails are unique by construction.
    module._check_email = lambda _state, email, _website, _exclude: email
    try:
        for n in range(1, customers + 1):
            module.create_customer(magento.state, customer_data(n, addresses))
    finally:
        module._check_email = check


Build = Callable[[], tuple[Any, Any]]
Faults = Mapping[str, Mapping[str, Any]]


def peak_mb() -> float:
    """This process's resident high-water mark in MB (``VmHWM``; 0.0 where unreadable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_reset() -> None:
    """Reset this process's resident high-water mark to its current size (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@contextlib.asynccontextmanager
async def _fakes(customers: int, addresses: int, costs: Costs, build: Build | None,
                 faults: Faults) -> AsyncIterator[tuple[Peers, Queries]]:
    """Both fakes, built, filled and served in the child process."""
    from magodoo.testing import serve
    from magodoo.testing.fake_magento import FakeMagento
    from magodoo.testing.fake_odoo import FakeOdoo

    if build is None:
        magento, odoo = FakeMagento(seed=None), FakeOdoo(seed=None)
        _seed(magento, customers, addresses)
    else:
        magento, odoo = build()
    for name, fake in (("magento", magento), ("odoo", odoo)):
        for field, value in faults.get(name, {}).items():
            setattr(fake.faults, field, value)
    if costs.magento_call or costs.magento_per_item:
        magento.app.middlewares.append(_magento_cost(costs))
    if costs.odoo_call or costs.odoo_per_create:
        odoo.app.middlewares.append(_odoo_cost(costs))
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        yield Peers(murl, magento.admin_token(), ourl, odoo.database, odoo.login,
                    odoo.api_key), {
            "requests": lambda: (magento.total_requests, odoo.total_requests),
            "counters": lambda: (magento.total_requests, odoo.total_requests,
                                 dict(odoo.counters)),
            "injected": lambda: (dict(magento.faults.injected), dict(odoo.faults.injected)),
            "peak_reset": peak_reset,
            "peak_mb": peak_mb,
        }


class PeersProcess(ChildServer[Peers]):
    """A Magento and an Odoo in a child process, answering ``requests``."""

    def requests(self) -> tuple[int, int]:
        """Requests answered so far by the Magento and the Odoo."""
        magento, odoo = self.ask("requests")
        return int(magento), int(odoo)


class FakesProcess(PeersProcess):
    """Both fakes in a child process (see the module docstring)."""

    def __init__(self, customers: int = 0, costs: Costs | None = None, addresses: int = 2, *,
                 build: Build | None = None, faults: Faults | None = None) -> None:
        self.customers, self.addresses = customers, addresses
        self.costs = costs or Costs()
        plain = {name: dict(fields) for name, fields in (faults or {}).items()}
        super().__init__(functools.partial(_fakes, customers, addresses, self.costs, build,
                                           plain), "fakes")

    def counters(self) -> tuple[int, int, dict[str, int]]:
        """Requests answered so far by each fake, and the fake Odoo's ``counters``."""
        magento, odoo, counters = self.ask("counters")
        return int(magento), int(odoo), dict(counters)

    def injected(self) -> tuple[dict[str, int], dict[str, int]]:
        """Each fake's ``faults.injected`` counter (the fake Odoo's ``rows`` charged...)."""
        magento, odoo = self.ask("injected")
        return dict(magento), dict(odoo)

    def peak_reset(self) -> None:
        """Reset the child's resident high-water mark (see :meth:`peak_mb`)."""
        self.ask("peak_reset")

    def peak_mb(self) -> float:
        """The child's resident high-water mark in MB since the last :meth:`peak_reset`."""
        return float(self.ask("peak_mb"))
