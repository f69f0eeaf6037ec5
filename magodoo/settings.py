"""What a magodoo deployment is told: servers, stores, entities, defaults, limits.

Settings are frozen attrs records. Build them in Python, or load a TOML file with
:meth:`Settings.load` (``tomllib``); secrets never live in the file, they come from
environment variables (``MAGODOO_MAGENTO_PASSWORD``, ``MAGODOO_ODOO_API_KEY``, ...) and are
left out of every ``repr``. A bad value raises :class:`~magodoo.exceptions.ConfigurationError`
naming the key. ``docs/configuration.md`` lists every setting with its TOML key, environment
variable, default and the connector screen field it stands for.
"""

from __future__ import annotations

import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs

from magodoo.exceptions import ConfigurationError

__all__ = [
    "ENTITIES",
    "ENV_SECRETS",
    "CatalogSettings",
    "ConsoleAccount",
    "ConsoleSettings",
    "Defaults",
    "EntitySettings",
    "LogSettings",
    "MagentoSettings",
    "OdooSettings",
    "PriceSettings",
    "RealtimeSettings",
    "SalesSettings",
    "Settings",
    "StockSettings",
    "StoreSettings",
]

T = TypeVar("T")

ENTITIES: tuple[str, ...] = (
    "websites",
    "stores",
    "attribute_sets",
    "attribute_groups",
    "categories",
    "attributes",
    "products",
    "images",
    "translations",
    "prices",
    "stock",
    "stock_transfers",
    "tax_rates",
    "customers",
    "shipping_methods",
    "payment_methods",
    "orders",
    "invoices",
    "credit_memos",
    "order_status",
    "shipments",
)
"""Every entity type the connector knows, in dependency order (websites and stores first)."""


def _secret(env: str) -> Any:
    return attrs.field(default=None, repr=False, metadata={"env": env, "secret": True})


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value <= 0:
        raise ConfigurationError(f"{attribute.name}: must be positive, got {value!r}")


