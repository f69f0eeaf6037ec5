"""Attribute sets, groups, product attributes and their options (Magento_Catalog, Magento_Eav).

Visual swatches (Magento_Swatches) follow Magento's source, not a recording:
``Swatches/Model/Plugin/EavAttribute`` saves ``frontend_input: swatch_visual`` as ``select``
with ``swatch_input_type = visual`` in ``additional_data`` (magento/magento2#28195), so the
attribute reads back as ``select``; ``Swatches/Plugin/Eav/Model/Entity/Attribute/
OptionManagement`` saves an option's ``value`` as its swatch (#36939) and an option update
that does not send it again leaves the option without a swatch (#37794). The swatches are
kept in ``State.option_swatches`` (Magento's REST answers do not show them).
"""

from __future__ import annotations

import copy
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.base_store import (
    CATALOG_ATTRIBUTE_DEFAULTS,
    DEFAULT_SET_ID,
    PRODUCT_ENTITY_TYPE,
)
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

SETS = "Magento_Catalog::sets"
ATTRIBUTES = "Magento_Catalog::attributes_attributes"
LIST_KEYS = (
    "attribute_id",
    "attribute_code",
    "frontend_input",
    "entity_type_id",
    "is_required",
    "options",
    "is_user_defined",
    "default_frontend_label",
    "frontend_labels",
    "backend_type",
    "backend_model",
    "source_model",
    "default_value",
    "frontend_class",
    "note",
    "is_unique",
    "validation_rules",
)
_ATTR_NOT_FOUND = (
    'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.'
)
INPUT_TYPES = (
    ("text", "Text Field"),
    ("textarea", "Text Area"),
    ("texteditor", "Text Editor"),
    ("pagebuilder", "Page Builder"),
    ("date", "Date"),
    ("datetime", "Date and Time"),
    ("boolean", "Yes/No"),
    ("multiselect", "Multiple Select"),
    ("select", "Dropdown"),
    ("price", "Price"),
    ("media_image", "Media Image"),
    ("swatch_visual", "Visual Swatch"),
    ("swatch_text", "Text Swatch"),
    ("weee", "Fixed Product Tax"),
)
_BACKEND = {
    "select": "int",
    "multiselect": "varchar",
    "boolean": "int",
    "price": "decimal",
    "weight": "decimal",
    "date": "datetime",
    "textarea": "text",
    "text": "varchar",
}


def find_attribute(state: State, code: str) -> Row:
    attr = state.attributes.get(code)
    if attr is None:
        raise errors.not_found(_ATTR_NOT_FOUND, [code])
    return attr


def list_shape(attr: Row) -> Row:
    return {k: copy.deepcopy(attr[k]) for k in LIST_KEYS if k in attr}


def find_set(state: State, set_id: int) -> Row:
    row = state.attribute_sets.get(set_id)
    if row is None:
        raise errors.not_found(
            'The AttributeSet with a "%1" ID doesn\'t exist. '
            "Verify the attributeSet and try again.",
            [set_id],
        )
    return row


SWATCH_INPUTS = {"swatch_visual": "visual", "swatch_text": "text"}


def _save_swatch(state: State, attr: Row, option_id: str, data: Row) -> None:
    """A visual swatch attribute's option keeps the ``value`` it was saved with as its swatch;
    a save without one leaves it without a swatch (magento/magento2#37794)."""
    if attr["attribute_code"] not in state.swatch_attributes:
        return
    value = str(data.get("value") or "")
    if value:
        state.option_swatches[option_id] = value
    else:
        state.option_swatches.pop(option_id, None)


def add_option(state: State, attr: Row, data: Row) -> str:
    label = str(data.get("label") or "")
    for o in attr["options"]:
        if o["label"] == label and o["value"] != "":
            raise errors.bad_request(
                'Admin store attribute option label "%1" is already exists.', [label]
            )
    value = str(state.option_ids.next_id())
    attr["options"].append({"label": label, "value": value})
    _store_labels(state, value, data)
    _save_swatch(state, attr, value, data)
    return value


