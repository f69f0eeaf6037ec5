"""Magento_SalesRule: cart price rules and coupons (the discount side of a cart).

Recorded on 2.4.6 (201-206, 701-702): the rule echoes with default ``condition`` and
``action_condition`` blocks and without ``discount_qty`` when it is 0; a coupon reads back
``is_primary: null``; a duplicate coupon code is 400 ``%1 already exists.``.
Only the unconditional actions are modelled: ``by_percent`` and ``by_fixed`` on each item,
``cart_fixed`` spread over the items, optionally applied to shipping.
"""

from __future__ import annotations

import copy
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

RULES = "sales_rules"
COUPONS = "coupons"
RESOURCE = "Magento_SalesRule::quote"
ACTIONS = ("by_percent", "by_fixed", "cart_fixed", "buy_x_get_y")
_CONDITION = {
    "condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Combine",
    "aggregator_type": "all",
    "operator": None,
    "value": True,
}
_ACTION_CONDITION = {
    "condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Combine",
    "aggregator_type": "all",
    "operator": None,
    "value": True,
}
_ORDER = (
    "rule_id",
    "name",
    "store_labels",
    "description",
    "website_ids",
    "customer_group_ids",
    "from_date",
    "to_date",
    "uses_per_customer",
    "is_active",
    "condition",
    "action_condition",
    "stop_rules_processing",
    "is_advanced",
    "sort_order",
    "simple_action",
    "discount_amount",
    "discount_qty",
    "discount_step",
    "apply_to_shipping",
    "times_used",
    "is_rss",
    "coupon_type",
    "use_auto_generation",
    "uses_per_coupon",
    "simple_free_shipping",
)


def save_rule(state: State, data: dict[str, Any], rule_id: int | None = None) -> Row:
    for field in ("name", "website_ids", "customer_group_ids"):
        if data.get(field) in (None, ""):
            raise errors.required(field)
    action = data.get("simple_action") or "by_percent"
    if action not in ACTIONS:
        raise errors.bad_request(
            'Invalid value of "%value" provided for the %fieldName field.',
            {"value": action, "fieldName": "simple_action"},
        )
    merged: dict[str, Any] = {
        "store_labels": [],
        "uses_per_customer": 0,
        "is_active": False,
        "condition": _CONDITION,
        "action_condition": _ACTION_CONDITION,
        "stop_rules_processing": False,
        "is_advanced": True,
        "sort_order": 0,
        "simple_action": action,
        "discount_amount": 0,
        "discount_step": 0,
        "apply_to_shipping": False,
        "times_used": 0,
        "is_rss": False,
        "coupon_type": "NO_COUPON",
        "use_auto_generation": False,
        "uses_per_coupon": 0,
        "simple_free_shipping": "0",
    }
    merged.update({k: v for k, v in data.items() if v is not None})
    if not merged.get("discount_qty"):
        merged.pop("discount_qty", None)
    table = state.table(RULES)
    merged["rule_id"] = rule_id if rule_id is not None else table.next_id()
    row: Row = {k: copy.deepcopy(merged[k]) for k in _ORDER if k in merged}
    table.rows[row["rule_id"]] = row
    return row


def save_coupon(state: State, data: dict[str, Any]) -> Row:
    rule_id = data.get("rule_id")
    if rule_id is None:
        raise errors.required("rule_id")
    if state.table(RULES).get(int(rule_id)) is None:
        raise errors.no_such_entity("rule_id", int(rule_id))
    code = data.get("code")
    if not code:
        raise errors.required("code")
    table = state.table(COUPONS)
    if any(str(c["code"]).lower() == str(code).lower() for c in table):
        raise errors.bad_request("%1 already exists.", ["Coupon with the same code"])
    row: Row = {
        "coupon_id": table.next_id(),
        "rule_id": int(rule_id),
        "code": code,
        "usage_limit": data.get("usage_limit"),
        "usage_per_customer": data.get("usage_per_customer"),
        "times_used": data.get("times_used"),
        "is_primary": None,
        "type": int(data.get("type") or 0),
    }
    table.rows[row["coupon_id"]] = row
    return row


