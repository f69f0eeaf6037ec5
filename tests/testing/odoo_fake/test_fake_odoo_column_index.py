"""The fake Odoo's searches narrowed by a many2one column's index (``product_tmpl_id in [...]``)
and its one2many reads of many parents at once answer exactly what a pass over the whole table
answers: archived rows, rows of other companies, variants of one template, rows whose column is
empty, holds a list or ``True``, rows changed after the index was built."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.testing._odoo import access
from magodoo.testing._odoo.domain import compile_domain, mentions
from magodoo.testing._odoo.orm import Database, Env, TxRow
from magodoo.testing.fake_odoo import FakeOdoo


def _whole_table(env: Env, model: str, domain: list[Any], offset: int, limit: int | None,
                 order: str | None) -> list[int]:
    """The search as it was: every row tested, all sorted, then sliced."""
    db = env.db
    pred = compile_domain(env, model, domain)
    check_active = ("active" in db.fields(model) and env.context.get("active_test", True)
                    and not mentions(domain, "active"))
    rows = [r for r in db.table(model).values()
            if (not check_active or r.get("active", True)) and pred(r)]
    rows = access.visible(env, model, db.order(env, model, rows, order))
    return [r["id"] for r in rows[offset:None if not limit else offset + limit]]


def _children_whole_table(env: Env, model: str, name: str, ids: list[int]
                          ) -> dict[int, list[int]]:
    """A one2many of many parents as it was read: one pass over every child row."""
    db = env.db
    comodel = db.fields(model)[name]["relation"]
    inverse = db.spec(model).o2m[name]
    active = "active" in db.fields(comodel) and env.context.get("active_test", True)
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in db.table(comodel).values():
        parent = row.get(inverse)
        if parent in set(ids) and (not active or row.get("active", True)):
            grouped.setdefault(parent, []).append(row)
    return {k: [r["id"] for r in db.order(env, comodel, v, None)] for k, v in grouped.items()}


@pytest.fixture(scope="module")
def db() -> Database:
    fake = FakeOdoo(seed="demo")
    db = fake.db
    variants = db.table("product.product")
    templates = sorted({r["product_tmpl_id"] for r in variants.values()})
    first, second = templates[0], templates[1]
    many = max(templates, key=lambda t: len(db.where("product.product", product_tmpl_id=t)))
    db.search_rows(Env(db, 2, {}, fake.now()), "product.product",
                   [("product_tmpl_id", "in", templates)])  # the index exists before the edits
    archived = db.where("product.product", product_tmpl_id=many)[0]
    archived["active"] = False  # an archived variant of a template with several
    moved = db.where("product.product", product_tmpl_id=second)[0]
    moved["product_tmpl_id"] = first  # changed in place, then said so
    db.changed("product.product")
    db.insert("product.product", {"id": 901, "product_tmpl_id": True,
                                  "default_code": "TRUE", "active": True})  # True (== 1)
    db.insert("product.product", {"id": 902, "default_code": "NONE", "active": True})  # empty
    db.insert("product.product", {"id": 903, "product_tmpl_id": float(many),
                                  "default_code": "FLOAT", "active": True})  # 9.0 == 9
    partners = db.table("res.partner")
    for rid in list(partners)[::5]:
        partners[rid]["company_id"] = 2  # another company
    db.changed("res.partner")
    return db


def _domains(db: Database) -> list[list[Any]]:
    templates = sorted({r["product_tmpl_id"] for r in db.table("product.product").values()
                        if isinstance(r.get("product_tmpl_id"), int)})
    some = [*templates[:4], 1, 9999]
    return [
        [("product_tmpl_id", "in", some)],
        [("product_tmpl_id", "in", templates)],
        [("product_tmpl_id", "=", some[0])],
        [("product_tmpl_id", "=", 1)],
        [("product_tmpl_id", "in", [])],
        [("product_tmpl_id", "in", [float(t) for t in some])],
        [("product_tmpl_id", "IN", some)],
        [("product_tmpl_id", "in", [*some, False])],  # with "no template": not narrowed
        [("product_tmpl_id", "=", False)],
        [("product_tmpl_id", "in", [True])],
        [("product_tmpl_id", "=", "Desk")],  # a name: not narrowed
        [("product_tmpl_id", "in", some), ("id", ">", 10)],
        ["&", ("product_tmpl_id", "in", some), ("product_tmpl_id", "in", some[1:3])],
        [("product_tmpl_id", "in", some), ("active", "in", [True, False])],
        ["|", ("product_tmpl_id", "in", some[:1]), ("id", "=", 3)],  # an OR: not narrowed
        ["!", ("product_tmpl_id", "in", some)],
        [("product_tmpl_id", "not in", some)],
        [("product_tmpl_id.name", "ilike", "a"), ("product_tmpl_id", "in", some)],
        [("company_id", "in", [1])],  # the variant's company is the template's: not narrowed
    ]


@pytest.mark.parametrize("context", [{}, {"active_test": False}])
@pytest.mark.parametrize(("order", "offset", "limit"), [
    (None, 0, None), ("id", 0, 3), ("id desc", 1, 4), ("default_code", 0, None),
])
def test_many2one_index_search_equals_a_whole_table_pass(
        db: Database, context: dict[str, Any], order: str | None, offset: int,
        limit: int | None) -> None:
    env = Env(db, 2, context, db.table("res.users")[2]["create_date"])
    for domain in _domains(db):
        got = [r["id"] for r in db.search_rows(env, "product.product", domain, offset, limit,
                                                 order)]
        assert got == _whole_table(env, "product.product", domain, offset, limit, order), \
            domain


@pytest.mark.parametrize("domain", [
    [("company_id", "in", [1])], [("company_id", "=", 2)], [("company_id", "in", [1, 2])],
    [("parent_id", "in", [1, 3, 7])], [("parent_id", "=", False)],
    [("company_id", "in", [2]), ("is_company", "=", True)],
])
def test_other_companies_and_parents_equal_a_whole_table_pass(
        db: Database, domain: list[Any]) -> None:
    env = Env(db, 2, {}, db.table("res.users")[2]["create_date"])
    got = [r["id"] for r in db.search_rows(env, "res.partner", domain)]
    assert got == _whole_table(env, "res.partner", domain, 0, None, None)


def test_index_keeps_rows_holding_a_list() -> None:
    """A column holding a list does not hash: the index keeps the row apart, where() never
    returns it and a search by id still finds it, as the whole-table pass does."""
    fake = FakeOdoo(seed="demo")
    db = fake.db
    model = "sale.order.line"
    env = Env(db, 2, {}, fake.now())
    db.insert(model, {"id": 900, "order_id": [1, 2], "sequence": 10})
    assert all(r["id"] != 900 for r in db.where(model, order_id=1))
    for domain in ([("order_id", "in", [2])], [("order_id", "=", 1)], [("order_id", "in", [3])]):
        got = [r["id"] for r in db.search_rows(env, model, domain, order="id")]
        assert got == _whole_table(env, model, domain, 0, None, "id"), domain
    found = db.search_rows(env, model, [("order_id", "in", [2])], order="id")
    assert 900 in [r["id"] for r in found]
    db.insert(model, TxRow({"id": 901, "order_id": [3], "sequence": 10}))
    domain: list[Any] = [("order_id", "=", 3)]
    got = [r["id"] for r in db.search_rows(env, model, domain, order="id")]
    assert 901 in got  # joined the index already built
    assert got == _whole_table(env, model, domain, 0, None, "id")


@pytest.mark.parametrize("context", [{}, {"active_test": False}])
@pytest.mark.parametrize("name", ["product_variant_ids", "attribute_line_ids"])
def test_one2many_of_many_parents_equals_a_whole_table_pass(
        db: Database, context: dict[str, Any], name: str) -> None:
    env = Env(db, 2, context, db.table("res.users")[2]["create_date"])
    ids = [*sorted(db.table("product.template")), 9999, 1]  # unknown and repeated parents
    assert db._inverse_index(env, "product.template", name, ids) == _children_whole_table(
        env, "product.template", name, ids)
