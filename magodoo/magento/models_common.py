"""Pieces several Magento records share: custom attributes and result pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from magodoo.magento._base import ApiModel

__all__ = ["CustomAttribute", "HasCustomAttributes", "Page"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class CustomAttribute(ApiModel):
    """One ``{attribute_code, value}`` pair; multiselects and ``category_ids`` hold a list.

    Numbers are read as strings (``_score``); a ``null`` value is read as ``""``.
    """

    attribute_code: str
    value: str | list[str] = ""
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


class HasCustomAttributes:
    """``.custom(code)`` for records with ``custom_attributes``."""

    __slots__ = ()

    custom_attributes: tuple[CustomAttribute, ...] | None

    def custom(self, code: str, default: Any = None) -> Any:
        """The value of custom attribute ``code`` (``default`` when absent)."""
        for attribute in self.custom_attributes or ():
            if attribute.attribute_code == code:
                return attribute.value
        return default

    def custom_map(self) -> dict[str, str | list[str]]:
        """All custom attributes as a dict."""
        return {a.attribute_code: a.value for a in self.custom_attributes or ()}


def custom_attributes(values: Mapping[str, str | list[str] | int | float]) -> tuple[
    CustomAttribute, ...
]:
    """Build ``custom_attributes`` from a plain mapping (numbers written as strings)."""
    return tuple(
        CustomAttribute(attribute_code=code, value=v if isinstance(v, str | list) else str(v))
        for code, v in values.items()
    )


@attrs.frozen
class Page(Generic[T]):
    """One page of a list route: ``items``, ``total_count`` and the echoed criteria."""

    items: tuple[T, ...]
    total_count: int
    search_criteria: Mapping[str, Any] | None = None