def rule_for_coupon(state: State, code: str) -> Row | None:
    """The active rule behind ``code`` (case-insensitive), or None."""
    for coupon in state.table(COUPONS):
        if str(coupon["code"]).lower() == code.lower():
            rule = state.table(RULES).get(coupon["rule_id"])
            if rule is not None and rule.get("is_active"):
                return rule
    return None


def label(rule: Row, store_id: int = 1) -> str | None:
    """The rule's label for the store (store 0 is the default), or None."""
    labels = {
        int(x.get("store_id") or 0): x.get("store_label") for x in rule.get("store_labels") or []
    }
    return labels.get(store_id) or labels.get(0) or None


def applicable_rules(state: State, coupon_code: str | None, group_id: int) -> list[Row]:
    """Active rules for this cart in ``sort_order``, stopping after ``stop_rules_processing``."""
    chosen: list[Row] = []
    coupon_rule = rule_for_coupon(state, coupon_code) if coupon_code else None
    for rule in sorted(state.table(RULES), key=lambda r: (r.get("sort_order") or 0, r["rule_id"])):
        if not rule.get("is_active"):
            continue
        if group_id not in [int(g) for g in rule.get("customer_group_ids") or []]:
            continue
        if rule.get("coupon_type", "NO_COUPON") != "NO_COUPON" and rule is not coupon_rule:
            continue
        chosen.append(rule)
        if rule.get("stop_rules_processing"):
            break
    return chosen


def register(r: Router) -> None:
    @r.post("/V1/salesRules", resource=RESOURCE)
    def create_rule(call: Call) -> Any:
        data = dict(call.arg("rule") or {})
        data.pop("rule_id", None)
        return copy.deepcopy(save_rule(call.state, data))

    @r.get("/V1/salesRules/search", resource=RESOURCE, criteria=True)
    def search_rules(call: Call) -> Any:
        return search(copy.deepcopy(call.state.table(RULES).values()), call.criteria)

    @r.get("/V1/salesRules/{ruleId}", resource=RESOURCE)
    def get_rule(call: Call) -> Any:
        rule_id = call.path_int("ruleId")
        row = call.state.table(RULES).get(rule_id)
        if row is None:
            raise errors.no_such_entity("rule_id", rule_id)
        return copy.deepcopy(row)

    @r.put("/V1/salesRules/{ruleId}", resource=RESOURCE)
    def update_rule(call: Call) -> Any:
        rule_id = call.path_int("ruleId")
        old = call.state.table(RULES).get(rule_id)
        if old is None:
            raise errors.no_such_entity("rule_id", rule_id)
        data = {**old, **dict(call.arg("rule") or {})}
        return copy.deepcopy(save_rule(call.state, data, rule_id))

    @r.delete("/V1/salesRules/{ruleId}", resource=RESOURCE)
    def delete_rule(call: Call) -> Any:
        rule_id = call.path_int("ruleId")
        if call.state.table(RULES).remove(rule_id) is None:
            raise errors.no_such_entity("rule_id", rule_id)
        for coupon in call.state.table(COUPONS):
            if coupon["rule_id"] == rule_id:
                call.state.table(COUPONS).remove(coupon["coupon_id"])
        return True

    @r.post("/V1/coupons", resource=RESOURCE)
    def create_coupon(call: Call) -> Any:
        data = dict(call.arg("coupon") or {})
        data.pop("coupon_id", None)
        return copy.deepcopy(save_coupon(call.state, data))

    @r.get("/V1/coupons/search", resource=RESOURCE, criteria=True)
    def search_coupons(call: Call) -> Any:
        return search(copy.deepcopy(call.state.table(COUPONS).values()), call.criteria)

    @r.get("/V1/coupons/{couponId}", resource=RESOURCE)
    def get_coupon(call: Call) -> Any:
        cid = call.path_int("couponId")
        row = call.state.table(COUPONS).get(cid)
        if row is None:
            raise errors.no_such_entity("coupon_id", cid)
        return copy.deepcopy(row)

    @r.delete("/V1/coupons/{couponId}", resource=RESOURCE)
    def delete_coupon(call: Call) -> Any:
        cid = call.path_int("couponId")
        if call.state.table(COUPONS).remove(cid) is None:
            raise errors.no_such_entity("coupon_id", cid)
        return True
