"""Products (Magento_Catalog): list, get, create/update, delete, websites, custom options, media.

Products are stored as internal rows (``custom`` holds the custom attributes by code) and
rendered in the shape each route answers with (recorded on 2.4.6):

- save (POST/PUT): no ``product_links`` / ``tier_prices``; ``extension_attributes`` has the stock
  item;
- get: everything;
- list items: ``extension_attributes`` without the stock item;
- configurable children: no ``extension_attributes``, ``options`` nor ``media_gallery_entries``.

Store scope: ``/rest/all/`` writes global values; a store view's code (``/rest/default/``,
``/rest/V1/``) writes the store-scoped attributes of that view on update, even in a store with a
single view (recorded: ``78``-``80``). A ``POST`` with an existing SKU updates that product
(recorded: ``69``-``71``).
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from typing import Any, Literal

from magodoo.testing._magento import errors, stock
from magodoo.testing._magento.base_store import DEFAULT_SET_ID
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.search import (
    KeyIndex,
    SearchCriteria,
    search,
    texts_wanted,
)
from magodoo.testing._magento.state import Row, State

PRODUCTS = "Magento_Catalog::products"
CATALOG = "Magento_Catalog::catalog"
ATTRIBUTES = "Magento_Catalog::attributes_attributes"
NOT_FOUND = stock.PRODUCT_NOT_FOUND
Mode = Literal["save", "get", "list", "child"]

DEFAULT_CUSTOM: tuple[tuple[str, Any], ...] = (
    ("options_container", "container2"),
    ("msrp_display_actual_price_type", "0"),
    ("url_key", None),
    ("required_options", "0"),
    ("has_options", "0"),
    ("tax_class_id", "2"),
    ("category_ids", []),
)
STORE_SCOPED = frozenset(
    [
        "name",
        "status",
        "visibility",
        "description",
        "short_description",
        "meta_title",
        "meta_keyword",
        "meta_description",
        "url_key",
        "image_label",
        "small_image_label",
        "thumbnail_label",
        "options_container",
        "gift_message_available",
    ]
)
STATIC_FIELDS = {
    "entity_id",
    "id",
    "sku",
    "type_id",
    "attribute_set_id",
    "created_at",
    "updated_at",
    "category_id",
    "website_id",
    "store_id",
    "store",
    "has_options",
    "required_options",
}
_FIXED = (
    "id",
    "sku",
    "name",
    "attribute_set_id",
    "price",
    "status",
    "visibility",
    "type_id",
    "created_at",
    "updated_at",
    "weight",
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def find(state: State, sku: str) -> Row:
    product = state.product_by_sku(sku)
    if product is None:
        raise errors.not_found(NOT_FOUND)
    return product


# ---- rendering ------------------------------------------------------------------------------


def _custom_attributes(state: State, p: Row) -> list[dict[str, Any]]:
    """The custom attributes as Magento reads them back: only those of the product's set."""
    custom = dict(p["custom"])
    custom["category_ids"] = [str(link["category_id"]) for link in p["category_links"]]
    in_set = state.set_attributes.get(p["attribute_set_id"])
    out = []
    for code, value in custom.items():
        if value is None or (in_set is not None and code not in in_set):
            continue
        out.append({"attribute_code": code, "value": copy.deepcopy(value)})
    return out


