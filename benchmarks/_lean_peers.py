"""Lean stand-ins for the two servers, for passes of 100,000 customers.

The fakes scan every row for each search (no index; the fake Magento also scans every
address for each customer it renders), so one page costs them time in proportion to the
table: fine up to about 10,000 customers, hours at 100,000. These stand-ins answer only the
calls a customers pass Magento -> Odoo makes, in the same shapes, in constant time per
record:

* Magento: ``GET /rest/V1/customers/search`` keyset-paged on ``entity_id``; every customer
  is the fake Magento's own rendering of customer 1 (two addresses), renumbered;
* Odoo 18 over JSON-RPC: ``version``, ``authenticate``, ``res.country`` /
  ``res.country.state`` lookups, the e-mail lookup (nothing found: the database is empty),
  ``res.partner`` ``create`` (children as ``(0, 0, vals)``), ``read`` of ``write_date``, and
  the children search by ``parent_id``. Any other call is answered with an Odoo error, so a
  change in what the engine asks shows up as failures, not as silently wrong figures.

``bench_memory.py`` runs its smaller size against both the fakes and these stand-ins, so the
two can be compared; ``bench_sync.py --peers lean`` times the engine against them with the
recorded answer times (:class:`_fakes_process.Costs`) and none of the fakes' scanning.
"""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from _child_server import Queries
from _fakes_process import (
    Costs,
    Peers,
    PeersProcess,
    _magento_cost,
    _odoo_cost,
    customer_data,
)
from aiohttp import web

US, TX = 233, 57
TOKEN = "lean-token"
API_KEY = "lean-key"


def _template() -> dict[str, Any]:
    from _fakes_process import _seed

    from magodoo.testing._magento.customers import render
    from magodoo.testing.fake_magento import FakeMagento

    fake = FakeMagento(seed=None)
    _seed(fake, 1, 2)
    return dict(render(fake.state, fake.state.table("customers").get(1)))


class LeanMagento:
    def __init__(self, customers: int) -> None:
        self.customers = customers
        self.template = _template()
        self.requests = 0

    def customer(self, n: int) -> dict[str, Any]:
        data = customer_data(n)
        out = copy.deepcopy(self.template)
        out.update(id=n, email=data["email"], lastname=data["lastname"],
                   default_billing=str(2 * n - 1), default_shipping=str(2 * n))
        for i, address in enumerate(out["addresses"]):
            source = data["addresses"][i]
            address.update(id=2 * n - 1 + i, customer_id=n, lastname=data["lastname"],
                           street=source["street"], telephone=source["telephone"])
        return out

    async def search(self, request: web.Request) -> web.Response:
        self.requests += 1
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"message": "The consumer isn't authorized to access "
                                      "%resources."}, status=401)
        query = request.query
        size = int(query.get("searchCriteria[pageSize]", "20"))
        after = 0
        for key, value in query.items():
            if key.endswith("[field]") and value == "entity_id":
                prefix = key.removesuffix("[field]")
                if query.get(prefix + "[condition_type]") == "gt":
                    after = int(query[prefix + "[value]"])
        first = after + 1
        last = min(self.customers, after + size)
        items = [self.customer(n) for n in range(first, last + 1)]
        return web.json_response({"items": items, "search_criteria": {},
                                  "total_count": self.customers - after})

    def app(self, costs: Costs) -> web.Application:
        app = web.Application(middlewares=[_magento_cost(costs)])
        app.router.add_get("/rest/V1/customers/search", self.search)
        app.router.add_get("/rest/{store}/V1/customers/search", self.search)
        return app


class LeanOdoo:
    def __init__(self) -> None:
        self.next_id = 100
        self.partners: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        self.requests = 0

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        domain = args[0] if args else kwargs.get("domain", [])
        leaves = {leaf[0]: leaf for leaf in domain if isinstance(leaf, list | tuple)}
        if model == "res.country" and method == "search_read":
            return [{"id": US, "code": "US"}]
        if model == "res.country.state" and method == "search_read":
            return [{"id": TX, "code": "TX", "country_id": [US, "United States"]}]
        if model == "res.partner" and method == "search_read" and "email" in leaves:
            return []
        if model == "res.partner" and method == "search_read" and "parent_id" in leaves:
            rows = []
            for pid in leaves["parent_id"][2]:
                for child, ref in self.partners.get(int(pid), ("", []))[1]:
                    rows.append({"id": child, "parent_id": [pid, "x"], "ref": ref})
            return rows
        if model == "res.partner" and method == "create":
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
            ids = []
            for vals in args[0]:
                pid = self._id()
                kids = [(self._id(), str(c[2].get("ref") or ""))
                        for c in vals.get("child_ids") or []]
                self.partners[pid] = (stamp, kids)
                ids.append(pid)
            return ids
        if model == "res.partner" and method == "read":
            return [{"id": i, "write_date": self.partners[i][0]} for i in args[0]]
        raise ValueError(f"the lean Odoo does not answer {model}.{method}")

    async def jsonrpc(self, request: web.Request) -> web.Response:
        self.requests += 1
        payload = await request.json()
        params = payload["params"]
        try:
            if params["service"] == "common" and params["method"] == "version":
                from magodoo.testing._odoo.app import VERSION_INFO

                result: Any = VERSION_INFO["18.0"]
            elif params["service"] == "common" and params["method"] == "authenticate":
                result = 2
            else:
                _db, _uid, key, model, method, args, *rest = params["args"]
                if key != API_KEY:
                    raise PermissionError("Access Denied")
                result = self.execute(model, method, args, rest[0] if rest else {})
        except Exception as exc:
            return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"), "error": {
                "code": 200, "message": "Odoo Server Error", "data": {
                    "name": f"builtins.{type(exc).__name__}", "message": str(exc),
                    "arguments": [str(exc)], "context": {}, "debug": ""}}})
        return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"), "result": result})

    async def version(self, _request: web.Request) -> web.Response:
        from magodoo.testing._odoo.app import VERSION_INFO

        return web.json_response(VERSION_INFO["18.0"])

    def app(self, costs: Costs) -> web.Application:
        app = web.Application(middlewares=[_odoo_cost(costs)])
        app.router.add_post("/jsonrpc", self.jsonrpc)
        app.router.add_get("/web/version", self.version)
        return app


@contextlib.asynccontextmanager
async def _lean(customers: int, costs: Costs) -> AsyncIterator[tuple[Peers, Queries]]:
    """The stand-ins, served in the child process."""
    from magodoo.testing import serve

    magento, odoo = LeanMagento(customers), LeanOdoo()
    async with serve(magento.app(costs)) as murl, serve(odoo.app(costs)) as ourl:
        yield Peers(murl, TOKEN, ourl, "lean", "admin", API_KEY), {
            "requests": lambda: (magento.requests, odoo.requests)}


class LeanProcess(PeersProcess):
    """The stand-ins in a child process: ``with LeanProcess(100_000) as peers``."""

    def __init__(self, customers: int, costs: Costs | None = None) -> None:
        super().__init__(functools.partial(_lean, customers, costs or Costs()), "lean stand-ins")
