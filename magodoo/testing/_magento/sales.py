"""The sales side of the fake Magento: taxes, cart rules, carts, orders and their documents.

Every route module of the sales side registers here; see ``sales_*.py`` for the behaviour each
one reproduces (recorded on a real 2.4.6, ``samples-2.4.6-sales``).
"""

from __future__ import annotations

from magodoo.testing._magento import (
    sales_carts,
    sales_creditmemos,
    sales_invoices,
    sales_order_api,
    sales_rules,
    sales_shipments,
    sales_tax,
)
from magodoo.testing._magento.routing import Router

MODULES = (
    sales_tax,
    sales_rules,
    sales_carts,
    sales_order_api,
    sales_invoices,
    sales_shipments,
    sales_creditmemos,
)


def register(r: Router) -> None:
    """Register every sales route (customers register themselves from ``customers.py``)."""
    for module in MODULES:
        module.register(r)
