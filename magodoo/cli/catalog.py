"""``magodoo reset-categories`` and ``magodoo stores``: the catalog's operator commands (the
work is in the engine: :func:`magodoo.engine.reset_categories`, :func:`magodoo.engine.store_views`).

::

    magodoo reset-categories [--dry-run] [--yes]   # delete Magento's categories, sync again
    magodoo stores                                  # store views and attribute sets as synced
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from magodoo.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Stop,
    add_common,
    confirm,
    emit_json,
    load_settings,
    say,
    table,
)


async def run_reset(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import connect

    settings = load_settings(args)
    async with await connect(settings) as conn:
        plan = await conn.engine.reset_categories(dry_run=True)
        if not args.json:
            say(f"would delete {len(plan.deleted)} Magento categories below roots "
                f"{list(plan.roots)}, clear {plan.unbound} bindings and create "
                f"{len(plan.created)} from Odoo")
            for cid, name in plan.deleted:
                say(f"  delete {cid} {name}")
            for oid, name in plan.created:
                say(f"  create odoo {oid} {name}")
        if args.dry_run:
            if args.json:
                emit_json({"dry_run": True, "roots": list(plan.roots),
                           "delete": [{"id": i, "name": n} for i, n in plan.deleted],
                           "create": [{"odoo_id": i, "name": n} for i, n in plan.created]})
            return EXIT_OK
        if not await asyncio.to_thread(confirm, "delete them and sync again?", args.yes):
            say("nothing done")
            return EXIT_OK
        done = await conn.engine.reset_categories()
    result = done.result
    assert result is not None
    if args.json:
        emit_json({"dry_run": False, "deleted": len(done.deleted), **result.summary()})
    else:
        say(f"deleted {len(done.deleted)}, created {result.created}, failed {result.failed}")
    return EXIT_FAILED if result.failed else EXIT_OK


async def run_stores(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.entities.catalog import attribute_sets, store_views
    from magodoo.engine.wiring import open_stores

    settings = load_settings(args)
    stores = await open_stores(settings)
    try:
        views = await store_views(stores, settings.backend)
        sets = await attribute_sets(stores, settings.backend)
    finally:
        await stores.aclose()
    if args.json:
        import attrs

        emit_json({"store_views": [attrs.asdict(v) for v in views],
                   "attribute_sets": [attrs.asdict(s) for s in sets]})
        return EXIT_OK
    rows: list[list[Any]] = [[v.id, v.code, v.name, v.website_id, v.locale, v.base_currency,
                              v.timezone, "; ".join(v.warnings)] for v in views]
    table(["id", "code", "name", "website", "locale", "currency", "timezone", "warnings"], rows,
          title="store views (magodoo sync stores --direction m2o)")
    table(["id", "name", "groups"],
          [[s.id, s.name, ", ".join(str(g["name"]) for g in s.groups)] for s in sets],
          title="attribute sets")
    return EXIT_OK


def register(sub: Any) -> None:
    reset = sub.add_parser("reset-categories",
                           help="delete Magento's categories and sync them again from Odoo")
    add_common(reset)
    reset.add_argument("--dry-run", action="store_true", help="list what would be done")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset.set_defaults(command=run_reset)
    stores = sub.add_parser("stores", help="store views and attribute sets as last synced")
    add_common(stores)
    stores.set_defaults(command=run_stores)
