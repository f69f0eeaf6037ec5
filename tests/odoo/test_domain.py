from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from magodoo.odoo import AND, NOT, OR, Domain, DomainError, F, Ref
from magodoo.odoo import domain as d


def is_prefix(domain: list[Any]) -> bool:
    """Valid prefix notation: exactly one expression when read left to right."""
    needed = 1
    for term in domain:
        if needed == 0:
            return False
        if term in ("&", "|"):
            needed += 1
        elif term == "!":
            pass
        else:
            needed -= 1
    return needed == 0 or not domain


def test_normalize_adds_implicit_and() -> None:
    out = d.normalize([("a", "=", 1), ("b", "=", 2), ("c", "=", 3)])
    assert out == ["&", "&", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]]
    assert is_prefix(out)


def test_normalize_keeps_explicit_operators() -> None:
    domain = ["|", ("a", "=", 1), ("b", "=", 2)]
    assert d.normalize(domain) == ["|", ["a", "=", 1], ["b", "=", 2]]
    mixed = d.normalize([("x", "=", 1), "|", ("a", "=", 1), ("b", "=", 2)])
    assert mixed == ["&", ["x", "=", 1], "|", ["a", "=", 1], ["b", "=", 2]]
    assert is_prefix(mixed)


def test_normalize_values() -> None:
    when = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    out = d.normalize([
        ("write_date", ">", when), ("parent_id", "=", None), ("id", "in", (3, 1)),
        ("id", "not in", 5), ("country_id", "=", Ref(233, "United States")),
    ])
    leaves = [t for t in out if isinstance(t, list)]
    assert leaves == [
        ["write_date", ">", "2026-01-01 12:00:00"], ["parent_id", "=", False],
        ["id", "in", [3, 1]], ["id", "not in", [5]], ["country_id", "=", 233],
    ]


@pytest.mark.parametrize("bad", [
    [("a", "==", 1)], [("a", "=")], ["&", ("a", "=", 1)], ["^", ("a", "=", 1), ("b", "=", 1)],
    [(1, "=", 1)], "[('a','=',1)]", [["a", "between", 1]],
])
def test_normalize_refuses(bad: Any) -> None:
    with pytest.raises(DomainError):
        d.normalize(bad)


def test_empty() -> None:
    assert d.normalize([]) == []
    assert AND() == []
    assert AND([], [("a", "=", 1)]) == [["a", "=", 1]]
    assert OR([], [("a", "=", 1)]) == []  # an empty domain matches everything
    assert OR() == [["id", "in", []]]
    assert NOT([]) == [["id", "in", []]]


def test_combinators() -> None:
    a, b, c = [("a", "=", 1)], [("b", "=", 2)], [("c", "=", 3)]
    assert AND(a, b, c) == ["&", "&", ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]]
    assert OR(a, AND(b, c)) == ["|", ["a", "=", 1], "&", ["b", "=", 2], ["c", "=", 3]]
    assert NOT(AND(a, b)) == ["!", "&", ["a", "=", 1], ["b", "=", 2]]
    for out in (AND(a, b, c), OR(a, AND(b, c)), NOT(OR(a, b)), AND(a + b, OR(c, a))):
        assert is_prefix(out)


def test_every_operator_has_a_helper() -> None:
    helpers = {
        "=": d.eq, "!=": d.ne, ">": d.gt, ">=": d.ge, "<": d.lt, "<=": d.le, "like": d.like,
        "ilike": d.ilike, "not like": d.not_like, "not ilike": d.not_ilike, "=like": d.eq_like,
        "=ilike": d.eq_ilike, "in": d.in_, "not in": d.not_in, "child_of": d.child_of,
        "parent_of": d.parent_of,
    }
    assert set(helpers) == d.OPERATORS
    for operator, helper in helpers.items():
        value: Any = [1] if operator in ("in", "not in") else 1
        assert helper("f", value).to_list() == [["f", operator, value]]


def test_field_expressions() -> None:
    expr = (F("is_company") == True) & (  # noqa: E712
        F("name").ilike("deco") | (F("ref") != "MAGE-42")
    )
    assert isinstance(expr, Domain)
    assert expr.to_list() == [
        "&", ["is_company", "=", True], "|", ["name", "ilike", "deco"], ["ref", "!=", "MAGE-42"]
    ]
    assert (~(F("active") == False)).to_list() == ["!", ["active", "=", False]]  # noqa: E712
    assert (F("id") > 5).to_list() == [["id", ">", 5]]
    assert (F("id") >= 5).to_list() == [["id", ">=", 5]]
    assert (F("id") < 5).to_list() == [["id", "<", 5]]
    assert (F("id") <= 5).to_list() == [["id", "<=", 5]]
    assert F("code").eq_ilike("us").to_list() == [["code", "=ilike", "us"]]
    assert F("categ_id").child_of(1).to_list() == [["categ_id", "child_of", 1]]
    assert F("id").in_({2, 1}).to_list() == [["id", "in", [1, 2]]]
    assert F("id").not_in([1]).to_list() == [["id", "not in", [1]]]
    assert F("n").like("a").to_list() == [["n", "like", "a"]]
    assert F("n").not_like("a").to_list() == [["n", "not like", "a"]]
    assert F("n").not_ilike("a").to_list() == [["n", "not ilike", "a"]]
    assert F("n").eq_like("a%").to_list() == [["n", "=like", "a%"]]
    assert F("p").parent_of(3).to_list() == [["p", "parent_of", 3]]


def test_domain_mixes_with_lists() -> None:
    combined = [("a", "=", 1)] & (F("b") == 2)
    assert combined.to_list() == ["&", ["a", "=", 1], ["b", "=", 2]]
    either = [("a", "=", 1)] | (F("b") == 2)
    assert either.to_list() == ["|", ["a", "=", 1], ["b", "=", 2]]
    assert d.normalize(F("a") == 1) == [["a", "=", 1]]
    assert Domain.of([("a", "=", 1), ("b", "=", 1)]).to_list()[0] == "&"
    assert list(F("a") == 1) == [["a", "=", 1]] and len(F("a") == 1) == 1
    assert not Domain()
