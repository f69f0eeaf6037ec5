"""The shipped trims (fields, demo records) agree with the reference dumps of the real server."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from magodoo.testing._odoo.schema import EXTRA_MODELS, dumped_fields
from magodoo.testing.fake_odoo import FakeOdoo

ATTRS = ("type", "string", "relation", "required", "readonly", "selection")


def test_every_dump_loads_and_shipped_fields_match(odoo_reference: Path) -> None:
    dumps = {p.name.removesuffix(".fields.json"): json.loads(p.read_text())
             for p in sorted((odoo_reference / "fields").glob("*.fields.json"))}
    assert len(dumps) >= 50
    shipped = dumped_fields()
    for model, fields in shipped.items():
        assert model in dumps, f"{model} is shipped but was not dumped"
        assert set(fields) == set(dumps[model]), f"{model}: field list differs from the dump"
        for name, info in fields.items():
            real = dumps[model][name]
            for attr, value in info.items():
                assert attr in ATTRS
                assert real.get(attr) == value, f"{model}.{name}.{attr}: {value!r} != dump"
            for attr in ("type", "relation", "required", "readonly"):
                assert info.get(attr) == real.get(attr), f"{model}.{name}.{attr}"
            if real["type"] == "selection":
                assert info["selection"] == real["selection"]


def test_models_defined_in_code_are_not_dumped(odoo_reference: Path) -> None:
    for model in EXTRA_MODELS:
        assert not (odoo_reference / "fields" / f"{model}.fields.json").exists(), model


def test_demo_copies_match_the_reference(odoo_reference: Path) -> None:
    shipped = resources.files("magodoo.testing").joinpath("data/odoo/demo")
    for path in sorted((odoo_reference / "demo-data").glob("*.json")):
        real = json.loads(path.read_text())
        copy = shipped.joinpath(path.name)
        if not real:
            continue
        assert copy.is_file(), path.name
        assert json.loads(copy.read_text("utf-8")) == real, path.name


def test_seeded_rows_only_use_dumped_fields() -> None:
    fake = FakeOdoo(seed="demo")
    for model, table in fake.db.tables.items():
        fields = fake.db.fields(model)
        for row in table.values():
            unknown = {k for k in row if k not in fields and not k.startswith("_")}
            unknown -= {"reserved", "paid", "reconciled"}  # the fake's own bookkeeping
            assert not unknown, f"{model}: {unknown}"


def test_fresh_database_has_base_records() -> None:
    fake = FakeOdoo(seed=None)
    assert fake.table("res.company")[1]["name"] == "My Company (San Francisco)"
    assert fake.table("res.currency")[1]["name"] == "USD"
    assert fake.table("res.country")[233]["code"] == "US"
    assert fake.table("res.country.state")[13]["name"] == "California"
    assert fake.table("stock.warehouse")[1]["lot_stock_id"] == 8
    assert fake.table("product.category")[1]["name"] == "All"
    assert fake.table("res.users")[2]["login"] == "admin"
    assert not fake.table("product.template")
    assert not fake.table("sale.order")


async def test_computed_demo_values_match_the_real_server(odoo_reference: Path) -> None:
    """Amounts, prices and stock the fake computes for the demo records equal the dump's."""
    from magodoo.testing._odoo.orm import Env

    fake = FakeOdoo(seed="demo")
    env = Env(fake.db, 2, {}, fake.now())

    def dump(model: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = json.loads(
            (odoo_reference / "demo-data" / f"{model}.json").read_text())
        return rows

    def value(model: str, rid: int, name: str) -> object:
        return fake.db.raw_value(env, model, fake.table(model)[rid], name)

    for row in dump("sale.order"):
        for name in ("amount_untaxed", "amount_tax", "amount_total"):
            assert value("sale.order", int(str(row["id"])), name) == row[name], (row["id"], name)
    for row in dump("sale.order.line"):
        for name in ("price_subtotal", "price_tax", "price_total"):
            got = value("sale.order.line", int(str(row["id"])), name)
            assert round(float(str(got)), 2) == row[name], (row["id"], name)
    for row in dump("product.product"):
        rid = int(str(row["id"]))
        assert value("product.product", rid, "lst_price") == row["lst_price"], rid
        assert value("product.product", rid, "price_extra") == row["price_extra"], rid
        assert value("product.product", rid, "qty_available") == row["qty_available"], rid
        assert value("product.product", rid, "free_qty") == row["free_qty"], rid
        assert fake.db.display_name(env, "product.product", rid) == fake.db.display_name(
            env, "product.product", rid)
    names = {int(str(r["id"])): r["product_id"] for r in dump("sale.order.line")}
    for rid, product in names.items():
        assert isinstance(product, list)
        line = fake.table("sale.order.line")[rid]
        assert fake.db.display_name(env, "product.product", line["product_id"]) == product[1]
    for row in dump("product.public.category"):
        rid = int(str(row["id"]))
        assert value("product.public.category", rid, "child_id") == row["child_id"], rid
