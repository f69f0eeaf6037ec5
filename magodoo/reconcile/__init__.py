"""Reconciliation for notebooks and cron: what differs between Magento and Odoo, entity family
by entity family, and putting it right; the sync log as rows or a DataFrame.

``await reconcile(engine)`` runs every reconciler (customers, categories, prices, stock, ...)
and returns a :class:`Report`: records only on one side, pairs whose fields differ (with the
source of truth), broken bindings, what is in flight, and counts of the pairs that agree.
``report.to_pandas()``, ``report.save("report.csv")``, ``await report.repair(engine)``.

Everything reads in pages (bounded memory). DataFrames need the ``pandas`` extra
(``pip install 'magodoo[pandas]'``); the rest is plain Python. ``docs/reconcile.md`` walks
through a notebook session.
"""

from __future__ import annotations

from magodoo.reconcile._categories import compare_categories
from magodoo.reconcile._customers import compare_customers
from magodoo.reconcile._difference import Difference, Kind, differences_frame
from magodoo.reconcile._generic import values_reconciler
from magodoo.reconcile._log import LogCount, LogSummary, log_frame, log_records, log_summary
from magodoo.reconcile._reconcile import reconcile
from magodoo.reconcile._registry import (
    Reconciler,
    Reconcilers,
    Scope,
    Tally,
    default_reconcilers,
)
from magodoo.reconcile._report import EntityCount, RepairAction, Report

__all__ = [
    "Difference",
    "EntityCount",
    "Kind",
    "LogCount",
    "LogSummary",
    "Reconciler",
    "Reconcilers",
    "RepairAction",
    "Report",
    "Scope",
    "Tally",
    "compare_categories",
    "compare_customers",
    "default_reconcilers",
    "differences_frame",
    "log_frame",
    "log_records",
    "log_summary",
    "reconcile",
    "values_reconciler",
]
