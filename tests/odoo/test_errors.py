"""Each recorded Odoo 18 error body becomes the right magodoo error."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from magodoo._http import Exchange
from magodoo.exceptions import (
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    ServerError,
    UnknownFieldError,
    UnknownModelError,
    UserError,
    ValidationError,
)
from magodoo.odoo import OdooClient
from magodoo.odoo.errors import field_from_message, odoo_error, status_error

from .conftest import FAST_RETRY, PASSWORD, load_sample, rpc_result, stub_server

# sample file -> (error class, field named)
EXPECTED: dict[str, tuple[type[RemoteError], str | None]] = {
    "error-access-denied-wrong-apikey.json": (AuthenticationError, None),
    "error-access-denied-wrong-password.json": (AuthenticationError, None),
    "error-access-error-portal-read-account-account.json": (ForbiddenError, None),
    "error-access-error-portal-read-sale-order.json": (ForbiddenError, None),
    "error-access-error-portal-write-partner.json": (ForbiddenError, None),
    "error-authenticate-wrong-password.json": (AuthenticationError, None),
    "error-bad-selection-value.json": (ValidationError, "type"),
    "error-foreign-key-bad-many2one.json": (ValidationError, "country_id"),
    "error-missing-record-method.json": (NotFoundError, None),
    "error-missing-record-unlink.json": (NotFoundError, None),
    "error-missing-record-write.json": (NotFoundError, None),
    "error-private-method.json": (ForbiddenError, None),
    "error-required-missing-product-template-name.json": (ValidationError, "name"),
    "error-required-missing-res-partner-name.json": (ValidationError, None),
    "error-required-missing-sale-order-partner.json": (ValidationError, "partner_id"),
    "error-type-error-missing-argument.json": (ValidationError, None),
    "error-unknown-field-create.json": (UnknownFieldError, "no_such_field"),
    "error-unknown-field-domain.json": (UnknownFieldError, "no_such_field"),
    "error-unknown-field-read.json": (UnknownFieldError, "no_such_field"),
    "error-unknown-field-write.json": (UnknownFieldError, "no_such_field"),
    "error-unknown-method.json": (ValidationError, None),
    "error-unknown-model.json": (UnknownModelError, None),
    "error-user-error-unlink-confirmed-sale-order.json": (UserError, None),
    "error-validation-error-duplicate-login.json": (ValidationError, None),
    "error-validation-error-recursive-partner.json": (ValidationError, None),
    "error-wrong-database-authenticate.json": (AuthenticationError, None),
    "error-wrong-database-execute-kw.json": (AuthenticationError, None),
}
NO_ERROR = {
    "error-missing-record-read.json": [],
    "error-missing-record-read-mixed.json": [{"id": 1, "name": "My Company (San Francisco)"}],
    "error-portal-search-sale-order-no-error.json": [],
}


def test_every_sample_is_covered(reference_dir: Path) -> None:
    names = {p.name for p in (reference_dir / "odoo" / "samples").glob("error-*.json")}
    direct = {"error-unknown-service.json", "error-unknown-object-method-name.json"}
    assert names == set(EXPECTED) | set(NO_ERROR) | direct


def _replay(sample: dict[str, Any]) -> Any:
    """A handler that logs in fine, then answers the recorded body verbatim."""
    recorded = sample["response"]["json"]
    is_auth = sample["request"]["json"]["params"]["method"] == "authenticate"

    def handler(body: dict[str, Any]) -> tuple[int, Any]:
        if body["params"]["method"] == "authenticate" and not is_auth:
            return 200, rpc_result(2, body["id"])
        return 200, recorded

    return handler


async def _run(url: str, sample: dict[str, Any], captured: list[Exchange]) -> Any:
    args = sample["request"]["json"]["params"]["args"]
    async with OdooClient(url, args[0], "admin", password=PASSWORD, protocol="jsonrpc",
                          retry=FAST_RETRY, capture=captured.append) as odoo:
        if sample["request"]["json"]["params"]["method"] == "authenticate":
            return await odoo.search("res.partner")
        model, method, positional, kwargs = args[3], args[4], args[5], dict(args[6])
        context = kwargs.pop("context", None)
        return await odoo.call(model, method, *positional, context=context, **kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_recorded_error(
    reference_dir: Path, name: str, captured: list[Exchange], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sample = load_sample(reference_dir, name)
    expected, field = EXPECTED[name]
    async with stub_server(_replay(sample)) as (url, _stub):
        with pytest.raises(RemoteError) as info:
            await _run(url, sample, captured)
    exc = info.value
    assert type(exc) is expected, (name, type(exc), str(exc))
    assert exc.field == field
    data = sample["response"]["json"].get("error", {}).get("data", {})
    if data:
        assert exc.remote_name == data["name"]
        assert data["message"] in exc.message or expected is AuthenticationError
        assert "Traceback" not in str(exc)
    args = sample["request"]["json"]["params"]["args"]
    if sample["request"]["json"]["params"]["method"] == "execute_kw":
        assert exc.model == args[3]
        assert exc.rpc_method == args[4]
    assert not exc.retriable
    everything = str(exc) + json.dumps([repr(e) for e in captured]) + caplog.text
    assert PASSWORD not in everything


@pytest.mark.parametrize("name", sorted(NO_ERROR))
async def test_recorded_non_errors(
    reference_dir: Path, name: str, captured: list[Exchange]
) -> None:
    sample = load_sample(reference_dir, name)
    async with stub_server(_replay(sample)) as (url, _stub):
        assert await _run(url, sample, captured) == NO_ERROR[name]


def test_wrong_database_message_says_so(reference_dir: Path) -> None:
    data = load_sample(reference_dir, "error-wrong-database-execute-kw.json")
    exc = odoo_error(data["response"]["json"]["error"]["data"], status=200, method="POST",
                     url="u", body=None, model="res.partner", rpc_method="search",
                     database="no_such_db", login="admin")
    assert isinstance(exc, AuthenticationError)
    assert "may not exist" in str(exc) and "no_such_db" in str(exc)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("error-unknown-service.json", ServerError),
     ("error-unknown-object-method-name.json", ValidationError)],
)
def test_service_level_errors(reference_dir: Path, name: str, expected: type[Exception]) -> None:
    data = load_sample(reference_dir, name)["response"]["json"]["error"]["data"]
    exc = odoo_error(data, status=200, method="POST", url="u", body=None, model=None,
                     rpc_method=None)
    assert type(exc) is expected


def _err(name: str, message: str, model: str | None = "res.partner", status: int = 200
         ) -> RemoteError:
    return odoo_error({"name": name, "message": message}, status=status, method="POST",
                      url="u", body=None, model=model, rpc_method="create")


def test_mapping_without_samples() -> None:
    assert type(_err("odoo.exceptions.AccessDenied", "Access Denied")) is AuthenticationError
    assert type(_err("werkzeug.exceptions.Unauthorized", "Invalid apikey", status=401)
                ) is AuthenticationError
    assert type(_err("odoo.exceptions.AccessError", "no")) is ForbiddenError
    assert type(_err("odoo.exceptions.MissingError", "gone")) is NotFoundError
    assert type(_err("odoo.exceptions.UserError", "Object x.y doesn't exist")
                ) is UnknownModelError
    assert type(_err("builtins.KeyError", "'res.partner'")) is UnknownModelError
    assert type(_err("builtins.KeyError", "'move_id'")) is ServerError
    assert type(_err("odoo.exceptions.UserError", "Recursion Detected.")) is UserError
    exc = _err("builtins.ValueError", "Invalid field 'foo' on model 'res.partner'")
    assert type(exc) is UnknownFieldError and exc.field == "foo"
    exc = _err("psycopg2.errors.NotNullViolation",
               'null value in column "name" of relation "res_partner"')
    assert type(exc) is ValidationError and exc.field == "name"
    exc = _err("psycopg2.errors.ForeignKeyViolation",
               'insert or update violates foreign key\nDETAIL:  Key (state_id)=(9) is not present')
    assert exc.field == "state_id"
    assert type(_err("psycopg2.OperationalError", "could not serialize access")) is ServerError
    assert type(_err("builtins.ZeroDivisionError", "boom")) is ServerError
    assert type(_err("", "", status=503)) is ServerError


def test_status_errors() -> None:
    common: dict[str, Any] = {"method": "POST", "url": "u", "body": None}
    assert type(status_error("x", status=401, **common)) is AuthenticationError
    assert type(status_error("x", status=403, **common)) is ForbiddenError
    assert type(status_error("x", status=404, **common)) is NotFoundError
    limited = status_error("x", status=429, retry_after=3.0, **common)
    assert isinstance(limited, RateLimitedError) and limited.retry_after == 3.0
    assert type(status_error("x", status=422, **common)) is ValidationError
    assert status_error("x", status=503, **common).retriable
    assert not status_error("x", status=500, **common).retriable


def test_field_from_message() -> None:
    assert field_from_message("Wrong value for product.template.type: 'product'") == "type"
    assert field_from_message(
        "Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)"
    ) == "no_such_field"
    assert field_from_message(
        "…\nModel: Contact (res.partner)\nConstraint: res_partner_country_id_fkey\n",
        "res.partner") == "country_id"
    assert field_from_message("Contacts require a name") is None
