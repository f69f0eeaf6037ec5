"""Check what the client sends against Magento's REST schema (``rest-schema-2.4.7-admin.json``).

For each captured request: the method and path must be an operation of the schema (async bulk
paths are mapped back to their normal route), and every key of the JSON body, at every depth,
must be a property the schema defines there.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from magodoo._http import Exchange

_PARAM = re.compile(r"\{(\w+)\}")


@functools.cache
def load(reference_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (reference_dir / "magento" / "rest-schema-2.4.7-admin.json").read_text()
    )
    return data


@functools.cache
def _templates(reference_dir: Path) -> list[tuple[str, re.Pattern[str], int]]:
    out = []
    for template in load(reference_dir)["paths"]:
        pattern = ""
        pos = 0
        for m in _PARAM.finditer(template):
            pattern += re.escape(template[pos:m.start()]) + "[^/]+"
            pos = m.end()
        pattern += re.escape(template[pos:])
        out.append((template, re.compile(pattern + r"/?\Z"), len(_PARAM.findall(template))))
    out.sort(key=lambda t: t[2])  # literal segments first, as Magento's router
    return out


def route_of(reference_dir: Path, method: str, path: str) -> str | None:
    """The schema template serving ``method path`` (``path`` starts with ``/V1/``)."""
    paths = load(reference_dir)["paths"]
    for template, regex, _ in _templates(reference_dir):
        if regex.match(path) and method.lower() in paths[template]:
            return template
    return None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].split("/")[-1]]
    return node


def body_problems(schema: dict[str, Any], node: dict[str, Any], value: Any,
                  where: str, *, top: bool = True) -> list[str]:
    """Unknown keys at any depth; missing required parameters at the top level only (Magento's
    ServiceInputProcessor does not enforce the ``required`` lists of nested definitions)."""
    node = _resolve(schema, node)
    problems: list[str] = []
    if isinstance(value, dict):
        props = node.get("properties")
        if props is None:
            return problems  # free-form object
        for key, inner in value.items():
            if key not in props:
                problems.append(f"{where}.{key} is not in the schema")
            else:
                problems += body_problems(schema, props[key], inner, f"{where}.{key}", top=False)
        for key in node.get("required", ()) if top else ():
            if key not in value:
                problems.append(f"{where}.{key} is required by the schema")
    elif isinstance(value, list) and "items" in node:
        for n, inner in enumerate(value):
            problems += body_problems(schema, node["items"], inner, f"{where}[{n}]", top=False)
    return problems


def _body_schema(schema: dict[str, Any], template: str, method: str) -> dict[str, Any] | None:
    operation = schema["paths"][template][method.lower()]
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "body":
            found: dict[str, Any] = parameter["schema"]
            return found
    return None


def check(reference_dir: Path, exchange: Exchange) -> list[str]:
    """Problems with one captured request (empty when it matches the schema)."""
    schema = load(reference_dir)
    path = re.sub(r"^/rest/[A-Za-z0-9_]+", "", urlsplit(exchange.url).path)
    bulk = path.startswith("/async/bulk/")
    if bulk:
        path = path.removeprefix("/async/bulk")
        path = re.sub(r"/by[A-Z]\w*", "/{by}", path)
        path = path.replace("{by}", "BY-PARAM")
    template = route_of(reference_dir, exchange.method, path)
    where = f"{exchange.method} {path}"
    if template is None:
        return [f"{where}: no such operation in the schema"]
    body_node = _body_schema(schema, template, exchange.method)
    body = exchange.request_body
    if body is None:
        return []
    if body_node is None:
        return [f"{where}: the schema takes no body"]
    if bulk:
        params = set(_PARAM.findall(template))
        problems = []
        for n, element in enumerate(body):
            trimmed = {k: v for k, v in element.items() if k not in params}
            problems += body_problems(schema, body_node, trimmed, f"{where}[{n}]")
        return problems
    return body_problems(schema, body_node, body, where)