def render(state: State, p: Row, mode: Mode = "get", store_id: int = 0) -> Row:
    p = effective(p, store_id)
    out: Row = {}
    for key in _FIXED:
        if key in p and p[key] is not None:
            out[key] = p[key]
    if p["type_id"] == "configurable":
        out["price"] = 0
    if mode != "child":
        ext: Row = {"website_ids": list(p["website_ids"])}
        if p["category_links"]:
            ext["category_links"] = copy.deepcopy(p["category_links"])
        if mode in ("save", "get"):
            ext["stock_item"] = dict(stock.stock_item_of(state, p))
        if p["type_id"] == "configurable":
            ext["configurable_product_options"] = copy.deepcopy(p["configurable_options"])
            ext["configurable_product_links"] = list(p["configurable_links"])
        if p["type_id"] == "bundle":
            from magodoo.testing._magento.bundles import render_options

            ext["bundle_product_options"] = render_options(p)
        out["extension_attributes"] = ext
    if mode != "save":
        out["product_links"] = copy.deepcopy(p["product_links"])
    if mode != "child":
        out["options"] = [render_option(p, o) for o in p["options"]]
        out["media_gallery_entries"] = [render_media(m) for m in p["media"]]
    if mode != "save":
        out["tier_prices"] = copy.deepcopy(p["tier_prices"])
    out["custom_attributes"] = _custom_attributes(state, p)
    return out


def render_option(p: Row, o: Row, *, listing: bool = True) -> Row:
    out = {k: copy.deepcopy(v) for k, v in o.items() if k != "values"}
    out["product_sku"] = p["sku"]
    if o.get("values") is not None:
        out["values"] = [
            {k: v for k, v in val.items() if listing or k != "option_type_id"}
            for val in o["values"]
        ]
    return out


def render_media(m: Row) -> Row:
    return {k: copy.deepcopy(v) for k, v in m.items() if k != "content"}


# ---- saving ---------------------------------------------------------------------------------


def _given_url_key(data: Row) -> str | None:
    for attr in data.get("custom_attributes") or []:
        if attr["attribute_code"] == "url_key" and attr["value"]:
            return slug(str(attr["value"]))
    return None


def is_store_scoped(state: State, code: str) -> bool:
    """Whether an attribute keeps a value per store view (not global)."""
    if code in STORE_SCOPED:
        return True
    attr = state.attributes.get(code)
    return bool(attr and attr.get("is_user_defined") and attr.get("scope") != "global")


def effective(p: Row, store_id: int) -> Row:
    """The product as a store view sees it (its store-level values over the global ones)."""
    overrides = p.get("store_values", {}).get(store_id) if store_id else None
    if not overrides:
        return p
    view = dict(p)
    view["custom"] = dict(p["custom"])
    for code, value in overrides.items():
        if code in _FIXED:
            view[code] = value
        else:
            view["custom"][code] = value
    return view


