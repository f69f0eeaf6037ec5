"""Odoo translations -> Magento store-view values (pure).

For every store view whose locale is an active Odoo language other than
``catalog.language`` (the language of the global values), a product's name and sales
description go to that store view: the template's translated name (a child's is the
translated name with its translated attribute values), nothing else, so no other field gets a
store-level value by accident. ``docs/mapping/translations.md`` is the field table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.exceptions import MappingError

__all__ = [
    "ENTITY",
    "StoreLanguage",
    "TranslationValues",
    "store_languages",
    "translations_to_magento",
]

ENTITY = "translations"


@attrs.frozen
class StoreLanguage:
    """A store view (code) and the Odoo language it gets."""

    code: str
    lang: str


def store_languages(
    views: Sequence[Mapping[str, Any]], active: Sequence[str], base: str
) -> tuple[StoreLanguage, ...]:
    """The store views to translate: ``views`` rows have ``code`` and ``locale``."""
    wanted = set(active) - {base}
    return tuple(StoreLanguage(str(v["code"]), str(v["locale"]))
                 for v in sorted(views, key=lambda v: str(v["code"]))
                 if v.get("locale") in wanted)


@attrs.frozen
class TranslationValues:
    """Per store view: ``(store code, sku, body)`` with ``body`` the ``product`` object for
    ``PUT /rest/<store code>/V1/products/{sku}``."""

    template_id: int
    entries: tuple[tuple[str, str, Mapping[str, Any]], ...]

    def hashable(self) -> list[Any]:
        return [[code, sku, dict(body)] for code, sku, body in self.entries]


def translations_to_magento(
    template_id: int,
    parent_sku: str | None,
    children: Sequence[tuple[str, Sequence[int]]],
    stores: Sequence[StoreLanguage],
    names: Mapping[str, Mapping[str, Any]],
    value_names: Mapping[str, Mapping[int, str]],
) -> TranslationValues:
    """``names[lang]`` is the template row read in ``lang`` (``name``, ``description_sale``);
    ``children`` the (SKU, attribute value ids) of a configurable's children;
    ``value_names[lang]`` the attribute value names in ``lang``."""
    if not parent_sku:
        raise MappingError("the product is not synced to Magento", entity=ENTITY,
                           record=template_id, field="product_tmpl_id")
    entries: list[tuple[str, str, Mapping[str, Any]]] = []
    for store in stores:
        row = names.get(store.lang)
        if row is None:
            continue
        name = str(row.get("name") or "").strip()
        if not name:
            raise MappingError(f"no name in {store.lang}", entity=ENTITY, record=template_id,
                               field="name")
        body: dict[str, Any] = {"sku": parent_sku, "name": name}
        if row.get("description_sale"):
            body["custom_attributes"] = [{"attribute_code": "description",
                                          "value": row["description_sale"]}]
        entries.append((store.code, parent_sku, body))
        for sku, values in children:
            labels = [value_names.get(store.lang, {}).get(v, "") for v in values]
            labels = [label for label in labels if label]
            child = f"{name} ({', '.join(labels)})" if labels else name
            entries.append((store.code, sku, {"sku": sku, "name": child}))
    return TranslationValues(template_id, tuple(entries))