def _url(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An empty string (not configured) or an absolute http(s) URL with a host."""
    if not value:
        return
    scheme, sep, rest = str(value).partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.split("/")[0]:
        raise ConfigurationError(
            f"{attribute.name}: must be an absolute URL starting with http:// or https://, "
            f"got {value!r}"
        )


def _not_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value < 0:
        raise ConfigurationError(f"{attribute.name}: must not be negative, got {value!r}")


@attrs.frozen
class MagentoSettings:
    """The Magento store (seed: Odoo's "Magento Configuration" page)."""

    url: str = attrs.field(default="", validator=_url)
    store_code: str = "all"
    """Store view code in ``/rest/<code>/V1``; ``all`` writes global values."""
    username: str = ""
    auth: Literal["token", "password", "integration"] = "integration"
    """``integration``: OAuth 1.0a with the four integration secrets (what a stock 2.4.4+
    store accepts); ``token``: a ready bearer token; ``password``: admin token from
    username/password (refused while Magento's two-factor module is on)."""
    root_category_id: int = attrs.field(default=2, validator=_positive)
    """Magento category under which Odoo's top-level eCommerce categories are created."""
    concurrency: int = attrs.field(default=8, validator=_positive)
    """Requests in flight to the store (halved for a while after a 503; docs/performance.md)."""
    timeout: float = attrs.field(default=60.0, validator=_positive)
    input_limit: int = attrs.field(default=0, validator=_not_negative)
    """Items per array the store accepts in one synchronous call (Magento's web API input
    limits, ``webapi/validation/complex_array_limit``, 20 when on); 0: limits off (the
    default), batches then follow ``batch_size``."""
    page_size: int = attrs.field(default=1000, validator=_positive)
    """Items per search page; a store with input limits on refuses more than its maximum
    (300 by default) and the client then asks that maximum."""
    request_time_limit: float = attrs.field(default=600.0, validator=_not_negative)
    """Seconds after which the store surely finished (or abandoned) a request: a create whose
    answer was lost is looked up again only after this (nginx's ``fastcgi_read_timeout`` in
    Magento's sample configuration)."""
    password: str | None = _secret("MAGODOO_MAGENTO_PASSWORD")
    token: str | None = _secret("MAGODOO_MAGENTO_TOKEN")
    consumer_key: str | None = _secret("MAGODOO_MAGENTO_CONSUMER_KEY")
    consumer_secret: str | None = _secret("MAGODOO_MAGENTO_CONSUMER_SECRET")
    access_token: str | None = _secret("MAGODOO_MAGENTO_ACCESS_TOKEN")
    access_token_secret: str | None = _secret("MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET")


@attrs.frozen
class OdooSettings:
    """The Odoo server (seed: Magento's "General Settings" Odoo URL, user, database)."""

    url: str = attrs.field(default="", validator=_url)
    database: str = ""
    username: str = ""
    protocol: Literal["auto", "jsonrpc", "json2"] = "auto"
    """``auto`` asks the server: JSON-2 on Odoo 19+ (with an API key), JSON-RPC before."""
    concurrency: int = attrs.field(default=4, validator=_positive)
    """Calls in flight (a threaded Odoo on two cores saturates at about four; lowered for a
    while after a 503 or a 500 "connection pool is full"; docs/performance.md)."""
    timeout: float = attrs.field(default=120.0, validator=_positive)
    create_weight: int = attrs.field(default=2000, validator=_positive)
    """Payload of one create/write call: records, each child record counted (see
    docs/performance.md for the figures behind the default)."""
    request_time_limit: float = attrs.field(default=120.0, validator=_not_negative)
    """Seconds after which the server surely finished (or abandoned) a request: a create
    whose answer was lost is looked up again only after this (Odoo's ``limit_time_real``)."""
    password: str | None = _secret("MAGODOO_ODOO_PASSWORD")
    api_key: str | None = _secret("MAGODOO_ODOO_API_KEY")


@attrs.frozen
class StoreSettings:
    """Where bindings, the sync log, jobs and cursors are kept."""

    kind: Literal["memory", "sqlite", "postgres"] = "sqlite"
    path: str = "magodoo.sqlite3"
    """SQLite file. Loaded from a settings file, a relative path is taken from the folder of
    that file (not from the working directory)."""
    schema: str = "magodoo"
    postgres_dsn: str | None = _secret("MAGODOO_POSTGRES_DSN")


@attrs.frozen
class LogSettings:
    """The synchronization log (seed: "Enable / Disable Log", "Log Expiry Days")."""

    enabled: bool = True
    clear_enabled: bool = True
    expiry_days: int = attrs.field(default=7, validator=_positive)


@attrs.frozen
class Defaults:
    """Default values (seed: "Default Values" on the Magento Configuration page)."""

    attribute_set: str = "Default"
    attribute_group: str = "Product Details"
    """The group new attributes go to ("General" was renamed "Product Details" in 2.4)."""
    warehouse: str = "WH"
    """Code of the Odoo warehouse whose quantities go to Magento."""
    partner_ref_prefix: str = "MAGE-CUST-"
    address_ref_prefix: str = "MAGE-ADDR-"


@attrs.frozen
class CatalogSettings:
    """How Odoo products become Magento products."""

    configurable_sku: str = "odoo-template-{id}"
    """SKU of the configurable of a template with variants (Odoo gives such a template no
    ``default_code``); ``{id}`` is the template id, ``{code}`` the first variant's code."""
    missing_sku: Literal["error", "derive"] = "error"
    """A variant without ``default_code``: refuse it (``MappingError``) or derive a SKU."""
    derived_sku: str = "odoo-{id}"
    """The SKU derived for a variant without code (``missing_sku = "derive"``); ``{id}`` is
    the ``product.product`` id."""
    archived: Literal["disable", "delete"] = "disable"
    """An archived Odoo product: disabled in Magento, or deleted."""
    language: str = "en_US"
    """The Odoo language of the global (``all`` store views) values; store views whose locale
    is another active Odoo language get translations."""
    category_source: Literal["odoo", "magento"] = "odoo"
    """Which side owns the fields of a category bound both ways; a change on the other side
    is logged as a conflict and not written."""
    bulk_creates: bool = False
    """Create new simple products through Magento's asynchronous bulk route
    (``POST /async/bulk/V1/products``, one bulk per page, its status polled): only when the
    store runs its message queue consumers (``async.operations.all``)."""


@attrs.frozen
class RealtimeSettings:
    """The realtime service (``magodoo realtime``; seed: "Enable / Disable Realtime Syncing")."""

    host: str = "127.0.0.1"
    port: int = attrs.field(default=8080, validator=_not_negative)
    """0 picks a free port."""
    workers: int = attrs.field(default=2, validator=_positive)
    poll_seconds: float = attrs.field(default=60.0, validator=_positive)
    """Seconds between two polls of Magento (it sends no webhooks)."""
    webhook_delay: float = attrs.field(default=2.0, validator=_not_negative)
    """Seconds before a webhook's job is due: Odoo commits its change after our answer."""
    public_url: str = attrs.field(default="", validator=_url)
    """Base URL Odoo reaches the service at; when set, the webhooks are provisioned at start."""
    secret: str | None = _secret("MAGODOO_WEBHOOK_SECRET")
    """The token in the webhook path ``/odoo/webhook/<secret>``."""


def _source_codes(value: Mapping[str, str]) -> Mapping[str, str]:
    for code, source in value.items():
        if not isinstance(code, str) or not code or not isinstance(source, str) or not source:
            raise ConfigurationError(
                f"sources: warehouse code -> source code, got {code!r} = {source!r}")
    return types.MappingProxyType(dict(value))


@attrs.frozen
class PriceSettings:
    """Prices Odoo -> Magento (``[prices]``)."""

    pricelist: str = ""
    """Name of the Odoo pricelist whose fixed prices with a minimum quantity become Magento
    tier prices; empty: no tier prices."""
    website_id: int = attrs.field(default=0, validator=_not_negative)
    """Website scope of the tier prices (0: all websites, Magento's global price scope)."""


@attrs.frozen
class StockSettings:
    """Stock Odoo -> Magento (``[stock]``; seed: "Default Warehouse")."""

    quantity: Literal["on_hand", "free"] = "on_hand"
    """``on_hand``: Odoo ``qty_available`` (as the seed); ``free``: ``free_qty`` (on hand
    minus reserved)."""
    sources: Mapping[str, str] = attrs.field(factory=dict, converter=_source_codes)
    """Odoo warehouse code -> Magento MSI source code. Empty: ``defaults.warehouse`` ->
    ``default``."""


@attrs.frozen
class ConsoleAccount:
    """One person who may sign in to the web console (``[console.accounts.<name>]``)."""

    role: Literal["user", "admin", "technical_admin"] = "user"
    password_hash: str = attrs.field(default="", repr=False)
    """An argon2 hash (``magodoo console hash-password``); empty: only through the trusted
    reverse proxy's user header."""


def _accounts_default() -> Mapping[str, ConsoleAccount]:
    return types.MappingProxyType({})


def _freeze_accounts(value: Mapping[str, ConsoleAccount]) -> Mapping[str, ConsoleAccount]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class ConsoleSettings:
    """The web console (``magodoo console``; docs/console.md). Off unless ``enabled``."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8081, validator=_not_negative)
    """0 picks a free port."""
    with_realtime: bool = False
    """``magodoo realtime`` serves the console too (on ``host``/``port``)."""
    workers: int = attrs.field(default=1, validator=_not_negative)
    """Queue workers ``magodoo console`` runs for the mass syncs it queues (0: leave the queue
    to ``magodoo realtime`` or ``magodoo sync``)."""
    secure_cookie: bool = False
    """Send the session cookie only over HTTPS (turn on behind a TLS reverse proxy)."""
    session_minutes: int = attrs.field(default=480, validator=_positive)
    login_attempts: int = attrs.field(default=5, validator=_positive)
    """Failed logins allowed per client address and per account within ``login_window``."""
    login_window_seconds: float = attrs.field(default=900.0, validator=_positive)
    proxy_user_header: str = ""
    """Off when empty. When set (e.g. ``X-Remote-User``), a request from ``trusted_proxy``
    carrying this header is signed in as that account, without a password."""
    trusted_proxy: str = "127.0.0.1"
    """The only peer address whose ``proxy_user_header`` is believed."""
    accounts: Mapping[str, ConsoleAccount] = attrs.field(
        factory=_accounts_default, converter=_freeze_accounts)
    secret_key: str | None = _secret("MAGODOO_CONSOLE_SECRET_KEY")
    """Signs and encrypts the session cookies (at least 32 characters)."""


def _text_table(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"must be a table of strings, got {value!r}")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ConfigurationError(f"{key!r}: must be a string, got {item!r}")
    return types.MappingProxyType(dict(value))


ORDER_STATES_TO_ODOO: Mapping[str, str] = types.MappingProxyType({
    "new": "draft", "pending_payment": "draft", "payment_review": "draft",
    "processing": "confirm", "holded": "confirm", "complete": "lock", "closed": "lock",
    "canceled": "cancel",
})
"""Default of ``sales.states_to_odoo``: Magento order state -> what the Odoo order becomes
(``draft``, ``confirm``, ``lock`` = confirmed and locked, ``cancel``)."""

ODOO_EVENTS_TO_MAGENTO: Mapping[str, str] = types.MappingProxyType({
    "confirmed": "processing", "delivered": "complete", "cancelled": "canceled",
})
"""Default of ``sales.events_to_magento``: Odoo order event -> the Magento status added (with
a comment) to the order."""


@attrs.frozen
class SalesSettings:
    """Orders, taxes, carriers and payment methods (seed: "Order", "Tax", "Carrier" and
    "Payment Method" mappings). ``docs/configuration.md`` shows a sample ``[sales]`` table."""

    carriers: Mapping[str, str] = attrs.field(factory=dict, converter=_text_table)
    """Magento carrier code (``flatrate``) or carrier_method code (``flatrate_flatrate``) ->
    the name of an Odoo ``delivery.carrier``."""
    unmapped_carrier: Literal["create", "error"] = "create"
    """A carrier missing from ``carriers``: use (or create) an Odoo carrier named after its
    Magento title, or fail the order."""
    payments: Mapping[str, str] = attrs.field(factory=dict, converter=_text_table)
    """Magento payment method code (``checkmo``) -> the name of an Odoo ``account.journal``."""
    unmapped_payment: Literal["note", "error"] = "note"
    """A payment method missing from ``payments``: import the order with the method written
    in its note and a warning in the log, or fail the order."""
    declared_carriers: Mapping[str, str] = attrs.field(factory=dict, converter=_text_table)
    """Carrier_method codes not seen in any order yet -> their title (Magento's REST lists none)."""
    declared_payments: Mapping[str, str] = attrs.field(factory=dict, converter=_text_table)
    """Payment method codes not seen in any order yet -> their title."""
    states_to_odoo: Mapping[str, str] = attrs.field(
        factory=lambda: dict(ORDER_STATES_TO_ODOO), converter=_text_table)
    events_to_magento: Mapping[str, str] = attrs.field(
        factory=lambda: dict(ODOO_EVENTS_TO_MAGENTO), converter=_text_table)
    price_includes_tax: bool = False
    """The store's ``tax/calculation/price_includes_tax`` (REST cannot read it)."""
    apply_tax_after_discount: bool = True
    """The store's ``tax/calculation/apply_after_discount``; Odoo only taxes after discount."""
    adjustment_product: str = "Magento adjustment"
    """Name of the service product carrying the extra lines (store credit, gift cards,
    rewards, fees, rounding); created when missing, without an internal reference (the price
    sync would send one to Magento as a SKU)."""
    rounding_tax: str = "Magento rounding"
    """Name of the fixed 0.01 tax an order's rounding line uses to make Odoo's tax equal to
    Magento's (created when missing)."""
    order_ref_prefix: str = "Magento #"
    """Prefix of ``sale.order.origin`` before the increment id."""
    missing_pricelist: Literal["create", "error"] = "error"
    """An order in an active Odoo currency that has no pricelist in it: create one (named
    ``pricelist_prefix`` + the currency code), or fail the order. A currency Odoo lacks or has
    not activated always fails the order."""
    pricelist_prefix: str = "Magento "
    """Name of the pricelists ``missing_pricelist = "create"`` makes, before the currency
    code."""


@attrs.frozen
class EntitySettings:
    """Per entity type: synced at all, and in real time."""

    enabled: bool = True
    realtime: bool = False


_DEFAULT_ENTITY = EntitySettings()

_ENTITY_NAME = re.compile(r"[a-z][a-z0-9_]*")
"""What an entity type may be called (the engine checks that a handler exists for it)."""


def _entities_default() -> Mapping[str, EntitySettings]:
    return types.MappingProxyType({name: EntitySettings() for name in ENTITIES})


def _freeze_entities(value: Mapping[str, EntitySettings]) -> Mapping[str, EntitySettings]:
    merged = dict(_entities_default())
    merged.update(value)
    return types.MappingProxyType(merged)


@attrs.frozen
class Settings:
    """Everything the engine, the runners and the demo read."""

    backend: str = "default"
    """Name of this Magento/Odoo pair in the stores (several pairs can share stores)."""
    enabled: bool = True
    retry_count: int = attrs.field(default=5, validator=_positive)
    batch_size: int = attrs.field(default=50, validator=_positive)
    overlap_seconds: float = attrs.field(default=60.0, validator=_not_negative)
    lease_seconds: float = attrs.field(default=300.0, validator=_positive)
    retry_backoff_seconds: float = attrs.field(default=30.0, validator=_not_negative)
    worker_poll_seconds: float = attrs.field(default=1.0, validator=_positive)
    magento: MagentoSettings = MagentoSettings()
    odoo: OdooSettings = OdooSettings()
    stores: StoreSettings = StoreSettings()
    log: LogSettings = LogSettings()
    defaults: Defaults = Defaults()
    realtime: RealtimeSettings = RealtimeSettings()
    prices: PriceSettings = PriceSettings()
    stock: StockSettings = StockSettings()
    console: ConsoleSettings = ConsoleSettings()
    catalog: CatalogSettings = CatalogSettings()
    sales: SalesSettings = SalesSettings()
    entities: Mapping[str, EntitySettings] = attrs.field(
        factory=_entities_default, converter=_freeze_entities
    )

    def entity(self, name: str) -> EntitySettings:
        """The flags of one entity type (the defaults for one not configured, e.g. a custom
        entity without an ``[entities.<name>]`` table)."""
        return self.entities.get(name, _DEFAULT_ENTITY)

    def is_enabled(self, name: str) -> bool:
        return self.enabled and self.entity(name).enabled

    # ---- loading -----------------------------------------------------------------------

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Read a TOML file (optional) and the secrets from ``env`` (default ``os.environ``).

        A relative ``stores.path`` is resolved from the folder of the file, so the same
        store is opened whatever the working directory.
        """
        data: dict[str, Any] = {}
        if path is not None:
            try:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
            except OSError as exc:
                raise ConfigurationError(f"settings file {str(path)!r}: {exc.strerror}") from None
            except tomllib.TOMLDecodeError as exc:
                raise ConfigurationError(f"settings file {str(path)!r}: {exc}") from None
        settings = cls.from_mapping(data, env=os.environ if env is None else env)
        if path is not None and not Path(settings.stores.path).is_absolute():
            folder = Path(path).resolve().parent
            settings = attrs.evolve(settings, stores=attrs.evolve(
                settings.stores, path=str(folder / settings.stores.path)))
        return settings

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Build from a TOML-shaped mapping plus secrets from ``env`` (none by default)."""
        data = dict(data)
        entities_raw = data.pop("entities", {})
        if not isinstance(entities_raw, Mapping):
            raise ConfigurationError("entities: must be a table")
        entities: dict[str, EntitySettings] = {}
        for name, flags in entities_raw.items():
            if not isinstance(name, str) or not _ENTITY_NAME.fullmatch(name):
                raise ConfigurationError(
                    f"entities.{name}: entity type must be a plain identifier ([a-z][a-z0-9_]*)"
                )
            entities[name] = _build(EntitySettings, flags, f"entities.{name}", {})
        settings = _build(cls, data, "", env or {})
        return attrs.evolve(settings, entities=entities)


ENV_SECRETS: Mapping[str, str] = types.MappingProxyType({
    "MAGODOO_MAGENTO_PASSWORD": "magento.password",
    "MAGODOO_MAGENTO_TOKEN": "magento.token",
    "MAGODOO_MAGENTO_CONSUMER_KEY": "magento.consumer_key",
    "MAGODOO_MAGENTO_CONSUMER_SECRET": "magento.consumer_secret",
    "MAGODOO_MAGENTO_ACCESS_TOKEN": "magento.access_token",
    "MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET": "magento.access_token_secret",
    "MAGODOO_ODOO_PASSWORD": "odoo.password",
    "MAGODOO_ODOO_API_KEY": "odoo.api_key",
    "MAGODOO_POSTGRES_DSN": "stores.postgres_dsn",
    "MAGODOO_WEBHOOK_SECRET": "realtime.secret",
    "MAGODOO_CONSOLE_SECRET_KEY": "console.secret_key",
})
"""Environment variable -> the secret setting it fills."""


def _build(cls: type[T], data: Any, prefix: str, env: Mapping[str, str]) -> T:
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"{prefix or 'settings'}: must be a table")
    hints = typing.get_type_hints(cls)
    fields = {a.name: a for a in attrs.fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        field = fields.get(key)
        if field is None or key == "entities":
            raise ConfigurationError(f"{name}: unknown setting")
        if field.metadata.get("secret"):
            raise ConfigurationError(
                f"{name}: secrets are not read from the file; set {field.metadata['env']}"
            )
        kwargs[key] = _check(hints[key], value, name, env)
    for key, field in fields.items():
        env_name = field.metadata.get("env")
        if env_name and env.get(env_name):
            kwargs[key] = env[env_name]
        elif key not in kwargs and attrs.has(hints[key]):
            # a section left out of the file still takes its secrets from the environment
            kwargs[key] = _build(hints[key], {}, f"{prefix}.{key}" if prefix else key, env)
    try:
        return cls(**kwargs)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{prefix + '.' if prefix else ''}{exc}") from None


def _check(type_: Any, value: Any, name: str, env: Mapping[str, str]) -> Any:
    if attrs.has(type_):
        return _build(type_, value, name, env)
    origin = typing.get_origin(type_)
    args = typing.get_args(type_)
    if origin is Literal:
        if value not in args:
            raise ConfigurationError(f"{name}: must be one of {list(args)!r}, got {value!r}")
        return value
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _check(inner[0], value, name, env)
    if origin is Mapping or origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigurationError(f"{name}: must be a table, got {value!r}")
        return {_check(args[0], k, f"{name}.{k}", env): _check(args[1], v, f"{name}.{k}", env)
                for k, v in value.items()}
    if type_ is bool:
        if not isinstance(value, bool):
            raise ConfigurationError(f"{name}: must be true or false, got {value!r}")
        return value
    if type_ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigurationError(f"{name}: must be an integer, got {value!r}")
        return value
    if type_ is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigurationError(f"{name}: must be a number, got {value!r}")
        return float(value)
    if type_ is str:
        if not isinstance(value, str):
            raise ConfigurationError(f"{name}: must be a string, got {value!r}")
        return value
    raise ConfigurationError(f"{name}: cannot be set from a file")  # pragma: no cover
