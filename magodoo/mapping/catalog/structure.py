"""Magento store structure and attribute sets -> magodoo's stores (pure).

Odoo has no model for Magento's websites, store groups, store views or attribute sets, so
they are kept in magodoo's binding store: one binding per Magento record whose natural key
is the record's values as compact JSON (:meth:`StoreViewValues.to_key`, read back with
:func:`store_view_from_key`). ``docs/mapping/store-structure.md`` is the field table.

A store view whose locale is not an active Odoo language, or whose base currency is not the
Odoo company's, gets a warning (the connector's manual: mismatches cause discrepancies).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento.models_catalog import AttributeGroup, AttributeSet
from magodoo.magento.models_store import StoreConfig, StoreGroup, StoreView, Website

__all__ = [
    "AttributeSetValues",
    "StoreViewValues",
    "StructureContext",
    "WebsiteValues",
    "attribute_set_from_key",
    "attribute_set_values",
    "store_view_from_key",
    "store_view_values",
    "website_from_key",
    "website_values",
]


def _dump(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


@attrs.frozen
class StructureContext:
    """What Odoo says the store views should match: the company currency and the active
    languages (``res.lang`` codes like ``"en_US"``)."""

    company_currency: str | None = None
    languages: frozenset[str] = frozenset()


@attrs.frozen
class WebsiteValues:
    """A website with its store groups (``groups``: id, code, name, root category, default
    store view)."""

    id: int
    code: str
    name: str
    default_group_id: int | None
    groups: tuple[Mapping[str, Any], ...] = ()

    def hashable(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def to_key(self) -> str:
        return _dump(self.hashable())


@attrs.frozen
class StoreViewValues:
    """A store view with its website, group and ``storeConfigs`` values."""

    id: int
    code: str
    name: str
    website_id: int
    store_group_id: int
    active: bool
    locale: str | None
    base_currency: str | None
    display_currency: str | None
    timezone: str | None
    weight_unit: str | None
    root_category_id: int | None
    warnings: tuple[str, ...] = ()

    @property
    def language_ok(self) -> bool:
        """The locale is an active Odoo language: translations go to this store view."""
        return not any("locale" in w for w in self.warnings)

    def hashable(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def to_key(self) -> str:
        return _dump(self.hashable())


@attrs.frozen
class AttributeSetValues:
    """A product attribute set and its groups (``groups``: id, name)."""

    id: int
    name: str
    groups: tuple[Mapping[str, Any], ...] = ()

    def group_id(self, name: str) -> int | None:
        """The id of the group called ``name`` (case-insensitive)."""
        wanted = name.strip().casefold()
        for group in self.groups:
            if str(group["name"]).strip().casefold() == wanted:
                return int(group["id"])
        return None

    def hashable(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def to_key(self) -> str:
        return _dump(self.hashable())


def website_values(website: Website, groups: Iterable[StoreGroup]) -> WebsiteValues:
    """One website and the store groups under it."""
    if website.id is None:
        raise MappingError("the website has no id", entity="websites", record=None, field="id")
    mine = sorted((g for g in groups if g.website_id == website.id), key=lambda g: g.id or 0)
    return WebsiteValues(
        id=website.id, code=website.code or "", name=website.name or "",
        default_group_id=website.default_group_id,
        groups=tuple({"id": g.id, "code": g.code, "name": g.name,
                      "root_category_id": g.root_category_id,
                      "default_store_id": g.default_store_id} for g in mine),
    )


def store_view_values(
    view: StoreView,
    config: StoreConfig | None,
    group: StoreGroup | None,
    ctx: StructureContext,
) -> StoreViewValues:
    """One store view with its ``storeConfigs`` row; warnings when its locale is not an
    active Odoo language or its base currency is not the Odoo company's."""
    if view.id is None or not view.code:
        raise MappingError("the store view has no id or code", entity="stores",
                           record=view.id, field="code")
    locale = config.locale if config else None
    currency = config.base_currency_code if config else None
    warnings: list[str] = []
    if config is None:
        warnings.append(f"store view {view.code!r}: no storeConfigs row (locale unknown)")
    elif locale and ctx.languages and locale not in ctx.languages:
        warnings.append(
            f"store view {view.code!r}: locale {locale} is not an active Odoo language "
            f"(active: {', '.join(sorted(ctx.languages))}); its translations are not synced")
    if currency and ctx.company_currency and currency != ctx.company_currency:
        warnings.append(
            f"store view {view.code!r}: base currency {currency} differs from the Odoo "
            f"company currency {ctx.company_currency}; prices will not match")
    return StoreViewValues(
        id=view.id, code=view.code, name=view.name or "", website_id=view.website_id or 0,
        store_group_id=view.store_group_id or 0, active=bool(view.is_active),
        locale=locale, base_currency=currency,
        display_currency=config.default_display_currency_code if config else None,
        timezone=config.timezone if config else None,
        weight_unit=config.weight_unit if config else None,
        root_category_id=group.root_category_id if group else None,
        warnings=tuple(warnings),
    )


def attribute_set_values(
    attribute_set: AttributeSet, groups: Iterable[AttributeGroup]
) -> AttributeSetValues:
    """One attribute set and its groups."""
    if attribute_set.attribute_set_id is None:
        raise MappingError("the attribute set has no id", entity="attribute_sets",
                           record=attribute_set.attribute_set_name, field="attribute_set_id")
    sid = attribute_set.attribute_set_id
    mine = sorted((g for g in groups if g.attribute_set_id == sid),
                  key=lambda g: int(g.attribute_group_id or 0))
    return AttributeSetValues(
        id=sid, name=attribute_set.attribute_set_name or "",
        groups=tuple({"id": int(g.attribute_group_id or 0), "name": g.attribute_group_name or ""}
                     for g in mine),
    )


def _load(key: str | None) -> dict[str, Any]:
    return dict(json.loads(key)) if key else {}


def website_from_key(key: str | None) -> WebsiteValues:
    data = _load(key)
    data["groups"] = tuple(data.get("groups") or ())
    return WebsiteValues(**data)


def store_view_from_key(key: str | None) -> StoreViewValues:
    data = _load(key)
    data["warnings"] = tuple(data.get("warnings") or ())
    return StoreViewValues(**data)


def attribute_set_from_key(key: str | None) -> AttributeSetValues:
    data = _load(key)
    data["groups"] = tuple(data.get("groups") or ())
    return AttributeSetValues(**data)
