""""Test connection" for both servers: reachable, signed in, versions, modules found.

Magento: ``GET /V1/modules`` needs a valid admin token or integration, and tells whether MSI
(``Magento_Inventory*``) and two-factor auth (``Magento_TwoFactorAuth``) are enabled. Magento
publishes no version over REST, so ``version`` stays ``None`` there. Odoo: ``common.version``
(no sign-in) then the installed modules the connector uses, read from ``ir.module.module``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from magodoo.exceptions import (
    AuthenticationError,
    ForbiddenError,
    MagodooError,
    RemoteError,
    TransportError,
)
from magodoo.odoo.paging import PageReader

__all__ = [
    "ODOO_MODULES",
    "CheckReport",
    "ServerCheck",
    "check_catalog_defaults",
    "check_magento",
    "check_odoo",
    "check_ports",
    "settings_warnings",
]

ODOO_MODULES = ("sale", "sale_stock", "stock", "account", "delivery", "website_sale", "payment")
"""Odoo modules the connector looks for."""


class _MagentoModules(Protocol):
    async def list_modules(self) -> list[str]: ...


class _OdooInfo(PageReader, Protocol):
    async def version(self) -> dict[str, Any]: ...


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
    warnings: tuple[str, ...] = ()
    """Problems that do not stop a sync (e.g. a configured default missing on the store)."""

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


async def check_catalog_defaults(
    client: Any, attribute_set: str, attribute_group: str
) -> tuple[dict[str, bool], tuple[str, ...]]:
    """Whether ``defaults.attribute_set`` and ``defaults.attribute_group`` exist on the store:
    ``features`` (``default_attribute_set``, ``default_attribute_group``) and warnings."""
    from magodoo.magento.search import SearchCriteria

    sets = (await client.list_attribute_sets(SearchCriteria().where("entity_type_id", 4))).items
    wanted = attribute_set.strip().casefold()
    found = [s for s in sets if (s.attribute_set_name or "").strip().casefold() == wanted]
    if not found:
        names = ", ".join(sorted(s.attribute_set_name or "" for s in sets))
        return ({"default_attribute_set": False, "default_attribute_group": False}, (
            f"defaults.attribute_set {attribute_set!r} is not an attribute set of the store "
            f"(sets: {names})",))
    groups = (await client.list_attribute_groups(
        attribute_set_id=found[0].attribute_set_id)).items
    group_names = [g.attribute_group_name or "" for g in groups]
    if attribute_group.strip().casefold() in {n.strip().casefold() for n in group_names}:
        return {"default_attribute_set": True, "default_attribute_group": True}, ()
    return ({"default_attribute_set": True, "default_attribute_group": False}, (
        f"defaults.attribute_group {attribute_group!r} is not a group of attribute set "
        f"{attribute_set!r} (groups: {', '.join(group_names)}); new attributes go to the first "
        "group",))


async def check_ports(magento: Any, odoo: Any, defaults: Any = None) -> CheckReport:
    """Check both sides (and, given the settings' ``defaults``, the catalog defaults)."""
    m = await check_magento(magento)
    if defaults is not None and m.ok and hasattr(magento, "list_attribute_sets"):
        try:
            features, warnings = await check_catalog_defaults(
                magento, defaults.attribute_set, defaults.attribute_group)
        except MagodooError as exc:
            features, warnings = {}, (f"attribute sets: {_error(exc)}",)
        m = attrs.evolve(m, features={**m.features, **features},
                         warnings=m.warnings + warnings)
    return CheckReport(magento=m, odoo=await check_odoo(odoo))


def settings_warnings(settings: Any) -> tuple[str, ...]:
    """Store settings (declared in ``[sales]``; REST cannot read them) Odoo cannot follow."""
    sales = getattr(settings, "sales", None)
    if sales is None or sales.apply_tax_after_discount:
        return ()
    return ("the store taxes before the discount (sales.apply_tax_after_discount = false); "
            "Odoo taxes after it only: order taxes are corrected by a rounding line per order",)
