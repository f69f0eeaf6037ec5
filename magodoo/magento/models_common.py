"""Pieces several Magento records share: custom attributes and result pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento._base import ApiModel

__all__ = ["CustomAttribute", "HasCustomAttributes", "Page", "PartialPageError", "read_items"]

M = TypeVar("M", bound=ApiModel)

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class CustomAttribute(ApiModel):
    """One ``{attribute_code, value}`` pair; multiselects and ``category_ids`` hold a list.

    Numbers are read as strings (``_score``); a ``null`` value is read as ``""``. Equal
    plain pairs (string values) read in one process may be the same frozen object.
    """

    shared_keys: ClassVar[tuple[str, str] | None] = ("attribute_code", "value")

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


class PartialPageError(MappingError):
    """Some records of a page cannot be read; the others could, and are not lost.

    ``page`` holds the readable records (its ``items`` leave the unreadable ones out),
    ``failures`` one :class:`~magodoo.exceptions.MappingError` per unreadable record, naming it
    (id, increment id or SKU) and the field path (``$.payment.additional_information[3]``).
    A caller that syncs record by record takes ``page.items`` and logs and queues each
    failure; a caller that does not catch it fails as before (it is a ``MappingError``).
    """

    def __init__(self, page: Page[Any], failures: Sequence[MappingError]) -> None:
        first = failures[0]
        names = ", ".join(repr(f.record) for f in failures)
        super().__init__(
            f"{len(failures)} record(s) of the page cannot be read ({names}); the first: "
            f"{first.args[0] if first.args else first}",
            entity=first.entity, record=first.record, field=first.field,
        )
        self.page = page
        self.failures = tuple(failures)


def read_items(model: type[M], raw: Iterable[Any]) -> tuple[list[M], list[MappingError]]:
    """Read each raw record alone: ``(readable records, one MappingError per other one)``."""
    return model.read_many(raw)
