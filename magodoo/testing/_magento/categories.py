"""Categories (Magento_Catalog): tree, flat list, get, create, update, delete, move, product links.

A category ``url_key`` keeps the case sent; its ``url_path`` is lowercased (recorded).
Product assignments live on the products (``category_links``), as in Magento.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.products import find as find_product
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

CATEGORIES = "Magento_Catalog::categories"
_FIXED = ("name", "is_active", "position", "include_in_menu")
CATEGORY_FIELDS = frozenset(
    [
        "entity_id",
        "id",
        "parent_id",
        "path",
        "level",
        "position",
        "children_count",
        "created_at",
        "updated_at",
        "name",
        "is_active",
        "include_in_menu",
        "url_key",
        "url_path",
        "is_anchor",
        "description",
        "display_mode",
        "landing_page",
        "meta_title",
        "meta_keywords",
        "meta_description",
        "image",
        "page_layout",
        "custom_design",
        "default_sort_by",
        "available_sort_by",
        "filter_price_range",
        "custom_use_parent_settings",
        "custom_apply_to_products",
        "custom_layout_update",
        "custom_design_from",
        "custom_design_to",
        "all_children",
        "children",
        "attribute_set_id",
        "store_id",
    ]
)


def find(state: State, category_id: int) -> Row:
    row = state.categories.get(category_id)
    if row is None:
        raise errors.no_such_entity("id", category_id)
    return row


def children_of(state: State, category_id: int) -> list[Row]:
    return sorted(
        (c for c in state.categories if c["parent_id"] == category_id),
        key=lambda c: (c["position"], c["id"]),
    )


def _subtree(state: State, row: Row) -> list[Row]:
    out = []
    for child in children_of(state, row["id"]):
        out.append(child)
        out.extend(_subtree(state, child))
    return out


def product_links(state: State, category_id: int) -> list[Row]:
    links = []
    for p in sorted(state.products, key=lambda r: r["id"]):
        for link in p["category_links"]:
            if str(link["category_id"]) == str(category_id):
                links.append(
                    {"sku": p["sku"], "position": link["position"], "category_id": str(category_id)}
                )
    return links


def effective(c: Row, store_id: int = 0) -> Row:
    """The category as a store view reads it: its store-level values over the global ones."""
    scoped = c.get("store_values", {}).get(store_id) if store_id else None
    if not scoped:
        return c
    out = {**c, "custom": {**c["custom"], **scoped.get("custom", {})}}
    out.update({k: v for k, v in scoped.items() if k != "custom"})
    return out


def render(state: State, c: Row, store_id: int = 0) -> Row:
    c = effective(c, store_id)
    kids = children_of(state, c["id"])
    out: Row = {
        "id": c["id"],
        "parent_id": c["parent_id"],
        "name": c["name"],
        "is_active": c["is_active"],
        "position": c["position"],
        "level": c["level"],
        "children": ",".join(str(k["id"]) for k in kids),
        "created_at": c["created_at"],
        "updated_at": c["updated_at"],
        "path": c["path"],
        "include_in_menu": c["include_in_menu"],
    }
    custom: list[Row] = []
    if c.get("is_anchor") is not None:
        custom.append({"attribute_code": "is_anchor", "value": c["is_anchor"]})
    for code, value in c["custom"].items():
        custom.append({"attribute_code": code, "value": copy.deepcopy(value)})
    custom.append({"attribute_code": "path", "value": c["path"]})
    custom.append({"attribute_code": "children_count", "value": str(len(_subtree(state, c)))})
    if c.get("url_key"):
        custom.append({"attribute_code": "url_key", "value": c["url_key"]})
        custom.append({"attribute_code": "url_path", "value": c["url_path"]})
    out["custom_attributes"] = custom
    if out["is_active"] is None:
        del out["is_active"]
    return out


def tree(state: State, c: Row, depth: int | None, level: int = 0) -> Row:
    out: Row = {
        "id": c["id"],
        "parent_id": c["parent_id"],
        "name": c["name"],
        "is_active": c["is_active"],
        "position": c["position"],
        "level": c["level"],
        "product_count": len(product_links(state, c["id"])),
        "children_data": [],
    }
    # The tree keeps a null is_active (the root catalog's, under /rest/all/: issue 8, real
    # 2.4.6); the category list and GET /V1/categories/{id} leave the key out (recorded: 341).
    if depth is None or level < depth:  # Magento's Tree::getChildren
        out["children_data"] = [
            tree(state, k, depth, level + 1) for k in children_of(state, c["id"])
        ]
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _set_paths(state: State, c: Row) -> None:
    parent = state.categories.get(c["parent_id"])
    c["path"] = f"{parent['path']}/{c['id']}" if parent else str(c["id"])
    c["level"] = (parent["level"] + 1) if parent else 0
    if c.get("url_key"):
        base = parent.get("url_path") if parent and parent["level"] >= 2 else None
        c["url_path"] = (f"{base}/{c['url_key']}" if base else c["url_key"]).lower()
    for child in children_of(state, c["id"]):
        _set_paths(state, child)


def _check_url_key(state: State, c: Row) -> None:
    for other in children_of(state, c["parent_id"]):
        same = other["id"] != c["id"] and other.get("url_key") and c.get("url_key")
        if same and other["url_key"].lower() == c["url_key"].lower():
            raise errors.bad_request(
                "Could not save category: %1", ["URL key for specified store already exists."]
            )


def _apply(c: Row, data: Row) -> None:
    for key in _FIXED:
        if data.get(key) is not None:
            c[key] = data[key]
    for attr in data.get("custom_attributes") or []:
        code, value = attr["attribute_code"], attr["value"]
        if code == "url_key":
            c["url_key"] = _slug(str(value)) if value else None
        elif code == "is_anchor":
            c["is_anchor"] = "1" if str(value) in ("1", "true", "True") else "0"
        elif code in ("path", "children_count", "url_path", "level"):
            continue
        else:
            c["custom"][code] = value


_STORE_SCOPED = ("name", "is_active", "include_in_menu")
_GLOBAL_CUSTOM = ("url_key", "is_anchor", "path", "children_count", "url_path", "level")


def _apply_store(c: Row, data: Row, store_id: int) -> None:
    """An update through a store view's code (``/rest/<code>/``) saves the category with that
    store id (Magento's ``CategoryRepository::save``): the store-scoped attributes sent become
    that view's values; ``/rest/all/`` keeps reading the global ones. (Products do the same,
    recorded: 78-80; url keys stay global here.)"""
    scoped = c.setdefault("store_values", {}).setdefault(store_id, {})
    for key in _STORE_SCOPED:
        if data.get(key) is not None:
            scoped[key] = data[key]
    glob = {k: v for k, v in data.items() if k not in _STORE_SCOPED}
    custom = [a for a in data.get("custom_attributes") or []
              if a["attribute_code"] not in _GLOBAL_CUSTOM]
    for attr in custom:
        scoped.setdefault("custom", {})[attr["attribute_code"]] = attr["value"]
    glob["custom_attributes"] = [a for a in data.get("custom_attributes") or []
                                 if a["attribute_code"] in _GLOBAL_CUSTOM]
    _apply(c, glob)


def save_category(
    state: State, data: Row, category_id: int | None = None, store_id: int = 0
) -> Row:
    if category_id is not None:
        c = find(state, category_id)
        if store_id:
            _apply_store(c, data, store_id)
        else:
            _apply(c, data)
        if data.get("parent_id") is not None and data["parent_id"] != c["parent_id"]:
            move(state, c, int(data["parent_id"]), None)
        _set_paths(state, c)
        _check_url_key(state, c)
        c["updated_at"] = state.timestamp()
        return c
    parent_id = int(data.get("parent_id") or 2)
    find(state, parent_id)
    if not data.get("name"):
        raise errors.bad_request(
            "Could not save category: %1",
            ['The "Name" attribute is required. Enter and try again.'],
        )
    now = state.timestamp()
    c = {
        "id": None,
        "parent_id": parent_id,
        "name": None,
        "is_active": False,
        "position": len(children_of(state, parent_id)) + 1,
        "level": 0,
        "created_at": now,
        "updated_at": now,
        "path": "",
        "include_in_menu": True,
        "url_key": None,
        "url_path": None,
        "is_anchor": "1",
        "custom": {},
    }
    _apply(c, data)
    if not c["url_key"]:
        c["url_key"] = _slug(str(c["name"])).lower()
    c["id"] = state.categories.next_id()
    _set_paths(state, c)
    _check_url_key(state, c)
    state.categories.add(c)
    return c


def move(state: State, c: Row, parent_id: int, after_id: int | None) -> None:
    parent = find(state, parent_id)
    if parent["id"] == c["id"] or f"/{c['id']}/" in f"/{parent['path']}/":
        raise errors.bad_request(
            "Operation do not allow to move a parent category to any of children category"
        )
    siblings = [s for s in children_of(state, parent_id) if s["id"] != c["id"]]
    index = 0
    if after_id is not None:
        for i, s in enumerate(siblings):
            if s["id"] == after_id:
                index = i + 1
    else:
        index = len(siblings)
    siblings.insert(index, c)
    c["parent_id"] = parent_id
    for pos, s in enumerate(siblings, start=1):
        s["position"] = pos
    _set_paths(state, c)
    c["updated_at"] = state.timestamp()


def register(r: Router) -> None:
    @r.get("/V1/categories", resource=CATEGORIES)
    def get_tree(call: Call) -> Any:
        root_id = call.query_int("rootCategoryId")
        if root_id is None:
            group = None
            store = call.state.stores.get(call.store_id)
            if store is not None:
                group = call.state.groups.get(store["store_group_id"])
            root_id = group["root_category_id"] if group and group["root_category_id"] else 1
        return tree(call.state, find(call.state, root_id), call.query_int("depth"))

    @r.get("/V1/categories/list", resource=CATEGORIES, criteria=True)
    def list_categories(call: Call) -> Any:
        state = call.state

        def column(c: Row, field: str) -> Any:
            if field == "entity_id":
                return c["id"]
            if field in c and field != "custom":
                return c[field]
            return c["custom"].get(field)

        def known(field: str) -> bool:
            return field in CATEGORY_FIELDS or any(field in c["custom"] for c in state.categories)

        return search(
            sorted(state.categories, key=lambda c: c["id"]),
            call.criteria,
            get=column,
            fields=known,
            unknown_field=errors.invalid_attribute,
            render=lambda c: render(state, c),
            past_end="repeat",
        )

    @r.get("/V1/categories/{categoryId}", resource=CATEGORIES)
    def get_category(call: Call) -> Any:
        return render(call.state, find(call.state, call.path_int("categoryId")), call.store_id)

    @r.post("/V1/categories", resource=CATEGORIES)
    def create(call: Call) -> Any:
        data = call.arg("category") or {}
        if data.get("id"):
            return render(call.state, save_category(call.state, data, int(data["id"])))
        return render(call.state, save_category(call.state, data))

    @r.put("/V1/categories/{id}", resource=CATEGORIES)
    def update(call: Call) -> Any:
        saved = save_category(call.state, call.arg("category") or {}, call.path_int("id"),
                              call.store_id)
        return render(call.state, saved, call.store_id)

    @r.delete("/V1/categories/{categoryId}", resource=CATEGORIES)
    def delete(call: Call) -> Any:
        state = call.state
        c = find(state, call.path_int("categoryId"))
        if c["level"] < 2:
            raise errors.bad_request("Cannot delete the root category.")
        doomed = {c["id"], *(d["id"] for d in _subtree(state, c))}
        for cid in doomed:
            state.categories.remove(cid)
        for p in state.products:
            p["category_links"] = [
                link for link in p["category_links"] if int(link["category_id"]) not in doomed
            ]
        return True

    @r.put("/V1/categories/{categoryId}/move", resource=CATEGORIES)
    def move_category(call: Call) -> Any:
        c = find(call.state, call.path_int("categoryId"))
        after = call.arg("afterId")
        move(call.state, c, int(call.arg("parentId")), int(after) if after is not None else None)
        return True

    @r.get("/V1/categories/{categoryId}/products", resource=CATEGORIES)
    def products(call: Call) -> Any:
        cid = call.path_int("categoryId")
        find(call.state, cid)
        return product_links(call.state, cid)

    def _link(call: Call) -> Any:
        cid = call.path_int("categoryId")
        find(call.state, cid)
        data = call.arg("productLink") or {}
        p = find_product(call.state, str(data.get("sku") or ""))
        position = int(data.get("position") or 0)
        links = [link for link in p["category_links"] if str(link["category_id"]) != str(cid)]
        links.append({"position": position, "category_id": str(cid)})
        p["category_links"] = links  # saved on the category: the product's updated_at stays
        return True

    r.post("/V1/categories/{categoryId}/products", resource=CATEGORIES)(_link)
    r.put("/V1/categories/{categoryId}/products", resource=CATEGORIES)(_link)

    @r.delete("/V1/categories/{categoryId}/products/{sku}", resource=CATEGORIES)
    def unlink(call: Call) -> Any:
        cid = call.path_int("categoryId")
        find(call.state, cid)
        p = find_product(call.state, call.params["sku"])
        before = len(p["category_links"])
        p["category_links"] = [
            link for link in p["category_links"] if str(link["category_id"]) != str(cid)
        ]
        if len(p["category_links"]) == before:
            raise errors.bad_request("The category doesn't contain the specified product.")
        return True
