"""Every recorded answer of a real Magento 2.4.6 is read by the matching model, and every
recorded write body survives ``from_api`` -> ``to_api``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from magodoo._http import Response
from magodoo._redact import Redactor
from magodoo.exceptions import RemoteError
from magodoo.magento import models as m
from magodoo.magento._base import ApiModel
from magodoo.magento.errors import error_from_response

ONE, LIST, PAGE = "one", "list", "page"
SEG = r"[^/]+"

# (method, path regex after /V1, model, shape)
RESPONSES: list[tuple[str, str, type[ApiModel], str]] = [
    ("GET", "/store/websites", m.Website, LIST),
    ("GET", "/store/storeGroups", m.StoreGroup, LIST),
    ("GET", "/store/storeViews", m.StoreView, LIST),
    ("GET", "/store/storeConfigs", m.StoreConfig, LIST),
    ("GET", "/products/attribute-sets/sets/list", m.AttributeSet, PAGE),
    ("GET", "/products/attribute-sets/groups/list", m.AttributeGroup, PAGE),
    ("GET", rf"/products/attribute-sets/{SEG}/attributes", m.ProductAttribute, LIST),
    ("GET", rf"/products/attributes/{SEG}/options", m.AttributeOption, LIST),
    ("GET", rf"/products/attributes/{SEG}", m.ProductAttribute, ONE),
    ("POST", "/products/attributes", m.ProductAttribute, ONE),
    ("GET", "/categories", m.CategoryTree, ONE),
    ("GET", "/categories/list", m.Category, PAGE),
    ("GET", rf"/categories/{SEG}/products", m.CategoryProductLink, LIST),
    ("GET", rf"/categories/{SEG}", m.Category, ONE),
    ("POST", "/categories", m.Category, ONE),
    ("GET", "/products", m.Product, PAGE),
    ("POST", "/products", m.Product, ONE),
    ("GET", rf"/products/{SEG}/options", m.CustomOption, LIST),
    ("POST", "/products/options", m.CustomOption, ONE),
    ("GET", rf"/products/{SEG}", m.Product, ONE),
    ("PUT", rf"/products/{SEG}", m.Product, ONE),
    ("GET", rf"/configurable-products/{SEG}/children", m.Product, LIST),
    ("GET", rf"/configurable-products/{SEG}/options/all", m.ConfigurableOption, LIST),
    ("GET", rf"/stockItems/{SEG}", m.StockItem, ONE),
    ("GET", "/inventory/source-items", m.SourceItem, PAGE),
    ("GET", "/inventory/sources", m.Source, PAGE),
    ("GET", rf"/inventory/sources/{SEG}", m.Source, ONE),
    ("POST", "/products/base-prices", m.PriceUpdateResult, LIST),
    ("POST", "/products/base-prices-information", m.BasePrice, LIST),
    ("GET", "/taxRates/search", m.TaxRate, PAGE),
    ("GET", rf"/taxRates/{SEG}", m.TaxRate, ONE),
    ("POST", "/taxRates", m.TaxRate, ONE),
    ("GET", "/taxRules/search", m.TaxRule, PAGE),
    ("GET", rf"/taxRules/{SEG}", m.TaxRule, ONE),
    ("POST", "/taxRules", m.TaxRule, ONE),
    ("GET", "/taxClasses/search", m.TaxClass, PAGE),
    ("GET", "/customers/search", m.Customer, PAGE),
    ("GET", rf"/customers/addresses/{SEG}", m.CustomerAddress, ONE),
    ("GET", rf"/customers/{SEG}", m.Customer, ONE),
    ("POST", "/customers", m.Customer, ONE),
    ("PUT", rf"/customers/{SEG}", m.Customer, ONE),
    ("GET", "/orders", m.Order, PAGE),
    ("GET", "/orders/items", m.OrderItem, PAGE),
    ("GET", rf"/orders/items/{SEG}", m.OrderItem, ONE),
    ("GET", rf"/orders/{SEG}/comments", m.OrderStatusHistory, PAGE),
    ("GET", rf"/orders/{SEG}", m.Order, ONE),
    ("GET", "/invoices", m.Invoice, PAGE),
    ("GET", rf"/invoices/{SEG}/comments", m.InvoiceComment, PAGE),
    ("GET", rf"/invoices/{SEG}", m.Invoice, ONE),
    ("GET", "/creditmemos", m.CreditMemo, PAGE),
    ("GET", rf"/creditmemo/{SEG}/comments", m.CreditMemoComment, PAGE),
    ("GET", rf"/creditmemo/{SEG}", m.CreditMemo, ONE),
    ("GET", "/shipments", m.Shipment, PAGE),
    ("GET", rf"/shipment/{SEG}/comments", m.ShipmentComment, PAGE),
    ("GET", rf"/shipment/{SEG}", m.Shipment, ONE),
    ("POST", "/shipment/track", m.Track, ONE),
]

# routes whose answers are bare values or belong to parts the client does not model
BARE_OR_OUT_OF_SCOPE = re.compile(
    r"^/(carts|guest-carts|coupons|salesRules|search|transactions|integration|inventory/get-"
    r"|inventory/is-|orders/\d+/(statuses|cancel|hold|unhold|comments)$|order/|invoice/"
    r"|shipment/\d+/label|configurable-products/[^/]+/(child|options)$"
    r"|products/attribute-sets/attributes$|products/attributes/[^/]+/options$"
    r"|products/[^/]+/stockItems/|inventory/source-items$)"
)

# request body key -> model, for write samples
WRITES: list[tuple[str, str, str, Any]] = [
    ("POST", "/categories", "category", m.Category),
    ("POST", "/products", "product", m.Product),
    ("PUT", rf"/products/{SEG}", "product", m.Product),
    ("POST", "/customers", "customer", m.Customer),
    ("PUT", rf"/customers/{SEG}", "customer", m.Customer),
    ("POST", "/taxRates", "taxRate", m.TaxRate),
    ("POST", "/taxRules", "rule", m.TaxRule),
    ("POST", "/products/attributes", "attribute", m.ProductAttribute),
    ("POST", rf"/products/attributes/{SEG}/options", "option", m.AttributeOption),
    ("POST", "/products/options", "option", m.CustomOption),
    ("POST", rf"/configurable-products/{SEG}/options", "option", m.ConfigurableOption),
    ("POST", "/shipment/track", "entity", m.Track),
    ("PUT", rf"/products/{SEG}/stockItems/{SEG}", "stockItem", m.StockItem),
    ("POST", "/inventory/source-items", "sourceItems", m.SourceItem),
    ("POST", "/products/base-prices", "prices", m.BasePrice),
]


def _samples(reference: Path) -> list[Path]:
    base = reference / "magento"
    return sorted([*base.glob("samples-2.4.6/*.json"), *base.glob("samples-2.4.6-sales/*.json")])


def _route(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"^/rest(/[A-Za-z0-9_]+)?/V1", "", path)


def _find(method: str, route: str, table: list[Any]) -> Any:
    for row in table:
        if row[0] == method and re.fullmatch(row[1], route):
            return row
    return None


def _norm(value: Any) -> Any:
    """Compare payloads loosely on what Magento itself treats alike: nulls dropped,
    numeric strings and numbers the same, booleans as 0/1."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def test_every_response_is_read(reference_dir: Path) -> None:
    parsed = 0
    for path in _samples(reference_dir):
        sample = json.loads(path.read_text())
        request, response = sample["request"], sample["response"]
        route = _route(request["url"])
        status = response["status"]
        if status >= 300:
            continue
        if request["method"] == "DELETE":
            assert response["json"] is True, path.name  # deletes answer a bare ``true``
            continue
        row = _find(request["method"], route, RESPONSES)
        if row is None:
            assert BARE_OR_OUT_OF_SCOPE.match(route), f"{path.name}: no model for {route}"
            continue
        _, _, model, shape = row
        body = response["json"]
        try:
            if shape == ONE:
                records = [model.from_api(body)]
            elif shape == LIST:
                records = [model.from_api(x) for x in body]
            else:
                records = [model.from_api(x) for x in body["items"]]
        except Exception as exc:  # pragma: no cover - the message names the sample
            pytest.fail(f"{path.name}: {model.__name__} cannot read the answer: {exc!r}")
        assert all(isinstance(r, model) for r in records)
        parsed += 1
    assert parsed > 150


