"""Pricelists and currencies of the fake Odoo (built from Odoo 18's source; the reference has
the fields but no records): the demo's pricelists, the order's pricelist and currency, what is
refused."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from odoo_rpc import Rpc

from magodoo.testing.fake_odoo import FakeOdoo


def test_demo_pricelists_use_only_dumped_fields(odoo_reference: Path) -> None:
    real = json.loads((odoo_reference / "fields/product.pricelist.fields.json").read_text())
    extra = json.loads(resources.files("magodoo.testing").joinpath(
        "data/odoo/demo-extra.json").read_text("utf-8"))
    for row in extra["product.pricelist"]:
        assert set(row) <= set(real), set(row) - set(real)
    assert real["currency_id"]["required"] and real["name"]["required"]


def test_the_recorded_order_gets_the_recorded_pricelist(odoo_reference: Path) -> None:
    """Workflow 03: a US partner's order created without a pricelist reads Benelux (USD)."""
    flow = json.loads((odoo_reference / "workflows/03-sale-order-shipping.json").read_text())
    recorded = json.dumps(flow)
    assert '"pricelist_id": [2, "Benelux (USD)"]' in recorded.replace("\n", "")
    fake = FakeOdoo(seed="demo")
    (partner,), _ = fake.execute("res.partner", "create", [[{"name": "Magento Test Co"}]], {})
    (order,), _ = fake.execute("sale.order", "create", [[{"partner_id": partner}]], {})
    (row,), _ = fake.execute("sale.order", "read", [[order], ["pricelist_id", "currency_id"]], {})
    assert row == {"id": order, "pricelist_id": [2, "Benelux (USD)"], "currency_id": [1, "USD"]}


async def test_order_currency_follows_its_pricelist(odoo: Rpc) -> None:
    (eur,) = await odoo("res.currency", "search", [("name", "=", "EUR"),
                                                    ("active", "in", [True, False])])
    assert await odoo("res.currency", "search", [("name", "=", "EUR")]) == []  # archived
    order = await odoo("sale.order", "create", {"partner_id": 10, "pricelist_id": 3})
    (row,) = await odoo("sale.order", "read", [order], ["pricelist_id", "currency_id"])
    assert (row["pricelist_id"], row["currency_id"]) == ([3, "EUR (EUR)"], [eur, "EUR"])
    await odoo("sale.order", "write", [order], {"pricelist_id": 2})
    (row,) = await odoo("sale.order", "read", [order], ["currency_id"])
    assert row["currency_id"] == [1, "USD"]
    own = await odoo("product.pricelist", "create", {"name": "Partner's", "currency_id": eur})
    await odoo("res.partner", "write", [10], {"property_product_pricelist": own})
    order = await odoo("sale.order", "create", {"partner_id": 10})
    (row,) = await odoo("sale.order", "read", [order], ["pricelist_id", "currency_id"])
    assert (row["pricelist_id"][0], row["currency_id"][0]) == (own, eur)


async def test_pricelist_order_and_refusals(odoo: Rpc) -> None:
    rows = await odoo("product.pricelist", "search_read", [], fields=["name"])
    assert [r["name"] for r in rows] == ["Benelux", "EUR", "Christmas"]  # sequence, id
    err = await odoo.error("product.pricelist", "create", {"currency_id": 1})
    assert err["name"] == "odoo.exceptions.ValidationError"  # name is required
    err = await odoo.error("product.pricelist", "create", {"name": "X", "currency": 1})
    assert "Invalid field" in err["message"]
    err = await odoo.error("product.pricelist", "create", {"name": "X", "currency_id": 999})
    assert err["name"] == "odoo.exceptions.ValidationError"  # as samples/error-foreign-key-*
    err = await odoo.error("product.pricelist", "create", {"name": "X", "currency_id": "EUR"})
    assert err["name"] == "builtins.ValueError" or "Wrong value" in err["message"]
