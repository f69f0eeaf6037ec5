"""Regenerate magodoo/testing/data/magento/schema-subset.json from the full 2.4.7 admin schema.

    .venv/bin/python -m tests.testing.magento_schema_subset

Keeps the paths (with only the methods) the fake serves, the definitions they reference
transitively, and the definitions the fake reads itself (search criteria).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT.parent / "shared" / "reference" / "magento" / "rest-schema-2.4.7-admin.json"
SUBSET = ROOT / "magodoo" / "testing" / "data" / "magento" / "schema-subset.json"
EXTRA_DEFINITIONS = ("framework-search-criteria-interface",)


def served_operations() -> list[tuple[str, str]]:
    from magodoo.testing.fake_magento import build_router

    return sorted({(r.method, r.template) for r in build_router().routes})


def build(full: dict[str, Any]) -> dict[str, Any]:
    from magodoo.testing._magento.schema import trim

    return trim(full, served_operations(), EXTRA_DEFINITIONS)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    full = json.loads(FULL.read_text(encoding="utf-8"))
    SUBSET.write_text(dumps(build(full)), encoding="utf-8")


if __name__ == "__main__":
    main()
