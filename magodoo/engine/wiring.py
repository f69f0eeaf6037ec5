"""Open the clients, the stores and the engine from :class:`~magodoo.settings.Settings`.

::

    async with await connect(Settings.load("magodoo.toml")) as conn:
        result = await conn.engine.sync("customers", "m2o")

Used by the runners and the demo. Every client gets :func:`~magodoo.engine.capture.capture_hook`
so the sync log holds the (redacted) HTTP exchanges of each record.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp
import attrs

from magodoo._http import RetryPolicy, Timeouts
from magodoo.backends import Stores, memory_stores, open_postgres_stores, open_sqlite_stores
from magodoo.engine.capture import capture_hook
from magodoo.engine.check import CheckReport, check_ports
from magodoo.engine.engine import SyncEngine
from magodoo.engine.registry import Registry, default_registry
from magodoo.exceptions import ConfigurationError
from magodoo.magento.auth import AdminTokenAuth, BearerTokenAuth, MagentoAuth, OAuth1Auth
from magodoo.magento.client import MagentoClient
from magodoo.odoo.client import OdooClient
from magodoo.settings import Settings

__all__ = ["Connection", "connect", "magento_client", "odoo_client", "open_stores"]


def _need(value: str | None, env: str, what: str) -> str:
    if not value:
        raise ConfigurationError(f"{what}: missing; set the environment variable {env}")
    return value


def magento_auth(settings: Settings) -> MagentoAuth:
    """The Magento credentials the settings name."""
    m = settings.magento
    if m.auth == "token":
        return BearerTokenAuth(_need(m.token, "MAGODOO_MAGENTO_TOKEN", "magento.token"))
    if m.auth == "password":
        if not m.username:
            raise ConfigurationError("magento.username: needed when magento.auth = 'password'")
        return AdminTokenAuth(m.username, _need(m.password, "MAGODOO_MAGENTO_PASSWORD",
                                                "magento.password"))
    return OAuth1Auth(
        _need(m.consumer_key, "MAGODOO_MAGENTO_CONSUMER_KEY", "magento.consumer_key"),
        _need(m.consumer_secret, "MAGODOO_MAGENTO_CONSUMER_SECRET", "magento.consumer_secret"),
        _need(m.access_token, "MAGODOO_MAGENTO_ACCESS_TOKEN", "magento.access_token"),
        _need(m.access_token_secret, "MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET",
              "magento.access_token_secret"),
    )


def magento_client(
    settings: Settings, *, session: aiohttp.ClientSession | None = None,
    retry: RetryPolicy | None = None,
) -> MagentoClient:
    m = settings.magento
    if not m.url:
        raise ConfigurationError("magento.url: missing")
    return MagentoClient(
        m.url, auth=magento_auth(settings), store_code=m.store_code, session=session,
        limit=m.concurrency, timeouts=Timeouts(total=m.timeout), capture=capture_hook,
        retry=retry or RetryPolicy(), page_size=m.page_size,
    )


def odoo_client(
    settings: Settings, *, session: aiohttp.ClientSession | None = None,
    retry: RetryPolicy | None = None,
) -> OdooClient:
    o = settings.odoo
    for key, value in (("odoo.url", o.url), ("odoo.database", o.database),
                       ("odoo.username", o.username)):
        if not value:
            raise ConfigurationError(f"{key}: missing")
    if not (o.password or o.api_key):
        raise ConfigurationError(
            "odoo.api_key: missing; set MAGODOO_ODOO_API_KEY (or MAGODOO_ODOO_PASSWORD)")
    return OdooClient(
        o.url, o.database, o.username, password=o.password, api_key=o.api_key,
        protocol=o.protocol, session=session, limit=o.concurrency,
        timeouts=Timeouts(total=o.timeout), capture=capture_hook,
        create_weight=o.create_weight, retry=retry or RetryPolicy(),
    )


async def open_stores(settings: Settings) -> Stores:
    s = settings.stores
    if s.kind == "memory":
        return memory_stores(log_enabled=settings.log.enabled)
    if s.kind == "sqlite":
        return await open_sqlite_stores(s.path, log_enabled=settings.log.enabled)
    dsn = _need(s.postgres_dsn, "MAGODOO_POSTGRES_DSN", "stores.postgres_dsn")
    return await open_postgres_stores(dsn, schema=s.schema, log_enabled=settings.log.enabled)


@attrs.define
class _Checker:
    magento: MagentoClient
    odoo: OdooClient
    defaults: Any = None

    async def check(self) -> CheckReport:
        return await check_ports(self.magento, self.odoo, self.defaults)


@attrs.define
class Connection:
    """The clients, the stores and the engine over them; closes all three."""

    settings: Settings
    magento: MagentoClient
    odoo: OdooClient
    stores: Stores
    engine: SyncEngine

    async def aclose(self) -> None:
        try:
            await self.magento.aclose()
            await self.odoo.aclose()
        finally:
            await self.stores.aclose()

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def connect(
    settings: Settings,
    *,
    stores: Stores | None = None,
    registry: Registry | None = None,
    session: aiohttp.ClientSession | None = None,
    retry: RetryPolicy | None = None,
) -> Connection:
    """Open everything the settings describe (``stores`` may be given instead; ``retry``
    replaces the clients' default retry policy)."""
    magento = magento_client(settings, session=session, retry=retry)
    try:
        odoo = odoo_client(settings, session=session, retry=retry)
    except BaseException:
        await magento.aclose()
        raise
    try:
        opened = stores if stores is not None else await open_stores(settings)
    except BaseException:
        await magento.aclose()
        await odoo.aclose()
        raise
    try:
        engine = SyncEngine(magento=magento, odoo=odoo, stores=opened, settings=settings,
                            registry=registry or default_registry(),
                            checker=_Checker(magento, odoo, settings.defaults))
    except BaseException:  # e.g. settings naming an entity no handler syncs
        await magento.aclose()
        await odoo.aclose()
        if stores is None:
            await opened.aclose()
        raise
    return Connection(settings, magento, odoo, opened, engine)
