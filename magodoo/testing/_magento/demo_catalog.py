"""Deterministic demo catalog: two websites, store views ``default`` and ``fr``, a Clothing
attribute set, color/size/material attributes, a 3-level category tree, simple and configurable
products (with children), prices, media entries (no files), stock items and source items.

Sizes: small (about 50 products), medium (about 500), large (about 5000).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from magodoo.testing._magento import configurable, eav, stock
from magodoo.testing._magento.base_store import DEFAULT_SET_ID, store_config
from magodoo.testing._magento.categories import save_category
from magodoo.testing._magento.products import save_product
from magodoo.testing._magento.state import Row, State, magento_time

COUNTS = {"small": (6, 16), "medium": (60, 200), "large": (600, 2000)}  # configurables, simples
COLORS = ("Red", "Blue", "Green", "Black", "White")
SIZES = ("XS", "S", "M", "L", "XL")
MATERIALS = ("Cotton", "Wool", "Polyester", "Linen", "Leather")
TREE = {
    "Men": {"Tops": ("Jackets", "Tees"), "Bottoms": ("Pants", "Shorts")},
    "Women": {"Tops": ("Jackets", "Blouses"), "Bottoms": ("Skirts", "Pants")},
    "Gear": {"Bags": ("Backpacks", "Totes"), "Fitness": ("Mats", "Bottles")},
}
NOUNS = ("Tee", "Jacket", "Hoodie", "Pant", "Short", "Bag", "Mat", "Bottle", "Cap", "Sock")
ADJECTIVES = ("Classic", "Urban", "Alpine", "Breeze", "Summit", "Harbor", "Nova", "Zen", "Trail")


def _stores(state: State) -> None:
    state.websites.add({"id": 2, "code": "eu", "name": "EU Website", "default_group_id": 2})
    state.groups.add(
        {
            "id": 2,
            "website_id": 2,
            "root_category_id": 2,
            "default_store_id": 2,
            "name": "EU Store",
            "code": "eu_store",
        }
    )
    state.stores.add(
        {
            "id": 2,
            "code": "fr",
            "name": "French Store View",
            "website_id": 2,
            "store_group_id": 2,
            "is_active": 1,
        }
    )
    state.store_configs[2] = store_config(state.stores.rows[2])


def _attributes(state: State) -> dict[str, list[str]]:
    color = state.attributes["color"]
    for label in COLORS:
        eav.add_option(state, color, {"label": label})
    eav.create_attribute(
        state,
        {
            "attribute_code": "size",
            "frontend_input": "select",
            "default_frontend_label": "Size",
            "scope": "global",
            "is_filterable": True,
            "options": [{"label": s} for s in SIZES],
        },
    )
    eav.create_attribute(
        state,
        {
            "attribute_code": "material",
            "frontend_input": "multiselect",
            "default_frontend_label": "Material",
            "backend_type": "varchar",
            "options": [{"label": m} for m in MATERIALS],
        },
    )
    clothing = state.attribute_sets.add(
        {
            "attribute_set_id": 9,
            "attribute_set_name": "Clothing",
            "sort_order": 0,
            "entity_type_id": 4,
        },
        key="attribute_set_id",
    )
    assigned = dict(state.set_attributes[DEFAULT_SET_ID])
    group = state.attribute_groups.add(
        {
            "attribute_group_id": None,
            "attribute_group_name": "Clothing Details",
            "attribute_set_id": clothing["attribute_set_id"],
        },
        key="attribute_group_id",
    )
    for n, code in enumerate(("color", "size", "material")):
        assigned[code] = (group["attribute_group_id"], 200 + n)
    state.set_attributes[clothing["attribute_set_id"]] = assigned
    return {
        code: [o["value"] for o in state.attributes[code]["options"] if o["value"]]
        for code in ("color", "size", "material")
    }


def _categories(state: State) -> list[int]:
    leaves: list[int] = []
    for top, subs in TREE.items():
        t = save_category(state, {"parent_id": 2, "name": top, "is_active": True})
        for sub, leafs in subs.items():
            s = save_category(
                state,
                {
                    "parent_id": t["id"],
                    "name": sub,
                    "is_active": True,
                    "custom_attributes": [{"attribute_code": "url_key", "value": f"{top}-{sub}"}],
                },
            )
            for leaf in leafs:
                c = save_category(
                    state,
                    {
                        "parent_id": s["id"],
                        "name": leaf,
                        "is_active": True,
                        "custom_attributes": [
                            {"attribute_code": "url_key", "value": f"{top}-{sub}-{leaf}"}
                        ],
                    },
                )
                leaves.append(c["id"])
    return leaves


def _media(rng: random.Random, name: str) -> list[Row]:
    slug = name.lower().replace(" ", "-")
    return [
        {
            "media_type": "image",
            "label": name,
            "position": 1,
            "disabled": False,
            "types": ["image", "small_image", "thumbnail"],
            "file": f"/{slug[0]}/{slug[1]}/{slug}.jpg",
        }
    ]


def _product(state: State, rng: random.Random, when: Any, data: Row, qty: int) -> Row:
    data.setdefault("extension_attributes", {})["stock_item"] = {"qty": qty, "is_in_stock": qty > 0}
    p = save_product(state, data)
    stamp = magento_time(when)
    p["created_at"] = stamp
    p["updated_at"] = stamp
    return p


def seed(state: State, rng: random.Random, size: str) -> None:
    """Fill ``state`` with the demo catalog of ``size``."""
    n_conf, n_simple = COUNTS.get(size, COUNTS["small"])
    _stores(state)
    options = _attributes(state)
    leaves = _categories(state)
    now = state.now()
    start = now - timedelta(days=90)
    total = n_conf * 5 + n_simple
    step = timedelta(days=89) / max(total, 1)
    moment = start
    serial = 0
    for i in range(n_conf):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i + 1}"
        sku = f"MC{i + 1:05d}"
        price = round(rng.uniform(15, 150), 2)
        category = rng.choice(leaves)
        colors = rng.sample(options["color"], 2)
        sizes = rng.sample(options["size"], 2)
        child_ids: list[int] = []
        for color in colors:
            for size_value in sizes:
                serial += 1
                moment += step
                child = _product(
                    state,
                    rng,
                    moment,
                    {
                        "sku": f"{sku}-{color}-{size_value}",
                        "name": f"{name} {color}/{size_value}",
                        "attribute_set_id": 9,
                        "price": price,
                        "status": 1,
                        "visibility": 1,
                        "type_id": "simple",
                        "weight": round(rng.uniform(0.2, 2.5), 2),
                        "extension_attributes": {"website_ids": [1, 2]},
                        "custom_attributes": [
                            {"attribute_code": "color", "value": color},
                            {"attribute_code": "size", "value": size_value},
                        ],
                    },
                    rng.randint(0, 60),
                )
                child_ids.append(child["id"])
        moment += step
        parent = _product(
            state,
            rng,
            moment,
            {
                "sku": sku,
                "name": name,
                "attribute_set_id": 9,
                "price": price,
                "status": 1,
                "visibility": 4,
                "type_id": "configurable",
                "extension_attributes": {
                    "website_ids": [1, 2],
                    "category_links": [{"position": 0, "category_id": str(category)}],
                },
                "custom_attributes": [
                    {"attribute_code": "description", "value": f"<p>{name}.</p>"},
                    {
                        "attribute_code": "material",
                        "value": ",".join(rng.sample(options["material"], 2)),
                    },
                ],
            },
            0,
        )
        for code, values in (("color", colors), ("size", sizes)):
            attr = state.attributes[code]
            configurable.add_option(
                state,
                parent,
                {
                    "attribute_id": attr["attribute_id"],
                    "label": attr["default_frontend_label"],
                    "position": 0 if code == "color" else 1,
                    "values": [{"value_index": int(v)} for v in values],
                },
            )
        parent["configurable_links"] = child_ids
        stock.update_stock_item(state, parent, {"is_in_stock": True})
        _add_media(state, rng, parent)
    for i in range(n_simple):
        moment += step
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} S{i + 1}"
        p = _product(
            state,
            rng,
            moment,
            {
                "sku": f"MS{i + 1:05d}",
                "name": name,
                "attribute_set_id": DEFAULT_SET_ID,
                "price": round(rng.uniform(5, 90), 2),
                "status": 1 if rng.random() > 0.1 else 2,
                "visibility": 4,
                "type_id": "simple",
                "weight": round(rng.uniform(0.1, 5), 2),
                "extension_attributes": {
                    "website_ids": [1] if rng.random() < 0.5 else [1, 2],
                    "category_links": [{"position": 0, "category_id": str(rng.choice(leaves))}],
                },
                "custom_attributes": [
                    {"attribute_code": "description", "value": f"<p>{name}.</p>"},
                    {"attribute_code": "color", "value": rng.choice(options["color"])},
                ],
            },
            rng.randint(0, 200),
        )
        _add_media(state, rng, p)


def _add_media(state: State, rng: random.Random, p: Row) -> None:
    for entry in _media(rng, str(p["name"])):
        entry["id"] = state.media_ids.next_id()
        p["media"].append(entry)
        for role in entry["types"]:
            p["custom"][role] = entry["file"]
