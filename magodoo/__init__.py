"""magodoo: keep a Magento 2.4 store and an Odoo ERP in sync over their public APIs."""

from __future__ import annotations

__all__: list[str] = []
__version__ = "0.1.0"
