"""Magento_Tax: tax rates, rules and classes, and the rate that applies to an address.

Shapes as recorded on 2.4.6 (samples 102-111): a rate is
``{id, tax_country_id, tax_region_id, region_name, tax_postcode, rate, code, titles}``, a rule
``{id, code, priority, position, customer_tax_class_ids, product_tax_class_ids, tax_rate_ids,
calculate_subtotal}``. A duplicate rate code is 400 ``%1 already exists.`` with ``["Code"]``.
"""

from __future__ import annotations

import copy
import fnmatch
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.sales_regions import region
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

RATES = "tax_rates"
RULES = "tax_rules"
CLASSES = "tax_classes"
RESOURCE = "Magento_Tax::manage_tax"
PRODUCT_CLASS = 2  # "Taxable Goods"
CUSTOMER_CLASS = 3  # "Retail Customer"


def seed_defaults(state: State) -> None:
    """What a stock install has: classes 2 and 3, rates 1 (US-CA) and 2 (US-NY), no rule.

    Runs once per store (the first tax call seeds it when the store was not seeded before).
    """
    marker = state.table("sales_seeded")
    if "tax" in marker:
        return
    marker.rows["tax"] = {"id": "tax"}
    classes = state.table(CLASSES)
    if not len(classes):
        classes.add(
            {"class_id": 2, "class_name": "Taxable Goods", "class_type": "PRODUCT"}, "class_id"
        )
        classes.add(
            {"class_id": 3, "class_name": "Retail Customer", "class_type": "CUSTOMER"}, "class_id"
        )
    rates = state.table(RATES)
    if not len(rates):
        add_rate(
            state,
            {
                "tax_country_id": "US",
                "tax_region_id": 12,
                "tax_postcode": "*",
                "rate": 8.25,
                "code": "US-CA-*-Rate 1",
            },
        )
        add_rate(
            state,
            {
                "tax_country_id": "US",
                "tax_region_id": 43,
                "tax_postcode": "*",
                "rate": 8.375,
                "code": "US-NY-*-Rate 1",
            },
        )


def _rate_row(data: dict[str, Any], rate_id: int | None) -> Row:
    if not data.get("tax_country_id"):
        raise errors.required("country_id")
    if data.get("rate") is None:
        raise errors.required("percentage_rate")
    if not data.get("code"):
        raise errors.required("code")
    row: Row = {"id": rate_id, "tax_country_id": data["tax_country_id"]}
    region_id = data.get("tax_region_id")
    row["tax_region_id"] = int(region_id) if region_id not in (None, "") else 0
    reg = region(row["tax_region_id"])
    if reg is not None:
        row["region_name"] = reg[1]
    row["tax_postcode"] = data.get("tax_postcode") or "*"
    rate = float(data["rate"])
    row["rate"] = int(rate) if rate.is_integer() else rate
    row["code"] = str(data["code"])
    row["titles"] = [
        {"store_id": str(t.get("store_id")), "value": t.get("value")}
        for t in data.get("titles") or []
    ]
    return row


def add_rate(state: State, data: dict[str, Any]) -> Row:
    seed_defaults(state)
    rates = state.table(RATES)
    if any(r["code"] == data.get("code") for r in rates):
        raise errors.bad_request("%1 already exists.", ["Code"])
    row = _rate_row(data, None)
    return rates.add(row)


def add_rule(state: State, data: dict[str, Any]) -> Row:
    seed_defaults(state)
    rules = state.table(RULES)
    for field in ("code", "customer_tax_class_ids", "product_tax_class_ids", "tax_rate_ids"):
        if data.get(field) in (None, "", []):
            raise errors.required(field)
    if any(r["code"] == data["code"] for r in rules):
        raise errors.bad_request("%1 already exists.", ["Code"])
    for rid in data["tax_rate_ids"]:
        if int(rid) not in state.table(RATES):
            raise errors.no_such_entity("taxRateId", int(rid))
    row: Row = {
        "id": data.get("id"),
        "code": data["code"],
        "priority": int(data.get("priority") or 0),
        "position": int(data.get("position") or 0),
        "customer_tax_class_ids": [int(x) for x in data["customer_tax_class_ids"]],
        "product_tax_class_ids": [int(x) for x in data["product_tax_class_ids"]],
        "tax_rate_ids": [int(x) for x in data["tax_rate_ids"]],
        "calculate_subtotal": bool(data.get("calculate_subtotal", False)),
    }
    return rules.add(row)


def rate_for(
    state: State,
    country_id: str | None,
    region_id: int | None,
    postcode: str | None,
    *,
    customer_class: int = CUSTOMER_CLASS,
    product_class: int = PRODUCT_CLASS,
) -> Row | None:
    """The rate a rule applies to this destination and class pair (first by priority), or None."""
    seed_defaults(state)
    rates = state.table(RATES)
    for rule in sorted(state.table(RULES), key=lambda r: (r["priority"], r["position"], r["id"])):
        if customer_class not in rule["customer_tax_class_ids"]:
            continue
        if product_class not in rule["product_tax_class_ids"]:
            continue
        for rid in rule["tax_rate_ids"]:
            rate = rates.get(rid)
            if rate is None or rate["tax_country_id"] != country_id:
                continue
            if rate["tax_region_id"] and rate["tax_region_id"] != (region_id or 0):
                continue
            pattern = rate["tax_postcode"] or "*"
            if pattern != "*" and not fnmatch.fnmatch(postcode or "", pattern):
                continue
            return rate
    return None


