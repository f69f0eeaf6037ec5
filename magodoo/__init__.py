"""magodoo: keep a Magento 2.4 store and an Odoo ERP in sync over their public APIs.

The names most integrations need are here; the subpackages hold the rest:
:mod:`magodoo.magento` and :mod:`magodoo.odoo` (clients and records), :mod:`magodoo.mapping`
(pure mappers), :mod:`magodoo.engine` (handlers, cursors, wiring), :mod:`magodoo.backends`
(stores), :mod:`magodoo.settings`, :mod:`magodoo.exceptions` and :mod:`magodoo.testing` (the
fakes of both servers).
"""

from __future__ import annotations

from magodoo._http import Exchange, RetryPolicy, Timeouts
from magodoo.backends import (
    Direction,
    JobState,
    LogFilter,
    LogStatus,
    Stores,
    Trigger,
    memory_stores,
    open_postgres_stores,
    open_sqlite_stores,
)
from magodoo.engine import CheckReport, Connection, SyncEngine, SyncResult, connect
from magodoo.exceptions import (
    AuthenticationError,
    BindingConflictError,
    ClientClosedError,
    ConfigurationError,
    ForbiddenError,
    JobNotFoundError,
    MagodooError,
    MappingError,
    MissingExtraError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RemoteError,
    ServerError,
    StoreUnavailableError,
    TransportError,
    TwoFactorRequiredError,
    UnknownFieldError,
    UnknownModelError,
    UserError,
    ValidationError,
)
from magodoo.magento import (
    AdminTokenAuth,
    BearerTokenAuth,
    MagentoClient,
    OAuth1Auth,
    SearchCriteria,
)
from magodoo.odoo import OdooClient
from magodoo.settings import Settings

__all__ = [
    "AdminTokenAuth",
    "AuthenticationError",
    "BearerTokenAuth",
    "BindingConflictError",
    "CheckReport",
    "ClientClosedError",
    "ConfigurationError",
    "Connection",
    "Direction",
    "Exchange",
    "ForbiddenError",
    "JobNotFoundError",
    "JobState",
    "LogFilter",
    "LogStatus",
    "MagentoClient",
    "MagodooError",
    "MappingError",
    "MissingExtraError",
    "NotFoundError",
    "OAuth1Auth",
    "OdooClient",
    "OutcomeUnknownError",
    "RateLimitedError",
    "RemoteError",
    "RetryPolicy",
    "SearchCriteria",
    "ServerError",
    "Settings",
    "StoreUnavailableError",
    "Stores",
    "SyncEngine",
    "SyncResult",
    "Timeouts",
    "TransportError",
    "Trigger",
    "TwoFactorRequiredError",
    "UnknownFieldError",
    "UnknownModelError",
    "UserError",
    "ValidationError",
    "__version__",
    "connect",
    "memory_stores",
    "open_postgres_stores",
    "open_sqlite_stores",
]
__version__ = "0.1.0"
