""""Test connection" for both servers: reachable, signed in, versions, modules found.

Magento: ``GET /V1/modules`` needs a valid admin token or integration, and tells whether MSI
(``Magento_Inventory*``) and two-factor auth (``Magento_TwoFactorAuth``) are enabled. Magento
publishes no version over REST, so ``version`` stays ``None`` there. Odoo: ``common.version``
(no sign-in) then the installed modules the connector uses, read from ``ir.module.module``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from magodoo.exceptions import (
    AuthenticationError,
    ForbiddenError,
    MagodooError,
    RemoteError,
    TransportError,
)

__all__ = [
    "ODOO_MODULES",
    "CheckReport",
    "ServerCheck",
    "check_magento",
    "check_odoo",
    "check_ports",
]

ODOO_MODULES = ("sale", "sale_stock", "stock", "account", "delivery", "website_sale", "payment")
"""Odoo modules the connector looks for."""


class _MagentoModules(Protocol):
    async def list_modules(self) -> list[str]: ...


class _OdooInfo(Protocol):
    async def version(self) -> dict[str, Any]: ...

    async def search_read_page(
        self, model: str, domain: Sequence[Any] = ..., fields: Sequence[str] | None = ...,
        *, offset: int = ..., limit: int | None = ..., order: str | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...


@attrs.frozen
class ServerCheck:
    """What one server answered."""

    server: str
    reachable: bool = False
    authenticated: bool = False
    version: str | None = None
    modules: tuple[str, ...] = ()
    features: Mapping[str, bool] = attrs.field(factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.authenticated and self.error is None


@attrs.frozen
class CheckReport:
    """Both servers."""

    magento: ServerCheck
    odoo: ServerCheck

    @property
    def ok(self) -> bool:
        return self.magento.ok and self.odoo.ok


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


async def check_magento(client: Any) -> ServerCheck:
    """Check a Magento client (anything with ``list_modules``)."""
    if not hasattr(client, "list_modules"):
        return ServerCheck("magento", error="this Magento port cannot list modules")
    modules_client: _MagentoModules = client
    try:
        modules = await modules_client.list_modules()
    except (AuthenticationError, ForbiddenError) as exc:
        return ServerCheck("magento", reachable=True, error=_error(exc))
    except TransportError as exc:
        return ServerCheck("magento", error=_error(exc))
    except RemoteError as exc:
        return ServerCheck("magento", reachable=True, error=_error(exc))
    features = {
        "msi": any(m.startswith("Magento_Inventory") for m in modules),
        "two_factor_auth": "Magento_TwoFactorAuth" in modules,
        "async_bulk": "Magento_WebapiAsync" in modules,
    }
    return ServerCheck("magento", reachable=True, authenticated=True,
                       modules=tuple(sorted(modules)), features=features)


async def check_odoo(client: Any) -> ServerCheck:
    """Check an Odoo client (anything with ``version`` and ``search_read_page``)."""
    if not hasattr(client, "version"):
        return ServerCheck("odoo", error="this Odoo port cannot tell its version")
    info_client: _OdooInfo = client
    try:
        info = await info_client.version()
    except TransportError as exc:
        return ServerCheck("odoo", error=_error(exc))
    except MagodooError as exc:
        return ServerCheck("odoo", reachable=True, error=_error(exc))
    version = str(info.get("server_version") or "") or None
    try:
        rows = await info_client.search_read_page(
            "ir.module.module",
            [("name", "in", list(ODOO_MODULES)), ("state", "=", "installed")], ["name"])
    except (AuthenticationError, ForbiddenError) as exc:
        return ServerCheck("odoo", reachable=True, version=version, error=_error(exc))
    except TransportError as exc:
        return ServerCheck("odoo", version=version, error=_error(exc))
    except MagodooError as exc:
        return ServerCheck("odoo", reachable=True, version=version, error=_error(exc))
    found = sorted(str(r["name"]) for r in rows)
    return ServerCheck("odoo", reachable=True, authenticated=True, version=version,
                       modules=tuple(found), features={m: m in found for m in ODOO_MODULES})


async def check_ports(magento: Any, odoo: Any) -> CheckReport:
    """Check both sides."""
    return CheckReport(magento=await check_magento(magento), odoo=await check_odoo(odoo))
