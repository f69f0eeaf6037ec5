"""Odoo search domains, built safely and sent as plain lists.

A domain is a list in prefix (Polish) notation: leaves ``[field, operator, value]`` and the
operators ``"&"``, ``"|"`` (two operands) and ``"!"`` (one). Several expressions side by
side are implicitly ANDed; :func:`normalize` makes that explicit, checks every leaf and
operator, and turns Python values into what Odoo takes (``None`` -> ``False``, datetimes
-> ``"YYYY-MM-DD HH:MM:SS"`` UTC, tuples and sets -> lists).

Two ways to write one::

    AND(eq("is_company", True), OR(ilike("name", "deco"), eq("ref", "MAGE-42")))
    (F("is_company") == True) & ((F("name").ilike("deco")) | (F("ref") == "MAGE-42"))

Both give ``["&", ["is_company", "=", True], "|", ["name", "ilike", "deco"],
["ref", "=", "MAGE-42"]]``. An empty domain matches every record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeAlias

import attrs

from magodoo._converter import format_datetime
from magodoo.odoo.models._base import Ref

__all__ = [
    "AND",
    "NOT",
    "OPERATORS",
    "OR",
    "Domain",
    "DomainError",
    "DomainLike",
    "F",
    "child_of",
    "eq",
    "eq_ilike",
    "eq_like",
    "ge",
    "gt",
    "ilike",
    "in_",
    "le",
    "like",
    "lt",
    "ne",
    "normalize",
    "not_ilike",
    "not_in",
    "not_like",
    "parent_of",
]

OPERATORS = frozenset({
    "=", "!=", ">", ">=", "<", "<=", "like", "ilike", "not like", "not ilike", "=like",
    "=ilike", "in", "not in", "child_of", "parent_of",
})
_ARITY = {"&": 2, "|": 2, "!": 1}
_LIST_OPERATORS = frozenset({"in", "not in"})
MATCH_NOTHING: list[Any] = [["id", "in", []]]

DomainLike: TypeAlias = "Domain | Sequence[Any]"


class DomainError(ValueError):
    """The domain is not valid prefix notation, or a leaf is malformed."""


def _value(value: Any) -> Any:
    if value is None:
        return False
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return [_value(v) for v in (sorted(value) if isinstance(value, set | frozenset)
                                    else value)]
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, Ref):
        return value.id
    return value


def _leaf(term: Any) -> list[Any]:
    if not isinstance(term, list | tuple) or len(term) != 3:
        raise DomainError(f"not a domain leaf (field, operator, value): {term!r}")
    field, operator, value = term
    if not isinstance(field, str) or not field:
        raise DomainError(f"a leaf's field must be a name: {term!r}")
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        raise DomainError(f"unknown domain operator {operator!r} in {term!r}")
    operator = operator.lower()
    value = _value(value)
    if operator in _LIST_OPERATORS and not isinstance(value, list):
        value = [value]
    return [field, operator, value]


def normalize(domain: DomainLike) -> list[Any]:
    """``domain`` checked and in explicit prefix notation (a new list)."""
    if isinstance(domain, Domain):
        return list(domain.terms)
    if isinstance(domain, str | bytes):
        raise DomainError("a domain is a list, not a string")
    result: list[Any] = []
    expected = 1
    for term in domain:
        if expected == 0:  # a further top-level expression: implicit AND
            result.insert(0, "&")
            expected = 1
        if isinstance(term, str):
            if term not in _ARITY:
                raise DomainError(f"unknown domain operator {term!r}")
            expected += _ARITY[term] - 1
            result.append(term)
        else:
            expected -= 1
            result.append(_leaf(term))
    if result and expected != 0:
        raise DomainError(f"domain operators lack {expected} operand(s): {list(domain)!r}")
    return result


def _combine(operator: str, domains: Iterable[DomainLike]) -> list[Any]:
    parts = [normalize(d) for d in domains]
    if operator == "|" and any(not p for p in parts):
        return []  # an empty domain matches everything
    parts = [p for p in parts if p]
    if not parts:
        return [] if operator == "&" else list(MATCH_NOTHING)
    out: list[Any] = [operator] * (len(parts) - 1)
    for part in parts:
        out.extend(part)
    return out


def AND(*domains: DomainLike) -> list[Any]:
    """All of ``domains`` (empty ones are ignored; no domain matches everything)."""
    return _combine("&", domains)


def OR(*domains: DomainLike) -> list[Any]:
    """Any of ``domains`` (an empty one matches everything; none matches nothing)."""
    return _combine("|", domains)


def NOT(domain: DomainLike) -> list[Any]:
    """The records ``domain`` does not match."""
    terms = normalize(domain)
    return ["!", *terms] if terms else list(MATCH_NOTHING)


@attrs.frozen
class Domain(Sequence[Any]):
    """A normalized domain that combines with ``&``, ``|`` and ``~``; a sequence of terms."""

    terms: tuple[Any, ...] = ()

    @classmethod
    def of(cls, domain: DomainLike) -> Domain:
        return domain if isinstance(domain, Domain) else cls(tuple(normalize(domain)))

    def to_list(self) -> list[Any]:
        return list(self.terms)

    def __and__(self, other: DomainLike) -> Domain:
        return Domain(tuple(AND(self, other)))

    def __rand__(self, other: DomainLike) -> Domain:
        return Domain(tuple(AND(other, self)))

    def __or__(self, other: DomainLike) -> Domain:
        return Domain(tuple(OR(self, other)))

    def __ror__(self, other: DomainLike) -> Domain:
        return Domain(tuple(OR(other, self)))

    def __invert__(self) -> Domain:
        return Domain(tuple(NOT(self)))

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, index: Any) -> Any:
        return self.terms[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


def _make(field: str, operator: str, value: Any) -> Domain:
    return Domain((_leaf((field, operator, value)),))


def eq(field: str, value: Any) -> Domain:
    return _make(field, "=", value)


def ne(field: str, value: Any) -> Domain:
    return _make(field, "!=", value)


def gt(field: str, value: Any) -> Domain:
    return _make(field, ">", value)


def ge(field: str, value: Any) -> Domain:
    return _make(field, ">=", value)


def lt(field: str, value: Any) -> Domain:
    return _make(field, "<", value)


def le(field: str, value: Any) -> Domain:
    return _make(field, "<=", value)


def like(field: str, value: Any) -> Domain:
    return _make(field, "like", value)


def ilike(field: str, value: Any) -> Domain:
    return _make(field, "ilike", value)


def not_like(field: str, value: Any) -> Domain:
    return _make(field, "not like", value)


def not_ilike(field: str, value: Any) -> Domain:
    return _make(field, "not ilike", value)


def eq_like(field: str, value: Any) -> Domain:
    """``=like``: a case-sensitive pattern with ``%`` and ``_``, matched whole."""
    return _make(field, "=like", value)


def eq_ilike(field: str, value: Any) -> Domain:
    """``=ilike``: case-insensitive equality or pattern (country codes, e-mails)."""
    return _make(field, "=ilike", value)


def in_(field: str, values: Iterable[Any]) -> Domain:
    return _make(field, "in", list(values))


def not_in(field: str, values: Iterable[Any]) -> Domain:
    return _make(field, "not in", list(values))


def child_of(field: str, value: Any) -> Domain:
    return _make(field, "child_of", value)


def parent_of(field: str, value: Any) -> Domain:
    return _make(field, "parent_of", value)


@attrs.frozen(eq=False)
class F:
    """A field in a domain expression: ``F("name") == "x"``, ``F("id").in_([1, 2])``."""

    name: str

    def __eq__(self, value: Any) -> Domain:  # type: ignore[override]
        return eq(self.name, value)

    def __ne__(self, value: Any) -> Domain:  # type: ignore[override]
        return ne(self.name, value)

    def __gt__(self, value: Any) -> Domain:
        return gt(self.name, value)

    def __ge__(self, value: Any) -> Domain:
        return ge(self.name, value)

    def __lt__(self, value: Any) -> Domain:
        return lt(self.name, value)

    def __le__(self, value: Any) -> Domain:
        return le(self.name, value)

    __hash__ = None  # type: ignore[assignment]

    def like(self, value: Any) -> Domain:
        return like(self.name, value)

    def ilike(self, value: Any) -> Domain:
        return ilike(self.name, value)

    def not_like(self, value: Any) -> Domain:
        return not_like(self.name, value)

    def not_ilike(self, value: Any) -> Domain:
        return not_ilike(self.name, value)

    def eq_like(self, value: Any) -> Domain:
        return eq_like(self.name, value)

    def eq_ilike(self, value: Any) -> Domain:
        return eq_ilike(self.name, value)

    def in_(self, values: Iterable[Any]) -> Domain:
        return in_(self.name, values)

    def not_in(self, values: Iterable[Any]) -> Domain:
        return not_in(self.name, values)

    def child_of(self, value: Any) -> Domain:
        return child_of(self.name, value)

    def parent_of(self, value: Any) -> Domain:
        return parent_of(self.name, value)
