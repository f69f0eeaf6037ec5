"""Products: templates, variants from attribute lines, categories, images, carriers."""

from __future__ import annotations

import base64
import itertools
from typing import Any

from .. import errors
from ..orm import Compute, Database, Env, Row, TxRow

VARIANT_OWN = frozenset({
    "default_code", "barcode", "active", "product_tmpl_id", "product_template_attribute_value_ids",
    "combination_indices", "image_variant_1920", "product_variant_image_ids", "lst_price",
    "price_extra", "qty_available", "free_qty", "virtual_available", "outgoing_qty",
    "incoming_qty", "display_name", "create_date", "write_date", "create_uid", "write_uid",
    "standard_price", "weight",
})
INTERNAL_LOCATIONS = {8, 17}
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"<svg", b"<?xml", b"BM")


def register(db: Database) -> None:
    _template(db)
    _variant(db)
    _attributes(db)
    _categories(db)
    _images(db)
    _pricelists(db)
    db.spec("delivery.carrier").rec_name = "name"
    # ondelete of the product relations (product, website_sale); the rest take Odoo's default
    for model, field, mode in (
        ("product.category", "parent_id", "cascade"),
        ("product.public.category", "parent_id", "cascade"),
        ("product.product", "product_tmpl_id", "cascade"),
        ("product.template.attribute.line", "product_tmpl_id", "cascade"),
        ("product.template.attribute.line", "attribute_id", "restrict"),
        ("product.template.attribute.value", "attribute_line_id", "cascade"),
        ("product.template.attribute.value", "product_attribute_value_id", "cascade"),
        ("product.attribute.value", "attribute_id", "cascade"),
        ("product.image", "product_tmpl_id", "cascade"),
        ("product.image", "product_variant_id", "cascade"),
    ):
        db.on_delete(model, field, mode)


# -- templates -------------------------------------------------------------------------------
TRANSLATED = {
    "product.template": frozenset({"name", "description_sale", "description_ecommerce"}),
    "product.attribute": frozenset({"name"}),
    "product.attribute.value": frozenset({"name"}),
    "product.public.category": frozenset({"name"}),
}
"""Fields Odoo 18 declares ``translate=True`` (the ``fields_get`` dumps do not say)."""


def _combos(db: Database) -> None:
    combo = db.spec("product.combo")
    combo.o2m["combo_item_ids"] = "combo_id"
    combo.computes["base_price"] = lambda e, r: min(
        (float(e.db.raw_value(e, "product.product", e.db.get("product.product", i["product_id"]),
                              "lst_price") or 0.0)
         for i in e.db.where("product.combo.item", combo_id=r["id"])), default=0.0)
    db.on_delete("product.combo.item", "combo_id", "cascade")


def _template(db: Database) -> None:
    _combos(db)
    for model, names in TRANSLATED.items():
        db.spec(model).translated = names
    spec = db.spec("product.template")
    spec.order = "is_favorite desc, name, id"
    spec.o2m.update({
        "attribute_line_ids": "product_tmpl_id",
        "product_variant_ids": "product_tmpl_id",
        "product_template_image_ids": "product_tmpl_id",
    })
    spec.defaults.update({
        "type": lambda _e, _v: "consu",
        "list_price": lambda _e, _v: 1.0,
        "categ_id": lambda _e, _v: 1,
        "uom_id": lambda _e, _v: 1,
        "uom_po_id": lambda _e, _v: 1,
        "invoice_policy": lambda _e, _v: "order",
        "sale_ok": lambda _e, _v: True,
        "purchase_ok": lambda _e, _v: True,
        "is_storable": lambda _e, _v: False,
        "is_published": lambda _e, _v: False,
    })
    spec.required["name"] = None
    spec.computes.update({
        "product_variant_count": lambda e, r: len(_variants(e, r["id"])),
        "product_variant_id": lambda e, r: (_variants(e, r["id"]) or [False])[0],
        "valid_product_template_attribute_line_ids": lambda e, r: e.db.children(
            e, "product.template", r["id"], "attribute_line_ids"
        ),
        "default_code": _template_code,
        "image_128": lambda _e, r: r.get("image_1920") or False,
        "qty_available": lambda e, r: sum(
            stock_figures(e, v)["qty_available"] for v in _variants(e, r["id"])
        ),
    })
    spec.inverses["default_code"] = _template_code_inverse
    spec.display = lambda _e, r: (
        f"[{r['default_code']}] {r.get('name')}" if r.get("default_code") else str(r.get("name"))
    )
    spec.after_create.append(_template_after_create)
    spec.after_write.append(_template_after_write)


