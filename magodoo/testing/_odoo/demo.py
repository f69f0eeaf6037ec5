"""Seed data: the base records of a fresh database, and the real server's demo records."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

from .orm import Database, Row
from .schema import DESCRIPTIONS, model_fields, model_names
from .values import parse_datetime

DATA = "data/odoo"
# Order matters: a row may only point at rows loaded before it.
DEMO_ORDER = [
    "stock.location", "res.company", "res.partner", "website", "account.tax", "product.category",
    "product.public.category", "product.attribute", "product.attribute.value", "product.template",
    "product.template.attribute.line", "product.template.attribute.value", "product.product",
    "delivery.carrier", "payment.provider", "stock.warehouse", "stock.quant", "sale.order",
    "sale.order.line",
]
# Ids and document numbers where the reference server's demo database continued (its workflow
# recordings start from these), so that replays address the same records.
DEMO_NEXT_IDS = {
    "res.partner": 44, "account.tax": 3, "account.tax.group": 2, "sale.order": 41,
    "sale.order.line": 68, "stock.picking": 30, "stock.move": 53, "account.move": 25,
    "account.move.line": 58, "account.payment": 1, "product.template": 41,
    "product.product": 54, "product.public.category": 49, "product.attribute": 8,
    "product.attribute.value": 18, "product.template.attribute.line": 9,
    "product.template.attribute.value": 21, "stock.quant": 44, "base.automation": 1,
    "ir.actions.server": 500, "account.payment.register": 1, "sale.advance.payment.inv": 1,
    "account.move.reversal": 1, "product.pricelist": 4,
}
DEMO_SEQUENCES = {"sale.order": 41, "stock.picking.out": 25, "INV/2026": 5, "RINV/2026": 6}
# Facts the demo dump lacks but the workflow recordings show (05, 07: products 20 and 33 invoice
# what was delivered).
DEMO_PATCHES: dict[str, dict[int, Row]] = {
    "product.template": {14: {"invoice_policy": "delivery"}, 24: {"invoice_policy": "delivery"}},
}
# Field defaults Odoo gave the demo records that the dump does not carry (product.template
# ``sale_ok``/``purchase_ok`` default to True; every demo product is sold in the web shop).
DEMO_DEFAULTS: dict[str, Row] = {
    "product.template": {"sale_ok": True, "purchase_ok": True},
}
USD_ID = 1  # the only currency of a fresh database (base.json)
# Known ir.model ids of the reference server (webhook samples).
IR_MODEL_IDS = {"product.template": 387, "sale.order": 610, "stock.picking": 524}


def _read(name: str) -> Any:
    text = resources.files("magodoo.testing").joinpath(f"{DATA}/{name}").read_text("utf-8")
    return json.loads(text)


def _clean(db: Database, model: str, record: dict[str, Any], now: datetime) -> Row:
    fields = model_fields(model)
    spec = db.spec(model)
    row: Row = {}
    for name, value in record.items():
        if name not in fields:
            raise KeyError(f"{model}.{name} is not a field of the dump")
        ftype = fields[name]["type"]
        if name != "id" and (name in spec.computes or name in spec.o2m):
            continue
        if ftype == "many2one":
            row[name] = value[0] if isinstance(value, list) else (value or None)
        elif ftype == "datetime":
            row[name] = parse_datetime(value) if value else False
        else:
            row[name] = value
    row.setdefault("create_date", row.get("write_date") or now)
    row.setdefault("write_date", now)
    row.setdefault("create_uid", 1)
    row.setdefault("write_uid", 1)
    if "active" in fields:
        row.setdefault("active", True)
    return row


def seed(db: Database, seed: str | None, now: datetime) -> None:
    _seed_countries(db, now)
    base = _read("base.json")
    for model, records in base.items():
        if model.startswith("_"):
            continue
        for record in records:
            db.insert(model, _clean(db, model, record, now))
    _seed_modules(db, now)
    _seed_ir_model(db, now)
    if seed is None:
        return
    if seed not in ("demo", "catalog"):
        raise ValueError(f"unknown seed {seed!r} (use 'demo', 'catalog' or None)")
    for model in DEMO_ORDER:
        patches = DEMO_PATCHES.get(model, {})
        for record in _read(f"demo/{model}.json"):
            row = _clean(db, model, record, now)
            for name, value in DEMO_DEFAULTS.get(model, {}).items():
                if name not in record:
                    row[name] = value
            row.update(patches.get(row["id"], {}))
            db.table(model)[row["id"]] = row
    _seed_extra(db, now, images=seed == "catalog")
    db.next_ids.update(DEMO_NEXT_IDS)
    db.sequences.update(DEMO_SEQUENCES)


def _seed_extra(db: Database, now: datetime, *, images: bool) -> None:
    """magodoo's own additions to the demo (``demo-extra.json``): the combos of the demo's
    combo product (the dump has no ``product.combo``; a combo product has at least one), the
    demo's pricelists from Odoo 18's source (the dump has none), and
    with ``images`` (seed ``catalog``) product images, one with a video URL (the reference
    demo has none; kept out of seed ``demo`` so the recorded workflows replay with their
    ids)."""
    extra = _read("demo-extra.json")
    for rid, values in extra["product.template"].items():
        if images or "image_1920" not in values:
            db.table("product.template")[int(rid)].update(values)
    for model in ("product.combo", "product.combo.item", "product.pricelist",
                  *(("product.image",) if images else ())):
        for record in extra[model]:
            row = _clean(db, model, record, now)
            db.table(model)[row["id"]] = row


def _seed_countries(db: Database, now: datetime) -> None:
    """Every ISO country and the states Odoo ships for the main ones (see the file's ``_ids``)."""
    data = _read("countries.json")
    stamps = {"create_date": now, "write_date": now, "create_uid": 1, "write_uid": 1}
    by_code: dict[str, int] = {}
    for rid, code, name, phone in data["res.country"]:
        by_code[code] = rid
        db.insert("res.country", {"id": rid, "code": code, "name": name, "phone_code": phone,
                                  "currency_id": USD_ID if code == "US" else None, **stamps})
    for rid, country, code, name in data["res.country.state"]:
        db.insert("res.country.state", {"id": rid, "country_id": by_code[country], "code": code,
                                        "name": name, **stamps})


def installed_modules() -> list[str]:
    """Names of the modules the reference server had installed (the shipped trim)."""
    names: list[str] = _read("modules.json")["installed"]
    return names


def _seed_modules(db: Database, now: datetime) -> None:
    """``ir.module.module``: the reference server's installed modules (generated ids)."""
    table = db.table("ir.module.module")
    for name in installed_modules():
        if any(row.get("name") == name for row in table.values()):
            continue
        db.insert("ir.module.module", {"name": name, "state": "installed", "create_date": now,
                                       "write_date": now, "create_uid": 1, "write_uid": 1})


def _seed_ir_model(db: Database, now: datetime) -> None:
    next_model = 1000
    next_field = 10000
    next_selection = 1
    for model in model_names():
        mid = IR_MODEL_IDS.get(model)
        if mid is None:
            mid = next_model
            next_model += 1
        db.table("ir.model")[mid] = {
            "id": mid, "model": model, "name": DESCRIPTIONS.get(model, model), "state": "base",
            "transient": False, "create_date": now, "write_date": now,
        }
        for fname, field in sorted(model_fields(model).items()):
            fid = next_field
            next_field += 1
            db.table("ir.model.fields")[fid] = {
                "id": fid, "name": fname, "model": model, "model_id": mid,
                "ttype": field["type"], "field_description": field.get("string"),
                "relation": field.get("relation") or False, "required": bool(field.get("required")),
                "readonly": bool(field.get("readonly")), "store": True, "state": "base",
                "create_date": now, "write_date": now,
            }
            for seq, (value, label) in enumerate(field.get("selection") or []):
                db.table("ir.model.fields.selection")[next_selection] = {
                    "id": next_selection, "field_id": fid, "value": value, "name": label,
                    "sequence": seq, "create_date": now, "write_date": now,
                }
                next_selection += 1
