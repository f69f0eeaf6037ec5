"""Field definitions of the served models, from the shipped trim of the ``fields_get`` dumps."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

FieldDef = dict[str, Any]

# Models the reference did not dump: the fake defines the few fields it needs, in the dump format.
EXTRA_MODELS: dict[str, dict[str, FieldDef]] = {
    # Odoo 18 combo products (module ``product``); not in the reference dumps, fields as the
    # 18.0 source declares them (``product/models/product_combo*.py``).
    "product.combo": {
        "name": {"type": "char", "string": "Name", "required": True, "readonly": False},
        "sequence": {"type": "integer", "string": "Sequence", "required": False,
                     "readonly": False},
        "combo_item_ids": {
            "type": "one2many", "string": "Products", "relation": "product.combo.item",
            "required": False, "readonly": False,
        },
        "base_price": {"type": "float", "string": "Combo Price", "required": False,
                       "readonly": True},
    },
    "product.combo.item": {
        "combo_id": {
            "type": "many2one", "string": "Combo", "relation": "product.combo",
            "required": True, "readonly": False,
        },
        "product_id": {
            "type": "many2one", "string": "Options", "relation": "product.product",
            "required": True, "readonly": False,
        },
        "extra_price": {"type": "float", "string": "Extra Price", "required": False,
                        "readonly": False},
    },
    "account.tax.group": {
        "name": {"type": "char", "string": "Name", "required": True, "readonly": False},
        "country_id": {
            "type": "many2one", "string": "Country", "relation": "res.country",
            "required": False, "readonly": False,
        },
        "company_id": {
            "type": "many2one", "string": "Company", "relation": "res.company",
            "required": True, "readonly": False,
        },
    },
    "ir.model.fields.selection": {
        "field_id": {
            "type": "many2one", "string": "Field", "relation": "ir.model.fields",
            "required": True, "readonly": False,
        },
        "value": {"type": "char", "string": "Value", "required": True, "readonly": False},
        "name": {"type": "char", "string": "Name", "required": True, "readonly": False},
        "sequence": {"type": "integer", "string": "Sequence", "required": False, "readonly": False},
    },
    "stock.backorder.confirmation": {
        "pick_ids": {
            "type": "many2many", "string": "Pick", "relation": "stock.picking",
            "required": False, "readonly": False,
        },
        "show_transfers": {
            "type": "boolean", "string": "Show Transfers", "required": False, "readonly": False,
        },
        "backorder_confirmation_line_ids": {
            "type": "one2many", "string": "Backorder Confirmation Lines",
            "relation": "stock.backorder.confirmation", "required": False, "readonly": False,
        },
    },
    "choose.delivery.carrier": {
        "order_id": {
            "type": "many2one", "string": "Order", "relation": "sale.order",
            "required": True, "readonly": False,
        },
        "carrier_id": {
            "type": "many2one", "string": "Shipping Method", "relation": "delivery.carrier",
            "required": True, "readonly": False,
        },
        "delivery_price": {"type": "float", "string": "Cost", "required": False, "readonly": False},
        "display_price": {"type": "float", "string": "Cost", "required": False, "readonly": True},
        "delivery_type": {"type": "char", "string": "Delivery Type", "required": False,
                          "readonly": True},
        "delivery_message": {"type": "text", "string": "Information Message", "required": False,
                             "readonly": True},
        "available_carrier_ids": {
            "type": "many2many", "string": "Available Carriers", "relation": "delivery.carrier",
            "required": False, "readonly": True,
        },
        "total_weight": {"type": "float", "string": "Total Order Weight", "required": False,
                         "readonly": False},
    },
    "ir.module.module": {
        "name": {"type": "char", "string": "Technical Name", "required": True, "readonly": True},
        "state": {"type": "selection", "string": "Status", "required": False, "readonly": True,
                  "selection": [["uninstallable", "Uninstallable"], ["uninstalled",
                                "Not Installed"], ["installed", "Installed"]]},
    },
    "sale.order.cancel": {
        "order_id": {
            "type": "many2one", "string": "Sale Order", "relation": "sale.order",
            "required": True, "readonly": False,
        },
        "display_invoice_alert": {
            "type": "boolean", "string": "Invoice Alert", "required": False, "readonly": True,
        },
        "subject": {"type": "char", "string": "Subject", "required": False, "readonly": False},
        "recipient_ids": {
            "type": "many2many", "string": "Recipients", "relation": "res.partner",
            "required": False, "readonly": False,
        },
    },
}

_MAGIC = {
    "id": {"type": "integer", "string": "ID", "required": False, "readonly": True},
    "display_name": {"type": "char", "string": "Display Name", "required": False, "readonly": True},
    "create_date": {
        "type": "datetime", "string": "Created on", "required": False, "readonly": True,
    },
    "write_date": {
        "type": "datetime", "string": "Last Updated on", "required": False, "readonly": True,
    },
    "create_uid": {
        "type": "many2one", "string": "Created by", "relation": "res.users", "required": False,
        "readonly": True,
    },
    "write_uid": {
        "type": "many2one", "string": "Last Updated by", "relation": "res.users",
        "required": False, "readonly": True,
    },
}

# ``_description`` of each model, used by the real error messages ("Model: Contact (res.partner)").
DESCRIPTIONS = {
    "res.partner": "Contact",
    "res.country": "Country",
    "res.country.state": "Country state",
    "res.currency": "Currency",
    "res.company": "Companies",
    "res.users": "User",
    "product.template": "Product",
    "product.product": "Product Variant",
    "product.attribute": "Product Attribute",
    "product.attribute.value": "Attribute Value",
    "product.template.attribute.line": "Product Template Attribute Line",
    "product.template.attribute.value": "Product Template Attribute Value",
    "product.category": "Product Category",
    "product.public.category": "Website Product Category",
    "product.image": "Product Image",
    "account.tax": "Tax",
    "account.tax.group": "Tax Group",
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "account.move": "Journal Entry",
    "account.move.line": "Journal Item",
    "account.payment": "Payments",
    "account.payment.register": "Pay",
    "account.move.reversal": "Account Move Reversal",
    "sale.advance.payment.inv": "Sales Advance Payment Invoice",
    "stock.picking": "Transfer",
    "stock.move": "Stock Move",
    "stock.move.line": "Product Moves (Stock Move Line)",
    "stock.quant": "Quants",
    "stock.warehouse": "Warehouse",
    "stock.location": "Inventory Locations",
    "stock.picking.type": "picking type",
    "delivery.carrier": "Shipping Methods",
    "payment.method": "Payment Method",
    "payment.provider": "Payment Provider",
    "base.automation": "Automation Rule",
    "ir.actions.server": "Server Actions",
    "ir.model": "Models",
    "ir.model.fields": "Fields",
    "ir.model.fields.selection": "Fields Selection",
    "account.journal": "Journal",
    "account.account": "Account",
    "account.payment.method.line": "Payment Methods",
    "uom.uom": "Product Unit of Measure",
    "website": "Website",
    "stock.backorder.confirmation": "Backorder Confirmation",
    "sale.order.cancel": "Sales Order Cancel",
    "choose.delivery.carrier": "Delivery Method Selection Wizard",
    "ir.module.module": "Module",
}


@cache
def dumped_fields() -> dict[str, dict[str, FieldDef]]:
    """The shipped trim of the reference ``fields_get`` dumps, by model."""
    text = resources.files("magodoo.testing").joinpath("data/odoo/fields.json").read_text("utf-8")
    data: dict[str, dict[str, FieldDef]] = json.loads(text)
    return data


@cache
def model_fields(model: str) -> dict[str, FieldDef]:
    base = dumped_fields().get(model) or EXTRA_MODELS.get(model)
    if base is None:
        raise KeyError(model)
    merged = dict(_MAGIC)
    merged.update(base)
    return merged


def model_names() -> list[str]:
    return sorted({*dumped_fields(), *EXTRA_MODELS})


@cache
def required_fields(model: str) -> tuple[str, ...]:
    """Fields the dump marks required."""
    return tuple(name for name, field in model_fields(model).items() if field.get("required"))


@cache
def many2many_fields(model: str) -> tuple[str, ...]:
    return tuple(name for name, field in model_fields(model).items()
                 if field["type"] == "many2many")


# Wizards (``models.TransientModel``): a required many2one from one of them to a regular model
# defaults to ``ondelete='cascade'`` instead of ``'restrict'``.
TRANSIENT = frozenset({
    "account.move.reversal", "account.payment.register", "choose.delivery.carrier",
    "sale.advance.payment.inv", "sale.order.cancel", "stock.backorder.confirmation",
})


@cache
def references(comodel: str) -> tuple[tuple[str, str, str, bool], ...]:
    """``(model, field, type, required)`` of every many2one / many2many pointing at ``comodel``."""
    found = []
    for model in model_names():
        for name, field in model_fields(model).items():
            if field.get("relation") == comodel and field["type"] in ("many2one", "many2many"):
                found.append((model, name, str(field["type"]), bool(field.get("required"))))
    return tuple(found)


def class_name(model: str) -> str:
    """Python class name Odoo gives the model (``res.partner`` -> ``ResPartner``)."""
    return "".join(part.capitalize() for part in model.replace("_", ".").split("."))
