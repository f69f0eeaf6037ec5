"""Magento web API errors, raised by route handlers and turned into Magento's error bodies.

Magento answers ``{"message": "<phrase with %1 or %name>", "parameters": [...] or {...}}``:
the phrase is left raw and ``parameters`` is a list for positional and an object for named
placeholders (``Magento\\Framework\\Webapi\\ErrorProcessor``). Several errors aggregated by an
``InputException`` come as ``errors[]``.
"""

from __future__ import annotations

from typing import Any

NO_ROUTE = "Request does not match any route."
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
REQUIRED = '"%fieldName" is required. Enter and try again.'
NOT_SUPPORTED = '"%fieldName" is not supported. Correct the field name and try again.'
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
INVALID_FIELD_VALUE = 'Invalid value of "%value" provided for the %fieldName field.'
INVALID_ATTRIBUTE = "Invalid attribute name: %1"
CRASH_TEXT = "An error has happened during application run. See exception log for details.\n"


class MagentoError(Exception):
    """An error answer: HTTP status, raw phrase and its parameters (list, dict or absent)."""

    def __init__(
        self,
        status: int,
        message: str,
        parameters: list[Any] | dict[str, Any] | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.parameters = parameters
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors:
            out["errors"] = self.errors
        if self.parameters is not None:
            out["parameters"] = self.parameters
        return out


class CrashError(Exception):
    """Magento's uncaught application error: a ``text/plain`` 500 body, not JSON."""


def bad_request(message: str, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoError:
    """400, as for any ``LocalizedException`` (input, validation, state errors)."""
    return MagentoError(400, message, parameters)


def not_found(message: str, parameters: list[Any] | dict[str, Any] | None = None) -> MagentoError:
    """404, as for ``NoSuchEntityException``."""
    return MagentoError(404, message, parameters)


def no_such_entity(field: str, value: Any) -> MagentoError:
    """404 ``No such entity with %fieldName = %fieldValue``."""
    return MagentoError(404, NO_SUCH_ENTITY, {"fieldName": field, "fieldValue": value})


def required(field: str) -> MagentoError:
    """400 ``"%fieldName" is required. Enter and try again.``."""
    return MagentoError(400, REQUIRED, {"fieldName": field})


def unauthorized(resource: str) -> MagentoError:
    """401 ``The consumer isn't authorized to access %resources.``."""
    return MagentoError(401, NOT_AUTHORIZED, {"resources": resource})


def invalid_attribute(name: str) -> MagentoError:
    """400 for a filter on an unknown attribute of an EAV collection (products, categories)."""
    return MagentoError(400, INVALID_ATTRIBUTE, [name])


def invalid_attribute_name(name: str) -> MagentoError:
    """400 for a filter on a field the customer entity does not have (issue 20, real 2.4.6)."""
    return MagentoError(
        400, 'The "%1" attribute name is invalid. Reset the name and try again.', [name]
    )


def unknown_column(name: str) -> MagentoError:
    """A filter on an unknown column of a flat table: an SQL error, masked as a 500."""
    return internal_error()


def no_route() -> MagentoError:
    """404 ``Request does not match any route.`` (unknown path or wrong method)."""
    return MagentoError(404, NO_ROUTE)


def internal_error(report_id: str | None = None) -> MagentoError:
    """500 as outside developer mode: the message is masked behind a report id."""
    if report_id is None:
        import secrets

        report_id = f"webapi-{secrets.token_hex(6)}"
    return MagentoError(
        500, f"Internal Error. Details are available in Magento log file. Report ID: {report_id}"
    )
