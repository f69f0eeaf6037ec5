"""Odoo server errors, with the names and message templates of the real server.

Every template here was read off a real Odoo 18.0 server (the reference's
``samples/error-*.json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

NOT_NULL = (
    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
    "- Delete: another model requires the record being deleted. If possible, archive it instead."
    "\n\nModel: {model_desc} ({model})\nField: {field_desc} ({field})\n"
)
FOREIGN_KEY = (
    "The operation cannot be completed: another model requires the record being deleted. "
    "If possible, archive it instead.\n\nModel: {model_desc} ({model})\nConstraint: {constraint}\n"
)

# JSON-2 (Odoo 19) maps exception classes to HTTP statuses (odoo/exceptions.py ``http_status``).
_HTTP_STATUS = {
    "odoo.exceptions.UserError": 422,
    "odoo.exceptions.ValidationError": 422,
    "odoo.exceptions.AccessError": 403,
    "odoo.exceptions.AccessDenied": 403,
    "odoo.exceptions.MissingError": 404,
    "werkzeug.exceptions.Unauthorized": 401,
    "werkzeug.exceptions.NotFound": 404,
    "werkzeug.exceptions.BadRequest": 400,
    "werkzeug.exceptions.UnprocessableEntity": 422,
}


class OdooError(Exception):
    """An exception the fake server reports as the real one would."""

    def __init__(self, name: str, message: str, arguments: list[Any] | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.arguments = arguments if arguments is not None else [message]

    @property
    def http_status(self) -> int:
        return _HTTP_STATUS.get(self.name, 500)

    def data(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        short = self.name.rsplit(".", 1)[-1]
        debug = (
            "Traceback (most recent call last):\n"
            '  File "odoo-src/odoo/http.py", line 2122, in _transactioning\n'
            "    return service_model.retrying(func, env=self.env)\n"
            f"{self.name}: {self.message}\n"
            if short
            else ""
        )
        return {
            "name": self.name,
            "debug": debug,
            "message": self.message,
            "arguments": list(self.arguments),
            "context": dict(context or {}),
        }


def user_error(message: str) -> OdooError:
    return OdooError("odoo.exceptions.UserError", message)


def validation_error(message: str) -> OdooError:
    return OdooError("odoo.exceptions.ValidationError", message)


def value_error(message: str) -> OdooError:
    return OdooError("builtins.ValueError", message)


def access_error(message: str) -> OdooError:
    return OdooError("odoo.exceptions.AccessError", message)


def access_denied() -> OdooError:
    return OdooError("odoo.exceptions.AccessDenied", "Access Denied")


def missing_error(model: str, ids: Iterable[int], uid: int) -> OdooError:
    inner = "".join(f"{i}," for i in ids)
    return OdooError(
        "odoo.exceptions.MissingError",
        f"Record does not exist or has been deleted.\n(Record: {model}({inner}), User: {uid})",
    )


def invalid_field(model: str, field: str) -> OdooError:
    return value_error(f"Invalid field {field!r} on model {model!r}")


def wrong_value(model: str, field: str, value: Any) -> OdooError:
    return value_error(f"Wrong value for {model}.{field}: {value!r}")


def unknown_model(model: str) -> OdooError:
    return user_error(f"Object {model} doesn't exist")


def unknown_method(model: str, method: str) -> OdooError:
    return OdooError("builtins.AttributeError", f"The method '{model}.{method}' does not exist")


def private_method(model: str, method: str) -> OdooError:
    return access_error(
        f"Private methods (such as '{model}.{method}') cannot be called remotely."
    )


def missing_argument(class_name: str, method: str, names: list[str]) -> OdooError:
    if len(names) == 1:
        text = f"'{names[0]}'"
        what = "1 required positional argument"
    else:
        text = ", ".join(f"'{n}'" for n in names[:-1]) + f" and '{names[-1]}'"
        what = f"{len(names)} required positional arguments"
    return OdooError("builtins.TypeError", f"{class_name}.{method}() missing {what}: {text}")


def wrong_database(db: str) -> OdooError:
    return OdooError(
        "psycopg2.OperationalError",
        f'connection to server at "127.0.0.1", port 5433 failed: FATAL:  database "{db}" '
        "does not exist\n",
    )


def not_null(model: str, model_desc: str, field: str, field_desc: str) -> OdooError:
    return validation_error(
        NOT_NULL.format(model=model, model_desc=model_desc, field=field, field_desc=field_desc)
    )


def foreign_key(model: str, model_desc: str, constraint: str) -> OdooError:
    return validation_error(
        FOREIGN_KEY.format(model=model, model_desc=model_desc, constraint=constraint)
    )


def unauthorized() -> OdooError:
    return OdooError(
        "werkzeug.exceptions.Unauthorized", "Invalid apikey", ["Invalid apikey", 401]
    )
