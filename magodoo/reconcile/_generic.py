"""A reconciler for any Magento -> Odoo handler whose mapped value carries the Odoo values
(``mapped.values``: field -> value, as ``create``/``write`` take them).

Everything comes from the sync's own handler, found in the engine's registry at run time:
its pages (``fetch``), its mapper (``prepare`` + ``map``), its natural-key lookup
(``find_by_key``) and, for the bindings pass, ``fetch_keys``. Per page: one bindings query,
one Odoo ``read`` of the bound records (the mapped fields), the handler's one lookup for the
unbound ones. Values are compared as Odoo stores them (:func:`~magodoo.reconcile._difference.
same`: ``False`` and ``""`` are no value, a many2one its id, numbers to six decimals).
A new family synced this way is one line: ``values_reconciler("tax_rates", (fields...))``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from magodoo.backends import Direction
from magodoo.engine.handler import Plan
from magodoo.exceptions import MagodooError, MappingError
from magodoo.reconcile._difference import Difference, plain, same
from magodoo.reconcile._paired import handler_context
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["values_reconciler"]

M2O = Direction.MAGENTO_TO_ODOO


def _equal(expected: Any, actual: Any) -> bool:
    a, b = plain(expected), plain(actual)
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return round(float(a), 6) == round(float(b), 6)
    return same(a, b)


def _fields(entity: str, mapped: Any, row: Mapping[str, Any], mid: str,
            oid: int) -> list[Difference]:
    out = []
    for field, expected in mapped.values.items():
        if not _equal(expected, row.get(field)):
            out.append(Difference(entity, "field_mismatch", mid, oid, field, expected,
                                  row.get(field)))
    return out


def values_reconciler(entity: str, fields: tuple[str, ...] = ()) -> Reconciler:
    """The reconciler of ``entity`` (Magento -> Odoo) through its registered handler."""

    async def compare(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
        handler = scope.registry.get(entity, M2O)
        model = handler.odoo_model
        ctx = handler_context(scope)
        async for records in handler.fetch(ctx, None):
            tally.compared += len(records)
            mctx = await handler.prepare(ctx, records)
            plans: list[Plan[Any, Any]] = []
            refused: dict[str, MappingError] = {}
            for record in records:
                sid = handler.source_id(record)
                try:
                    plans.append(Plan(record=record, source_id=sid, stamp=None,
                                      mapped=handler.map(record, mctx)))
                except MappingError as exc:
                    refused[sid] = exc
            sids = [handler.source_id(r) for r in records]
            bindings = await scope.stores.bindings.get_many_by_magento(scope.backend, entity,
                                                                       sids)
            bound = {sid: b.odoo_id for sid, b in bindings.items()}
            wanted = sorted({f for p in plans for f in p.value.values} | {"id"})
            rows = {int(r["id"]): r for r in await scope.odoo.read(
                model, sorted(set(bound.values())), wanted)} if bound else {}
            unbound = [p for p in plans if p.source_id not in bound]
            found: dict[str, str] = {}
            if unbound:
                try:
                    found = dict(await handler.find_by_key(ctx, unbound))
                except MagodooError:
                    found = {}
            for sid, error in refused.items():
                oid = bound.get(sid)
                kind: Any = "field_mismatch" if oid is not None else "missing_in_odoo"
                tally.differ(sid)
                yield Difference(entity, kind, sid, oid, error.field,
                                 f"not mappable: {error}", None)
            for p in plans:
                oid = bound.get(p.source_id)
                diffs: list[Difference]
                if oid is None:
                    match = found.get(p.source_id)
                    diffs = [Difference(entity, "missing_in_odoo" if match is None
                                        else "unbound", p.source_id,
                                        None if match is None else int(match))]
                elif oid not in rows:
                    diffs = [Difference(entity, "broken_binding", p.source_id, oid, "binding",
                                        f"{entity} {p.source_id}", f"{model} {oid} is gone")]
                else:
                    diffs = _fields(entity, p.value, rows[oid], p.source_id, oid)
                for diff in diffs:
                    tally.differ(p.source_id)
                    yield diff
        async for diff in _gone(scope, handler, entity):
            yield diff

    return Reconciler(entity=entity, direction=M2O, compare=compare, fields=fields)


async def _gone(scope: Scope, handler: Any, entity: str) -> AsyncIterator[Difference]:
    """Bindings whose Magento record is gone: only in Odoo now."""
    ctx = handler_context(scope)
    after: int | None = None
    size = scope.page_size
    while page := await scope.stores.bindings.list_bindings(scope.backend, entity,
                                                            after_id=after, limit=size):
        after = page[-1].id
        present = {handler.source_id(r) for r in await handler.fetch_keys(
            ctx, [b.magento_id for b in page])}
        for binding in page:
            if binding.magento_id not in present:
                yield Difference(entity, "missing_in_magento", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return
