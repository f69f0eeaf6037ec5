"""The fake Odoo's searches narrowed by a many2one column's index (``product_tmpl_id in [...]``)
and its one2many reads of many parents at once answer exactly what a pass over the whole table
answers: archived rows, rows of other companies, variants of one template, rows whose column is
empty, holds a list or ``True``, rows changed after the index was built."""

from __future__ import annotations

from typing import Any

import pytest
from whole_table import whole_table

from magodoo.testing._odoo.orm import Database, Env, TxRow
from magodoo.testing.fake_odoo import FakeOdoo


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


FILL = 400
"""Rows added to each table searched: an index narrows a search only to the rows of at most a
tenth of the table (a condition most rows meet is tested row by row)."""


def _fill(db: Database, model: str, **values: Any) -> None:
    start = max(db.table(model)) + 1000
    for n in range(FILL):
        db.insert(model, {"id": start + n, **values})


@pytest.fixture(scope="module")
def db() -> Database:
    fake = FakeOdoo(seed="demo")
    db = fake.db
    variants = db.table("product.product")
    templates = sorted({r["product_tmpl_id"] for r in variants.values()})
    first, second = templates[0], templates[1]
    _fill(db, "product.product", product_tmpl_id=templates[-1], active=True)
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
    _fill(db, "res.partner", name="Filler", active=True)
    partners = db.table("res.partner")
    for rid in list(partners)[:60:5]:
        partners[rid]["company_id"] = 2  # another company
    db.changed("res.partner")
    return db


def _domains(db: Database) -> list[list[Any]]:
    templates = sorted({r["product_tmpl_id"] for r in db.table("product.product").values()
                        if isinstance(r.get("product_tmpl_id"), int)})
    some = [*templates[:4], 1, 9999]  # not the fillers' template (the last one)
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
        assert got == whole_table(env, "product.product", domain, offset, limit, order), \
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
    assert got == whole_table(env, "res.partner", domain, 0, None, None)


def test_index_keeps_rows_holding_a_list() -> None:
    """A column holding a list does not hash: the index keeps the row apart, where() never
    returns it and a search by id still finds it, as the whole-table pass does."""
    fake = FakeOdoo(seed="demo")
    db = fake.db
    model = "sale.order.line"
    env = Env(db, 2, {}, fake.now())
    _fill(db, model, order_id=max(db.table("sale.order")), sequence=10)
    db.insert(model, {"id": 900, "order_id": [1, 2], "sequence": 10})
    assert all(r["id"] != 900 for r in db.where(model, order_id=1))
    for domain in ([("order_id", "in", [2])], [("order_id", "=", 1)], [("order_id", "in", [3])]):
        got = [r["id"] for r in db.search_rows(env, model, domain, order="id")]
        assert got == whole_table(env, model, domain, 0, None, "id"), domain
    found = db.search_rows(env, model, [("order_id", "in", [2])], order="id")
    assert 900 in [r["id"] for r in found]
    db.insert(model, TxRow({"id": 901, "order_id": [3], "sequence": 10}))
    domain: list[Any] = [("order_id", "=", 3)]
    got = [r["id"] for r in db.search_rows(env, model, domain, order="id")]
    assert 901 in got  # joined the index already built
    assert got == whole_table(env, model, domain, 0, None, "id")


@pytest.mark.parametrize("context", [{}, {"active_test": False}])
@pytest.mark.parametrize("name", ["product_variant_ids", "attribute_line_ids"])
def test_one2many_of_many_parents_equals_a_whole_table_pass(
        db: Database, context: dict[str, Any], name: str) -> None:
    env = Env(db, 2, context, db.table("res.users")[2]["create_date"])
    ids = [*sorted(db.table("product.template")), 9999, 1]  # unknown and repeated parents
    assert db._inverse_index(env, "product.template", name, ids) == _children_whole_table(
        env, "product.template", name, ids)


def _counted(db: Database, model: str) -> dict[int, Any]:
    """The demo's rows of ``model`` as rows that count their changes (as inserted rows are):
    only such a table is searched through a text column's index."""
    table = db.table(model)
    for rid, row in list(table.items()):
        table[rid] = TxRow(row)
    db.changed(model)
    assert db._text_index(model, "id") is not None
    return table


