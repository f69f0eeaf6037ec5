"""Odoo product attribute (``product.attribute`` and its values) -> Magento product attribute
(pure).

Which Odoo attributes become Magento attributes (:func:`is_magento_attribute`): those whose
display type is select, pills or color (the connector's manual), and every attribute that
creates variants whatever its display type, because a configurable product's options must be
Magento attributes. Radio and multi-checkbox attributes that create no variant become custom
options on the products that use them (:mod:`magodoo.mapping.catalog.products`).

The attribute code is the name's slug (``"Color"`` -> ``color``), so an attribute Magento
already has (``color`` in a stock store) is bound rather than duplicated. Values become
options, each bound to its ``product.attribute.value`` (entity ``attribute_values``).
``docs/mapping/attributes.md`` is the field table.

Swatches: when the store runs ``Magento_Swatches`` (``AttributeContext.swatches``), a color
attribute is created as a visual swatch (``frontend_input: swatch_visual``; Magento stores it
as ``select`` with ``swatch_input_type = visual``) and each value's ``html_color`` is its
option's swatch value, sent as the option's ``value`` (magento/magento2#36939). Magento drops
an option's swatch when an option update does not send it again (#37794), so every option
body of a swatch attribute carries it (:meth:`OptionValues.write_value`). A value without
``html_color`` is a text label only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.odoo.models import ProductAttribute, ProductAttributeValue

__all__ = [
    "ATTRIBUTE_DISPLAY_TYPES",
    "ENTITY",
    "SWATCH_DISPLAY_TYPE",
    "SWATCH_INPUT",
    "VALUE_ENTITY",
    "AttributeContext",
    "AttributeValues",
    "OptionPlan",
    "OptionValues",
    "attribute_code",
    "attribute_to_magento",
    "is_magento_attribute",
    "plan_options",
]

ENTITY = "attributes"
VALUE_ENTITY = "attribute_values"
ATTRIBUTE_DISPLAY_TYPES = ("select", "pills", "color")
"""Display types that are Magento attributes (the others are custom options unless the
attribute creates variants)."""
MAX_CODE = 60
SWATCH_DISPLAY_TYPE = "color"
"""The Odoo display type that becomes a visual swatch (with ``Magento_Swatches``)."""
SWATCH_INPUT = "swatch_visual"


def is_magento_attribute(attribute: ProductAttribute) -> bool:
    """Whether the attribute becomes a Magento attribute (else custom options)."""
    return (attribute.display_type in ATTRIBUTE_DISPLAY_TYPES
            or (attribute.create_variant or "always") != "no_variant")


def attribute_code(name: str) -> str:
    """Magento attribute code from a name: ASCII, lower case, ``_`` between words, starting
    with a letter, at most 60 characters (``"Légs & Feet"`` -> ``legs_feet``)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not code or not code[0].isalpha():
        code = f"attr_{code}".rstrip("_")
    return code[:MAX_CODE]


@attrs.frozen
class OptionValues:
    """One option: the Odoo value id, its label, its position, and its swatch value (the
    value's ``html_color`` on a visual swatch attribute, else ``None``)."""

    odoo_id: int
    label: str
    sort_order: int
    swatch: str | None = None

    def write_value(self, option_id: str) -> dict[str, Any]:
        """The ``value`` of an option body: the swatch when there is one (Magento keeps the
        swatch only when it is sent again), else the option id (a dropdown)."""
        return {"value": self.swatch} if self.swatch else {"value": option_id}

    def hashable(self) -> list[Any]:
        row: list[Any] = [self.odoo_id, self.label, self.sort_order]
        return [*row, self.swatch] if self.swatch else row


@attrs.frozen
class AttributeContext:
    """``values``: the Odoo values of the attributes being mapped (by attribute id);
    ``swatches``: the store runs ``Magento_Swatches`` (color attributes become visual
    swatches)."""

    values: Mapping[int, tuple[ProductAttributeValue, ...]] = attrs.field(factory=dict)
    swatches: bool = False


