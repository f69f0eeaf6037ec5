"""The public names of ``magodoo.reconcile``, and the comparison rules without servers."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

import magodoo.reconcile as reconcile
from magodoo.backends import memory_stores
from magodoo.magento import Customer, CustomerAddress
from magodoo.magento.models_common import Page
from magodoo.magento.search import SearchCriteria
from magodoo.reconcile import Difference, compare_customers
from magodoo.reconcile._difference import plain, same


def test_all_is_sorted_and_exported() -> None:
    assert reconcile.__all__ == sorted(reconcile.__all__)
    for name in reconcile.__all__:
        assert hasattr(reconcile, name), name
    public = {n for n, v in vars(reconcile).items() if not n.startswith("_")
              and not inspect.ismodule(v) and n != "annotations"}
    assert public == set(reconcile.__all__)


def test_values_compare_as_odoo_stores_them() -> None:
    assert plain(False) is None and plain("") is None and plain("  x ") == "x"
    assert plain([3, "United States"]) == 3
    assert same(False, None) and same("", False) and same(3, [3, "US"])
    assert not same("555", "556")
    assert same("A@Example.com", "a@example.com", casefold=True)
    assert not same("A@Example.com", "a@example.com")


class OneCustomerMagento:
    """A Magento with one customer the mapper refuses (no e-mail)."""

    async def search_customers(self, criteria: SearchCriteria | None = None) -> Page[Customer]:
        assert criteria is not None
        if any(f.field == "entity_id" and f.condition == "gt"
               for group in criteria.filter_groups for f in group):
            return Page(items=(), total_count=1)
        address = CustomerAddress(id=5, country_id="US", firstname="No", lastname="Mail")
        return Page(items=(Customer(id=1, firstname="No", lastname="Mail",
                                    addresses=(address,)),), total_count=1)

    async def list_categories(self, criteria: SearchCriteria | None = None) -> Any:
        raise AssertionError("not called")


class EmptyOdoo:
    async def search_read_page(self, model: str, *args: Any, **kwargs: Any) -> list[Any]:
        if model == "res.country":
            return [{"id": 233, "code": "US"}]
        return []

    async def read(self, model: str, *args: Any, **kwargs: Any) -> list[Any]:
        return []


async def test_an_unmappable_customer_names_the_field() -> None:
    diffs = [d async for d in compare_customers(OneCustomerMagento(), EmptyOdoo(),
                                                memory_stores())]
    assert len(diffs) == 1
    (diff,) = diffs
    assert (diff.kind, diff.magento_id, diff.field) == ("missing_in_odoo", "1", "email")
    assert "no e-mail" in diff.magento_value
    assert isinstance(diff, Difference)


def test_importing_loads_neither_pandas_nor_the_fakes() -> None:
    code = ("import sys, magodoo.reconcile;"
            "print(sorted(m for m in sys.modules if m == 'pandas' or "
            "m.startswith('magodoo.testing')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
