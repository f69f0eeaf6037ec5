"""Countries, states and installed modules of a fresh database; ondelete of the relations."""

from __future__ import annotations

import json
from pathlib import Path

from odoo_rpc import Rpc

from magodoo.testing._odoo.demo import installed_modules
from magodoo.testing.fake_odoo import FakeOdoo


async def test_every_country_resolves_by_code(odoo: Rpc) -> None:
    assert await odoo("res.country", "search_count", []) == 250
    for code in ("FR", "DE", "GB", "CA", "JP", "US", "ES", "IT", "UY", "XK"):
        rows = await odoo("res.country", "search_read", [["code", "=", code]], ["code", "name"])
        assert len(rows) == 1, code
    (gb,) = await odoo("res.country", "search_read", [["code", "=", "GB"]], ["name"])
    assert gb["name"] == "United Kingdom"


async def test_states_resolve_by_country_and_code(odoo: Rpc) -> None:
    for country, code, name in (("CA", "ON", "Ontario"), ("AU", "NSW", "New South Wales"),
                                ("US", "TX", "Texas"), ("MX", "JAL", "Jalisco"),
                                ("IN", "MH", "Maharashtra"), ("BR", "SP", "São Paulo"),
                                ("IT", "MI", "Milano"), ("ES", "M", "Madrid"),
                                ("DE", "DE-BY", "Bayern")):
        rows = await odoo("res.country.state", "search_read",
                          [["country_id.code", "=", country], ["code", "=", code]], ["name"])
        assert [r["name"] for r in rows] == [name], (country, code)
    (on,) = await odoo("res.country.state", "search_read", [["code", "=", "ON"]],
                       ["display_name", "country_id"])
    assert on["display_name"] == "Ontario (CA)" and on["country_id"][1] == "Canada"


async def test_country_and_state_ids_match_the_reference(
    odoo: Rpc, odoo_reference: Path
) -> None:
    """Ids the real server showed: the 4 states coded 'CA' (workflow 01) and the demo partners."""
    recording = json.loads((odoo_reference / "workflows" / "01-partners-addresses.json")
                           .read_text())
    real = next(step["result"] for step in recording["calls"]
                if isinstance(step.get("result"), list) and len(step["result"]) == 4
                and isinstance(step["result"][0], dict)
                and step["result"][0].get("name") == "California")
    got = await odoo("res.country.state", "search_read", [["code", "=", "CA"]],
                     ["id", "name", "country_id"], order="id")
    assert got == real
    for partner in json.loads((odoo_reference / "demo-data" / "res.partner.json").read_text()):
        for field in ("state_id", "country_id"):
            if partner[field]:
                rid, name = partner[field]
                model = "res.country.state" if field == "state_id" else "res.country"
                (row,) = await odoo(model, "read", [rid], ["display_name"])
                assert row["display_name"] == name, (field, rid)


def test_shipped_module_list_matches_the_reference(odoo_reference: Path) -> None:
    real = json.loads((odoo_reference / "version.json").read_text())["installed_modules"]
    assert installed_modules() == sorted(real)


async def test_installed_modules_are_listed(odoo: Rpc) -> None:
    rows = await odoo("ir.module.module", "search_read", [["state", "=", "installed"]], ["name"])
    names = {r["name"] for r in rows}
    assert len(names) == 78
    assert {"sale_management", "stock", "account", "website_sale", "delivery", "payment",
            "base_automation", "payment_custom", "sale_stock", "stock_delivery"} <= names
    assert await odoo("ir.module.module", "search_count", [["name", "=", "accountant"],
                                                           ["state", "=", "uninstallable"]]) == 1


def test_fresh_database_has_countries_too() -> None:
    fake = FakeOdoo(seed=None)
    codes = {r["code"] for r in fake.table("res.country").values()}
    assert len(codes) == 250 and {"FR", "DE", "GB", "JP"} <= codes
    assert fake.table("res.country")[233]["currency_id"] == 1