def _store_labels(state: State, option_id: str, data: Row) -> None:
    """Magento saves an option's labels all at once (``_updateAttributeOptionValues``: the
    option's rows are deleted, then the admin label and each ``store_labels`` entry are
    inserted), so a save without ``store_labels`` drops the store views' labels."""
    labels = {int(x.get("store_id") or 0): str(x.get("label") or "")
              for x in data.get("store_labels") or [] if x.get("label")}
    labels.pop(0, None)
    if labels:
        state.option_store_labels[option_id] = labels
    else:
        state.option_store_labels.pop(option_id, None)


def option_shape(state: State, option: Row, store_id: int = 0) -> Row:
    """An option as ``/rest/<code>/`` lists it: the store view's label when it has one."""
    labels = state.option_store_labels.get(str(option["value"]), {})
    label = labels.get(store_id) if store_id else None
    return {**copy.deepcopy(option), "label": label or option["label"]}


def create_attribute(state: State, data: Row) -> Row:
    code = data.get("attribute_code")
    if not code:
        raise errors.bad_request(
            '"%1" is required. Enter and try again.'.replace("%1", "attribute_code")
        )
    if code in state.attributes:
        raise errors.bad_request("An attribute with the same code (%1) already exists.", [code])
    frontend_input = data.get("frontend_input") or "text"
    swatch = SWATCH_INPUTS.get(frontend_input)
    if swatch is not None:
        if "Magento_Swatches" not in state.modules:
            raise errors.bad_request('Input type "%1" not found in the input types list.',
                                     [frontend_input])
        frontend_input = "select"  # the Swatches plugin saves it as select + additional data
    usable_labels = [lbl for lbl in data.get("frontend_labels") or [] if lbl.get("label")]
    if not data.get("default_frontend_label") and not usable_labels:
        raise errors.bad_request('"%1" is required. Enter and try again.', ["frontend_label"])
    attr: Row = copy.deepcopy(CATALOG_ATTRIBUTE_DEFAULTS)
    for key, value in data.items():
        if key in ("options", "attribute_id", "extension_attributes"):
            continue
        attr[key] = copy.deepcopy(value)
    attr.update(
        {
            "attribute_id": state.attribute_ids.next_id(),
            "attribute_code": code,
            "frontend_input": frontend_input,
            "entity_type_id": str(PRODUCT_ENTITY_TYPE),
            "is_required": bool(data.get("is_required", False)),
            "options": [{"label": " ", "value": ""}]
            if frontend_input in ("select", "multiselect")
            else [],
            "is_user_defined": bool(data.get("is_user_defined", True)),
            "default_frontend_label": data.get("default_frontend_label")
            or (usable_labels[0]["label"] if usable_labels else code),
            "frontend_labels": copy.deepcopy(data.get("frontend_labels") or []),
            "backend_type": data.get("backend_type") or _BACKEND.get(frontend_input, "varchar"),
            "default_value": data.get("default_value") or "",
            "is_unique": str(data.get("is_unique") or "0"),
            "validation_rules": [],
        }
    )
    if frontend_input in ("select", "multiselect"):
        attr["source_model"] = "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table"
    for option in data.get("options") or []:
        if option.get("label"):
            add_option(state, attr, option)
    if swatch == "visual":
        state.swatch_attributes.add(code)
    state.attributes[code] = attr
    return attr


