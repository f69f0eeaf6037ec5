"""Every typed method of MagentoClient calls an operation of the REST schema."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from magodoo._http import Exchange
from magodoo.magento import MagentoClient

from .schema_check import check, load

PLUMBING = {"get", "post", "put", "delete", "call", "fetch_page", "paginate", "fetch_token",
            "url", "for_store", "aclose", "async_bulk", "wait_bulk"}
CALL = re.compile(r'self\.(get|post|put|delete|fetch_page|paginate)\(\s*f?"(/V1/[^"]*)"'
                  r'(?:\s*f"([^"]*)")?')
BULK = re.compile(r'async_bulk\("(\w+)", "([^"]+)"')


def client_routes() -> dict[str, tuple[str, str]]:
    """method name -> (HTTP method, path as written in the source, placeholders as ``{}``)."""
    routes: dict[str, tuple[str, str]] = {}
    for name, fn in inspect.getmembers(MagentoClient, predicate=inspect.isfunction):
        if name.startswith("_") or name in PLUMBING:
            continue
        source = inspect.getsource(fn)
        if m := CALL.search(source):
            verb = "GET" if m.group(1) in ("fetch_page", "paginate") else m.group(1).upper()
            path = m.group(2) + (m.group(3) or "")
        elif b := BULK.search(source):
            verb, path = b.group(1), "/async/bulk" + b.group(2)
        else:
            raise AssertionError(f"{name}: no route found in its source")
        routes[name] = (verb, re.sub(r"\{[^}]*\}", "{}", path))
    return routes


def test_every_typed_method_is_a_schema_operation(reference_dir: Path) -> None:
    routes = client_routes()
    assert len(routes) > 100
    paths = load(reference_dir)["paths"]
    by_shape: dict[str, list[str]] = {}
    for template in paths:
        by_shape.setdefault(re.sub(r"\{\w+\}", "{}", template), []).append(template)
    for name, (verb, path) in routes.items():
        if path.startswith("/async/bulk/"):
            exchange = Exchange(verb, f"http://h/rest/default{path}", {}, None, 200, {}, None,
                                0.0, 1)
            assert check(reference_dir, exchange) == [], name
            continue
        templates = [t for t in by_shape.get(path, []) if verb.lower() in paths[t]]
        assert templates, f"{name}: {verb} {path} is not in the schema"


def test_schema_check_catches_unknown_keys(reference_dir: Path) -> None:
    bad = Exchange("POST", "http://h/rest/default/V1/categories", {},
                   {"category": {"name": "x", "colour": "red"}}, 200, {}, None, 0.0, 1)
    assert check(reference_dir, bad) == ["POST /V1/categories.category.colour is not in the schema"]
    missing = Exchange("POST", "http://h/rest/default/V1/customers", {}, {"password": "x"}, 200,
                       {}, None, 0.0, 1)
    assert check(reference_dir, missing) == [
        "POST /V1/customers.customer is required by the schema"]
    unknown = Exchange("GET", "http://h/rest/default/V1/nothing", {}, None, 200, {}, None, 0.0, 1)
    assert check(reference_dir, unknown)
