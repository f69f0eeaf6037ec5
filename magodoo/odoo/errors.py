"""Odoo's error bodies as typed magodoo errors, for both transports.

JSON-RPC answers HTTP 200 with ``{"error": {"data": {"name", "message", ...}}}``; JSON-2
answers a 4xx/5xx status with the same ``{"name", "message", ...}`` object as the body.
Either way the class comes from ``name`` (the Python exception Odoo raised), refined by the
message where Odoo reuses a class (an unknown model is a ``UserError``, an unknown field a
``ValueError``). The status decides only when there is no usable ``name``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from magodoo._http import Outcome, classify
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

__all__ = ["field_from_message", "odoo_error", "status_error"]

_UNKNOWN_FIELD = (
    re.compile(r"Invalid field '(?P<field>[^']+)' on model '(?P<model>[^']+)'"),
    re.compile(r"Invalid field (?P<model>[\w.]+?)\.(?P<field>\w+) in leaf"),
)
_UNKNOWN_MODEL = re.compile(r"^Object (?P<model>\S+) doesn't exist")
# JSON-2 (Odoo 19 rpc/controllers/json2.py) answers 404 NotFound for both
_JSON2_UNKNOWN_MODEL = re.compile(r"^the model '(?P<model>[^']+)' does not exist")
_UNKNOWN_METHOD = re.compile(r"^The method '[^']+' does not exist")
_WRONG_VALUE = re.compile(r"Wrong value for (?P<model>[\w.]+?)\.(?P<field>\w+):")
_NOT_NULL_FIELD = re.compile(r"\nField: [^\n]*\((?P<field>\w+)\)")
_CONSTRAINT = re.compile(r"\nConstraint: (?P<constraint>\w+)")
_PG_NOT_NULL = re.compile(r'null value in column "(?P<field>\w+)"')
_PG_KEY = re.compile(r"Key \((?P<field>\w+)\)=")
_NO_DATABASE = re.compile(r'database "(?P<db>[^"]*)" does not exist')

_SIMPLE: dict[str, type[RemoteError]] = {
    "odoo.exceptions.AccessDenied": AuthenticationError,
    "werkzeug.exceptions.Unauthorized": AuthenticationError,
    "odoo.exceptions.AccessError": ForbiddenError,
    "werkzeug.exceptions.Forbidden": ForbiddenError,
    "odoo.exceptions.MissingError": NotFoundError,
    "werkzeug.exceptions.NotFound": NotFoundError,
    "odoo.exceptions.RedirectWarning": UserError,
    "odoo.exceptions.ValidationError": ValidationError,
    "werkzeug.exceptions.BadRequest": ValidationError,
    "werkzeug.exceptions.UnprocessableEntity": ValidationError,
    # the request named a method that does not exist or called it wrongly
    "builtins.AttributeError": ValidationError,
    "builtins.NameError": ValidationError,
    "builtins.TypeError": ValidationError,
}
_PG_INTEGRITY = (
    "psycopg2.IntegrityError",
    "psycopg2.errors.NotNullViolation",
    "psycopg2.errors.ForeignKeyViolation",
    "psycopg2.errors.UniqueViolation",
    "psycopg2.errors.CheckViolation",
)


def field_from_message(message: str, model: str | None = None) -> str | None:
    """The field an Odoo error message names, if it names one."""
    for pattern in (*_UNKNOWN_FIELD, _WRONG_VALUE, _NOT_NULL_FIELD, _PG_NOT_NULL, _PG_KEY):
        match = pattern.search(message)
        if match:
            return match.group("field")
    match = _CONSTRAINT.search(message)
    if match:
        constraint = match.group("constraint")
        if constraint.endswith("_fkey"):
            constraint = constraint[: -len("_fkey")]
            table = (model or "").replace(".", "_") + "_"
            if model and constraint.startswith(table):
                return constraint[len(table):]
    return None


def odoo_error(
    data: Mapping[str, Any],
    *,
    status: int,
    method: str,
    url: str,
    body: Any,
    model: str | None,
    rpc_method: str | None,
    database: str | None = None,
    login: str | None = None,
) -> RemoteError:
    """The typed error for an Odoo error object (``error.data`` or a JSON-2 body).

    ``body`` must already be redacted. ``database`` and ``login`` only make the
    authentication messages clearer; they are not secrets.
    """
    name = str(data.get("name") or "")
    message = str(data.get("message") or data.get("arguments", [""])[0] or name or "error")
    common: dict[str, Any] = {
        "method": method,
        "url": url,
        "status": status,
        "body": body,
        "server": "odoo",
        "remote_name": name or None,
        "model": model,
        "rpc_method": rpc_method,
    }
    if name == "odoo.exceptions.AccessDenied" or name == "werkzeug.exceptions.Unauthorized":
        who = f"login {login!r} on database {database!r}" if login else "the API key"
        return AuthenticationError(
            f"Odoo refused the credentials of {who}: {message}", **common
        )
    if name.startswith("psycopg2.OperationalError") and _NO_DATABASE.search(message):
        return AuthenticationError(
            f"cannot log in: the database {database!r} may not exist ({message.strip()})",
            **common,
        )
    if name == "odoo.exceptions.UserError":
        if _UNKNOWN_MODEL.search(message):
            return UnknownModelError(message, **common)
        return UserError(message, **common)
    if name == "werkzeug.exceptions.NotFound":
        if _JSON2_UNKNOWN_MODEL.search(message):
            return UnknownModelError(message, **common)
        if _UNKNOWN_METHOD.search(message):
            return ValidationError(message, **common)  # as JSON-RPC's AttributeError
    if name == "builtins.KeyError" and model and message.strip("'\"") == model:
        return UnknownModelError(message, **common)  # how Odoo before 17 said it
    if name == "builtins.ValueError":
        field = field_from_message(message, model)
        if any(p.search(message) for p in _UNKNOWN_FIELD):
            return UnknownFieldError(message, field=field, **common)
        return ValidationError(message, field=field, **common)
    if name in _PG_INTEGRITY or name == "odoo.exceptions.ValidationError":
        return ValidationError(message, field=field_from_message(message, model), **common)
    cls = _SIMPLE.get(name)
    if cls is not None:
        return cls(message, **common)
    if not name:
        return status_error(message, **common)
    return ServerError(message, **common)


def status_error(message: str, **kwargs: Any) -> RemoteError:
    """The typed error for an HTTP status without an Odoo error object."""
    status = int(kwargs["status"])
    retry_after = kwargs.pop("retry_after", None)
    outcome = classify(status)
    if outcome is Outcome.AUTH:
        return AuthenticationError(message, **kwargs)
    if outcome is Outcome.FORBIDDEN:
        return ForbiddenError(message, **kwargs)
    if outcome is Outcome.NOT_FOUND:
        return NotFoundError(message, **kwargs)
    if outcome is Outcome.RATE_LIMITED:
        return RateLimitedError(message, retry_after=retry_after, **kwargs)
    if outcome is Outcome.VALIDATION:
        return ValidationError(message, **kwargs)
    return ServerError(message, **kwargs)
