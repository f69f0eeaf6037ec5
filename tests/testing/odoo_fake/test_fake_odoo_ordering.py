"""Issue 8: the fake Odoo sorts as PostgreSQL does under Odoo's ``_order``: NULL last
ascending, first descending, for each model's default order and for explicit ``order=``."""

from __future__ import annotations

import pytest
from odoo_rpc import Rpc

from magodoo.testing._odoo.models.orders import ORDERS
from magodoo.testing._odoo.schema import model_fields
from magodoo.testing.fake_odoo import FakeOdoo


async def test_default_order_puts_empty_codes_last(odoo: Rpc) -> None:
    # product.product's _order is "is_favorite desc, default_code, name, id": on the real
    # server the first variants are those with a default code
    rows = await odoo("product.product", "search_read", [], fields=["default_code"], limit=3)
    assert all(r["default_code"] for r in rows)
    every = await odoo("product.product", "search_read", [], fields=["default_code"])
    codes = [r["default_code"] for r in every]
    filled = [c for c in codes if c]
    assert codes == filled + [False] * (len(codes) - len(filled))
    assert filled == sorted(filled, key=str.lower)


@pytest.mark.parametrize(("order", "nulls_first"), [
    ("default_code", False), ("default_code asc", False), ("default_code desc", True),
    ("default_code desc, id", True),
])
async def test_explicit_order_nulls(odoo: Rpc, order: str, nulls_first: bool) -> None:
    rows = await odoo("product.product", "search_read", [], fields=["default_code"],
                      order=order)
    empty = [not r["default_code"] for r in rows]
    assert any(empty) and not all(empty)
    n = sum(empty)
    expected = [True] * n + [False] * (len(rows) - n) if nulls_first else \
        [False] * (len(rows) - n) + [True] * n
    assert empty == expected


async def test_many2one_nulls_and_zero_and_false_are_values(odoo: Rpc) -> None:
    ids = await odoo("res.partner", "create", [
        {"name": "Zero A", "color": 0, "ref": "ORD-1"},
        {"name": "Zero B", "color": 3, "ref": "ORD-2", "country_id": 233},
        {"name": "Zero C", "color": 1, "ref": "ORD-3", "is_company": True},
    ])
    domain = [["id", "in", ids]]
    by_color = await odoo("res.partner", "search", domain, order="color")
    assert by_color == [ids[0], ids[2], ids[1]]  # 0 is a value, sorted first
    by_country = await odoo("res.partner", "search", domain, order="country_id")
    assert by_country[0] == ids[1]  # the empty many2one is NULL: last ascending
    by_country = await odoo("res.partner", "search", domain, order="country_id desc")
    assert by_country[-1] == ids[1]
    by_company = await odoo("res.partner", "search", domain, order="is_company desc, id")
    assert by_company == [ids[2], ids[0], ids[1]]  # False is a value, after True


def test_every_default_order_names_known_fields() -> None:
    fake = FakeOdoo(seed=None)
    for model, order in ORDERS.items():
        fields = model_fields(model)
        for part in order.split(","):
            assert part.split()[0] in fields, (model, part)
        assert fake.db.spec(model).order == order, model
