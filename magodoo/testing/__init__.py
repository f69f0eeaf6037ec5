"""Faithful fakes of Magento 2.4 and Odoo 18, for tests, demos and benchmarks.

Public: users test their own mappers and integrations against the same fakes magodoo uses.
Nothing in the library imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from magodoo.testing._server import serve

if TYPE_CHECKING:
    from magodoo.testing.fake_magento import FakeMagento
    from magodoo.testing.fake_odoo import FakeOdoo

__all__ = ["FakeMagento", "FakeOdoo", "serve"]


def __getattr__(name: str) -> Any:
    # The fakes load their data files on import: only pay for the one that is used.
    if name == "FakeMagento":
        from magodoo.testing.fake_magento import FakeMagento

        return FakeMagento
    if name == "FakeOdoo":
        from magodoo.testing.fake_odoo import FakeOdoo

        return FakeOdoo
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