def _template_after_create(env: Env, ids: list[int]) -> None:
    for rid in ids:
        sync_variants(env, rid)


def _variants(env: Env, tmpl_id: int, active_only: bool = True) -> list[int]:
    # db.where: an index by template, kept while product.product does not change
    return sorted(
        v["id"] for v in env.db.where("product.product", product_tmpl_id=tmpl_id)
        if not active_only or v.get("active", True)
    )


def _template_code(env: Env, row: Row) -> Any:
    variants = _variants(env, row["id"])
    if len(variants) == 1:
        return env.db.get("product.product", variants[0]).get("default_code") or False
    return row.get("default_code") or False


def _template_code_inverse(env: Env, rid: int, value: Any) -> None:
    variants = _variants(env, rid)
    if len(variants) == 1:
        env.db.get("product.product", variants[0])["default_code"] = value or False
    env.db.get("product.template", rid)["default_code"] = value or False


def _template_after_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    for rid in ids:
        if "attribute_line_ids" in vals:
            sync_variants(env, rid)
        if "active" in vals:
            for variant in env.db.where("product.product", product_tmpl_id=rid):
                variant["active"] = bool(vals["active"])
                variant["write_date"] = env.now


def sync_variants(env: Env, tmpl_id: int) -> None:
    """Create (or archive) the variants the template's ``always`` attribute lines call for."""
    db = env.db
    lines = [
        ln for ln in db.where("product.template.attribute.line", product_tmpl_id=tmpl_id)
        if db.get("product.attribute", ln["attribute_id"]).get("create_variant", "always")
        == "always"
    ]
    per_line = [
        sorted(p["id"] for p in db.where("product.template.attribute.value",
                                         attribute_line_id=ln["id"]) if p.get("ptav_active", True))
        for ln in sorted(lines, key=lambda ln: (ln.get("sequence") or 10, ln["id"]))
    ]
    wanted = [tuple(sorted(c)) for c in itertools.product(*per_line)] if per_line else [()]
    existing = {
        tuple(sorted(v.get("product_template_attribute_value_ids") or [])): v
        for v in db.table("product.product").values() if v.get("product_tmpl_id") == tmpl_id
    }
    tmpl = db.get("product.template", tmpl_id)
    for combo in wanted:
        if combo in existing:
            existing[combo]["active"] = tmpl.get("active", True)
            continue
        rid = db.next_id("product.product")
        db.table("product.product")[rid] = TxRow({  # counts its changes (searches' indexes)
            "id": rid, "product_tmpl_id": tmpl_id,
            "product_template_attribute_value_ids": list(combo),
            "active": tmpl.get("active", True), "default_code": False, "barcode": False,
            "create_date": env.now, "write_date": env.now, "create_uid": env.uid,
            "write_uid": env.uid,
        })
        if len(wanted) == 1 and not combo and tmpl.get("default_code"):
            db.table("product.product")[rid]["default_code"] = tmpl["default_code"]
    for combo, variant in existing.items():
        if combo not in wanted:
            variant["active"] = False


