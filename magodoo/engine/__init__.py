"""The sync engine: handlers, cursors, echo suppression, the worker, "test connection".

Start with :func:`connect` (clients, stores and engine from :class:`~magodoo.settings.Settings`)
or build a :class:`SyncEngine` yourself; see ``docs/engine.md``.
"""

from __future__ import annotations

from magodoo.engine.check import CheckReport, ServerCheck
from magodoo.engine.cursors import CursorTracker, Window, plan_window
from magodoo.engine.echo import EchoGuard, payload_hash
from magodoo.engine.engine import SyncEngine
from magodoo.engine.entities import (
    CategoryExporter,
    CreditMemoImporter,
    CustomerImporter,
    InvoiceImporter,
    OrderImporter,
    OrderStatusExporter,
    PriceExporter,
    ShipmentExporter,
    StockExporter,
    StockTransferListener,
    TaxRateImporter,
)
from magodoo.engine.entities.catalog import (
    AttributeExporter,
    AttributeSetImporter,
    ProductExporter,
    StoreViewImporter,
    WebsiteImporter,
    attribute_sets,
    store_views,
)
from magodoo.engine.handler import Context, Handler, Plan, Unreadable, Written, read_each
from magodoo.engine.locks import KeyedLocks
from magodoo.engine.ports import MagentoPort, OdooPort
from magodoo.engine.registry import Registry, default_registry
from magodoo.engine.reset import ResetReport, reset_categories
from magodoo.engine.result import (
    Outcome,
    OutcomeSink,
    PlannedWrite,
    RecordOutcome,
    SyncResult,
)
from magodoo.engine.wiring import Connection, connect, open_stores

__all__ = [
    "AttributeExporter",
    "AttributeSetImporter",
    "CategoryExporter",
    "CheckReport",
    "Connection",
    "Context",
    "CreditMemoImporter",
    "CursorTracker",
    "CustomerImporter",
    "EchoGuard",
    "Handler",
    "InvoiceImporter",
    "KeyedLocks",
    "MagentoPort",
    "OdooPort",
    "OrderImporter",
    "OrderStatusExporter",
    "Outcome",
    "OutcomeSink",
    "Plan",
    "PlannedWrite",
    "PriceExporter",
    "ProductExporter",
    "RecordOutcome",
    "Registry",
    "ResetReport",
    "ServerCheck",
    "ShipmentExporter",
    "StockExporter",
    "StockTransferListener",
    "StoreViewImporter",
    "SyncEngine",
    "SyncResult",
    "TaxRateImporter",
    "Unreadable",
    "WebsiteImporter",
    "Window",
    "Written",
    "attribute_sets",
    "connect",
    "default_registry",
    "open_stores",
    "payload_hash",
    "plan_window",
    "read_each",
    "reset_categories",
    "store_views",
]
