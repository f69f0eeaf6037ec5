"""``magodoo bindings list|show|unbind``: which Magento record is which Odoo record.

For repair by hand: after ``unbind`` the next sync of that record looks for its partner by
natural key (or creates it), as for a record never synced. Only the store is opened.
"""

from __future__ import annotations

import argparse
from typing import Any

from magodoo.backends import Binding, Stores
from magodoo.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Stop,
    add_common,
    emit_json,
    iso,
    load_settings,
    local_time,
    say,
    table,
)
from magodoo.exceptions import ConfigurationError


def binding_json(b: Binding) -> dict[str, Any]:
    """The stable ``--json`` shape of a binding."""
    return {
        "id": b.id, "backend": b.backend, "entity": b.entity, "magento_id": b.magento_id,
        "odoo_id": b.odoo_id, "magento_key": b.magento_key,
        "magento_updated_at": iso(b.magento_updated_at),
        "odoo_write_date": iso(b.odoo_write_date), "synced_at": iso(b.synced_at),
    }


async def _open(args: argparse.Namespace) -> tuple[str, Stores]:
    from magodoo.engine.wiring import open_stores

    settings = load_settings(args)
    return settings.backend, await open_stores(settings)


def _which(args: argparse.Namespace) -> tuple[str | None, int | None]:
    if (args.magento is None) == (args.odoo is None):
        raise ConfigurationError("give --magento ID or --odoo ID (one of them)")
    return args.magento, args.odoo


async def bindings_list(args: argparse.Namespace, stop: Stop) -> int:
    backend, stores = await _open(args)
    async with stores:
        found = await stores.bindings.list_bindings(backend, args.entity, after_id=args.after,
                                                    limit=args.limit)
        total = await stores.bindings.count(backend, args.entity)
    next_after = found[-1].id if found and len(found) == args.limit else None
    if args.json:
        emit_json({"bindings": [binding_json(b) for b in found], "total": total,
                   "next_after": next_after})
        return EXIT_OK
    table(["id", "magento", "odoo", "key", "synced"],
          [[b.id, b.magento_id, b.odoo_id, b.magento_key, local_time(b.synced_at)]
           for b in found], title=f"{args.entity}: {total} bindings")
    if next_after is not None:
        say(f"(more: --after {next_after})")
    return EXIT_OK


async def _find(stores: Stores, backend: str, args: argparse.Namespace) -> Binding | None:
    magento, odoo = _which(args)
    if magento is not None:
        return await stores.bindings.get_by_magento(backend, args.entity, magento)
    assert odoo is not None
    return await stores.bindings.get_by_odoo(backend, args.entity, odoo)


async def bindings_show(args: argparse.Namespace, stop: Stop) -> int:
    backend, stores = await _open(args)
    async with stores:
        found = await _find(stores, backend, args)
    if args.json:
        emit_json({"binding": binding_json(found) if found else None})
    elif found is None:
        say(f"{args.entity}: no binding for that id")
    else:
        for key, value in binding_json(found).items():
            say(f"{key + ':':<20}{'' if value is None else value}")
    return EXIT_OK if found else EXIT_FAILED


async def bindings_unbind(args: argparse.Namespace, stop: Stop) -> int:
    backend, stores = await _open(args)
    async with stores:
        found = await _find(stores, backend, args)
        removed = found is not None and await stores.bindings.unbind(
            backend, args.entity, magento_id=found.magento_id, odoo_id=found.odoo_id)
    if args.json:
        emit_json({"unbound": binding_json(found) if found and removed else None})
    elif removed and found is not None:
        say(f"{args.entity}: Magento {found.magento_id} and Odoo {found.odoo_id} are no "
            "longer bound")
    else:
        say(f"{args.entity}: no binding for that id")
    return EXIT_OK if removed else EXIT_FAILED


def _one(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entity", help="entity type, e.g. customers")
    parser.add_argument("--magento", metavar="ID", help="the Magento id")
    parser.add_argument("--odoo", metavar="ID", type=int, help="the Odoo id")


def register(sub: Any) -> None:
    parser = sub.add_parser("bindings", help="what is paired with what: list, show, unbind",
                            description=__doc__)
    group = parser.add_subparsers(dest="bindings_command", required=True)

    listing = group.add_parser("list", help="the bindings of one entity type, by id")
    add_common(listing)
    listing.add_argument("entity", help="entity type, e.g. customers")
    listing.add_argument("--limit", type=int, default=50, help="bindings per page (50)")
    listing.add_argument("--after", type=int, help="page on: the last id of the page before")
    listing.set_defaults(command=bindings_list)

    show = group.add_parser("show", help="the binding of one record")
    add_common(show)
    _one(show)
    show.set_defaults(command=bindings_show)

    unbind = group.add_parser("unbind", help="forget the binding of one record")
    add_common(unbind)
    _one(unbind)
    unbind.set_defaults(command=bindings_unbind)
