"""The entity scenarios the fault-injection run goes through.

One :class:`Scenario` per entity type: how to fill the source side, and how to read the
target side as a comparable snapshot (no ids: ids differ between a clean and a faulty run)
and as a list of duplicates. A new entity joins the run by adding one entry to
:data:`SCENARIOS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from magodoo.backends import Direction
from magodoo.settings import CatalogSettings, PriceSettings
from tests.engine.conftest import World
from tests.engine.faults import sales_scenarios as sales


@attrs.frozen
class Scenario:
    name: str
    entity: str
    direction: Direction
    populate: Callable[[World], list[str]]
    """Fill the source side (without HTTP, so no fault touches it); returns the source ids."""
    snapshot: Callable[[World], Any]
    """The target side's records, comparable between two worlds."""
    duplicates: Callable[[World], list[str]]
    """Natural keys present more than once on the target side (archived records count)."""
    odoo_seed: str | None = None
    """The fake Odoo's seed (``"catalog"``: the demo catalog); the fake Magento starts empty."""
    settings: dict[str, Any] = attrs.field(factory=dict)
    """Settings of the world (``make_settings`` keywords)."""
    prepare: Callable[[World], Awaitable[None]] | None = None
    """Run before the faults (clean syncs of what the entity depends on)."""
    input_limit: int | None = None
    """Magento's ``input_limit`` (items per bulk call): small, so a bulk write is several
    requests and meets the faults."""
    magento_seed: str | None = None
    """The fake Magento's seed (``"demo"``: the demo's small shop, its sales included)."""


# ---- customers (Magento -> Odoo) ----------------------------------------------------------

CUSTOMERS = 60


def _populate_customers(world: World) -> list[str]:
    return [str(world.add_customer(n)) for n in range(CUSTOMERS)]


def _ours(world: World) -> list[dict[str, Any]]:
    return [r for r in world.odoo.table("res.partner").values()
            if str(r.get("ref") or "").startswith(("MAGE-CUST-", "MAGE-ADDR-"))]


def _customers_snapshot(world: World) -> Any:
    rows = [r for r in _ours(world) if r.get("active", True)]
    tops = {r["id"]: r for r in rows if not r.get("parent_id")}
    out = set()
    for top in tops.values():
        kids = sorted((str(k.get("type")), str(k.get("street")), str(k.get("street2")),
                       str(k.get("city")), str(k.get("zip")))
                      for k in rows if k.get("parent_id") == top["id"])
        out.add((top["email"], top["name"], top.get("street"), tuple(kids)))
    return out


def _customers_duplicates(world: World) -> list[str]:
    rows = _ours(world)
    emails = Counter(str(r["email"]) for r in rows if not r.get("parent_id"))
    kids = Counter(str(r["ref"]) for r in rows if r.get("parent_id"))
    return [k for k, n in (emails + kids).items() if n > 1]


# ---- categories (Odoo -> Magento) ---------------------------------------------------------

TOP, CHILDREN, GRANDCHILDREN = 4, 3, 2
CATEGORY = "product.public.category"


def _populate_categories(world: World) -> list[str]:
    def create(vals: list[dict[str, Any]]) -> list[int]:
        ids, _env = world.odoo.execute(CATEGORY, "create", [vals], {})
        return [int(i) for i in ids]

    ids: list[int] = []
    for t in range(TOP):
        (top,) = create([{"name": f"Range {t}"}])
        kids = create([{"name": f"Family {t}.{c}", "parent_id": top} for c in range(CHILDREN)])
        ids += [top, *kids]
        for kid in kids:
            ids += create([{"name": f"Model {kid}.{g}", "parent_id": kid}
                           for g in range(GRANDCHILDREN)])
    return [str(i) for i in ids]


def _paths(world: World) -> list[str]:
    cats = {c["id"]: c for c in world.magento.state.categories.values()}

    def path(c: dict[str, Any]) -> str:
        names = [str(cats[int(i)]["name"]) for i in str(c["path"]).split("/")[2:]]
        return "/".join(names)

    return [path(c) for c in cats.values() if c["id"] > 2]


def _categories_snapshot(world: World) -> Any:
    return sorted(_paths(world))


def _categories_duplicates(world: World) -> list[str]:
    return [p for p, n in Counter(_paths(world)).items() if n > 1]


# ---- categories (Magento -> Odoo): a tree made in Magento ----------------------------------


def _populate_magento_categories(world: World) -> list[str]:
    from magodoo.testing._magento.categories import save_category

    state = world.magento.state

    def make(name: str, parent: int) -> int:
        return int(save_category(state, {"name": name, "parent_id": parent,
                                         "is_active": True})["id"])

    ids: list[int] = []
    for t in range(3):
        top = make(f"Shelf {t}", 2)
        ids.append(top)
        for c in range(3):
            kid = make(f"Row {t}.{c}", top)
            ids += [kid, *(make(f"Bin {t}.{c}.{g}", kid) for g in range(2))]
    return [str(i) for i in ids]