# -- variants --------------------------------------------------------------------------------
def _variant(db: Database) -> None:
    spec = db.spec("product.product")
    spec.inherits = ("product.template", "product_tmpl_id")
    spec.own = VARIANT_OWN
    spec.o2m["product_variant_image_ids"] = "product_variant_id"
    spec.computes.update({
        "price_extra": _price_extra,
        "lst_price": lambda e, r: float(
            e.db.raw_value(e, "product.template", e.db.get("product.template",
                                                           r["product_tmpl_id"]), "list_price")
            or 0.0) + _price_extra(e, r),
        "combination_indices": lambda _e, r: ",".join(
            str(i) for i in sorted(r.get("product_template_attribute_value_ids") or [])
        ),
        "qty_available": lambda e, r: stock_figures(e, r["id"])["qty_available"],
        "free_qty": lambda e, r: stock_figures(e, r["id"])["free_qty"],
        "virtual_available": lambda e, r: stock_figures(e, r["id"])["virtual_available"],
        "outgoing_qty": lambda e, r: stock_figures(e, r["id"])["outgoing_qty"],
        "incoming_qty": lambda _e, _r: 0.0,
    })
    spec.inverses["lst_price"] = _lst_price_inverse
    spec.display = _variant_display
    spec.after_write.append(_variant_after_write)


def _price_extra(env: Env, row: Row) -> float:
    table = env.db.table("product.template.attribute.value")
    return float(sum(
        float(table[i].get("price_extra") or 0.0)
        for i in row.get("product_template_attribute_value_ids") or [] if i in table
    ))


def _lst_price_inverse(env: Env, rid: int, value: Any) -> None:
    row = env.db.get("product.product", rid)
    env.db.write(env, "product.template", [row["product_tmpl_id"]],
                 {"list_price": float(value) - _price_extra(env, row)})


def _variant_display(env: Env, row: Row) -> str:
    tmpl = env.db.get("product.template", row["product_tmpl_id"])
    name = str(tmpl.get("name"))
    ptavs = env.db.table("product.template.attribute.value")
    values = [
        str(env.db.raw_value(env, "product.template.attribute.value", ptavs[i], "name"))
        for i in row.get("product_template_attribute_value_ids") or [] if i in ptavs
    ]
    if values:
        name = f"{name} ({', '.join(values)})"
    code = row.get("default_code")
    return f"[{code}] {name}" if code else name


def _variant_after_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    if "default_code" not in vals:
        return
    for rid in ids:
        tmpl_id = env.db.get("product.product", rid)["product_tmpl_id"]
        if len(_variants(env, tmpl_id)) > 1:
            env.db.get("product.template", tmpl_id)["default_code"] = False


def internal_locations(env: Env) -> set[int]:
    """The internal locations (``usage='internal'``), only those of the warehouse in the
    context (``warehouse_id``: an id or a list of ids) when there is one, as Odoo's
    ``_get_domain_locations`` does: a warehouse holds its stock location and what lies under
    it."""
    locations = env.db.table("stock.location")
    found = {lid for lid, loc in locations.items() if loc.get("usage") == "internal"}
    found |= INTERNAL_LOCATIONS
    wanted = env.context.get("warehouse_id")
    if not wanted:
        return found
    ids = wanted if isinstance(wanted, list) else [wanted]
    warehouses = env.db.table("stock.warehouse")
    roots = {warehouses[w].get("lot_stock_id") for w in ids if w in warehouses}
    roots |= {warehouses[w].get("view_location_id") for w in ids if w in warehouses}
    roots.discard(None)

    def under(lid: int) -> bool:
        seen = 0
        current: Any = lid
        while current and seen < 50:
            if current in roots:
                return True
            current = locations.get(current, {}).get("location_id")
            seen += 1
        return False

    return {lid for lid in found if under(lid)}


def _figures_index(env: Env, products: set[int] | None = None) -> dict[int, dict[str, float]]:
    """The figures of every product (of ``products`` only, when given)."""
    db = env.db
    inside = internal_locations(env)
    totals: dict[int, list[float]] = {}
    quants = list(db.table("stock.quant").values())
    if products is not None:  # one page of a large read: its products' quants only
        quants = [q for q in quants if q.get("product_id") in products]
    for quant in quants:
        if quant.get("location_id") in inside:
            t = totals.setdefault(quant.get("product_id") or 0, [0.0, 0.0, 0.0])
            t[0] += float(quant.get("quantity") or 0.0)
            t[1] += float(quant.get("reserved_quantity") or 0.0)
    for move in db.table("stock.move").values():
        if move.get("state") in ("done", "cancel", "draft") or (
                products is not None and move.get("product_id") not in products):
            continue
        if move.get("location_id") in inside:
            t = totals.setdefault(move.get("product_id") or 0, [0.0, 0.0, 0.0])
            t[2] += float(move.get("product_uom_qty") or 0.0)
            if move.get("state") in ("assigned", "partially_available"):
                t[1] += float(move.get("reserved") or 0.0)
    return {pid: {"qty_available": on_hand, "free_qty": on_hand - reserved,
                  "virtual_available": on_hand - outgoing, "outgoing_qty": outgoing}
            for pid, (on_hand, reserved, outgoing) in totals.items()}


