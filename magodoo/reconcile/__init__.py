"""Reconciliation for notebooks: the sync log as rows or a DataFrame, and what differs
between Magento and Odoo, record by record.

Everything reads in pages (bounded memory). The ``*_frame`` functions return
``pandas.DataFrame`` objects and need the ``pandas`` extra (``pip install 'magodoo[pandas]'``);
the rest is plain Python. ``docs/reconcile.md`` walks through a notebook session.
"""

from __future__ import annotations

from magodoo.reconcile._categories import compare_categories
from magodoo.reconcile._customers import compare_customers
from magodoo.reconcile._difference import Difference, Kind, differences_frame
from magodoo.reconcile._log import LogCount, log_frame, log_records, log_summary

__all__ = [
    "Difference",
    "Kind",
    "LogCount",
    "compare_categories",
    "compare_customers",
    "differences_frame",
    "log_frame",
    "log_records",
    "log_summary",
]
