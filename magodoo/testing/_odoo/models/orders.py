"""Each model's default ``_order``, as Odoo 18 declares it (models not listed sort by ``id``).

Sorting follows PostgreSQL, as the real server's SQL does: NULL (an empty many2one, char,
date...) sorts **last** in ascending order and **first** in descending order; ``False`` of a
boolean and ``0`` of a number are values, not NULL. A many2one sorts by its comodel's
``_order``. Models whose ``_order`` is set with the rest of their behaviour (res.partner,
product.template, sale.order...) keep it; this table fills in the others.
"""

from __future__ import annotations

from ..orm import Database

ORDERS: dict[str, str] = {
    "account.account": "code, placeholder_code",
    "account.journal": "sequence, type, code",
    "account.move": "date desc, name desc, invoice_date desc, id desc",
    "account.move.line": "date desc, move_name desc, id",
    "account.payment": "date desc, name desc",
    "account.payment.method.line": "sequence, id",
    "account.tax": "sequence, id",
    "delivery.carrier": "sequence, id",
    "ir.actions.server": "sequence, name",
    "ir.model": "model",
    "ir.model.data": "module, model, name",
    "ir.model.fields": "name",
    "payment.method": "active desc, sequence, name",
    "payment.provider": "module_state, state desc, sequence, name",
    "product.image": "sequence, id",
    "product.product": "is_favorite desc, default_code, name, id",
    "product.template.attribute.line": "sequence, attribute_id, id",
    "product.template.attribute.value": "attribute_line_id, product_attribute_value_id, id",
    "res.company": "sequence, name",
    "res.currency": "active desc, name",
    "res.users": "name, login",
    "stock.location": "complete_name, id",
    "stock.move": "sequence, id",
    "stock.move.line": "result_package_id desc, id",
    "stock.picking.type": "is_favorite desc, sequence, id",
    "stock.warehouse": "sequence, id",
    "uom.uom": "factor desc, id",
    "website": "sequence, id",
}


def register(db: Database) -> None:
    for model, order in ORDERS.items():
        spec = db.spec(model)
        if spec.order in ("id", "") or model == "account.move":
            spec.order = order