def stock_figures(env: Env, product_id: int) -> dict[str, float]:
    """On hand, free, forecast and outgoing quantities of a product (in the context's
    warehouse, if any). Within one large read, computed once for every product."""
    if env.memo is not None:
        page = env.memo.get(("read", "product.product"))
        wanted = set(page) if page is not None else None
        whole = wanted is None or product_id not in wanted  # another product: all of them
        key = ("stock_figures", repr(env.context.get("warehouse_id")), whole)
        index = env.memo.get(key)
        if index is None:
            index = env.memo[key] = _figures_index(env, None if whole else wanted)
    else:
        index = _figures_index(env)
    zero = {"qty_available": 0.0, "free_qty": 0.0, "virtual_available": 0.0,
            "outgoing_qty": 0.0}
    return dict(index.get(product_id, zero))


# -- attributes ------------------------------------------------------------------------------
def _attributes(db: Database) -> None:
    attr = db.spec("product.attribute")
    attr.o2m["value_ids"] = "attribute_id"
    attr.order = "sequence, id"
    attr.required["name"] = None
    attr.defaults.update({
        "create_variant": lambda _e, _v: "always",
        "display_type": lambda _e, _v: "radio",
        "sequence": lambda _e, _v: 20,
    })
    value = db.spec("product.attribute.value")
    value.order = "attribute_id, sequence, id"
    value.defaults["default_extra_price"] = lambda _e, _v: 0.0
    value.display = lambda e, r: (
        f"{e.db.get('product.attribute', r['attribute_id']).get('name')}: {r.get('name')}"
    )
    line = db.spec("product.template.attribute.line")
    line.o2m["product_template_value_ids"] = "attribute_line_id"
    line.display = lambda e, r: str(e.db.get("product.attribute", r["attribute_id"]).get("name"))
    line.after_create.append(_line_values)
    line.after_write.append(lambda env, ids, vals: _line_values(env, ids) if "value_ids" in vals
                            else None)
    ptav = db.spec("product.template.attribute.value")
    ptav.computes.update({
        "name": lambda e, r: e.db.get("product.attribute.value",
                                      r["product_attribute_value_id"]).get("name"),
        "ptav_product_variant_ids": lambda e, r: sorted(
            v["id"] for v in e.db.table("product.product").values()
            if r["id"] in (v.get("product_template_attribute_value_ids") or [])
        ),
    })
    ptav.display = lambda e, r: str(e.db.get("product.attribute.value",
                                             r["product_attribute_value_id"]).get("name"))


def _line_values(env: Env, ids: list[int]) -> None:
    db = env.db
    for rid in ids:
        line = db.get("product.template.attribute.line", rid)
        current = {p["product_attribute_value_id"]: p
                   for p in db.where("product.template.attribute.value", attribute_line_id=rid)}
        for value_id in line.get("value_ids") or []:
            if value_id in current:
                current[value_id]["ptav_active"] = True
                continue
            value = db.get("product.attribute.value", value_id)
            db.insert("product.template.attribute.value", {
                "id": db.next_id("product.template.attribute.value"),
                "product_tmpl_id": line["product_tmpl_id"], "attribute_line_id": rid,
                "attribute_id": line["attribute_id"], "product_attribute_value_id": value_id,
                "price_extra": float(value.get("default_extra_price") or 0.0),
                "ptav_active": True, "create_date": env.now, "write_date": env.now,
            })
        for value_id, ptav in current.items():
            if value_id not in (line.get("value_ids") or []):
                ptav["ptav_active"] = False
        if env.context.get("_o2m_product_tmpl_id") is None:
            sync_variants(env, line["product_tmpl_id"])


