"""Magento category -> Odoo eCommerce category (``product.public.category``) (pure).

The other half of :mod:`magodoo.mapping.categories`: the same ``categories`` bindings, so a
category is bound once whatever the direction. Each field has one source of truth,
``catalog.category_source`` (``"odoo"`` by default, as in the connector's manual):

* ``"odoo"``: a Magento category Odoo does not have is created in Odoo; a change made in
  Magento to a bound category is a *conflict*: nothing is written to Odoo, the conflict is
  logged, and the next Odoo -> Magento sync puts Odoo's values back;
* ``"magento"``: changes made in Magento are written to Odoo (and a change made in Odoo to a
  bound category is the conflict, logged by the Odoo -> Magento handler, which then leaves
  Magento alone).

``docs/mapping/categories.md`` has the field table (both directions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import Category
from magodoo.mapping.categories import natural_key

__all__ = ["ImportContext", "ImportedCategory", "category_to_odoo"]

ENTITY = "categories"


@attrs.frozen
class ImportContext:
    """``parents``: Magento category id -> bound Odoo id; ``roots``: Magento ids whose
    children are top-level in Odoo; ``current``: Odoo values of the bound targets (Magento
    id -> ``{name, parent_id, sequence}``); ``source``: ``"odoo"`` or ``"magento"``."""

    parents: Mapping[int, int] = attrs.field(factory=dict)
    roots: frozenset[int] = frozenset({1, 2})
    current: Mapping[int, Mapping[str, Any]] = attrs.field(factory=dict)
    source: str = "odoo"


@attrs.frozen
class ImportedCategory:
    """A Magento category mapped: the ``product.public.category`` values, and the fields in
    conflict (changed in Magento, owned by Odoo) when there are any."""

    magento_id: int
    magento_parent_id: int
    values: Mapping[str, Any]
    conflicts: tuple[str, ...] = ()
    odoo_values: Mapping[str, Any] = attrs.field(factory=dict)
    """The bound Odoo category's values now (empty when unbound)."""

    @property
    def natural_key(self) -> str:
        return natural_key(self.magento_parent_id, str(self.values["name"]))

    def hashable(self) -> dict[str, Any]:
        return {**self.values, "conflicts": list(self.conflicts)}

    def conflict_message(self) -> str:
        parts = [f"{f} {self.values[f]!r} in Magento, {self.odoo_values.get(f)!r} in Odoo"
                 for f in self.conflicts]
        return ("conflict: " + "; ".join(parts)
                + " (catalog.category_source = 'odoo': Odoo's values are kept and sent back "
                  "to Magento by the next Odoo -> Magento sync)")


def category_to_odoo(category: Category, ctx: ImportContext) -> ImportedCategory:
    """Map one Magento category (raises :class:`MappingError`)."""
    name = (category.name or "").strip()
    if category.id is None:
        raise MappingError("the category has no id", entity=ENTITY, record=None, field="id")
    if not name:
        raise MappingError("the category has no name", entity=ENTITY, record=category.id,
                           field="name")
    parent = category.parent_id or 0
    if parent in ctx.roots:
        odoo_parent: int | bool = False
    else:
        bound = ctx.parents.get(parent)
        if bound is None:
            raise MappingError(f"parent category {parent} is not synced to Odoo",
                               entity=ENTITY, record=category.id, field="parent_id")
        odoo_parent = bound
    values = {"name": name, "parent_id": odoo_parent, "sequence": category.position or 0}
    conflicts: tuple[str, ...] = ()
    current = ctx.current.get(category.id)
    if current is not None and ctx.source == "odoo":
        conflicts = tuple(f for f in ("name", "parent_id", "sequence")
                          if current.get(f) != values[f])
    return ImportedCategory(category.id, parent, values, conflicts, dict(current or {}))