def _odoo_paths(world: World) -> list[str]:
    cats = world.odoo.table(CATEGORY)

    def path(c: dict[str, Any]) -> str:
        parent = c.get("parent_id")
        pid = parent[0] if isinstance(parent, (list, tuple)) else parent
        return (path(cats[pid]) + "/" if pid else "") + str(c["name"])

    return [path(c) for c in cats.values()]


def _odoo_categories_snapshot(world: World) -> Any:
    return sorted(_odoo_paths(world))


def _odoo_categories_duplicates(world: World) -> list[str]:
    return [p for p, n in Counter(_odoo_paths(world)).items() if n > 1]


# ---- tax rates (Magento -> Odoo) -----------------------------------------------------------

TAX_COUNTRIES = ("US", "FR", "DE", "GB", "NL", "BE", "ES", "IT")


def _populate_tax_rates(world: World) -> list[str]:
    from magodoo.testing._magento.sales_tax import RATES, add_rate

    for n in range(20):
        country = TAX_COUNTRIES[n % len(TAX_COUNTRIES)]
        add_rate(world.magento.state, {"tax_country_id": country, "tax_postcode": "*",
                                       "rate": 5 + n / 4, "code": f"{country}-Rate {n}"})
    return [str(r) for r in world.magento.state.table(RATES).rows]


def _taxes(world: World) -> list[dict[str, Any]]:
    return [t for t in world.odoo.table("account.tax").values()
            if str(t.get("name") or "").split("-")[0] in TAX_COUNTRIES]


def _taxes_snapshot(world: World) -> Any:
    return sorted((str(t["name"]), float(t["amount"]), str(t.get("type_tax_use")),
                   bool(t.get("active", True))) for t in _taxes(world))


def _taxes_duplicates(world: World) -> list[str]:
    return [k for k, n in Counter(str(t["name"]) for t in _taxes(world)).items() if n > 1]


# ---- prices and stock (Odoo -> Magento): the demo catalog, every SKU known to Magento -------

PRICELIST = "Magento tiers"


def _odoo(world: World, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return world.odoo.execute(model, method, list(args), dict(kwargs))[0]


def _variants(world: World, *domain: Any) -> list[dict[str, Any]]:
    return list(_odoo(world, "product.product", "search_read",
                      [("default_code", "!=", False), *domain],
                      fields=["default_code", "product_tmpl_id"]))


def _magento_products(world: World) -> list[dict[str, Any]]:
    from magodoo.testing._magento.products import save_product

    for row in _variants(world):
        save_product(world.magento.state, {
            "sku": row["default_code"], "name": row["default_code"], "price": 1,
            "type_id": "simple", "attribute_set_id": 4})
    return _variants(world)


def _populate_prices(world: World) -> list[str]:
    variants = _magento_products(world)
    (pricelist,) = _odoo(world, "product.pricelist", "create", [{"name": PRICELIST}])
    items = []
    for n, v in enumerate(variants[:8]):
        items += [{"pricelist_id": pricelist, "applied_on": "0_product_variant",
                   "product_id": v["id"], "min_quantity": q, "fixed_price": 100 - n - q}
                  for q in (5, 10)]
    _odoo(world, "product.pricelist.item", "create", items)
    return [str(v["id"]) for v in variants]


def _prices_snapshot(world: World) -> Any:
    return sorted((p["sku"], float(p["price"]), tuple(sorted(
        (float(t["qty"]), float(t["value"]), str(t.get("customer_group_id")))
        for t in p.get("tier_prices") or [])))
        for p in world.magento.state.products.values())


def _prices_duplicates(world: World) -> list[str]:
    tiers = Counter((p["sku"], float(t["qty"]), str(t.get("customer_group_id")),
                     str(t.get("website_id")))
                    for p in world.magento.state.products.values()
                    for t in p.get("tier_prices") or [])
    return [str(k) for k, n in tiers.items() if n > 1]


def _populate_stock(world: World) -> list[str]:
    _magento_products(world)
    return [str(v["id"]) for v in _variants(world, ("is_storable", "=", True))]


def _stock_snapshot(world: World) -> Any:
    return sorted((sku, source, float(r["quantity"]), int(r["status"]))
                  for (sku, source), r in world.magento.state.source_items.items())


def _no_duplicates(world: World) -> list[str]:
    """Keyed upserts (one row per SKU and source): nothing can exist twice."""
    return []


# ---- the catalog (Odoo -> Magento): the demo catalog into an empty store --------------------
# Compared without Magento's ids (they differ between a clean and a faulty run): children by
# SKU, configurable values by option label, everything else as Magento keeps it.

_IDS = frozenset({"id", "option_id", "product_id", "created_at", "updated_at", "stock_item_id",
                  "value_index", "attribute_id"})


def _canon(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _canon(v)) for k, v in value.items() if k not in _IDS))
    if isinstance(value, list):
        return tuple(sorted((_canon(v) for v in value), key=repr))
    return value