# -- ondelete ----------------------------------------------------------------------------------
async def test_deleting_a_public_category_deletes_its_subtree(odoo: Rpc) -> None:
    top = await odoo("product.public.category", "create", {"name": "Top"})
    mid = await odoo("product.public.category", "create", {"name": "Mid", "parent_id": top})
    leaf = await odoo("product.public.category", "create", {"name": "Leaf", "parent_id": mid})
    other = await odoo("product.public.category", "create", {"name": "Other"})
    tmpl = await odoo("product.template", "create", {"name": "Chair",
                                                     "public_categ_ids": [[6, 0, [leaf, other]]]})
    assert await odoo("product.public.category", "unlink", [top]) is True
    assert await odoo("product.public.category", "search", [["id", "in", [top, mid, leaf]]]) == []
    (row,) = await odoo("product.template", "read", [tmpl], ["public_categ_ids"])
    assert row["public_categ_ids"] == [other]


async def test_deleting_a_product_category_deletes_its_children(odoo: Rpc) -> None:
    top = await odoo("product.category", "create", {"name": "Top"})
    child = await odoo("product.category", "create", {"name": "Child", "parent_id": top})
    await odoo("product.category", "unlink", [top])
    assert await odoo("product.category", "search", [["id", "in", [top, child]]]) == []


async def test_category_in_use_cannot_be_deleted(odoo: Rpc) -> None:
    categ = await odoo("product.category", "create", {"name": "Used"})
    await odoo("product.template", "create", {"name": "Lamp", "categ_id": categ})
    error = await odoo.error("product.category", "unlink", [categ])
    assert error["name"] == "odoo.exceptions.ValidationError"
    assert "product_template_categ_id_fkey" in error["message"]
    assert categ in odoo.fake.table("product.category")


async def test_deleting_a_company_keeps_its_addresses(odoo: Rpc) -> None:
    company = await odoo("res.partner", "create", {"name": "Co", "is_company": True,
                                                   "child_ids": [[0, 0, {"type": "delivery",
                                                                         "name": "Dock"}]]})
    (row,) = await odoo("res.partner", "read", [company], ["child_ids"])
    await odoo("res.partner", "unlink", [company])
    (child,) = await odoo("res.partner", "read", row["child_ids"], ["parent_id", "active"])
    assert (child["parent_id"], child["active"]) == (False, True)


async def test_deleting_a_template_takes_variants_and_lines(odoo: Rpc) -> None:
    tmpl = await odoo("product.template", "create", {"name": "Shirt", "attribute_line_ids": [
        [0, 0, {"attribute_id": 1, "value_ids": [[6, 0, [1, 2]]]}]]})
    (row,) = await odoo("product.template", "read", [tmpl], ["product_variant_ids",
                                                            "attribute_line_ids"])
    assert len(row["product_variant_ids"]) == 2
    await odoo("product.template", "unlink", [tmpl])
    assert await odoo("product.product", "search", [["id", "in", row["product_variant_ids"]]],
                      context={"active_test": False}) == []
    assert not set(row["attribute_line_ids"]) & set(
        odoo.fake.table("product.template.attribute.line"))
    assert not [v for v in odoo.fake.table("product.template.attribute.value").values()
                if v.get("attribute_line_id") in row["attribute_line_ids"]]


async def test_deleting_an_order_deletes_its_lines(odoo: Rpc) -> None:
    so = await odoo("sale.order", "create", {"partner_id": 10, "order_line": [
        [0, 0, {"product_id": 44, "product_uom_qty": 1}]]})
    (row,) = await odoo("sale.order", "read", [so], ["order_line"])
    await odoo("sale.order", "unlink", [so])
    assert not set(row["order_line"]) & set(odoo.fake.table("sale.order.line"))


async def test_country_in_use_cannot_be_deleted(odoo: Rpc) -> None:
    await odoo("res.partner", "create", {"name": "Paris", "country_id": 75})
    error = await odoo.error("res.country", "unlink", [75])
    assert "res_partner_country_id_fkey" in error["message"]
    assert 75 in odoo.fake.table("res.country")


def test_ondelete_declarations_are_checked() -> None:
    fake = FakeOdoo(seed=None)
    assert fake.db.ondelete_mode("sale.order.line", "order_id", True) == "cascade"
    assert fake.db.ondelete_mode("sale.order", "partner_id", True) == "restrict"
    assert fake.db.ondelete_mode("choose.delivery.carrier", "order_id", True) == "cascade"
    assert fake.db.ondelete_mode("stock.picking", "partner_id", False) == "set null"
    for bad in (("res.partner", "name", "cascade"), ("res.partner", "parent_id", "delete"),
                ("sale.order", "partner_id", "set null")):
        try:
            fake.db.on_delete(*bad)
        except ValueError:
            continue
        raise AssertionError(bad)