def _text_domains(codes: list[Any]) -> list[list[Any]]:
    return [
        [("default_code", "in", codes)],
        [("default_code", "in", [])],
        [("default_code", "in", [*codes, False])],  # with "no code": not narrowed
        [("default_code", "in", [""])],
        [("default_code", "in", codes), ("id", ">", 5)],
        [("default_code", "in", codes), ("product_tmpl_id", "in", [1, 2, 3, 4, 5, 6])],
        [("default_code", "IN", codes)],
        ["|", ("default_code", "in", codes[:1]), ("id", "=", 3)],
        [("default_code", "not in", codes)],
        [("default_code", "=", codes[0])],
    ]


@pytest.mark.parametrize("context", [{}, {"active_test": False}])
def test_text_index_search_equals_a_whole_table_pass(context: dict[str, Any]) -> None:
    """``default_code in [...]`` from an index of the column: the same rows as a whole-table
    pass, also after codes are changed in place with nobody calling ``changed()`` (a
    template's code written through to its only variant), a row is archived, codes are
    shared, missing, empty or a list, and while a plain-dict row (whose changes nobody
    counts) is in the table."""
    fake = FakeOdoo(seed="demo")
    db = fake.db
    env = Env(db, 2, context, fake.now())
    model = "product.product"
    variants = _counted(db, model)
    _fill(db, model, product_tmpl_id=max(db.table("product.template")), active=True)
    codes = sorted({r["default_code"] for r in variants.values() if r.get("default_code")})
    wanted = [*codes[:6], "NOPE", codes[-1]]

    def check() -> None:
        for domain in _text_domains(wanted):
            for order in (None, "id"):
                got = [r["id"] for r in db.search_rows(env, model, domain, order=order)]
                assert got == whole_table(env, model, domain, 0, None, order), domain

    check()  # the index is built
    assert db._text_index(model, "default_code") is not None
    rows = [r for r in variants.values() if r.get("default_code") in wanted]
    rows[0]["default_code"] = "CHANGED"  # in place, no changed(): its old code no longer
    next(r for r in variants.values() if r.get("default_code") not in wanted)[
        "default_code"] = wanted[1]  # and another row takes one of the codes
    rows[1]["active"] = False
    del rows[2]["default_code"]
    rows[3]["default_code"] = ""
    check()
    template = next(t for t in sorted(db.table("product.template"))
                    if len(db.where(model, product_tmpl_id=t)) == 1)
    db.write(env, "product.template", [template], {"default_code": wanted[2]})
    check()  # the template's inverse wrote its variant's code in place
    db.insert(model, {"id": 950, "product_tmpl_id": template, "default_code": wanted[0],
                      "active": True})  # the same code twice
    check()
    variants[951] = {"id": 951, "product_tmpl_id": template, "default_code": wanted[3],
                     "active": True}  # a plain dict: the search passes over the table
    assert db._text_index(model, "default_code") is None
    check()
    variants[951]["default_code"] = wanted[4]
    check()


def test_selection_in_equals_a_whole_table_pass() -> None:
    """A selection ``in`` (sale order states) stays exact when workflows change the state of
    a row in place."""
    fake = FakeOdoo(seed="demo")
    db = fake.db
    env = Env(db, 2, {}, fake.now())
    model = "sale.order"
    _counted(db, model)
    _fill(db, model, state="draft", partner_id=1)
    domains: list[list[Any]] = [[("state", "in", ["draft", "sent"])], [("state", "in", ["sale"])],
                                [("state", "in", ["cancel", "nope"])]]

    def check() -> None:
        for domain in domains:
            got = [r["id"] for r in db.search_rows(env, model, domain, order="id")]
            assert got == whole_table(env, model, domain, 0, None, "id"), domain

    check()
    orders = list(db.table(model).values())
    assert orders
    orders[0]["state"] = "cancel" if orders[0].get("state") != "cancel" else "draft"
    check()