def _option_labels(world: World) -> dict[str, str]:
    return {str(o["value"]): str(o["label"]) for a in world.magento.state.attributes.values()
            for o in a.get("options") or [] if str(o.get("value") or "")}


def _attribute_values(world: World) -> dict[str, dict[str, str]]:
    """Option id -> label, per attribute code (option ids depend on the order of creation)."""
    return {code: {str(o["value"]): str(o["label"]) for o in a.get("options") or []
                   if str(o.get("value") or "")}
            for code, a in world.magento.state.attributes.items()}


def _products(world: World) -> list[dict[str, Any]]:
    state = world.magento.state
    skus = {int(p["id"]): str(p["sku"]) for p in state.products.values()}
    labels = _option_labels(world)
    values = _attribute_values(world)
    out = []
    for p in state.products.values():
        row = dict(p)
        row["custom"] = {k: values.get(k, {}).get(str(v), v) if isinstance(v, (str, int)) else v
                         for k, v in (p.get("custom") or {}).items()}
        row["configurable_links"] = sorted(skus[int(i)] for i in p.get("configurable_links")
                                           or [])
        row["configurable_options"] = [
            dict(o, values=sorted(labels.get(str(v["value_index"]), "?") for v in o["values"]))
            for o in p.get("configurable_options") or []]
        out.append(row)
    return out


def _products_snapshot(world: World) -> Any:
    return sorted((_canon(p) for p in _products(world)), key=repr)


def _twice(key: str, values: list[Any]) -> list[str]:
    return [f"{key}: {v}" for v, n in Counter(repr(v) for v in values).items() if n > 1]


def _products_duplicates(world: World) -> list[str]:
    out = _twice("sku", [str(p["sku"]).lower() for p in world.magento.state.products.values()])
    for p in _products(world):
        sku = p["sku"]
        out += _twice(f"{sku} child", p["configurable_links"])
        out += _twice(f"{sku} configurable option",
                      [o["label"] for o in p["configurable_options"]])
        out += _twice(f"{sku} custom option", [o.get("title") for o in p.get("options") or []])
        out += _twice(f"{sku} bundle option",
                      [o.get("title") for o in p.get("bundle_options") or []])
        out += _twice(f"{sku} media", [(m.get("label"), m.get("media_type"))
                                       for m in p.get("media") or []])
        out += _twice(f"{sku} category", [c.get("category_id")
                                          for c in p.get("category_links") or []])
    return out


def _template_keys(world: World, domain: list[Any]) -> list[str]:
    return [str(i) for i in _odoo(world, "product.template", "search", domain)]


def _populate_products(world: World) -> list[str]:
    from magodoo.engine.entities.catalog.products import BASE_DOMAIN

    return _template_keys(world, list(BASE_DOMAIN))


def _populate_pictures(world: World) -> list[str]:
    from magodoo.engine.entities.catalog.images import BASE

    return _template_keys(world, list(BASE))


def _populate_translations(world: World) -> list[str]:
    """A French store view, French names on a dozen templates and on an attribute value."""
    from magodoo.testing._magento.base_store import store_config

    state = world.magento.state
    state.stores.add({"id": 2, "code": "fr", "name": "FR", "website_id": 1,
                      "store_group_id": 1, "is_active": 1})
    state.store_configs[2] = {**store_config(state.stores.rows[2]), "locale": "fr_FR"}
    (lang,) = [r["id"] for r in world.odoo.table("res.lang").values() if r["code"] == "fr_FR"]
    _odoo(world, "res.lang", "write", [lang], {"active": True})
    keys = _populate_pictures(world)
    fr = {"context": {"lang": "fr_FR"}}
    for key in keys[:12]:
        world.odoo.execute("product.template", "write", [[int(key)], {
            "name": f"Article {key}", "description_sale": f"Description {key}"}], fr)
    world.odoo.execute("product.attribute.value", "write", [[1], {"name": "Acier"}], fr)
    return keys


def _populate_attributes(world: World) -> list[str]:
    from magodoo.engine.entities.catalog.attributes import MAGENTO_DOMAIN

    return [str(i) for i in _odoo(world, "product.attribute", "search", list(MAGENTO_DOMAIN))]


def _ours_attributes(world: World) -> list[dict[str, Any]]:
    return [a for a in world.magento.state.attributes.values() if a.get("is_user_defined")]