# -- categories ------------------------------------------------------------------------------
def _path(env: Env, model: str, row: Row) -> list[int]:
    chain = [row["id"]]
    table = env.db.table(model)
    current = row
    while current.get("parent_id") in table and len(chain) < 50:
        current = table[current["parent_id"]]
        chain.insert(0, current["id"])
    return chain


def _parent_path(model: str) -> Compute:
    def compute(env: Env, row: Row) -> str:
        return "".join(f"{i}/" for i in _path(env, model, row))

    return compute


def _full_name(model: str) -> Compute:
    def compute(env: Env, row: Row) -> str:
        return " / ".join(str(env.db.get(model, i).get("name")) for i in _path(env, model, row))

    return compute


def _categories(db: Database) -> None:
    for model, message, user in (
        ("product.category", "You cannot create recursive categories.", False),
        ("product.public.category", "Recursion Detected.", True),
    ):
        spec = db.spec(model)
        spec.o2m["child_id"] = "parent_id"
        spec.required["name"] = None
        spec.computes["parent_path"] = _parent_path(model)
        spec.display = _full_name(model)
        spec.before_write.append(_no_cycle(model, message, user))
    db.spec("product.category").computes["complete_name"] = _full_name("product.category")
    db.spec("product.category").order = "complete_name"
    public = db.spec("product.public.category")
    public.order = "sequence, name, id"
    public.computes["parents_and_self"] = lambda e, r: _path(e, "product.public.category", r)
    public.defaults["sequence"] = lambda e, _v: max(
        (int(c.get("sequence") or 0) for c in e.db.table("product.public.category").values()),
        default=0,
    ) + 5


def _no_cycle(model: str, message: str, user: bool) -> Any:
    def check(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
        parent = vals.get("parent_id")
        table = env.db.table(model)
        for rid in ids:
            seen = parent
            while seen:
                if seen == rid:
                    raise errors.user_error(message) if user else errors.validation_error(message)
                seen = table.get(seen, {}).get("parent_id")

    return check


# -- images ----------------------------------------------------------------------------------
def _images(db: Database) -> None:
    spec = db.spec("product.image")
    spec.required["name"] = None
    spec.before_create.append(_check_image)


def _check_image(_env: Env, row: Row) -> None:
    data = row.get("image_1920")
    if not data:
        return
    try:
        raw = base64.b64decode(str(data), validate=False)
    except ValueError:
        raw = b""
    if not raw.startswith(IMAGE_MAGIC):
        raise errors.user_error("This file could not be decoded as an image file.")


# -- pricelists ------------------------------------------------------------------------------
def _pricelists(db: Database) -> None:
    pricelist = db.spec("product.pricelist")
    pricelist.o2m["item_ids"] = "pricelist_id"
    pricelist.defaults.update({
        "currency_id": lambda _e, _v: 1,
        "active": lambda _e, _v: True,
        "sequence": lambda _e, _v: 16,
    })
    item = db.spec("product.pricelist.item")
    item.order = "applied_on, min_quantity desc, categ_id desc, id desc"
    item.defaults.update({
        "applied_on": lambda _e, _v: "3_global",
        "display_applied_on": lambda _e, _v: "1_product",
        "base": lambda _e, _v: "list_price",
        "compute_price": lambda _e, _v: "fixed",
        "min_quantity": lambda _e, _v: 0.0,
        "fixed_price": lambda _e, _v: 0.0,
    })
    item.before_create.append(_item_consistency)


def _item_consistency(env: Env, row: Row) -> None:
    """``product.pricelist.item.create``: the fields the scope does not use are cleared, so
    later searches by product or category find only what applies (Odoo 18 source)."""
    scope = row.get("applied_on")
    if scope == "3_global":
        row.update(product_id=None, product_tmpl_id=None, categ_id=None)
    elif scope == "2_product_category":
        row.update(product_id=None, product_tmpl_id=None)
    elif scope == "1_product":
        row.update(product_id=None, categ_id=None)
    elif scope == "0_product_variant":
        row.update(categ_id=None)