@attrs.frozen
class AttributeValues:
    """An attribute mapped: Magento's ``attribute`` body and its options."""

    odoo_id: int
    code: str
    label: str
    frontend_input: str
    options: tuple[OptionValues, ...]

    def create_body(self) -> dict[str, Any]:
        """The ``attribute`` object for ``POST /V1/products/attributes`` (options are added
        one by one afterwards, to bind each)."""
        return {
            "attribute_code": self.code,
            "frontend_input": self.frontend_input,
            "default_frontend_label": self.label,
            "frontend_labels": [{"store_id": 0, "label": self.label}],
            "is_required": False,
            "is_user_defined": True,
            "scope": "global",
            "is_visible_on_front": "1",
            "is_filterable": True,
            "used_in_product_listing": "1",
        }

    def update_body(self) -> dict[str, Any]:
        """The ``attribute`` object for ``PUT /V1/products/attributes/{code}`` (the label)."""
        return {"default_frontend_label": self.label,
                "frontend_labels": [{"store_id": 0, "label": self.label}]}

    def hashable(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "input": self.frontend_input,
                "options": [o.hashable() for o in self.options]}

    @property
    def is_swatch(self) -> bool:
        return self.frontend_input == SWATCH_INPUT


def attribute_to_magento(attribute: ProductAttribute, ctx: AttributeContext) -> AttributeValues:
    """Map one attribute and its values (raises :class:`MappingError`)."""
    name = (attribute.name or "").strip()
    if not name:
        raise MappingError("the attribute has no name", entity=ENTITY, record=attribute.id,
                           field="name")
    if not is_magento_attribute(attribute):
        raise MappingError(
            f"display type {attribute.display_type!r} without variants is a custom option, "
            "not a Magento attribute", entity=ENTITY, record=attribute.id,
            field="display_type")
    swatch = ctx.swatches and attribute.display_type == SWATCH_DISPLAY_TYPE
    options: list[OptionValues] = []
    seen: dict[str, int] = {}
    values = sorted(ctx.values.get(attribute.id, ()), key=lambda v: (v.sequence, v.id))
    for position, value in enumerate(values, start=1):
        label = (value.name or "").strip()
        if not label:
            raise MappingError("the attribute value has no name", entity=ENTITY,
                               record=attribute.id, field=f"value_ids[{value.id}].name")
        folded = label.casefold()
        if folded in seen:
            raise MappingError(
                f"values {seen[folded]} and {value.id} are both called {label!r} (Magento "
                "option labels are unique per attribute)", entity=ENTITY, record=attribute.id,
                field=f"value_ids[{value.id}].name")
        seen[folded] = value.id
        color = (value.html_color or "").strip() if swatch else ""
        options.append(OptionValues(value.id, label, position, color or None))
    return AttributeValues(odoo_id=attribute.id, code=attribute_code(name), label=name,
                           frontend_input=SWATCH_INPUT if swatch else "select",
                           options=tuple(options))


@attrs.frozen
class OptionPlan:
    """What to do with the options of a bound attribute: ``add`` (Odoo value, or with a
    Magento option of the same label to adopt), ``rename`` (option id, new label),
    ``remove`` (option ids bound to values gone from Odoo)."""

    add: tuple[OptionValues, ...] = ()
    adopt: tuple[tuple[OptionValues, str], ...] = ()
    rename: tuple[tuple[str, OptionValues], ...] = ()
    remove: tuple[str, ...] = ()
    keep: tuple[tuple[OptionValues, str], ...] = ()


def plan_options(
    wanted: Iterable[OptionValues],
    current: Mapping[str, str],
    bound: Mapping[int, str],
    bound_elsewhere: Iterable[str] = (),
) -> OptionPlan:
    """Compare the wanted options with Magento's.

    ``current``: Magento option id -> label (the attribute's options now); ``bound``: Odoo
    value id -> Magento option id (the bindings of this attribute's values);
    ``bound_elsewhere``: option ids bound to values of this attribute that Odoo no longer
    has (removed).
    """
    add: list[OptionValues] = []
    adopt: list[tuple[OptionValues, str]] = []
    rename: list[tuple[str, OptionValues]] = []
    keep: list[tuple[OptionValues, str]] = []
    by_label = {label.strip().casefold(): oid for oid, label in current.items()}
    claimed = set(bound.values())
    for option in wanted:
        oid = bound.get(option.odoo_id)
        if oid is not None and oid in current:
            if current[oid] != option.label:
                rename.append((oid, option))
            else:
                keep.append((option, oid))
            continue
        same = by_label.get(option.label.casefold())
        if same is not None and same not in claimed:
            adopt.append((option, same))
            claimed.add(same)
        else:
            add.append(option)
    remove = tuple(o for o in bound_elsewhere if o in current)
    return OptionPlan(tuple(add), tuple(adopt), tuple(rename), remove, tuple(keep))
