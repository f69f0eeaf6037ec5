"""Request bodies checked and converted as Magento's ``ServiceInputProcessor`` does.

The rules, read from ``Magento\\Framework\\Webapi\\ServiceInputProcessor`` and ``TypeProcessor``:

- Top level: each parameter of the service method is read by its camelCase or snake_case name;
  a missing required one is 400 ``"%fieldName" is required. Enter and try again.``. Keys that
  name no parameter are ignored.
- Inside objects, keys (snake_case or camelCase) must name a property of the data interface,
  else 400 ``"%fieldName" is not supported. Correct the field name and try again.`` with the
  UpperCamelCase name. Missing properties are not checked there (the service checks them).
- Scalars are cast like PHP ``settype``: numeric strings pass for int and float, anything scalar
  passes for string and bool; a failure is 400 ``Error occurred during "<key>" processing. The
  "<value>" value's type is invalid. The "<type>" type was expected. Verify and try again.``,
  wrapped once per enclosing object.
- ``custom_attributes`` values are not typed (Magento types them by attribute).

The schema is the trimmed copy ``data/magento/schema-subset.json`` of Adobe's 2.4.7 admin schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from magodoo.testing._magento import errors

SUBSET_RESOURCE = "schema-subset.json"
_TYPE_ERROR = (
    'The "{value}" value\'s type is invalid. The "{type}" type was expected. Verify and try again.'
)
_PHP_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "string": "string"}
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)


class _Serialization(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@cache
def subset() -> dict[str, Any]:
    """The shipped schema subset (paths the fake serves and the definitions they use)."""
    text = (
        resources.files("magodoo.testing")
        .joinpath("data", "magento", SUBSET_RESOURCE)
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def upper_camel(name: str) -> str:
    """``SimpleDataObjectConverter::snakeCaseToUpperCamelCase``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def php_string(value: Any) -> str:
    """``(string) $value`` for a scalar."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _gettype(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return "array"


def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        return re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value) is not None
    return False


def _scalar(value: Any, swagger_type: str) -> Any:
    php = _PHP_TYPES.get(swagger_type)
    if php is None:
        return value
    if isinstance(value, dict | list):
        raise _Serialization(_TYPE_ERROR.format(value=_gettype(value), type=php))
    if value is None:
        return None
    if php == "bool":
        if isinstance(value, bool):
            return value
        return php_string(value).strip().lower() in ("1", "true", "on", "yes")
    if php == "string":
        return php_string(value)
    if not _is_numeric(value):
        raise _Serialization(_TYPE_ERROR.format(value=php_string(value), type=php))
    number = float(value)
    if php == "int":
        return int(number)
    return int(number) if isinstance(value, int) else number


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        resolved: dict[str, Any] = schema["definitions"][ref.rsplit("/", 1)[-1]]
        return resolved
    return node


def _convert(value: Any, node: dict[str, Any], schema: dict[str, Any]) -> Any:
    node = _resolve(node, schema)
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        item = _resolve(items, schema)
        simple = item.get("type") in _PHP_TYPES
        if value is None:
            return None
        if not isinstance(value, list | dict):
            if simple:
                php = _PHP_TYPES[str(item.get("type"))] + "[]"
                raise _Serialization(_TYPE_ERROR.format(value=_gettype(value), type=php))
            raise errors.bad_request("Not all parameters valid.")
        seq = value if isinstance(value, list) else list(value.values())
        if simple:
            return [v if isinstance(v, dict | list) else _scalar(v, str(item["type"])) for v in seq]
        return [_convert(v, items, schema) for v in seq]
    if kind == "object" or "properties" in node:
        props: dict[str, Any] | None = node.get("properties")
        if not props:
            return value
        return _object(value, props, schema)
    return _scalar(value, str(kind)) if kind else value


def _object(value: Any, props: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    by_camel = {upper_camel(k): k for k in props}
    out: dict[str, Any] = {}
    for key, item in value.items():
        camel = upper_camel(str(key))
        prop = by_camel.get(camel)
        if prop is None:
            raise errors.bad_request(errors.NOT_SUPPORTED, {"fieldName": camel})
        try:
            if prop == "custom_attributes":
                converted = _custom_attributes(item)
            else:
                converted = _convert(item, props[prop], schema)
        except _Serialization as exc:
            raise _Serialization(
                f'Error occurred during "{key}" processing. {exc.message}'
            ) from None
        if isinstance(converted, str) and _SCRIPT.search(converted):
            raise errors.bad_request(
                '"%field_name" does not contains valid value.', {"field_name": key}
            )
        out[prop] = converted
    return out


def _custom_attributes(value: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if value is None:
        return out
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value if isinstance(value, list) else [])
    )
    for key, attr in items:
        if not isinstance(attr, dict):
            attr = {"attribute_code": key, "value": attr}
        code = attr.get("attribute_code", attr.get("attributeCode"))
        if not code and attr.get("value") is None:
            raise _Serialization(
                "An empty custom attribute is specified. Enter the attribute and try again."
            )
        if not code:
            raise _Serialization(
                "A custom attribute is specified with a missing attribute code. "
                "Verify the code and try again."
            )
        if "value" not in attr:
            raise _Serialization(
                f'The "{code}" attribute code doesn\'t have a value set. '
                "Enter the value and try again."
            )
        out.append({"attribute_code": str(code), "value": attr["value"]})
    return out


def snake(name: str) -> str:
    """The snake_case spelling Magento also accepts for a top-level parameter."""
    return re.sub(r"(?<=\w)(?=[A-Z])", "_", name).lower()


def body_schema(method: str, template: str) -> dict[str, Any] | None:
    """The schema of the JSON body of one operation (``None`` when it takes no body)."""
    op = subset()["paths"].get(template, {}).get(method.lower())
    if op is None:
        return None
    for param in op.get("parameters", []):
        if param.get("in") == "body":
            found: dict[str, Any] = param["schema"]
            return found
    return None


def validate_body(method: str, template: str, body: Any, path_params: Iterable[str] = ()) -> Any:
    """Check and convert a request body; raise the MagentoError Magento would answer.

    Path parameters also count as given (Magento merges them into the input).
    """
    spec = body_schema(method, template)
    if spec is None:
        return body
    schema = subset()
    data = body if isinstance(body, dict) else {}
    props: dict[str, Any] = spec.get("properties", {})
    given = set(path_params)
    missing: list[str] = []
    out: dict[str, Any] = {}
    required: list[str] = list(spec.get("required", []))
    order = [*required, *(n for n in props if n not in required)]
    for name in order:
        node = props.get(name, {})
        key = name if data.get(name) is not None else snake(name)
        if data.get(key) is None:
            if name in required and name not in given:
                missing.append(name)
            continue
        try:
            out[name] = _convert(data[key], node, schema)
        except _Serialization as exc:
            raise errors.bad_request(exc.message) from None
    if len(missing) == 1:
        raise errors.required(missing[0])
    if missing:
        raise errors.MagentoError(
            400,
            "One or more input exceptions have occurred.",
            errors=[{"message": errors.REQUIRED, "parameters": {"fieldName": m}} for m in missing],
        )
    return out


def convert_definition(value: Any, definition: str) -> Any:
    """Convert ``value`` as an instance of one schema definition (e.g. search criteria)."""
    schema = subset()
    try:
        return _convert(value, {"$ref": f"#/definitions/{definition}"}, schema)
    except _Serialization as exc:
        raise errors.bad_request(exc.message) from None


# ---- trimming the full schema ---------------------------------------------------------------


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v.rsplit("/", 1)[-1]
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def trim(
    full: dict[str, Any], operations: Iterable[tuple[str, str]], extra: Iterable[str] = ()
) -> dict[str, Any]:
    """The part of ``full`` for the given (method, template) pairs and the definitions they use.

    ``extra`` names further definitions to keep (e.g. search criteria, read by the fake itself).
    """
    paths: dict[str, dict[str, Any]] = {}
    for method, template in sorted(set(operations)):
        op = full["paths"].get(template, {}).get(method.lower())
        if op is None:
            continue
        paths.setdefault(template, {})[method.lower()] = op
    wanted: set[str] = set()
    todo = [*_refs(paths), *extra]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(r for r in _refs(full["definitions"][name]) if r not in wanted)
    return {
        "swagger": full.get("swagger", "2.0"),
        "info": {
            "title": full.get("info", {}).get("title", ""),
            "version": full.get("info", {}).get("version", ""),
            "note": "Trimmed by magodoo.testing._magento.schema.trim: only what the fake serves.",
        },
        "paths": {k: paths[k] for k in sorted(paths)},
        "definitions": {k: full["definitions"][k] for k in sorted(wanted)},
    }
