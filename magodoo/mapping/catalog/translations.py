"""Odoo translations -> Magento store-view values (pure).

For every store view whose locale is an active Odoo language other than
``catalog.language`` (the language of the global values), a product's name and sales
description go to that store view: the template's translated name (a child's is the
translated name with its translated attribute values), nothing else, so no other field gets a
store-level value by accident. Category names go the same way (only the name, and only when
it differs from the global one); attribute option labels go as the options' store labels.
``docs/mapping/translations.md`` is the field table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.exceptions import MappingError

__all__ = [
    "CATEGORY_ENTITY",
    "ENTITY",
    "OPTION_ENTITY",
    "CategoryTranslationValues",
    "OptionTranslationValues",
    "StoreLanguage",
    "TranslationValues",
    "category_translations_to_magento",
    "option_translations_to_magento",
    "store_languages",
    "translations_to_magento",
]

ENTITY = "translations"
CATEGORY_ENTITY = "category_translations"
OPTION_ENTITY = "option_translations"


@attrs.frozen
class StoreLanguage:
    """A store view (code, id) and the Odoo language it gets."""

    code: str
    lang: str
    store_id: int = 0


def store_languages(
    views: Sequence[Mapping[str, Any]], active: Sequence[str], base: str
) -> tuple[StoreLanguage, ...]:
    """The store views to translate: ``views`` rows have ``code``, ``locale`` (and ``id``)."""
    wanted = set(active) - {base}
    return tuple(StoreLanguage(str(v["code"]), str(v["locale"]), int(v.get("id") or 0))
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


@attrs.frozen
class CategoryTranslationValues:
    """Per store view: ``(store code, Magento category id, body)`` with ``body`` the
    ``category`` object for ``PUT /rest/<store code>/V1/categories/{id}``."""

    category_id: int
    entries: tuple[tuple[str, str, Mapping[str, Any]], ...]

    def hashable(self) -> list[Any]:
        return [[code, cid, dict(body)] for code, cid, body in self.entries]


def category_translations_to_magento(
    category_id: int,
    magento_id: str | None,
    stores: Sequence[StoreLanguage],
    names: Mapping[str, str],
    base_name: str,
) -> CategoryTranslationValues:
    """``names[lang]``: the category's name read in ``lang``; ``base_name`` its name in
    ``catalog.language`` (the global value). A store view gets the name only where it
    differs, so an untranslated category keeps following the global name."""
    if not magento_id:
        raise MappingError("the category is not synced to Magento", entity=CATEGORY_ENTITY,
                           record=category_id, field="id")
    entries: list[tuple[str, str, Mapping[str, Any]]] = []
    for store in stores:
        if store.lang not in names:
            continue
        name = str(names[store.lang] or "").strip()
        if not name:
            raise MappingError(f"no name in {store.lang}", entity=CATEGORY_ENTITY,
                               record=category_id, field="name")
        if name != base_name.strip():
            entries.append((store.code, magento_id, {"name": name}))
    return CategoryTranslationValues(category_id, tuple(entries))


@attrs.frozen
class OptionTranslationValues:
    """The options of one attribute with their store labels: ``(option id, body)`` with
    ``body`` the ``option`` object for ``PUT /V1/products/attributes/{code}/options/{id}``."""

    attribute_id: int
    code: str
    entries: tuple[tuple[str, Mapping[str, Any]], ...]

    def hashable(self) -> list[Any]:
        return [self.code, [[oid, dict(body)] for oid, body in self.entries]]


def option_translations_to_magento(
    attribute_id: int,
    code: str,
    options: Sequence[Any],
    option_ids: Mapping[int, str],
    stores: Sequence[StoreLanguage],
    names: Mapping[str, Mapping[int, str]],
) -> OptionTranslationValues:
    """``options``: the attribute's mapped options (``OptionValues``: Odoo value id, admin
    label, position); ``option_ids``: Odoo value id -> bound Magento option id;
    ``names[lang]``: value id -> its name in ``lang``.

    Magento saves an option's labels all at once (a save without a store's label drops it),
    so each body carries the admin label and every store view's label; a label equal to the
    admin one is left out (the store view falls back to it)."""
    entries: list[tuple[str, Mapping[str, Any]]] = []
    if not stores:
        return OptionTranslationValues(attribute_id, code, ())
    for option in options:
        oid = option_ids.get(option.odoo_id)
        if not oid:
            raise MappingError("the attribute value is not synced to Magento",
                               entity=OPTION_ENTITY, record=attribute_id,
                               field=f"value_ids[{option.odoo_id}]")
        labels = [{"store_id": 0, "label": option.label}]
        for store in stores:
            label = str(names.get(store.lang, {}).get(option.odoo_id) or "").strip()
            if label and label != option.label:
                labels.append({"store_id": store.store_id, "label": label})
        if len(labels) > 1:
            swatch = getattr(option, "swatch", None)  # resent, or Magento drops it (#37794)
            entries.append((oid, {"label": option.label, "value": swatch or oid,
                                  "sort_order": option.sort_order, "store_labels": labels}))
    return OptionTranslationValues(attribute_id, code, tuple(entries))