def save_product(state: State, data: Row, *, sku: str | None = None, store_id: int = 0) -> Row:
    """Create or update (by SKU) a product from a converted ``product`` body.

    ``store_id`` 0 (store code ``all``) writes global values. A store view writes the
    store-scoped attributes (name, status, visibility, description, url key...) of that view:
    on creation both globally and for the view, on update for the view only (so a later global
    update does not show in that view), as Magento does.
    """
    sku = sku if sku is not None else data.get("sku")
    if not sku:
        raise errors.CrashError()  # recorded: a product without sku crashes the application
    existing = state.product_by_sku(str(sku))
    url_key = _given_url_key(data)
    if existing is None:
        url_key = url_key or (slug(str(data["name"])) if data.get("name") else None)
        if (
            data.get("attribute_set_id") is not None
            and state.attribute_sets.get(data["attribute_set_id"]) is None
        ):
            raise errors.bad_request(
                "Invalid product data: %1", ["Invalid attribute set entity type"]
            )
        new_id = state.products.next_id()  # consumed even when the save fails, as MySQL does
        if not data.get("name"):
            # AbstractBackend::validate throws; AbstractEntity::walkAttributes re-throws it
            # with the phrase already rendered (no parameters).
            raise errors.bad_request(
                'The "Product Name" attribute value is empty. Set the attribute and try again.'
            )
        _check_url_key(state, url_key, str(sku))
        now = state.timestamp()
        sites = [w["id"] for w in state.websites if w["id"] != 0]
        product: Row = {
            "id": new_id,
            "sku": str(sku),
            "name": None,
            "attribute_set_id": DEFAULT_SET_ID,
            "price": None,
            "status": 1,
            "visibility": 4,
            "type_id": "simple",
            "created_at": now,
            "updated_at": now,
            "website_ids": sites if len(sites) == 1 else [],
            "category_links": [],
            "custom": dict(DEFAULT_CUSTOM),
            "options": [],
            "media": [],
            "tier_prices": [],
            "product_links": [],
            "configurable_options": [],
            "configurable_links": [],
        }
        _apply(state, product, data, url_key, 0)
        if store_id and _store_view_count(state) > 1:
            _apply(state, product, data, url_key, store_id, scoped_only=True)
        state.products.add(product)
        index_url_key(state, product)
        state.sku_index[product["sku"].lower()] = product["id"]
        state.sku_folded.setdefault(product["sku"].casefold(), set()).add(product["id"])
        ext = data.get("extension_attributes") or {}
        stock.create_stock_item(state, product, ext.get("stock_item") or {})
        return product
    # An update through a store view's code writes that view's values, even when it is the
    # only view (recorded: 78-80, a name PUT on /rest/default/ is not seen on /rest/all/).
    old_key = existing["custom"].get("url_key")
    if url_key is not None and url_key != effective(existing, store_id)["custom"].get("url_key"):
        _check_url_key(state, url_key, existing["sku"], store_id)
    _apply(state, existing, data, url_key, store_id)
    index_url_key(state, existing, old_key)
    existing["updated_at"] = state.timestamp()
    ext = data.get("extension_attributes") or {}
    if ext.get("stock_item"):
        stock.update_stock_item(state, existing, ext["stock_item"])
    return existing


def _store_view_count(state: State) -> int:
    return sum(1 for s in state.stores if s["id"] != 0)


def _check_url_key(state: State, url_key: str | None, sku: str, store_id: int = 0) -> None:
    if not url_key:
        return
    if store_id:
        for p in state.products:
            other = p["sku"].lower() != sku.lower()
            if other and effective(p, store_id)["custom"].get("url_key") == url_key:
                raise errors.bad_request("URL key for specified store already exists.")
        return
    owner = state.url_keys.get((0, url_key))
    if owner is not None and owner.lower() != sku.lower() and state.product_by_sku(owner):
        raise errors.bad_request("URL key for specified store already exists.")


def index_url_key(state: State, p: Row, old: str | None = None) -> None:
    """Keep ``state.url_keys`` in step with a product's url key."""
    if old and state.url_keys.get((0, old), "").lower() == p["sku"].lower():
        del state.url_keys[(0, old)]
    key = p["custom"].get("url_key")
    if key:
        state.url_keys[(0, key)] = p["sku"]


