"""Error-body mapping and model reading rules, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from magodoo._http import Response
from magodoo._redact import Redactor
from magodoo.exceptions import (
    AuthenticationError,
    MappingError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TwoFactorRequiredError,
    ValidationError,
)
from magodoo.magento import Category, Customer, Product, fill_placeholders
from magodoo.magento.errors import error_from_response


def _answer(status: int, body: object, content_type: str = "application/json",
            headers: dict[str, str] | None = None) -> Response:
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return Response("POST", "http://m/rest/default/V1/x", status,
                    {"Content-Type": content_type, **(headers or {})}, raw)


def test_fill_placeholders() -> None:
    assert fill_placeholders("Invalid product data: %1", ["bad set"]) == (
        "Invalid product data: bad set")
    assert fill_placeholders("No such entity with %fieldName = %fieldValue",
                             {"fieldName": "id", "fieldValue": 7}) == "No such entity with id = 7"
    assert fill_placeholders("%1 and %2 and %3", ["a", "b"]) == "a and b and %3"
    assert fill_placeholders("100%", None) == "100%"


def test_status_mapping() -> None:
    r = Redactor()
    assert isinstance(error_from_response(_answer(400, {"message": "x"}), r), ValidationError)
    assert isinstance(error_from_response(_answer(401, {"message": "x"}), r), AuthenticationError)
    assert isinstance(error_from_response(_answer(404, {"message": "x"}), r), NotFoundError)
    limited = error_from_response(_answer(429, {"message": "Too Many Requests"},
                                          headers={"Retry-After": "4"}), r)
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 4.0
    busy = error_from_response(_answer(503, {"message": "down"}), r)
    assert isinstance(busy, ServerError) and busy.retriable
    crash = error_from_response(_answer(500, "An error has happened during application run.",
                                        "text/plain"), r)
    assert isinstance(crash, ServerError) and not crash.retriable
    assert crash.body == "An error has happened during application run."


def test_aggregated_errors_are_listed() -> None:
    body = {"message": "One or more input exceptions have occurred.", "errors": [
        {"message": '"%fieldName" is required. Enter and try again.',
         "parameters": {"fieldName": "firstname"}},
        {"message": "Invalid value of \"%value\" provided for the %fieldName field.",
         "parameters": {"value": "x", "fieldName": "email"}}]}
    error = error_from_response(_answer(400, body), Redactor())
    assert '"firstname" is required' in error.message
    assert 'Invalid value of "x" provided for the email field.' in error.message


def test_two_factor_only_on_token_route() -> None:
    body = {"message": "Please use the 2fa provider-specific endpoints to obtain a token.",
            "parameters": {"active_providers": ["google"]}}
    assert isinstance(error_from_response(_answer(400, body), Redactor(), token_route=True),
                      TwoFactorRequiredError)
    assert type(error_from_response(_answer(400, body), Redactor())) is ValidationError


def test_error_bodies_are_redacted() -> None:
    body = {"message": "bad token %1", "parameters": ["s3cr3t-token"], "password": "pw"}
    error = error_from_response(_answer(400, body), Redactor(["s3cr3t-token"]))
    assert "s3cr3t-token" not in str(error) and "s3cr3t-token" not in json.dumps(error.body)
    assert error.body["password"] == "***"


def test_models_read_magento_quirks() -> None:
    product = Product.from_api({
        "sku": "A", "price": "12.5000", "id": "7", "status": 1, "created_at":
        "2026-11-27 05:18:27", "custom_attributes": [
            {"attribute_code": "category_ids", "value": ["3", 4]},
            {"attribute_code": "_score", "value": 3},
            {"attribute_code": "url_key", "value": "a"}],
        "extension_attributes": {"website_ids": ["1"], "stock_item": {"qty": "5"}},
        "brand_new_key": {"x": 1}, "weight": None,
    })
    assert product.price == 12.5 and product.id == 7
    assert product.created_at == datetime(2026, 11, 27, 5, 18, 27, tzinfo=UTC)
    assert product.custom("category_ids") == ["3", "4"] and product.custom("_score") == "3"
    assert product.custom("missing", "d") == "d"
    assert product.website_ids == (1,)
    assert product.stock_item is not None and product.stock_item.qty == 5.0
    assert product.extra == {"brand_new_key": {"x": 1}}
    out = product.to_api()
    assert out["brand_new_key"] == {"x": 1} and "weight" not in out
    assert out["created_at"] == "2026-11-27 05:18:27"

    category = Category.from_api({"id": 3, "is_active": False, "include_in_menu": 0})
    assert category.is_active is False and category.include_in_menu is False
    assert Category(name="x", is_active=False).to_api() == {"name": "x", "is_active": False}

    customer = Customer.from_api({"id": 1, "default_billing": "6", "addresses": [
        {"id": 6, "region": {"region_code": None, "region": None, "region_id": 0}}]})
    assert customer.default_billing == "6"
    assert customer.addresses and customer.addresses[0].region is not None
    assert customer.addresses[0].region.region_id == 0
    assert Product(sku="B").with_extension(website_ids=[1]).to_api() == {
        "sku": "B", "extension_attributes": {"website_ids": [1]}}


def test_unreadable_answers_raise_mapping_error() -> None:
    with pytest.raises(MappingError) as info:
        Product.from_api({"sku": "A", "price": "N/A"})
    assert info.value.entity == "Product" and info.value.record == "A"
    assert info.value.field == "$.price"
    with pytest.raises(MappingError):
        Customer.from_api(["not", "an", "object"])  # type: ignore[arg-type]
    null_value = Product.from_api({"custom_attributes": [{"attribute_code": "x", "value": None}]})
    assert null_value.custom("x") == ""
