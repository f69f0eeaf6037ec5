"""Magento ``searchCriteria``: an immutable builder and its exact query-string encoding.

Filters inside one group are ORed, groups are ANDed (Magento cannot OR across groups)::

    criteria = (
        SearchCriteria()
        .where("updated_at", "2026-11-27 05:29:23", "gteq")
        .where_any(Filter("email", "a@x.com"), Filter("email", "b@x.com"))
        .order_by("updated_at")
        .order_by("entity_id")
        .page(100)
    )
    criteria.to_params()  # [("searchCriteria[filter_groups][0][filters][0][field]", ...), ...]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Literal

import attrs

from magodoo._converter import format_datetime
from magodoo.exceptions import ConfigurationError

__all__ = ["Condition", "Direction", "Filter", "SearchCriteria", "Value", "check_fields"]

PREFIX = "searchCriteria"

Direction = Literal["ASC", "DESC"]
Value = str | int | float | datetime | Iterable[str | int] | None


class Condition(StrEnum):
    """Every ``condition_type`` Magento's collections understand."""

    EQ = "eq"
    NEQ = "neq"
    GT = "gt"
    GTEQ = "gteq"
    LT = "lt"
    LTEQ = "lteq"
    MOREQ = "moreq"
    FROM = "from"
    TO = "to"
    LIKE = "like"
    NLIKE = "nlike"
    IN = "in"
    NIN = "nin"
    NULL = "null"
    NOTNULL = "notnull"
    FINSET = "finset"
    NFINSET = "nfinset"


def _condition(value: Condition | str) -> Condition:
    try:
        return Condition(value)
    except ValueError:
        allowed = ", ".join(c.value for c in Condition)
        raise ConfigurationError(
            f"unknown condition_type {value!r}; use one of {allowed}"
        ) from None


def _encode_value(value: Value, condition: Condition) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, str | int | float):
        return str(value)
    items = [str(v) for v in value]
    if condition not in (Condition.IN, Condition.NIN, Condition.FINSET, Condition.NFINSET):
        raise ConfigurationError(f"a list of values needs condition in or nin, not {condition}")
    return ",".join(items)


def _freeze(value: Value) -> Value:
    if value is None or isinstance(value, str | int | float | datetime):
        return value
    return tuple(value)


@attrs.frozen
class Filter:
    """One ``field condition value`` test; ``in``/``nin`` take a list (comma-joined)."""

    field: str
    value: Value = attrs.field(default=None, converter=_freeze)
    condition: Condition = attrs.field(default=Condition.EQ, converter=_condition)

    def __attrs_post_init__(self) -> None:
        if not self.field:
            raise ConfigurationError("a filter needs a field name")
        self.encoded_value()  # refuse a list for a condition that takes one value, now

    def encoded_value(self) -> str:
        """The value as sent: lists comma-joined, datetimes in Magento's UTC form."""
        return _encode_value(self.value, self.condition)


@attrs.frozen
class SortOrder:
    """``field`` ascending or descending."""

    field: str
    direction: Direction = "ASC"


@attrs.frozen
class SearchCriteria:
    """Immutable: every method returns a new criteria."""

    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    sort_orders: tuple[SortOrder, ...] = ()
    page_size: int | None = None
    current_page: int | None = None

    def where(self, field: str, value: Value = None, condition: Condition | str = "eq") -> (
        SearchCriteria
    ):
        """AND a filter (a new group of one)."""
        return attrs.evolve(
            self, filter_groups=(*self.filter_groups, (Filter(field, value, condition),))
        )

    def where_any(self, *filters: Filter) -> SearchCriteria:
        """AND a group whose filters are ORed."""
        if not filters:
            raise ConfigurationError("where_any() needs at least one Filter")
        return attrs.evolve(self, filter_groups=(*self.filter_groups, tuple(filters)))

    def order_by(self, field: str, direction: Direction | str = "ASC") -> SearchCriteria:
        """Add a sort order (applied after those already given)."""
        upper = direction.upper()
        if upper not in ("ASC", "DESC"):
            raise ConfigurationError(f"sort direction must be ASC or DESC, not {direction!r}")
        order = SortOrder(field, "ASC" if upper == "ASC" else "DESC")
        return attrs.evolve(self, sort_orders=(*self.sort_orders, order))

    def page(self, size: int, current: int = 1) -> SearchCriteria:
        """Set ``pageSize`` and ``currentPage`` (1-based)."""
        if size < 1 or current < 1:
            raise ConfigurationError("page size and current page start at 1")
        return attrs.evolve(self, page_size=size, current_page=current)

    def fields(self) -> tuple[str, ...]:
        """Every field the criteria name (filters, then sort orders), each once."""
        names = [f.field for group in self.filter_groups for f in group]
        names += [o.field for o in self.sort_orders]
        return tuple(dict.fromkeys(names))

    def to_params(self) -> list[tuple[str, str]]:
        """The query-string pairs, in Magento's snake_case spelling."""
        out: list[tuple[str, str]] = []
        for i, group in enumerate(self.filter_groups):
            for j, f in enumerate(group):
                base = f"{PREFIX}[filter_groups][{i}][filters][{j}]"
                out.append((f"{base}[field]", f.field))
                out.append((f"{base}[value]", f.encoded_value()))
                out.append((f"{base}[condition_type]", f.condition.value))
        for k, order in enumerate(self.sort_orders):
            out.append((f"{PREFIX}[sortOrders][{k}][field]", order.field))
            out.append((f"{PREFIX}[sortOrders][{k}][direction]", order.direction))
        if self.page_size is not None:
            out.append((f"{PREFIX}[pageSize]", str(self.page_size)))
        if self.current_page is not None:
            out.append((f"{PREFIX}[currentPage]", str(self.current_page)))
        if not out:
            # Magento refuses a list call without searchCriteria; an empty one means "all".
            out.append((f"{PREFIX}[currentPage]", "1"))
        return out


def check_fields(criteria: SearchCriteria, known: frozenset[str] | None, entity: str) -> None:
    """Refuse, before sending, a filter or sort on a field ``entity`` does not have.

    The real store answers 400 ``The "%1" attribute name is invalid`` (customers) or a masked
    500 (flat tables) that names no route nor record; a typo here fails at once instead,
    naming the field. ``known`` ``None`` lets any field through (EAV entities whose
    attributes each store defines).
    """
    if known is None:
        return
    unknown = [name for name in criteria.fields() if name not in known]
    if unknown:
        raise ConfigurationError(
            f"unknown search field {unknown[0]!r} for {entity}"
            + (f" (and {', '.join(map(repr, unknown[1:]))})" if unknown[1:] else "")
            + f"; known fields: {', '.join(sorted(known))}"
        )
