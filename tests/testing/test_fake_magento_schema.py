"""The fake's routes against Adobe's 2.4.7 admin schema, and its shipped data copies."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from magodoo.testing._magento import schema
from magodoo.testing.fake_magento import build_router

_spec = importlib.util.spec_from_file_location(
    "magento_schema_subset", Path(__file__).with_name("magento_schema_subset.py")
)
assert _spec is not None and _spec.loader is not None
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)
SUBSET: Path = generator.SUBSET
build = generator.build
dumps = generator.dumps

DATA = Path(__file__).resolve().parents[2] / "magodoo" / "testing" / "data" / "magento"


@pytest.fixture(scope="module")
def full_schema(reference_dir: Path) -> dict[str, Any]:
    path = reference_dir / "magento" / "rest-schema-2.4.7-admin.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_every_route_is_in_the_schema(full_schema: dict[str, Any]) -> None:
    missing = [
        r.key
        for r in build_router().routes
        if r.method.lower() not in full_schema["paths"].get(r.template, {})
    ]
    assert missing == []


def test_every_validated_route_is_in_the_shipped_subset() -> None:
    subset = schema.subset()
    missing = [
        r.key
        for r in build_router().routes
        if r.validate and r.method.lower() not in subset["paths"].get(r.template, {})
    ]
    assert missing == [], "regenerate: python -m tests.testing.magento_schema_subset"


def test_shipped_subset_is_a_fresh_trim(full_schema: dict[str, Any]) -> None:
    assert SUBSET.read_text(encoding="utf-8") == dumps(build(full_schema)), (
        "regenerate: .venv/bin/python -m tests.testing.magento_schema_subset"
    )


def test_base_attributes_are_the_recorded_ones(reference_dir: Path) -> None:
    sample = reference_dir / "magento" / "samples-2.4.6-sales" / "310_attribute_set_attributes.json"
    recorded = json.loads(sample.read_text(encoding="utf-8"))["response"]["json"]
    shipped = json.loads((DATA / "base-attributes.json").read_text(encoding="utf-8"))
    expected = []
    for attr in recorded:
        if attr["attribute_code"] == "size":  # created during the recording
            continue
        if attr["attribute_code"] == "color":  # its options were added during the recording
            attr = {**attr, "options": [o for o in attr["options"] if o["value"] == ""]}
        expected.append(attr)
    assert shipped["attributes"] == expected