def rate_title(rate: Row, store_id: int = 1) -> str:
    for title in rate.get("titles") or []:
        if str(title.get("store_id")) == str(store_id):
            return str(title["value"])
    return str(rate["code"])


def _get(state: State, table: str, key: int, field: str) -> Row:
    seed_defaults(state)
    row = state.table(table).get(key)
    if row is None:
        raise errors.no_such_entity(field, key)
    return row


def register(r: Router) -> None:
    @r.post("/V1/taxRates", resource=RESOURCE)
    def create_rate(call: Call) -> Any:
        data = dict(call.arg("taxRate") or {})
        data.pop("id", None)
        return copy.deepcopy(add_rate(call.state, data))

    @r.put("/V1/taxRates", resource=RESOURCE)
    def update_rate(call: Call) -> Any:
        data = dict(call.arg("taxRate") or {})
        rate_id = int(data.get("id") or 0)
        _get(call.state, RATES, rate_id, "taxRateId")
        rates = call.state.table(RATES)
        if any(r["code"] == data.get("code") and r["id"] != rate_id for r in rates):
            raise errors.bad_request("%1 already exists.", ["Code"])
        row = _rate_row(data, rate_id)
        rates.rows[rate_id] = row
        return copy.deepcopy(row)

    @r.get("/V1/taxRates/search", resource=RESOURCE, criteria=True)
    def search_rates(call: Call) -> Any:
        seed_defaults(call.state)
        return search(copy.deepcopy(call.state.table(RATES).values()), call.criteria)

    @r.get("/V1/taxRates/{rateId}", resource=RESOURCE)
    def get_rate(call: Call) -> Any:
        return copy.deepcopy(_get(call.state, RATES, call.path_int("rateId"), "taxRateId"))

    @r.delete("/V1/taxRates/{rateId}", resource=RESOURCE)
    def delete_rate(call: Call) -> Any:
        rate_id = call.path_int("rateId")
        _get(call.state, RATES, rate_id, "taxRateId")
        call.state.table(RATES).remove(rate_id)
        for rule in call.state.table(RULES):
            rule["tax_rate_ids"] = [x for x in rule["tax_rate_ids"] if x != rate_id]
        return True

    @r.post("/V1/taxRules", resource=RESOURCE)
    def create_rule(call: Call) -> Any:
        data = dict(call.arg("rule") or {})
        data.pop("id", None)
        return copy.deepcopy(add_rule(call.state, data))

    @r.put("/V1/taxRules", resource=RESOURCE)
    def update_rule(call: Call) -> Any:
        data = dict(call.arg("rule") or {})
        rule_id = int(data.get("id") or 0)
        old = _get(call.state, RULES, rule_id, "taxRuleId")
        rules = call.state.table(RULES)
        rules.remove(rule_id)
        try:
            return copy.deepcopy(add_rule(call.state, data))
        except errors.MagentoError:
            rules.rows[rule_id] = old
            raise

    @r.get("/V1/taxRules/search", resource=RESOURCE, criteria=True)
    def search_rules(call: Call) -> Any:
        return search(copy.deepcopy(call.state.table(RULES).values()), call.criteria)

    @r.get("/V1/taxRules/{ruleId}", resource=RESOURCE)
    def get_rule(call: Call) -> Any:
        return copy.deepcopy(_get(call.state, RULES, call.path_int("ruleId"), "taxRuleId"))

    @r.delete("/V1/taxRules/{ruleId}", resource=RESOURCE)
    def delete_rule(call: Call) -> Any:
        rule_id = call.path_int("ruleId")
        _get(call.state, RULES, rule_id, "taxRuleId")
        call.state.table(RULES).remove(rule_id)
        return True

    @r.get("/V1/taxClasses/search", resource=RESOURCE, criteria=True)
    def search_classes(call: Call) -> Any:
        seed_defaults(call.state)
        return search(copy.deepcopy(call.state.table(CLASSES).values()), call.criteria)

    @r.get("/V1/taxClasses/{taxClassId}", resource=RESOURCE)
    def get_class(call: Call) -> Any:
        return copy.deepcopy(_get(call.state, CLASSES, call.path_int("taxClassId"), "class_id"))

    @r.post("/V1/taxClasses", resource=RESOURCE)
    def create_class(call: Call) -> Any:
        data = dict(call.arg("taxClass") or {})
        name = data.get("class_name")
        kind = data.get("class_type")
        if not name:
            raise errors.required("class_name")
        if kind not in ("PRODUCT", "CUSTOMER"):
            raise errors.bad_request(
                'Invalid value of "%value" provided for the %fieldName field.',
                {"value": kind, "fieldName": "class_type"},
            )
        classes = call.state.table(CLASSES)
        if any(c["class_name"] == name and c["class_type"] == kind for c in classes):
            raise errors.bad_request("A class with the same name already exists.")
        row = classes.add({"class_id": None, "class_name": name, "class_type": kind}, "class_id")
        return str(row["class_id"])

    @r.put("/V1/taxClasses/{classId}", resource=RESOURCE)
    def update_class(call: Call) -> Any:
        class_id = call.path_int("classId")
        row = _get(call.state, CLASSES, class_id, "class_id")
        data = dict(call.arg("taxClass") or {})
        if data.get("class_name"):
            row["class_name"] = data["class_name"]
        return str(class_id)

    @r.delete("/V1/taxClasses/{taxClassId}", resource=RESOURCE)
    def delete_class(call: Call) -> Any:
        class_id = call.path_int("taxClassId")
        _get(call.state, CLASSES, class_id, "class_id")
        call.state.table(CLASSES).remove(class_id)
        return True
