"""The entity scenarios the fault-injection run goes through.

One :class:`Scenario` per entity type: how to fill the source side, and how to read the
target side as a comparable snapshot (no ids: ids differ between a clean and a faulty run)
and as a list of duplicates. A new entity joins the run by adding one entry to
:data:`SCENARIOS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs

from magodoo.backends import Direction
from tests.engine.conftest import World


@attrs.frozen
class Scenario:
    name: str
    entity: str
    direction: Direction
    populate: Callable[[World], list[str]]
    """Fill the source side (without HTTP, so no fault touches it); returns the source ids."""
    snapshot: Callable[[World], Any]
    """The target side's records, comparable between two worlds."""
    duplicates: Callable[[World], list[str]]
    """Natural keys present more than once on the target side (archived records count)."""


# ---- customers (Magento -> Odoo) ----------------------------------------------------------

CUSTOMERS = 60


def _populate_customers(world: World) -> list[str]:
    return [str(world.add_customer(n)) for n in range(CUSTOMERS)]


def _ours(world: World) -> list[dict[str, Any]]:
    return [r for r in world.odoo.table("res.partner").values()
            if str(r.get("ref") or "").startswith(("MAGE-CUST-", "MAGE-ADDR-"))]


def _customers_snapshot(world: World) -> Any:
    rows = [r for r in _ours(world) if r.get("active", True)]
    tops = {r["id"]: r for r in rows if not r.get("parent_id")}
    out = set()
    for top in tops.values():
        kids = sorted((str(k.get("type")), str(k.get("street")), str(k.get("street2")),
                       str(k.get("city")), str(k.get("zip")))
                      for k in rows if k.get("parent_id") == top["id"])
        out.add((top["email"], top["name"], top.get("street"), tuple(kids)))
    return out


def _customers_duplicates(world: World) -> list[str]:
    rows = _ours(world)
    emails = Counter(str(r["email"]) for r in rows if not r.get("parent_id"))
    kids = Counter(str(r["ref"]) for r in rows if r.get("parent_id"))
    return [k for k, n in (emails + kids).items() if n > 1]


# ---- categories (Odoo -> Magento) ---------------------------------------------------------

TOP, CHILDREN, GRANDCHILDREN = 4, 3, 2
CATEGORY = "product.public.category"


def _populate_categories(world: World) -> list[str]:
    def create(vals: list[dict[str, Any]]) -> list[int]:
        ids, _env = world.odoo.execute(CATEGORY, "create", [vals], {})
        return [int(i) for i in ids]

    ids: list[int] = []
    for t in range(TOP):
        (top,) = create([{"name": f"Range {t}"}])
        kids = create([{"name": f"Family {t}.{c}", "parent_id": top} for c in range(CHILDREN)])
        ids += [top, *kids]
        for kid in kids:
            ids += create([{"name": f"Model {kid}.{g}", "parent_id": kid}
                           for g in range(GRANDCHILDREN)])
    return [str(i) for i in ids]


def _paths(world: World) -> list[str]:
    cats = {c["id"]: c for c in world.magento.state.categories.values()}

    def path(c: dict[str, Any]) -> str:
        names = [str(cats[int(i)]["name"]) for i in str(c["path"]).split("/")[2:]]
        return "/".join(names)

    return [path(c) for c in cats.values() if c["id"] > 2]


def _categories_snapshot(world: World) -> Any:
    return sorted(_paths(world))


def _categories_duplicates(world: World) -> list[str]:
    return [p for p, n in Counter(_paths(world)).items() if n > 1]


SCENARIOS = [
    Scenario("customers", "customers", Direction.MAGENTO_TO_ODOO, _populate_customers,
             _customers_snapshot, _customers_duplicates),
    Scenario("categories", "categories", Direction.ODOO_TO_MAGENTO, _populate_categories,
             _categories_snapshot, _categories_duplicates),
]
"""Every entity the fault-injection run covers: add yours here."""