def _apply(
    state: State,
    p: Row,
    data: Row,
    url_key: str | None,
    store_id: int,
    *,
    scoped_only: bool = False,
) -> None:
    """Write ``data`` into ``p``: globally, or the store-scoped part for ``store_id``."""

    def put(code: str, value: Any) -> None:
        if store_id and is_store_scoped(state, code):
            p.setdefault("store_values", {}).setdefault(store_id, {})[code] = value
        elif not scoped_only:
            if code in _FIXED:
                p[code] = value
            else:
                p["custom"][code] = value

    for key in ("name", "attribute_set_id", "price", "status", "visibility", "type_id", "weight"):
        if key in data and data[key] is not None:
            value = data[key]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            put(key, value)
    if url_key is not None:
        put("url_key", url_key)
    if scoped_only:
        for attr in data.get("custom_attributes") or []:
            if attr["attribute_code"] not in ("url_key", "category_ids"):
                put(attr["attribute_code"], _custom_value(attr["value"]))
        return
    in_set = state.set_attributes.get(p["attribute_set_id"])
    for attr in data.get("custom_attributes") or []:
        code, value = attr["attribute_code"], attr["value"]
        if code == "url_key":
            continue
        if in_set is not None and code not in in_set and code not in _FIXED:
            continue  # Magento saves only the attributes of the product's attribute set
        if code in ("category_ids",):
            ids = value if isinstance(value, list) else str(value).split(",")
            p["category_links"] = [
                {"position": 0, "category_id": str(c)} for c in ids if str(c).strip()
            ]
            continue
        kind = (state.attributes.get(code) or {}).get("frontend_input")
        put(code, value if code in _FIXED else _custom_value(value, kind))
    ext = data.get("extension_attributes") or {}
    if ext.get("website_ids") is not None:
        p["website_ids"] = [int(w) for w in ext["website_ids"]]
    if ext.get("category_links") is not None:
        p["category_links"] = [
            {"position": int(link.get("position") or 0), "category_id": str(link["category_id"])}
            for link in ext["category_links"]
        ]
    if p["type_id"] == "configurable":
        if ext.get("configurable_product_options") is not None:
            from magodoo.testing._magento.configurable import set_options

            set_options(state, p, ext["configurable_product_options"])
        if ext.get("configurable_product_links") is not None:
            p["configurable_links"] = [int(i) for i in ext["configurable_product_links"]]
    if p["type_id"] == "bundle" and ext.get("bundle_product_options") is not None:
        from magodoo.testing._magento.bundles import set_bundle_options

        set_bundle_options(state, p, ext["bundle_product_options"])
    if data.get("options") is not None:
        p["options"] = []
        for o in data["options"]:
            add_option(state, p, o)
    if data.get("tier_prices") is not None:
        p["tier_prices"] = copy.deepcopy(data["tier_prices"])
    if data.get("product_links") is not None:
        p["product_links"] = copy.deepcopy(data["product_links"])


def _custom_value(value: Any, frontend_input: str | None = None) -> Any:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) if frontend_input == "multiselect" else value
    return str(value)


def add_option(state: State, p: Row, o: Row) -> Row:
    option = {k: copy.deepcopy(v) for k, v in o.items() if k not in ("product_sku", "option_id")}
    option["option_id"] = o.get("option_id") or state.option_counter.next_id()
    if option.get("values") is not None:
        for v in option["values"]:
            v.setdefault("option_type_id", state.option_value_counter.next_id())
    p["options"] = [x for x in p["options"] if x["option_id"] != option["option_id"]] + [option]
    p["custom"]["has_options"] = "1"
    if option.get("is_require"):
        p["custom"]["required_options"] = "1"
    return option


def delete_product(state: State, p: Row) -> None:
    state.products.remove(p["id"])
    state.sku_index.pop(p["sku"].lower(), None)
    state.sku_folded.get(p["sku"].casefold(), set()).discard(p["id"])
    state.url_keys.pop((0, p["custom"].get("url_key") or ""), None)
    stock.forget_product(state, p)
    for other in state.products:
        if p["id"] in other.get("configurable_links", []):
            other["configurable_links"].remove(p["id"])


# ---- searching ------------------------------------------------------------------------------


def column(state: State, p: Row, field: str, store_id: int = 0) -> Any:
    p = effective(p, store_id)
    if field in ("entity_id", "id"):
        return p["id"]
    if field == "category_id":
        return [link["category_id"] for link in p["category_links"]]
    if field in ("website_id",):
        return p["website_ids"]
    if field in ("store_id", "store"):
        return None
    if field in p and field != "custom":
        return p[field]
    if field == "category_ids":
        return [link["category_id"] for link in p["category_links"]]
    return p["custom"].get(field)


def known_field(state: State, field: str) -> bool:
    return field in STATIC_FIELDS or field in state.attributes


PRODUCT_KEY = frozenset({"entity_id", "id"})
"""The names of the products table's key (``column`` answers ``p["id"]`` for both)."""


