"""Magento's store structure against what magodoo keeps of it (Magento is the source of
truth): websites with their store groups, store views with their ``storeConfigs`` (locale,
currencies, time zone, weight unit), product attribute sets with their groups.

Odoo has no model for these: the sync keeps each record in magodoo's binding store, its values
as the binding's natural key (:mod:`magodoo.engine.entities.catalog.structure`). So here the
"Odoo side" is magodoo's stores, as of the last sync, and a report says what changed in
Magento since: a new store view (``missing_in_odoo``), one deleted (``missing_in_magento``),
one renamed or whose locale or currency changed (``field_mismatch`` ``name``, ``locale``,
``base_currency``...), a store group added, renamed or moved (``groups[<id>]``,
``groups[<id>].<field>``). ``odoo_id`` is the Magento id as kept.

Everything goes through the sync's own handler (its reads of the whole list, a handful of
records, and its mapper); the kept values are read one bindings page at a time. Warnings
(a locale that is not an Odoo language, a currency that is not the company's) are not
compared: they follow Odoo, not Magento. A repair syncs the entity, which rewrites what is
kept (or drops a record gone from Magento).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from magodoo.backends import Direction
from magodoo.exceptions import MappingError
from magodoo.mapping.catalog.structure import (
    attribute_set_from_key,
    store_view_from_key,
    website_from_key,
)
from magodoo.reconcile._difference import Difference, plain
from magodoo.reconcile._generic import _gone
from magodoo.reconcile._paired import handler_context
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ATTRIBUTE_SETS", "STORES", "WEBSITES", "kept_reconciler"]

M2O = Direction.MAGENTO_TO_ODOO
IGNORED = frozenset({"id", "warnings"})


def _groups(value: Any) -> dict[str, Mapping[str, Any]]:
    return {str(g.get("id")): g for g in value or () if isinstance(g, Mapping)}


def _differences(entity: str, mid: str, oid: int, current: Mapping[str, Any],
                 kept: Mapping[str, Any]) -> list[Difference]:
    out: list[Difference] = []
    for field in sorted(set(current) | set(kept)):
        if field in IGNORED:
            continue
        now, then = current.get(field), kept.get(field)
        if field == "groups":
            new, old = _groups(now), _groups(then)
            for gid in sorted(set(new) | set(old), key=lambda g: (len(g), g)):
                a, b = new.get(gid), old.get(gid)
                if a is None or b is None:
                    out.append(Difference(entity, "field_mismatch", mid, oid,
                                          f"groups[{gid}]", _plain(a), _plain(b)))
                    continue
                for key in sorted(set(a) | set(b)):
                    if plain(a.get(key)) != plain(b.get(key)):
                        out.append(Difference(entity, "field_mismatch", mid, oid,
                                              f"groups[{gid}].{key}", a.get(key), b.get(key)))
        elif plain(now) != plain(then):
            out.append(Difference(entity, "field_mismatch", mid, oid, field, now, then))
    return out


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else dict(value)


def kept_reconciler(entity: str, from_key: Callable[[str | None], Any],
                    fields: tuple[str, ...]) -> Reconciler:
    """The reconciler of a Magento record kept in magodoo's stores (``from_key`` reads a
    binding's natural key back into the mapped value)."""

    async def compare(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
        handler = scope.registry.get(entity, M2O)
        ctx = handler_context(scope)
        async for records in handler.fetch(ctx, None):
            tally.compared += len(records)
            mctx = await handler.prepare(ctx, records)
            sids = [handler.source_id(r) for r in records]
            bindings = await scope.stores.bindings.get_many_by_magento(scope.backend, entity,
                                                                       sids)
            for record, sid in zip(records, sids, strict=True):
                binding = bindings.get(sid)
                diffs: list[Difference]
                try:
                    mapped = handler.map(record, mctx)
                except MappingError as exc:
                    diffs = [Difference(entity, "field_mismatch" if binding else
                                        "missing_in_odoo", sid,
                                        binding.odoo_id if binding else None, exc.field,
                                        f"not mappable: {exc}", None)]
                else:
                    current = mapped.hashable()
                    if binding is None:
                        diffs = [Difference(entity, "missing_in_odoo", sid, None, "code"
                                            if "code" in current else "name",
                                            current.get("code", current.get("name")), None)]
                    else:
                        try:
                            kept = from_key(binding.magento_key).hashable()
                        except (TypeError, ValueError):  # a key written by an older version
                            kept = {}
                        diffs = _differences(entity, sid, binding.odoo_id, current, kept)
                for diff in diffs:
                    tally.differ(sid)
                    yield diff
        async for diff in _gone(scope, handler, entity):
            yield diff

    return Reconciler(entity=entity, direction=M2O, compare=compare, fields=fields)


WEBSITES = kept_reconciler("websites", website_from_key, (
    "code", "name", "default_group_id", "groups[<id>]", "groups[<id>].<field>"))
STORES = kept_reconciler("stores", store_view_from_key, (
    "code", "name", "website_id", "store_group_id", "active", "locale", "base_currency",
    "display_currency", "timezone", "weight_unit", "root_category_id"))
ATTRIBUTE_SETS = kept_reconciler("attribute_sets", attribute_set_from_key, (
    "name", "groups[<id>]", "groups[<id>].<field>"))