def _attributes_snapshot(world: World) -> Any:
    return sorted((a["attribute_code"], a.get("default_frontend_label"), a["frontend_input"],
                   tuple(sorted(str(o["label"]) for o in a.get("options") or [])),
                   _canon(a.get("frontend_labels") or []))
                  for a in _ours_attributes(world))


def _attributes_duplicates(world: World) -> list[str]:
    out: list[str] = []
    for a in _ours_attributes(world):
        out += _twice(f"{a['attribute_code']} option",
                      [str(o["label"]) for o in a.get("options") or []])
    return out


async def _sync_clean(world: World, *entities: str) -> None:
    for entity in entities:
        result = await world.engine.sync(entity, Direction.ODOO_TO_MAGENTO)
        assert result.failed == 0, (entity, [r.reason for r in result.records if r.reason])


async def _before_products(world: World) -> None:
    await _sync_clean(world, "categories", "attributes")


async def _before_pictures(world: World) -> None:
    await _sync_clean(world, "categories", "attributes", "products")


CATALOG: dict[str, Any] = {"odoo_seed": "catalog",
                           "settings": {"catalog": CatalogSettings(missing_sku="derive")}}


SCENARIOS = [
    Scenario("customers", "customers", Direction.MAGENTO_TO_ODOO, _populate_customers,
             _customers_snapshot, _customers_duplicates),
    Scenario("categories", "categories", Direction.ODOO_TO_MAGENTO, _populate_categories,
             _categories_snapshot, _categories_duplicates),
    Scenario("categories_m2o", "categories", Direction.MAGENTO_TO_ODOO,
             _populate_magento_categories, _odoo_categories_snapshot,
             _odoo_categories_duplicates),
    Scenario("tax_rates", "tax_rates", Direction.MAGENTO_TO_ODOO, _populate_tax_rates,
             _taxes_snapshot, _taxes_duplicates),
    Scenario("prices", "prices", Direction.ODOO_TO_MAGENTO, _populate_prices,
             _prices_snapshot, _prices_duplicates, odoo_seed="catalog",
             settings={"prices": PriceSettings(pricelist=PRICELIST)}, input_limit=4),
    Scenario("stock", "stock", Direction.ODOO_TO_MAGENTO, _populate_stock,
             _stock_snapshot, _no_duplicates, odoo_seed="catalog", input_limit=4),
    Scenario("attributes", "attributes", Direction.ODOO_TO_MAGENTO, _populate_attributes,
             _attributes_snapshot, _attributes_duplicates, **CATALOG),
    Scenario("products", "products", Direction.ODOO_TO_MAGENTO, _populate_products,
             _products_snapshot, _products_duplicates, prepare=_before_products, **CATALOG),
    Scenario("images", "images", Direction.ODOO_TO_MAGENTO, _populate_pictures,
             _products_snapshot, _products_duplicates, prepare=_before_pictures, **CATALOG),
    Scenario("translations", "translations", Direction.ODOO_TO_MAGENTO, _populate_translations,
             _products_snapshot, _products_duplicates, prepare=_before_pictures, **CATALOG),
    # sales: the demo shop's orders (guests among them), invoices, credit memos, shipments
    Scenario("orders", "orders", Direction.MAGENTO_TO_ODOO, sales.order_keys,
             sales.orders_snapshot, sales.orders_duplicates, prepare=sales.before_orders,
             magento_seed="demo"),
    Scenario("invoices", "invoices", Direction.MAGENTO_TO_ODOO, sales.invoice_keys,
             sales.invoices_snapshot, sales.invoices_duplicates, prepare=sales.before_invoices,
             magento_seed="demo"),
    Scenario("credit_memos", "credit_memos", Direction.MAGENTO_TO_ODOO, sales.credit_memo_keys,
             sales.credit_memos_snapshot, sales.credit_memos_duplicates,
             prepare=sales.before_credit_memos, magento_seed="demo"),
    Scenario("shipments", "shipments", Direction.ODOO_TO_MAGENTO, sales.shipment_keys,
             sales.shipments_snapshot, sales.shipments_duplicates,
             prepare=sales.before_shipments, magento_seed="demo"),
    # order status: Magento states move Odoo orders; Odoo events comment in Magento
    Scenario("orders_state", "orders", Direction.MAGENTO_TO_ODOO, sales.state_change_keys,
             sales.orders_snapshot, sales.orders_duplicates, prepare=sales.before_invoices,
             magento_seed="demo"),
    Scenario("order_status", "order_status", Direction.ODOO_TO_MAGENTO, sales.odoo_event_keys,
             sales.magento_statuses, sales.comments_duplicates, prepare=sales.before_invoices,
             magento_seed="demo"),
]
"""Every entity the fault-injection run covers: add yours here."""
