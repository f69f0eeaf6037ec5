"""The typed records read the real server's data and name only fields it has."""

from __future__ import annotations

import json
import typing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.odoo import (
    ALL_MODELS,
    OdooRecord,
    Partner,
    ProductProduct,
    PublicCategory,
    Ref,
    TemplateAttributeValue,
)

COMPATIBLE: dict[Any, set[str]] = {
    str: {"char", "text", "html", "selection", "reference"},
    int: {"integer", "many2one_reference"},
    float: {"float", "monetary"},
    bool: {"boolean"},
    Ref: {"many2one"},
    tuple: {"one2many", "many2many"},
    datetime: {"datetime"},
    date: {"date"},
}


def _base(type_: Any) -> Any:
    if typing.get_origin(type_) is tuple:
        return tuple
    args = [a for a in typing.get_args(type_) if a is not type(None)]
    return args[0] if args else type_


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_fields_exist_with_compatible_types(reference_dir: Path, cls: type[OdooRecord]) -> None:
    dump = json.loads(
        (reference_dir / "odoo" / "fields" / f"{cls.MODEL}.fields.json").read_text("utf-8")
    )
    hints = typing.get_type_hints(cls)
    assert tuple(a.name for a in attrs.fields(cls)) == cls.FIELDS  # type: ignore[arg-type]
    for name in cls.FIELDS:
        assert name in dump, f"{cls.MODEL}.{name} is not in the 18.0 dump"
        odoo_type = dump[name]["type"]
        assert odoo_type in COMPATIBLE[_base(hints[name])], (cls.MODEL, name, odoo_type)
        if odoo_type == "many2one" and name != "id":
            assert hints[name] == Ref | None
    for name in cls.READONLY:
        assert name in cls.FIELDS
    for name, info in dump.items():
        if name in cls.FIELDS and info["readonly"] and name != "id":
            assert name in cls.READONLY, f"{cls.MODEL}.{name} is read-only in Odoo"


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda c: c.__name__)
def test_demo_data_reads(reference_dir: Path, cls: type[OdooRecord]) -> None:
    path = reference_dir / "odoo" / "demo-data" / f"{cls.MODEL}.json"
    if not path.exists():
        pytest.skip(f"no demo data for {cls.MODEL}")
    rows = json.loads(path.read_text("utf-8"))
    records = [cls.from_api(row) for row in rows]
    assert len(records) == len(rows)
    assert all(r.id == row["id"] for r, row in zip(records, rows, strict=True))


def test_partner_from_api_and_back() -> None:
    row = {
        "id": 44, "name": "Magento Test Co", "type": "contact", "parent_id": False,
        "child_ids": [45, 46], "is_company": True, "email": "a@b.c", "street2": False,
        "country_id": [233, "United States"], "state_id": [13, "California (US)"],
        "active": True, "write_date": "2026-11-27 05:01:49", "unknown_key": 1,
    }
    partner = Partner.from_api(row)
    assert partner.country_id == Ref(233, "United States")
    assert partner.parent_id is None and partner.street2 is None
    assert partner.child_ids == (45, 46)
    assert partner.write_date == datetime(2026, 11, 27, 5, 1, 49, tzinfo=UTC)
    values = partner.to_values()
    assert values["country_id"] == 233 and values["parent_id"] is False
    assert values["street2"] is False
    assert "id" not in values and "write_date" not in values and "child_ids" not in values
    assert partner.to_values(include=["child_ids"])["child_ids"] == [(6, 0, [45, 46])]
    assert partner.to_values(only=["name", "email"]) == {
        "name": "Magento Test Co", "email": "a@b.c"
    }


def test_many2one_as_bare_id() -> None:
    assert Partner.from_api({"id": 1, "country_id": 233}).country_id == Ref(233)


def test_new_record_without_id() -> None:
    category = PublicCategory(name="Shirts", parent_id=Ref(50))
    assert category.to_values() == {
        "name": "Shirts", "parent_id": 50, "sequence": 0, "website_id": False
    }
    assert category.to_values(skip_none=True) == {"name": "Shirts", "parent_id": 50,
                                                  "sequence": 0}


def test_variant_price_is_written_on_ptav() -> None:
    variant = ProductProduct.from_api({"id": 3, "lst_price": 27.0, "price_extra": 2.0})
    assert "lst_price" not in variant.to_values()
    assert "price_extra" not in variant.to_values()
    ptav = TemplateAttributeValue.from_api({"id": 9, "price_extra": 2.0})
    assert ptav.to_values(only=["price_extra"]) == {"price_extra": 2.0}
