"""Domain evaluation: the compiled forms (set lookups, cached patterns) keep Odoo's meaning."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.testing._odoo import domain
from magodoo.testing.fake_odoo import FakeOdoo

EMAILS = ["ann@example.com", "Bob@Example.com", "carl_x@example.com", False]


@pytest.fixture(scope="module")
def fake() -> FakeOdoo:
    fake = FakeOdoo(seed=None)
    for i, email in enumerate(EMAILS):
        fake.execute("res.partner", "create", [{"name": f"P{i}", "email": email}], {})
    fake.execute("res.partner", "create", [{"name": "carlXx", "email": "carlyx@example.com"}], {})
    return fake


def names(fake: FakeOdoo, dom: list[Any]) -> list[str]:
    rows, _env = fake.execute("res.partner", "search_read", [dom], {"fields": ["name"],
                                                                    "order": "id"})
    return [r["name"] for r in rows if r["name"].startswith(("P", "carl"))]


def test_ored_equalities_are_one_lookup_with_the_same_result(fake: FakeOdoo) -> None:
    ored = ["|", "|", ("email", "=ilike", "ANN@example.com"),
            ("email", "=ilike", "bob@example.com"), ("email", "=", "carl_x@example.com")]
    assert names(fake, ored) == ["P0", "P1", "P2"]
    assert names(fake, ["|", ("email", "=", "bob@example.com"), ("email", "=", "x@y.z")]) == []
    # '_' is a wildcard in LIKE patterns (it matches the 'y' of carlyx@): never an equality
    assert names(fake, ["|", ("email", "=ilike", "carl_x@example.com"),
                        ("email", "=ilike", "nobody@x.y")]) == ["P2", "carlXx"]
    assert names(fake, [("email", "=like", "carl_x@example.com")]) == ["P2", "carlXx"]
    assert names(fake, [("email", "=", "carl_x@example.com")]) == ["P2"]
    assert names(fake, [("email", "=ilike", "carl%")]) == ["P2", "carlXx"]


def test_in_not_in_and_false(fake: FakeOdoo) -> None:
    assert names(fake, [("email", "in", ["ann@example.com", "bob@example.com"])]) == ["P0"]
    assert names(fake, [("email", "in", ["ann@example.com", False])]) == ["P0", "P3"]
    assert "P0" not in names(fake, [("email", "not in", ["ann@example.com"])])
    assert names(fake, [("email", "=", False), ("name", "=like", "P%")]) == ["P3"]
    assert names(fake, ["!", ("email", "!=", False), ("name", "ilike", "p3")]) == ["P3"]
    assert names(fake, [("email", "not ilike", "example"), ("name", "=like", "P%")]) == ["P3"]


def test_dotted_paths_and_hierarchy(fake: FakeOdoo) -> None:
    company, _ = fake.execute("res.partner", "create", [{"name": "PCo", "is_company": True,
                                                         "country_id": 75}], {})
    fake.execute("res.partner", "create", [{"name": "PKid", "parent_id": company}], {})
    assert names(fake, [("parent_id.country_id.code", "=", "FR")]) == ["PKid"]
    assert "PKid" not in names(fake, [("parent_id.name", "!=", "PCo")])
    assert names(fake, [("id", "child_of", company)]) == ["PCo", "PKid"]
    assert names(fake, [("parent_id", "=", "PCo")]) == ["PKid"]


def test_like_patterns_are_compiled_once() -> None:
    domain.like_regex.cache_clear()
    for raw in ("a", "b", "c"):
        domain.compare("char", raw, "ilike", "x%y")
    info = domain.like_regex.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert domain.compare("char", "AxzY", "=ilike", "x%y") is False
    assert domain.compare("char", "xzY", "=ilike", "x%y") is True
