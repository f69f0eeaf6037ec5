"""Odoo product attributes against the Magento attributes the catalog sync made of them (Odoo
is the source of truth), through the sync's own ``attributes`` handler (found in the engine's
registry), active once the engine has one.

Per page of attributes the handler maps, one ``GET /V1/products/attributes`` with
``attribute_code in (...)`` reads them from Magento. Compared: the label
(``default_frontend_label``), the input type (``frontend_input``) and the options: every Odoo
value must be an option of that label (options Magento has besides, e.g. a stock store's own
colours, are not drift). Pairing: the ``attributes`` binding (attribute <-> code), then the
code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol, cast

from magodoo.backends import Binding, Direction
from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import ProductAttribute
from magodoo.magento.models_common import Page
from magodoo.magento.search import SearchCriteria
from magodoo.reconcile._difference import Difference, same
from magodoo.reconcile._paired import handler_context
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "attributes"
O2M = Direction.ODOO_TO_MAGENTO


class _Attributes(Protocol):
    async def list_product_attributes(
        self, criteria: SearchCriteria | None = None) -> Page[ProductAttribute]: ...


async def _magento(scope: Scope, codes: list[str]) -> dict[str, ProductAttribute]:
    if not codes:
        return {}
    magento = cast(_Attributes, scope.magento)
    page = await magento.list_product_attributes(
        SearchCriteria().where("attribute_code", codes, "in").page(len(codes), 1))
    return {a.attribute_code: a for a in page.items if a.attribute_code}


def _compare(mid: str, oid: int, value: Any, held: ProductAttribute) -> list[Difference]:
    out = []
    if not same(value.label, held.default_frontend_label):
        out.append(Difference(ENTITY, "field_mismatch", mid, oid, "default_frontend_label",
                              held.default_frontend_label, value.label))
    # a visual swatch is saved and read back as select (Magento_Swatches' EavAttribute plugin)
    wanted = "select" if value.frontend_input == "swatch_visual" else value.frontend_input
    if not same(wanted, held.frontend_input):
        out.append(Difference(ENTITY, "field_mismatch", mid, oid, "frontend_input",
                              held.frontend_input, wanted))
    have = {(o.label or "").strip() for o in held.options or () if o.value}
    missing = sorted(o.label for o in value.options if o.label.strip() not in have)
    if missing:
        out.append(Difference(ENTITY, "field_mismatch", mid, oid, "options",
                              sorted(have), missing))
    return out


def _pair(oid: int, value: Any, binding: Binding | None,
          found: Mapping[str, ProductAttribute]) -> list[Difference]:
    if binding is None:
        held = found.get(value.code)
        if held is None:
            return [Difference(ENTITY, "missing_in_magento", None, oid, "attribute_code", None,
                               value.code)]
        return [Difference(ENTITY, "unbound", value.code, oid)]
    held = found.get(binding.magento_id)
    if held is None:
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "binding",
                           f"attribute {binding.magento_id} is gone from Magento", value.code)]
    return _compare(binding.magento_id, oid, value, held)


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    handler = scope.registry.get(ENTITY, O2M)
    ctx = handler_context(scope)
    async for records in handler.fetch(ctx, None):
        mctx = await handler.prepare(ctx, records)
        mapped: dict[int, Any] = {}
        for record in records:
            oid = int(handler.source_id(record))
            try:
                mapped[oid] = handler.map(record, mctx)
            except MappingError as exc:
                mapped[oid] = exc
        tally.compared += len(mapped)
        bindings = await scope.stores.bindings.get_many_by_odoo(scope.backend, ENTITY,
                                                                sorted(mapped))
        codes = sorted({m.code for m in mapped.values() if not isinstance(m, MappingError)}
                       | {b.magento_id for b in bindings.values()})
        found = await _magento(scope, codes)
        for oid, value in mapped.items():
            binding = bindings.get(oid)
            if isinstance(value, MappingError):
                kind: Any = "field_mismatch" if binding else "missing_in_magento"
                diffs = [Difference(ENTITY, kind, binding.magento_id if binding else None,
                                    oid, value.field, None, f"not mappable: {value}")]
            else:
                diffs = _pair(oid, value, binding, found)
            for diff in diffs:
                tally.differ(oid)
                yield diff


RECONCILER = Reconciler(entity=ENTITY, direction=O2M, compare=_reconcile,
                        fields=("default_frontend_label", "frontend_input", "options",
                                "attribute_code"))
