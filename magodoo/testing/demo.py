"""``python -m magodoo demo``: both fakes, the real clients and engine, SQLite stores.

Starts the fake Magento and the fake Odoo with their demo data on loopback ports, signs in
as a real deployment would (Magento admin token from username/password, Odoo API key),
opens SQLite stores in a temporary folder (or ``--keep DIR``), runs every registered entity
in both directions twice (the second pass must write nothing), and prints what happened.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

from magodoo.backends import Direction, Stores, Trigger, open_sqlite_stores
from magodoo.engine import SyncEngine, SyncResult, connect
from magodoo.engine.wiring import Connection
from magodoo.settings import (
    CatalogSettings,
    EntitySettings,
    MagentoSettings,
    OdooSettings,
    SalesSettings,
    Settings,
    StoreSettings,
)
from magodoo.testing._magento.products import save_product
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

__all__ = ["DemoPass", "DemoReport", "run_demo", "run_demo_command"]

Size = Literal["small", "medium"]
DEMO_PAYMENTS = {"checkmo": "Bank", "banktransfer": "Bank", "cashondelivery": "Cash",
                 "purchaseorder": "Bank", "free": "Bank"}
"""The demo store's payment methods -> the fresh Odoo database's journals."""
DEMO_CARRIERS = {"flatrate": "Flat Rate", "tablerate": "Best Way",
                 "freeshipping": "Free Shipping"}
"""The demo store's carriers -> the Odoo carriers the demo creates for them."""
Say = Callable[[str], None]
ORDER = (Direction.ODOO_TO_MAGENTO, Direction.MAGENTO_TO_ODOO)
"""Odoo is the master of the catalog: push it first, then pull what refers to it."""


@attrs.frozen
class DemoPass:
    """One pass over every entity: results, the requests each fake served, the time taken."""

    results: dict[str, SyncResult]
    magento_requests: int
    odoo_requests: int
    seconds: float
    magento_calls: dict[str, int] = attrs.field(factory=dict)
    """Requests per route (``GET /V1/customers/search``...)."""
    odoo_calls: dict[str, int] = attrs.field(factory=dict)
    """Calls per model method (``res.partner.create``...)."""


@attrs.frozen
class DemoReport:
    passes: tuple[DemoPass, ...]
    log_entries: int
    seconds: float
    store_path: str


def _products_for_orders(magento: FakeMagento, odoo: FakeOdoo) -> None:
    """The two demo stores have their own catalogs; orders find Odoo products by SKU
    (``default_code``), so the Magento products are added to Odoo first (in a real pair the
    catalog sync makes the SKUs match)."""
    known = {str(p.get("default_code")) for p in odoo.table("product.product").values()}
    rows = [{"name": p.get("name") or p["sku"], "default_code": p["sku"], "type": "consu",
             "list_price": float(p.get("price") or 0.0)}
            for p in magento.state.products.values()
            if p.get("type_id") in ("simple", "virtual") and p["sku"] not in known]
    if rows:
        odoo.execute("product.template", "create", [rows], {})
    # what an operator sets up once: a carrier per Magento carrier (mapped in DEMO_CARRIERS)
    # and the service product of the orders' adjustment lines
    names = sorted(set(DEMO_CARRIERS.values()))
    (templates, _) = odoo.execute("product.template", "create", [[
        {"name": f"Shipping: {n}", "type": "service", "sale_ok": False} for n in names]
        + [{"name": SalesSettings().adjustment_product, "type": "service"}]], {})
    variants = {int(p["product_tmpl_id"]): int(p["id"])
                for p in odoo.table("product.product").values()}
    odoo.execute("delivery.carrier", "create", [[
        {"name": n, "product_id": variants[int(t)], "delivery_type": "fixed",
         "invoice_policy": "estimated"} for n, t in zip(names, templates, strict=False)]], {})


def _requests(fake: FakeMagento | FakeOdoo) -> int:
    return int(fake.total_requests)