def register(r: Router) -> None:
    # ---- sets ----

    @r.get("/V1/products/attribute-sets/sets/list", resource=SETS, criteria=True)
    def list_sets(call: Call) -> Any:
        columns = {"attribute_set_id", "entity_type_id", "attribute_set_name", "sort_order"}
        return search(
            call.state.attribute_sets,
            call.criteria,
            render=dict,
            fields=columns.__contains__,
            unknown_field=errors.unknown_column,
        )

    @r.get("/V1/products/attribute-sets/{attributeSetId}", resource=SETS)
    def get_set(call: Call) -> Any:
        return dict(find_set(call.state, call.path_int("attributeSetId")))

    @r.post("/V1/products/attribute-sets", resource=SETS)
    def create_set(call: Call) -> Any:
        state = call.state
        data = call.arg("attributeSet") or {}
        skeleton = find_set(state, int(call.arg("skeletonId")))
        name = str(data.get("attribute_set_name") or "")
        if not name:
            raise errors.bad_request(
                "The attribute set name is empty. Enter the name and try again."
            )
        if any(s["attribute_set_name"] == name for s in state.attribute_sets):
            raise errors.bad_request('An attribute set named "%1" already exists.', [name])
        row = state.attribute_sets.add(
            {
                "attribute_set_id": None,
                "attribute_set_name": name,
                "sort_order": int(data.get("sort_order") or 0),
                "entity_type_id": PRODUCT_ENTITY_TYPE,
            },
            key="attribute_set_id",
        )
        mapping: dict[int, int] = {}
        for g in list(state.attribute_groups):
            if g["attribute_set_id"] == skeleton["attribute_set_id"]:
                new = state.attribute_groups.add(
                    {
                        "attribute_group_id": None,
                        "attribute_group_name": g["attribute_group_name"],
                        "attribute_set_id": row["attribute_set_id"],
                    },
                    key="attribute_group_id",
                )
                mapping[g["attribute_group_id"]] = new["attribute_group_id"]
        state.set_attributes[row["attribute_set_id"]] = {
            code: (mapping.get(gid, gid), order)
            for code, (gid, order) in state.set_attributes.get(
                skeleton["attribute_set_id"], {}
            ).items()
        }
        return dict(row)

    @r.put("/V1/products/attribute-sets/{attributeSetId}", resource=SETS)
    def update_set(call: Call) -> Any:
        row = find_set(call.state, call.path_int("attributeSetId"))
        data = call.arg("attributeSet") or {}
        name = data.get("attribute_set_name")
        if name is not None:
            if not name:
                raise errors.bad_request(
                    "The attribute set name is empty. Enter the name and try again."
                )
            if any(
                s["attribute_set_name"] == name and s is not row for s in call.state.attribute_sets
            ):
                raise errors.bad_request('An attribute set named "%1" already exists.', [name])
            row["attribute_set_name"] = name
        if data.get("sort_order") is not None:
            row["sort_order"] = int(data["sort_order"])
        return dict(row)

    @r.delete("/V1/products/attribute-sets/{attributeSetId}", resource=SETS)
    def delete_set(call: Call) -> Any:
        set_id = call.path_int("attributeSetId")
        find_set(call.state, set_id)
        if set_id == DEFAULT_SET_ID:
            raise errors.bad_request("The default attribute set can't be deleted.")
        call.state.attribute_sets.remove(set_id)
        call.state.set_attributes.pop(set_id, None)
        for g in list(call.state.attribute_groups):
            if g["attribute_set_id"] == set_id:
                call.state.attribute_groups.remove(g["attribute_group_id"])
        return True

    @r.get("/V1/products/attribute-sets/{attributeSetId}/attributes", resource=SETS)
    def set_attributes(call: Call) -> Any:
        set_id = call.path_int("attributeSetId")
        find_set(call.state, set_id)
        codes = call.state.set_attributes.get(set_id, {})
        return [list_shape(call.state.attributes[c]) for c in codes if c in call.state.attributes]

    @r.post("/V1/products/attribute-sets/attributes", resource=SETS)
    def assign(call: Call) -> Any:
        state = call.state
        set_id = int(call.arg("attributeSetId"))
        group_id = int(call.arg("attributeGroupId"))
        find_set(state, set_id)
        group = state.attribute_groups.get(group_id)
        if group is None or group["attribute_set_id"] != set_id:
            raise errors.bad_request("The attribute group doesn't belong to the attribute set.")
        attr = find_attribute(state, str(call.arg("attributeCode")))
        state.set_attributes.setdefault(set_id, {})[attr["attribute_code"]] = (
            group_id,
            int(call.arg("sortOrder") or 0),
        )
        return str(state.entity_attribute_ids.next_id())

    @r.delete(
        "/V1/products/attribute-sets/{attributeSetId}/attributes/{attributeCode}", resource=SETS
    )
    def unassign(call: Call) -> Any:
        set_id = call.path_int("attributeSetId")
        find_set(call.state, set_id)
        attr = find_attribute(call.state, call.params["attributeCode"])
        if not attr.get("is_user_defined"):
            raise errors.bad_request("System attribute can not be deleted")
        call.state.set_attributes.get(set_id, {}).pop(attr["attribute_code"], None)
        return True

    # ---- groups ----

    @r.get("/V1/products/attribute-sets/groups/list", resource=SETS, criteria=True)
    def list_groups(call: Call) -> Any:
        def shape(g: Row) -> Row:
            return {
                "attribute_group_id": str(g["attribute_group_id"]),
                "attribute_group_name": g["attribute_group_name"],
                "attribute_set_id": g["attribute_set_id"],
            }

        columns = {
            "attribute_group_id",
            "attribute_set_id",
            "attribute_group_name",
            "sort_order",
            "default_id",
            "attribute_group_code",
            "tab_group_code",
        }
        return search(
            call.state.attribute_groups,
            call.criteria,
            render=shape,
            fields=columns.__contains__,
            unknown_field=errors.unknown_column,
        )

    @r.post("/V1/products/attribute-sets/groups", resource=SETS)
    def create_group(call: Call) -> Any:
        state = call.state
        data = call.arg("group") or {}
        set_id = data.get("attribute_set_id")
        if set_id is None:
            raise errors.bad_request(
                "The attribute set ID is incorrect. Verify the ID and try again."
            )
        find_set(state, int(set_id))
        name = str(data.get("attribute_group_name") or "")
        if any(
            g["attribute_set_id"] == set_id and g["attribute_group_name"] == name
            for g in state.attribute_groups
        ):
            raise errors.bad_request(
                'Can\'t save group. Group with name "%1" already exists in the attribute set.',
                [name],
            )
        row = state.attribute_groups.add(
            {"attribute_group_id": None, "attribute_group_name": name, "attribute_set_id": set_id},
            key="attribute_group_id",
        )
        return {
            "attribute_group_id": str(row["attribute_group_id"]),
            "attribute_group_name": name,
            "attribute_set_id": set_id,
        }

    @r.put("/V1/products/attribute-sets/{attributeSetId}/groups", resource=SETS)
    def update_group(call: Call) -> Any:
        set_id = call.path_int("attributeSetId")
        find_set(call.state, set_id)
        data = call.arg("group") or {}
        gid = data.get("attribute_group_id")
        group = call.state.attribute_groups.get(int(gid)) if gid not in (None, "") else None
        if group is None or group["attribute_set_id"] != set_id:
            raise errors.bad_request("The attribute group doesn't belong to the provided set.")
        if data.get("attribute_group_name"):
            group["attribute_group_name"] = data["attribute_group_name"]
        return {
            "attribute_group_id": str(group["attribute_group_id"]),
            "attribute_group_name": group["attribute_group_name"],
            "attribute_set_id": group["attribute_set_id"],
        }

    @r.delete("/V1/products/attribute-sets/groups/{groupId}", resource=SETS)
    def delete_group(call: Call) -> Any:
        gid = call.path_int("groupId")
        group = call.state.attribute_groups.get(gid)
        if group is None:
            raise errors.not_found(
                'The group with the "%1" ID doesn\'t exist. Verify the ID and try again.', [gid]
            )
        assigned = call.state.set_attributes.get(group["attribute_set_id"], {})
        if any(g == gid for g, _ in assigned.values()):
            raise errors.bad_request(
                "The attribute group can't be deleted because it contains system attributes."
            )
        call.state.attribute_groups.remove(gid)
        return True

    # ---- attributes ----

    @r.get("/V1/products/attributes/types", resource=ATTRIBUTES)
    def attribute_types(call: Call) -> Any:
        return [{"value": v, "label": label} for v, label in INPUT_TYPES]

    @r.get("/V1/products/attributes", resource=ATTRIBUTES, criteria=True)
    def list_attributes(call: Call) -> Any:
        return search(
            sorted(call.state.attributes.values(), key=lambda a: a["attribute_id"]),
            call.criteria,
            render=copy.deepcopy,
        )

    @r.get("/V1/products/attributes/{attributeCode}", resource=ATTRIBUTES)
    def get_attribute(call: Call) -> Any:
        return copy.deepcopy(find_attribute(call.state, call.params["attributeCode"]))

    @r.post("/V1/products/attributes", resource=ATTRIBUTES)
    def post_attribute(call: Call) -> Any:
        return copy.deepcopy(create_attribute(call.state, call.arg("attribute") or {}))

    @r.put("/V1/products/attributes/{attributeCode}", resource=ATTRIBUTES)
    def put_attribute(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        data = call.arg("attribute") or {}
        for key, value in data.items():
            if key in ("attribute_id", "attribute_code", "options", "entity_type_id"):
                continue
            if key == "frontend_input" and value != attr.get("frontend_input"):
                raise errors.bad_request("Attribute with the same code already exists.")
            attr[key] = copy.deepcopy(value)
        for option in data.get("options") or []:
            if option.get("label") and not any(
                o["label"] == option["label"] for o in attr["options"]
            ):
                add_option(call.state, attr, option)
        return copy.deepcopy(attr)

    @r.delete("/V1/products/attributes/{attributeCode}", resource=ATTRIBUTES)
    def delete_attribute(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        if not attr.get("is_user_defined"):
            raise errors.bad_request("The system attribute can't be deleted.")
        del call.state.attributes[attr["attribute_code"]]
        call.state.swatch_attributes.discard(attr["attribute_code"])
        for assigned in call.state.set_attributes.values():
            assigned.pop(attr["attribute_code"], None)
        return True

    @r.get("/V1/products/attributes/{attributeCode}/options", resource=ATTRIBUTES)
    def list_options(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        return [option_shape(call.state, o, call.store_id) for o in attr["options"]]

    @r.post("/V1/products/attributes/{attributeCode}/options", resource=ATTRIBUTES)
    def post_option(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        if attr.get("frontend_input") not in ("select", "multiselect"):
            raise errors.bad_request(
                'The "%1" attribute doesn\'t work with options.', [attr["attribute_code"]]
            )
        return add_option(call.state, attr, call.arg("option") or {})

    @r.put("/V1/products/attributes/{attributeCode}/options/{optionId}", resource=ATTRIBUTES)
    def put_option(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        oid = call.params["optionId"]
        option = next((o for o in attr["options"] if o["value"] == oid and oid != ""), None)
        if option is None:
            raise errors.not_found(
                'The "%1" attribute doesn\'t include an option with "%2" ID.',
                [attr["attribute_code"], oid],
            )
        data = call.arg("option") or {}
        label = data.get("label")
        if label:
            if any(o["label"] == label and o is not option for o in attr["options"]):
                raise errors.bad_request(
                    'Admin store attribute option label "%1" is already exists.', [label]
                )
            option["label"] = str(label)
        _store_labels(call.state, oid, data)
        _save_swatch(call.state, attr, oid, data)
        return True

    @r.delete("/V1/products/attributes/{attributeCode}/options/{optionId}", resource=ATTRIBUTES)
    def delete_option(call: Call) -> Any:
        attr = find_attribute(call.state, call.params["attributeCode"])
        oid = call.params["optionId"]
        if not any(o["value"] == oid and oid != "" for o in attr["options"]):
            raise errors.not_found(
                'The "%1" attribute doesn\'t include an option with "%2" ID.',
                [attr["attribute_code"], oid],
            )
        attr["options"] = [o for o in attr["options"] if o["value"] != oid]
        call.state.option_swatches.pop(oid, None)
        return True
