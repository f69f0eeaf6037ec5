"""The public API is deliberate: each public package's ``__all__`` names what it exports."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import magodoo

PUBLIC = [
    "magodoo",
    "magodoo.backends",
    "magodoo.cli",
    "magodoo.console",
    "magodoo.engine",
    "magodoo.exceptions",
    "magodoo.magento",
    "magodoo.metrics",
    "magodoo.odoo",
    "magodoo.realtime",
    "magodoo.reconcile",
    "magodoo.settings",
    "magodoo.testing",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_all_is_sorted_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    # the order itself is ruff's RUF022 (isort-style) check
    for attr in exported:
        assert getattr(module, attr) is not None, f"{name}.{attr}"


def test_top_level_public_names_are_all_exported() -> None:
    public = {
        n for n in vars(magodoo)
        if not n.startswith("_") and not isinstance(getattr(magodoo, n), type(magodoo))
        and n != "annotations"
    }
    assert public <= set(magodoo.__all__)


def test_library_does_not_import_the_fakes() -> None:
    code = (
        "import sys, magodoo, magodoo.engine, magodoo.backends, magodoo.mapping,"
        " magodoo.realtime, magodoo.reconcile, magodoo.cli, magodoo.metrics;"
        "print([m for m in sys.modules if m.startswith('magodoo.testing')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