def _ids_by_sku(state: State, criteria: SearchCriteria) -> list[int] | None:
    """The ids of the only products a ``sku`` ``eq``/``in`` filter group can match (the SKU
    index), ascending; ``None``: every product must be tested."""
    texts = texts_wanted(criteria, "sku")
    if texts is None:
        return None
    found: set[int] = set()
    for text in texts:
        found |= state.sku_folded.get(text, set())
    return sorted(found)


def list_products(call: Call) -> Any:
    state = call.state
    by_sku = _ids_by_sku(state, call.criteria)
    if by_sku is not None:  # rows from the SKU index, in id order as below
        rows = [p for p in (state.products.get(i) for i in by_sku) if p is not None]
    elif (ids := list(state.products.rows)) == sorted(ids):
        rows = state.products.values()
    else:
        rows = sorted(state.products, key=lambda r: r["id"])
    return search(
        rows,
        call.criteria,
        get=lambda r, f: column(state, r, f, call.store_id),
        fields=lambda f: known_field(state, f),
        unknown_field=errors.invalid_attribute,
        past_end="empty",
        render=lambda r: render(state, r, "list", call.store_id),
        index=None if by_sku is not None else KeyIndex(state.products.rows, PRODUCT_KEY),
    )


def quick_search(call: Call) -> Any:
    """``GET /V1/search``: a minimal full-text search over product names (the recorded store also
    ran a stand-in search engine, so only the shape of the answer is faithful)."""
    from magodoo.testing._magento.search import parse_criteria, parse_nested

    state = call.state
    criteria = parse_criteria(call.query, definition="framework-search-search-criteria-interface")
    raw = parse_nested(call.query, "searchCriteria") or {}
    request_name = (
        raw.get("requestName") or raw.get("request_name") if isinstance(raw, dict) else None
    )
    if not request_name:
        raise errors.bad_request(
            '"%fieldName" is required. Enter and try again.', {"fieldName": "requestName"}
        )
    terms: list[str] = []
    for group in criteria.filter_groups:
        for f in group:
            if f.field == "search_term" and f.value:
                terms.extend(f.value.lower().split())
    hits: list[tuple[int, Row]] = []
    for p in sorted(state.products, key=lambda r: r["id"]):
        name = str(p.get("name") or "").lower()
        score = sum(name.count(t) for t in terms)
        if score:
            hits.append((score, p))
    hits.sort(key=lambda h: -h[0])
    buckets: dict[str, int] = {}
    for _, p in hits:
        for link in p["category_links"]:
            buckets[link["category_id"]] = buckets.get(link["category_id"], 0) + 1
    from magodoo.testing._magento.search import page_of

    page = page_of(hits, criteria)
    echo = {"request_name": request_name, **criteria.echo()}
    return {
        "items": [
            {"id": p["id"], "custom_attributes": [{"attribute_code": "_score", "value": score}]}
            for score, p in page
        ],
        "aggregations": {
            "buckets": [
                {
                    "name": "category_bucket",
                    "values": [
                        {"value": cid, "metrics": [int(cid), count]}
                        for cid, count in sorted(buckets.items())
                    ],
                }
            ],
            "bucket_names": ["category_bucket"],
        },
        "search_criteria": echo,
        "total_count": len(hits),
    }


