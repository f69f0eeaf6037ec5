"""The fake Odoo's search over an id index (keyset pages, ``id in``) answers exactly what a pass
over the whole table, filtered then sorted, answers: for every domain, order, offset and limit."""

from __future__ import annotations

from typing import Any

import pytest
from whole_table import whole_table

from magodoo.testing._odoo.keyset import candidate_ids
from magodoo.testing._odoo.orm import Env
from magodoo.testing.fake_odoo import FakeOdoo


@pytest.fixture(scope="module")
def env() -> Env:
    fake = FakeOdoo(seed="demo")
    table = fake.db.table("res.partner")
    for rid in list(table)[::3]:  # gaps in the ids, and archived rows
        if rid > 10:
            table.pop(rid)
    for rid in list(table)[::4]:
        table[rid]["active"] = False
    return Env(fake.db, 2, {}, fake.now())


DOMAINS: list[list[Any]] = [
    [],
    [("id", ">", 20)],
    [("id", ">=", 20), ("id", "<", 40)],
    ["&", ("id", ">", 5), ("is_company", "=", True)],
    [("id", "<=", 15)],
    [("id", ">", 12.5)],
    [("id", "in", [3, 7, 11, 999, 40, 2])],
    [("id", "in", [])],
    [("id", "=", 7)],
    [("id", "=", 9999)],
    [("id", "in", [3, 7, 40]), ("id", ">", 5)],
    ["|", ("id", ">", 30), ("id", "=", 3)],  # an OR: nothing narrowed, still exact
    ["!", ("id", ">", 30)],
    [("id", ">", "30")],  # not a number: compared as Odoo's fake compares, never narrowed
    [("id", "in", [3, False])],
    [("active", "=", False), ("id", ">", 10)],
    [("name", "ilike", "a"), ("id", ">", 8)],
]


@pytest.mark.parametrize("domain", DOMAINS, ids=[repr(d) for d in DOMAINS])
@pytest.mark.parametrize(("order", "offset", "limit"), [
    ("id", 0, 5), ("id desc", 0, 5), ("id", 3, 4), (None, 0, None), ("name", 1, 3),
    ("id desc", 2, None), ("id", 0, None),
])
def test_indexed_search_equals_a_whole_table_pass(env: Env, domain: list[Any],
                                                  order: str | None, offset: int,
                                                  limit: int | None) -> None:
    got = [r["id"] for r in env.db.search_rows(env, "res.partner", domain, offset, limit, order)]
    assert got == whole_table(env, "res.partner", domain, offset, limit, order)


def test_candidate_ids_narrow_only_anded_id_conditions() -> None:
    ids = [1, 2, 4, 8, 16, 32]
    assert candidate_ids([("id", ">", 4)], ids) == [8, 16, 32]
    assert candidate_ids(["&", ("id", ">=", 4), ("id", "<", 16)], ids) == [4, 8]
    assert candidate_ids([("id", "in", [32, 3, 1])], ids) == [1, 32]
    assert candidate_ids(["|", ("id", ">", 4), ("id", "=", 1)], ids) == ids
    assert candidate_ids([("id", ">", "4")], ids) == ids
    assert candidate_ids([("id", "in", [True])], ids) == ids


@pytest.mark.parametrize("warehouse", [None, 1])
def test_stock_figures_of_a_large_read_are_those_of_each_product_alone(
        warehouse: int | None) -> None:
    """A large read computes the stock figures of its own products only (not every product's
    per page): the same values as reading each product on its own."""
    fake = FakeOdoo(seed="demo")
    context = {} if warehouse is None else {"warehouse_id": warehouse}
    env = Env(fake.db, 2, context, fake.now())
    ids = sorted(fake.db.table("product.product"))
    fields = ["qty_available", "free_qty", "virtual_available", "outgoing_qty"]
    together = fake.db.read(env, "product.product", ids, fields)
    alone = [fake.db.read(env, "product.product", [i], fields)[0] for i in ids]
    assert together == alone
    assert any(r["qty_available"] for r in together)
    templates = sorted(fake.db.table("product.template"))  # through the variants
    assert fake.db.read(env, "product.template", templates, ["qty_available"]) == [
        fake.db.read(env, "product.template", [t], ["qty_available"])[0] for t in templates]


def test_template_reads_find_variants_once_per_read() -> None:
    """A large read of templates finds every template's variants in one pass (not one pass
    over the variants per template): the same values as reading each template alone."""
    fake = FakeOdoo(seed="demo")
    env = Env(fake.db, 2, {}, fake.now())
    variants = fake.db.table("product.product")
    archived = next(v for v in variants.values() if v.get("product_tmpl_id"))
    archived["active"] = False  # an archived variant is not among the template's variants
    templates = sorted(fake.db.table("product.template"))
    fields = ["default_code", "product_variant_ids", "product_variant_count", "qty_available"]
    together = fake.db.read(env, "product.template", templates, fields)
    alone = [fake.db.read(env, "product.template", [t], fields)[0] for t in templates]
    assert together == alone
    assert any(len(r["product_variant_ids"]) > 1 for r in together)