def _diff(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    return dict((after - before).most_common())


async def _pass(engine: SyncEngine, magento: FakeMagento, odoo: FakeOdoo) -> DemoPass:
    m0, o0, t0 = _requests(magento), _requests(odoo), time.perf_counter()
    mc, oc = Counter(magento.counters), Counter(odoo.counters)
    results: dict[str, SyncResult] = {}
    for direction in ORDER:
        found = await engine.sync_all(direction, trigger=Trigger.MANUAL, full=True)
        for entity, result in found.items():
            results[f"{entity} {direction.value}"] = result
    # the order status goes back to Magento once the orders of this pass are in Odoo
    if "order_status" in engine.registry.entities():
        results["order_status o2m"] = await engine.sync(
            "order_status", Direction.ODOO_TO_MAGENTO, trigger=Trigger.MANUAL, full=True)
    return DemoPass(results, _requests(magento) - m0, _requests(odoo) - o0,
                    time.perf_counter() - t0, _diff(magento.counters, mc),
                    _diff(odoo.counters, oc))


def _calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{name} x{count}" for name, count in calls.items()) or "none"


def _settings(magento_url: str, odoo_url: str, magento: FakeMagento, odoo: FakeOdoo,
              path: Path) -> Settings:
    return Settings(
        magento=MagentoSettings(url=magento_url, auth="password",
                                username=magento.admin_username,
                                password=magento.admin_password),
        odoo=OdooSettings(url=odoo_url, database=odoo.database, username=odoo.login,
                          api_key=odoo.api_key),
        stores=StoreSettings(kind="sqlite", path=str(path)),
        # the real demo has products without an internal reference: derive their SKUs
        catalog=CatalogSettings(missing_sku="derive"),
        sales=SalesSettings(payments=DEMO_PAYMENTS, carriers=DEMO_CARRIERS),
        # the demo's Odoo validates no delivery (the shipments are made in Magento, and are
        # not imported): tests/engine/test_invoicing.py ships Odoo deliveries
        entities={"shipments": EntitySettings(enabled=False)},
    )


def _table(say: Say, passes: tuple[DemoPass, ...]) -> None:
    say(f"{'pass':<5} {'entity':<21} {'dir':<4} {'created':>7} {'updated':>7} "
        f"{'deleted':>7} {'skipped':>7} {'failed':>6}  skip reasons")
    for number, p in enumerate(passes, 1):
        for label, r in p.results.items():
            reasons = r.skip_reasons
            why = ", ".join(f"{k or '?'}: {v}" for k, v in sorted(reasons.items())) or "-"
            say(f"{number:<5} {label.split(' ')[0]:<21} {r.direction.value:<4} {r.created:>7} "
                f"{r.updated:>7} {r.deleted:>7} {r.skipped:>7} {r.failed:>6}  {why}")
    for number, p in enumerate(passes, 1):
        say(f"pass {number}: {p.magento_requests} requests to Magento, "
            f"{p.odoo_requests} to Odoo, {p.seconds:.2f} s")
        say(f"    Magento: {_calls(p.magento_calls)}")
        say(f"    Odoo:    {_calls(p.odoo_calls)}")
    failures = [(r.entity, rec) for r in passes[-1].results.values() for rec in r.records
                if rec.outcome.value == "failed"]
    if failures:
        say(f"records still failing after pass {len(passes)} ({len(failures)}; "
            "they are queued for retry and kept in the sync log):")
        for entity, rec in failures[:5]:
            say(f"  {entity} {rec.source_id}: {rec.reason}")


async def _customer_example(conn: Connection, stores: Stores, say: Say) -> None:
    rows = await stores.bindings.list_bindings(conn.settings.backend, "customers", limit=20)
    if not rows:
        return
    binding, customer = rows[0], await conn.magento.get_customer(int(rows[0].magento_id))
    for row in rows[1:]:  # show one with several addresses when there is one
        if len(customer.addresses or []) > 1:
            break
        binding, customer = row, await conn.magento.get_customer(int(row.magento_id))
    say(f"Magento customer {customer.id}: {customer.firstname} {customer.lastname} "
        f"<{customer.email}>, {len(customer.addresses or [])} address(es)")
    for address in customer.addresses or []:
        street = ", ".join(line for line in address.street or () if line)
        say(f"    address {address.id}: {street}, {address.postcode} {address.city}, "
            f"{address.country_id}")
    (partner,) = await conn.odoo.read("res.partner", [binding.odoo_id],
                                      ["name", "email", "ref", "child_ids"])
    say(f"  -> Odoo res.partner {partner['id']}: {partner['name']} <{partner['email']}> "
        f"ref {partner['ref']}")
    children: list[dict[str, Any]] = await conn.odoo.read(
        "res.partner", list(partner["child_ids"]),
        ["type", "street", "street2", "zip", "city", "ref"])
    for child in children:
        street = ", ".join(s for s in (child["street"], child["street2"]) if s)
        say(f"    child {child['id']} ({child['type']}): {street}, {child['zip']} "
            f"{child['city']} ref {child['ref']}")


async def _category_example(conn: Connection, stores: Stores, say: Say) -> None:
    bound = await stores.bindings.list_bindings(conn.settings.backend, "categories", limit=500)
    if not bound:
        return
    rows: list[dict[str, Any]] = await conn.odoo.read(
        "product.public.category", [b.odoo_id for b in bound], ["parent_path"])
    deepest = max(rows, key=lambda r: (str(r["parent_path"]).count("/"), -int(r["id"])))
    chain = [int(i) for i in str(deepest["parent_path"]).strip("/").split("/")]
    named = {int(r["id"]): str(r["name"]) for r in await conn.odoo.read(
        "product.public.category", chain, ["name"])}
    say("Odoo category:    " + " / ".join(named[i] for i in chain)
        + f"  (product.public.category {deepest['id']})")
    target = next(b for b in bound if b.odoo_id == int(deepest["id"]))
    names: list[str] = []
    category_id: int | None = int(target.magento_id)
    while category_id:
        category = await conn.magento.get_category(category_id)
        names.append(category.name or "?")
        category_id = category.parent_id if category.level and category.level > 1 else None
    say("Magento category: " + " / ".join(reversed(names))
        + f"  (catalog category {target.magento_id})")


def _catalog_stand_in(magento: FakeMagento, odoo: FakeOdoo) -> int:
    """One simple Magento product per Odoo SKU, what the products sync (Odoo -> Magento)
    creates, for the prices and stock entities to have targets while no ``products`` handler
    is registered. Returns how many were added."""
    rows, _ = odoo.execute("product.product", "search_read", [[("default_code", "!=", False)]],
                           {"fields": ["default_code", "display_name"]})
    added = 0
    for row in rows:
        if magento.state.product_by_sku(row["default_code"]) is None:
            save_product(magento.state, {
                "sku": row["default_code"], "name": row["display_name"], "price": 0,
                "type_id": "simple", "attribute_set_id": 4, "status": 1, "visibility": 4})
            added += 1
    return added


async def run_demo(size: Size = "small", keep: str | None = None,
                   say: Say = print) -> DemoReport:
    """Run the demo, writing its report through ``say``; returns the figures."""
    started = time.perf_counter()
    say(f"magodoo demo ({size}): starting the fake Magento and the fake Odoo ...")
    magento = FakeMagento(seed="demo", size=size)
    odoo = FakeOdoo(seed="demo")
    with tempfile.TemporaryDirectory(prefix="magodoo-demo-") as tmp:
        folder = Path(keep) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "magodoo-demo.sqlite3"
        path.unlink(missing_ok=True)
        async with serve(magento.app) as magento_url, serve(odoo.app) as odoo_url:
            say(f"  Magento at {magento_url}/rest/V1/ (admin token from username/password)")
            say(f"  Odoo at {odoo_url}/jsonrpc (database {odoo.database}, API key)")
            say(f"  stores: SQLite {path}")
            _products_for_orders(magento, odoo)
            settings = _settings(magento_url, odoo_url, magento, odoo, path)
            stores = await open_sqlite_stores(path)
            async with await connect(settings, stores=stores) as conn:
                entities = [f"{h.entity} ({d.value})" for d in ORDER
                            for h in conn.engine.registry.ordered(d)]
                say("  entities: " + ", ".join(entities))
                if "products" not in conn.engine.registry.entities():
                    added = _catalog_stand_in(magento, odoo)
                    say(f"  {added} Odoo SKUs added to the fake Magento as simple products "
                        "(what the products sync would create), for prices and stock")
                passes = []
                for number in (1, 2):
                    say(f"pass {number} ...")
                    passes.append(await _pass(conn.engine, magento, odoo))
                log_entries = await stores.log.count()
                say("")
                _table(say, tuple(passes))
                say(f"sync log entries: {log_entries}")
                say("")
                say("examples:")
                await _customer_example(conn, stores, say)
                await _category_example(conn, stores, say)
        seconds = time.perf_counter() - started
        say("")
        say(f"done in {seconds:.2f} s" + (f"; the stores are kept in {path}" if keep else ""))
        return DemoReport(tuple(passes), log_entries, seconds, str(path))


def run_demo_command(size: Size = "small", keep: str | None = None) -> int:
    """The ``magodoo demo`` command; returns the exit code."""
    asyncio.run(run_demo(size, keep))
    return 0