def test_one_record_round_trips_exactly(reference_dir: Path) -> None:
    for path in _samples(reference_dir):
        sample = json.loads(path.read_text())
        request, response = sample["request"], sample["response"]
        row = _find(request["method"], _route(request["url"]), RESPONSES)
        if row is None or row[3] != ONE or response["status"] >= 300:
            continue
        body = response["json"]
        assert _norm(row[2].from_api(body).to_api()) == _norm(body), path.name


def test_every_write_body_round_trips(reference_dir: Path) -> None:
    checked = 0
    for path in _samples(reference_dir):
        sample = json.loads(path.read_text())
        request = sample["request"]
        row = _find(request["method"], _route(request["url"]), WRITES)
        if row is None or not isinstance(request.get("json"), dict):
            continue
        if sample["response"]["status"] >= 300:
            continue  # refused bodies (a price "abc", a missing sku) need not be readable
        _, _, key, model = row
        body = request["json"][key]
        if isinstance(body, list):
            again: Any = [model.from_api(x).to_api() for x in body]
        else:
            again = model.from_api(body).to_api()
        assert _norm(again) == _norm(body), path.name
        checked += 1
    assert checked > 30


def test_every_error_body_is_mapped(reference_dir: Path) -> None:
    redactor = Redactor()
    seen = 0
    for path in _samples(reference_dir):
        sample = json.loads(path.read_text())
        request, response = sample["request"], sample["response"]
        if response["status"] < 400:
            continue
        if "json" in response and response["json"] is not None:
            raw = json.dumps(response["json"]).encode()
            content_type = "application/json"
        else:
            raw = (response.get("text") or "").encode()
            content_type = "text/plain"
        answer = Response(request["method"], request["url"], response["status"],
                          {"Content-Type": content_type}, raw)
        error = error_from_response(answer, redactor)
        assert isinstance(error, RemoteError)
        assert error.status == response["status"]
        if isinstance(error.parameters, list | dict) and error.parameters:
            assert not re.search(r"%(\d|fieldName|resources)\b", error.message), path.name
        seen += 1
    assert seen > 40