def register(r: Router) -> None:
    r.get("/V1/products", resource=PRODUCTS, criteria=True)(list_products)
    r.get("/V1/search", resource="Magento_Search::search")(quick_search)

    @r.get("/V1/products/{sku}", resource=PRODUCTS)
    def get_product(call: Call) -> Any:
        store_id = call.query_int("storeId")
        store = call.store_id if store_id is None else store_id
        return render(call.state, find(call.state, call.params["sku"]), "get", store)

    @r.post("/V1/products", resource=PRODUCTS)
    def create_product(call: Call) -> Any:
        p = save_product(call.state, call.arg("product") or {}, store_id=call.store_id)
        return render(call.state, p, "save", call.store_id)

    @r.put("/V1/products/{sku}", resource=PRODUCTS)
    def put_product(call: Call) -> Any:
        p = save_product(
            call.state, call.arg("product") or {}, sku=call.params["sku"], store_id=call.store_id
        )
        return render(call.state, p, "save", call.store_id)

    @r.delete("/V1/products/{sku}", resource=PRODUCTS)
    def del_product(call: Call) -> Any:
        delete_product(call.state, find(call.state, call.params["sku"]))
        return True

    @r.get("/V1/products/types", resource=PRODUCTS)
    def types(call: Call) -> Any:
        return [
            {"name": name, "label": label}
            for name, label in (
                ("simple", "Simple Product"),
                ("virtual", "Virtual Product"),
                ("bundle", "Bundle Product"),
                ("downloadable", "Downloadable Product"),
                ("configurable", "Configurable Product"),
                ("grouped", "Grouped Product"),
            )
        ]

    def _website_link(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        link = call.arg("productWebsiteLink") or {}
        wid = int(link.get("website_id") or 0)
        if call.state.websites.get(wid) is None or wid == 0:
            raise errors.bad_request(
                "The website with id %1 that was requested wasn't found. "
                "Verify the website and try again.",
                [wid],
            )
        if wid not in p["website_ids"]:
            p["website_ids"].append(wid)
            p["updated_at"] = call.state.timestamp()
        return True

    r.post("/V1/products/{sku}/websites", resource=PRODUCTS)(_website_link)
    r.put("/V1/products/{sku}/websites", resource=PRODUCTS)(_website_link)

    @r.delete("/V1/products/{sku}/websites/{websiteId}", resource=PRODUCTS)
    def unlink_website(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        wid = call.path_int("websiteId")
        if wid in p["website_ids"]:
            p["website_ids"].remove(wid)
            p["updated_at"] = call.state.timestamp()
        return True

    # ---- custom options ----

    @r.get("/V1/products/options/types", resource=CATALOG)
    def option_types(call: Call) -> Any:
        return [
            {"label": label, "code": code, "group": group}
            for code, label, group in (
                ("field", "Field", "Text"),
                ("area", "Area", "Text"),
                ("file", "File", "File"),
                ("drop_down", "Drop-down", "Select"),
                ("radio", "Radio Buttons", "Select"),
                ("checkbox", "Checkbox", "Select"),
                ("multiple", "Multiple Select", "Select"),
                ("date", "Date", "Date"),
                ("date_time", "Date & Time", "Date"),
                ("time", "Time", "Date"),
            )
        ]

    @r.get("/V1/products/{sku}/options", resource=CATALOG)
    def list_options(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        return [render_option(p, o) for o in p["options"]]

    @r.get("/V1/products/{sku}/options/{optionId}", resource=CATALOG)
    def get_option(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        oid = call.path_int("optionId")
        for o in p["options"]:
            if o["option_id"] == oid:
                return render_option(p, o)
        raise errors.not_found(
            "The option that was requested doesn't exist. Verify the entity and try again."
        )

    def _save_option(call: Call, option_id: int | None) -> Any:
        data = dict(call.arg("option") or {})
        sku = data.get("product_sku")
        if not sku:
            raise errors.bad_request("The ProductSku is empty. Set the ProductSku and try again.")
        p = find(call.state, str(sku))
        if option_id is not None:
            if not any(o["option_id"] == option_id for o in p["options"]):
                raise errors.no_such_entity("optionId", option_id)
            data["option_id"] = option_id
        for key in ("title", "type"):
            if not data.get(key):
                raise errors.bad_request(
                    "The option %1 is missing. Enter the option and try again.", [key]
                )
        option = add_option(call.state, p, data)
        p["updated_at"] = call.state.timestamp()
        return render_option(p, option, listing=False)

    @r.post("/V1/products/options", resource=CATALOG)
    def create_option(call: Call) -> Any:
        return _save_option(call, None)

    @r.put("/V1/products/options/{optionId}", resource=CATALOG)
    def update_option(call: Call) -> Any:
        return _save_option(call, call.path_int("optionId"))

    @r.delete("/V1/products/{sku}/options/{optionId}", resource=CATALOG)
    def delete_option(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        oid = call.path_int("optionId")
        before = len(p["options"])
        p["options"] = [o for o in p["options"] if o["option_id"] != oid]
        if len(p["options"]) == before:
            raise errors.no_such_entity("optionId", oid)
        if not p["options"]:
            p["custom"]["has_options"] = "0"
            p["custom"]["required_options"] = "0"
        return True

    # ---- media gallery ----

    @r.get("/V1/products/{sku}/media", resource=CATALOG)
    def list_media(call: Call) -> Any:
        return [render_media(m) for m in find(call.state, call.params["sku"])["media"]]

    @r.get("/V1/products/{sku}/media/{entryId}", resource=ATTRIBUTES)
    def get_media(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        eid = call.path_int("entryId")
        for m in p["media"]:
            if m["id"] == eid:
                return render_media(m)
        raise errors.not_found("The image doesn't exist. Verify and try again.")

    def _save_media(call: Call, entry_id: int | None) -> Any:
        state = call.state
        p = find(state, call.params["sku"])
        data = dict(call.arg("entry") or {})
        existing = None
        if entry_id is not None:
            existing = next((m for m in p["media"] if m["id"] == entry_id), None)
            if existing is None:
                raise errors.no_such_entity("entryId", entry_id)
        content = data.pop("content", None)
        if existing is None:
            if not content:
                raise errors.bad_request(
                    "The image content is invalid. Verify the content and try again."
                )
            try:
                base64.b64decode(str(content.get("base64_encoded_data", "")), validate=True)
            except (binascii.Error, ValueError):
                raise errors.bad_request(
                    "The image content must be valid base64 encoded data."
                ) from None
            if content.get("type") not in ("image/jpeg", "image/png", "image/gif"):
                raise errors.bad_request("The image MIME type is not valid or not supported.")
            name = slug(str(content.get("name") or "image").rsplit(".", 1)[0]) or "image"
            ext = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif"}[content["type"]]
            entry: Row = {
                "id": state.media_ids.next_id(),
                "media_type": data.get("media_type", "image"),
                "label": data.get("label"),
                "position": data.get("position", len(p["media"]) + 1),
                "disabled": bool(data.get("disabled", False)),
                "types": list(data.get("types") or []),
                "file": f"/{name[0]}/{name[1:2] or name[0]}/{name}.{ext}",
            }
            p["media"].append(entry)
        else:
            entry = existing
            for key in ("media_type", "label", "position", "disabled", "types"):
                if key in data:
                    entry[key] = data[key]
        for t in entry["types"]:
            for other in p["media"]:
                if other is not entry and t in other["types"]:
                    other["types"].remove(t)
            p["custom"][t] = entry["file"]
        p["updated_at"] = state.timestamp()
        return entry

    @r.post("/V1/products/{sku}/media", resource=CATALOG)
    def create_media(call: Call) -> Any:
        return str(_save_media(call, None)["id"])

    @r.put("/V1/products/{sku}/media/{entryId}", resource=CATALOG)
    def update_media(call: Call) -> Any:
        _save_media(call, call.path_int("entryId"))
        return True

    @r.delete("/V1/products/{sku}/media/{entryId}", resource=CATALOG)
    def delete_media(call: Call) -> Any:
        p = find(call.state, call.params["sku"])
        eid = call.path_int("entryId")
        entry = next((m for m in p["media"] if m["id"] == eid), None)
        if entry is None:
            raise errors.no_such_entity("entryId", eid)
        p["media"].remove(entry)
        for t in entry["types"]:
            p["custom"][t] = "no_selection"
        return True
