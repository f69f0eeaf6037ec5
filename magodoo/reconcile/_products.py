"""Odoo products against the Magento products the sync made of them (Odoo is the source of
truth), through the sync's own ``products`` handler (found in the engine's registry: its pages,
its mapper), active once the engine has one.

The handler maps each template to a product body (a simple product, or a configurable and its
children, each with its SKU); per page, one ``GET /V1/products`` with ``sku in (...)`` reads
the page's SKUs from Magento. Compared, for the parent and each child: the body's ``name``,
``price`` (to the cent; left to the ``prices`` reconciler when prices are synced),
``status``, ``visibility``, ``type_id``, ``attribute_set_id``, ``weight`` and the custom
attributes it sends (as text). The URL key, media, stock and extension attributes are left to
their own reconcilers. Pairing: the ``products`` binding (template <-> SKU), then the SKU.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Protocol, cast

from magodoo.backends import Binding, Direction
from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import Product
from magodoo.magento.models_common import Page
from magodoo.magento.search import SearchCriteria
from magodoo.reconcile._difference import Difference, plain
from magodoo.reconcile._paired import handler_context, money
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "products"
O2M = Direction.ODOO_TO_MAGENTO
FIELDS = ("name", "price", "status", "visibility", "type_id", "attribute_set_id", "weight")
READ_SKUS = 100


class _Products(Protocol):
    async def list_products(self, criteria: SearchCriteria | None = None) -> Page[Product]: ...


async def _magento(scope: Scope, skus: Sequence[str]) -> dict[str, Product]:
    magento = cast(_Products, scope.magento)
    out: dict[str, Product] = {}
    for start in range(0, len(skus), READ_SKUS):
        part = list(skus[start:start + READ_SKUS])
        page = await magento.list_products(
            SearchCriteria().where("sku", part, "in").page(len(part), 1))
        for product in page.items:
            if product.sku:
                out[product.sku.casefold()] = product
    return out


def _text(value: Any) -> str | None:
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _body_differences(mid: str, oid: int, body: Mapping[str, Any], product: Product,
                      prefix: str, skip: frozenset[str]) -> list[Difference]:
    out = []
    for field in FIELDS:
        if field not in body or field in skip:
            continue
        want, have = body[field], getattr(product, field, None)
        equal = (money(want) == money(have) if field in ("price", "weight")
                 else _text(want) == _text(have))
        if not equal:
            out.append(Difference(ENTITY, "field_mismatch", mid, oid, prefix + field, have,
                                  want))
    held = {a.attribute_code: a.value for a in product.custom_attributes or ()}
    for item in body.get("custom_attributes") or ():
        code = item.get("attribute_code")
        if code and _text(item.get("value")) != _text(held.get(code)):
            out.append(Difference(ENTITY, "field_mismatch", mid, oid,
                                  f"{prefix}custom_attributes.{code}", held.get(code),
                                  item.get("value")))
    return out


def _pair(oid: int, value: Any, binding: Binding | None,
          found: Mapping[str, Product], skip: frozenset[str]) -> list[Difference]:
    product = found.get(value.sku.casefold())
    if binding is None:
        if product is None:
            return [Difference(ENTITY, "missing_in_magento", None, oid, "sku", None,
                               value.sku)]
        return [Difference(ENTITY, "unbound", value.sku, oid)]
    if binding.magento_id.casefold() != value.sku.casefold():
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           binding.magento_id, value.sku)]
    if product is None:
        return [Difference(ENTITY, "broken_binding", binding.magento_id, oid, "sku",
                           f"SKU {binding.magento_id} is gone from Magento", value.sku)]
    out = _body_differences(binding.magento_id, oid, value.body, product, "", skip)
    for child in getattr(value, "children", ()) or ():
        held = found.get(child.sku.casefold())
        if held is None:
            out.append(Difference(ENTITY, "field_mismatch", binding.magento_id, oid,
                                  f"children[{child.sku}]", None, child.sku))
        else:
            out += _body_differences(binding.magento_id, oid, child.body, held,
                                     f"children[{child.sku}].", skip)
    return out


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    handler = scope.registry.get(ENTITY, O2M)
    # the prices family owns the price when it is synced: reported once, there
    skip = frozenset({"price"}) if ("prices", O2M) in scope.registry else frozenset()
    ctx = handler_context(scope)
    async for records in handler.fetch(ctx, None):
        tally.compared += len(records)
        mctx = await handler.prepare(ctx, records)
        mapped: dict[int, Any] = {}
        for record in records:
            oid = int(handler.source_id(record))
            try:
                mapped[oid] = handler.map(record, mctx)
            except MappingError as exc:
                mapped[oid] = exc
        bindings = await scope.stores.bindings.get_many_by_odoo(scope.backend, ENTITY,
                                                                sorted(mapped))
        skus = sorted({s for m in mapped.values() if not isinstance(m, MappingError)
                       for s in (m.sku, *(c.sku for c in getattr(m, "children", ()) or ()))})
        found = await _magento(scope, skus)
        for oid, value in mapped.items():
            binding = bindings.get(oid)
            if isinstance(value, MappingError):
                kind: Any = "field_mismatch" if binding else "missing_in_magento"
                diffs = [Difference(ENTITY, kind, binding.magento_id if binding else None,
                                    oid, value.field, None, f"not mappable: {value}")]
            else:
                diffs = _pair(oid, value, binding, found, skip)
            for diff in diffs:
                tally.differ(oid)
                yield diff
    async for diff in _gone(scope, handler):
        yield diff


async def _gone(scope: Scope, handler: Any) -> AsyncIterator[Difference]:
    """Bindings whose Odoo template is gone: only in Magento now."""
    ctx = handler_context(scope)
    after: int | None = None
    size = scope.page_size
    while page := await scope.stores.bindings.list_bindings(scope.backend, ENTITY,
                                                            after_id=after, limit=size):
        after = page[-1].id
        present = {handler.source_id(r) for r in await handler.fetch_keys(
            ctx, [str(b.odoo_id) for b in page])}
        for binding in page:
            if str(binding.odoo_id) not in present:
                yield Difference(ENTITY, "missing_in_odoo", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return


RECONCILER = Reconciler(entity=ENTITY, direction=O2M, compare=_reconcile,
                        fields=(*FIELDS, "custom_attributes.<code>", "children[<SKU>]", "sku"))
