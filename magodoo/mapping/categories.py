"""Odoo eCommerce category (``product.public.category``) -> Magento category (pure).

The Odoo tree is rebuilt under one Magento category (``root_id``, "Default Category" by
default): a top-level Odoo category goes under the root, any other under the Magento category
bound to its Odoo parent (the engine syncs parents first and hands their ids in through
:class:`CategoryContext`). The URL key is only sent on create; when Magento refuses it as
taken, the deterministic :func:`suffixed_url_key` (name slug + ``-`` + Odoo id) is used.
``docs/mapping/categories.md`` is the field table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.odoo.models import PublicCategory

__all__ = [
    "ENTITY",
    "CategoryContext",
    "CategoryValues",
    "category_to_magento",
    "depth",
    "natural_key",
    "suffixed_url_key",
    "url_key",
]

ENTITY = "categories"


@attrs.frozen
class CategoryContext:
    """``parents``: Odoo category id -> bound Magento category id. ``root_id``: Magento parent
    of Odoo's top-level categories."""

    parents: Mapping[int, int] = attrs.field(factory=dict)
    root_id: int = 2


@attrs.frozen
class CategoryValues:
    """A category mapped: Magento's ``category`` body (without the URL key) and the parts the
    engine needs to find, move and create it."""

    odoo_id: int
    parent_id: int
    name: str
    values: Mapping[str, Any]
    url_key: str

    def create_body(self, *, suffixed: bool = False) -> dict[str, Any]:
        """The ``category`` object for ``POST /V1/categories``."""
        key = suffixed_url_key(self.name, self.odoo_id) if suffixed else self.url_key
        return {
            **self.values,
            "custom_attributes": [{"attribute_code": "url_key", "value": key}],
        }

    def update_body(self) -> dict[str, Any]:
        """The ``category`` object for ``PUT /V1/categories/{id}`` (the URL key is kept)."""
        return dict(self.values)

    @property
    def natural_key(self) -> str:
        return natural_key(self.parent_id, self.name)

    def hashable(self) -> dict[str, Any]:
        return dict(self.values)


def natural_key(parent_id: int, name: str) -> str:
    """A category is known by its name under its parent: ``"<magento parent id>/<name>"``."""
    return f"{parent_id}/{name.strip().casefold()}"


def url_key(name: str) -> str:
    """Magento-style URL key: ASCII, lower case, words joined by ``-``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "category"


def suffixed_url_key(name: str, odoo_id: int) -> str:
    """The URL key used when :func:`url_key` is taken: the same slug, ``-<odoo id>``."""
    return f"{url_key(name)}-{odoo_id}"


def depth(category: PublicCategory) -> int:
    """How deep the category sits (0 for a top-level one), from ``parent_path``."""
    if category.parent_path:
        return int(category.parent_path.strip("/").count("/"))
    return 0 if category.parent_id is None else 1


def category_to_magento(category: PublicCategory, ctx: CategoryContext) -> CategoryValues:
    """Map one category (raises :class:`MappingError` if its parent is not bound)."""
    name = (category.name or "").strip()
    if not name:
        raise MappingError("the category has no name", entity=ENTITY, record=category.id,
                           field="name")
    if category.parent_id is None:
        parent = ctx.root_id
    else:
        bound = ctx.parents.get(category.parent_id.id)
        if bound is None:
            raise MappingError(
                f"parent category {category.parent_id.id} is not synced to Magento",
                entity=ENTITY, record=category.id, field="parent_id",
            )
        parent = bound
    values = {
        "parent_id": parent,
        "name": name,
        "is_active": True,
        "include_in_menu": True,
        "position": category.sequence,
    }
    return CategoryValues(
        odoo_id=category.id, parent_id=parent, name=name, values=values, url_key=url_key(name)
    )
