"""Every error magodoo raises.

The tree::

    MagodooError
    ├── ConfigurationError          bad settings or arguments from the user
    │   └── MissingExtraError       an optional dependency is missing (names the extra)
    ├── MappingError                a record cannot be mapped (names the record and field)
    ├── BindingConflictError        a record is already bound to another one
    ├── JobNotFoundError            no queued job has this id
    ├── StoreUnavailableError       the stores' database cannot be reached or refused us
    ├── ClientClosedError           a client used after ``aclose()``
    ├── TransportError              no usable answer: connection refused or dropped, timeout
    │   └── OutcomeUnknownError     a non-idempotent write may or may not have happened
    └── RemoteError                 the server answered with an error (method, URL, status, body)
        ├── AuthenticationError     401, Odoo AccessDenied / ``authenticate`` false
        │   └── TwoFactorRequiredError  the admin token route is refused by Magento's 2FA
        ├── ForbiddenError          403, Odoo AccessError
        ├── NotFoundError           404, Odoo MissingError
        ├── ValidationError         400, Odoo ValidationError and friends
        │   ├── UserError           Odoo UserError (a business rule said no)
        │   ├── UnknownFieldError   Odoo: the field does not exist on the model
        │   └── UnknownModelError   Odoo: the model does not exist
        ├── RateLimitedError        429 (``retry_after`` in seconds when the server said)
        └── ServerError             5xx and anything the server could not explain

What to do with each is given by :attr:`MagodooError.retriable`: the engine retries a job
whose error is retriable and records the others as failed at once.
Every message and body carried here has its secrets redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AuthenticationError",
    "BindingConflictError",
    "ClientClosedError",
    "ConfigurationError",
    "ForbiddenError",
    "JobNotFoundError",
    "MagodooError",
    "MappingError",
    "MissingExtraError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitedError",
    "RemoteError",
    "ServerError",
    "StoreUnavailableError",
    "TransportError",
    "TwoFactorRequiredError",
    "UnknownFieldError",
    "UnknownModelError",
    "UserError",
    "ValidationError",
]


class MagodooError(Exception):
    """Root of every magodoo error."""

    retriable: bool = False


def _short_url(url: str) -> str:
    """``url`` without its query string (``?...`` instead): what an error message shows.

    Magento's ``searchCriteria`` runs to hundreds of characters; the full URL stays on the
    error's ``url`` attribute and in the sync log entry of the record.
    """
    head, sep, _ = url.partition("?")
    return head + ("?..." if sep else "")


class ConfigurationError(MagodooError):
    """The user's settings or arguments are wrong; the message names the setting."""


class MissingExtraError(ConfigurationError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""


class MappingError(MagodooError):
    """A record cannot be mapped to the other side.

    ``entity`` and ``record`` identify the record, ``field`` the field at fault.
    """

    def __init__(self, message: str, *, entity: str, record: Any, field: str | None = None):
        where = f"{entity} {record!r}" + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")
        self.entity = entity
        self.record = record
        self.field = field


class BindingConflictError(MagodooError):
    """The Magento or Odoo record is already bound to another record."""


class JobNotFoundError(MagodooError, LookupError):
    """No job has this id (completed jobs are removed from the queue)."""


class StoreUnavailableError(MagodooError):
    """The stores' database cannot be reached or refused the credentials (the message names
    the server, never the password)."""

    retriable = True


class ClientClosedError(MagodooError):
    """The client was closed and cannot be used again."""


class TransportError(MagodooError):
    """No usable answer came back: the connection failed, was dropped, or timed out."""

    retriable = True

    def __init__(self, message: str, *, method: str, url: str):
        super().__init__(f"{method} {_short_url(url)}: {message}")
        self.method = method
        self.url = url


class OutcomeUnknownError(TransportError):
    """A non-idempotent write was sent but no answer came back.

    It may or may not have been applied. Look the record up (by its natural key) before
    trying again: magodoo never repeats such a write blindly.
    """

    retriable = False


class RemoteError(MagodooError):
    """The server answered with an error.

    ``body`` is the redacted response body (parsed JSON when it was JSON, else text).
    Magento errors also carry ``template`` (the message before its ``%1``/``%name``
    placeholders were filled) and ``parameters``; Odoo errors carry ``remote_name``
    (``error.data.name``, such as ``odoo.exceptions.MissingError``), ``model`` and
    ``rpc_method``.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int,
        body: Any = None,
        server: str = "",
        template: str | None = None,
        parameters: Sequence[Any] | dict[str, Any] | None = None,
        remote_name: str | None = None,
        model: str | None = None,
        rpc_method: str | None = None,
        field: str | None = None,
    ):
        where = f"{method} {_short_url(url)}"
        if model and rpc_method:
            where += f" ({model}.{rpc_method})"
        super().__init__(f"{where} -> {status}: {message}")
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.server = server
        self.template = template
        self.parameters = parameters
        self.remote_name = remote_name
        self.model = model
        self.rpc_method = rpc_method
        self.field = field


class AuthenticationError(RemoteError):
    """The credentials were refused (wrong password, bad or expired token, wrong database)."""


class TwoFactorRequiredError(AuthenticationError):
    """Magento's two-factor module refuses the admin token route: use an integration instead."""


class ForbiddenError(RemoteError):
    """The user is known but may not do this (403, Odoo AccessError)."""


class NotFoundError(RemoteError):
    """The route or the record does not exist (404, Odoo MissingError)."""


class ValidationError(RemoteError):
    """The server refused the request's content (400, Odoo ValidationError)."""


class UserError(ValidationError):
    """Odoo's business rules refused the call (odoo.exceptions.UserError)."""


class UnknownFieldError(ValidationError):
    """Odoo: a field named in the call does not exist on the model."""


class UnknownModelError(ValidationError):
    """Odoo: the model does not exist (the module is not installed?)."""


class RateLimitedError(RemoteError):
    """429: too many requests. ``retry_after`` is the server's wait in seconds, if given."""

    retriable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(RemoteError):
    """5xx or an answer the server could not explain. 502, 503 and 504 are retriable."""

    @property
    def retriable(self) -> bool:  # type: ignore[override]
        return self.status in (502, 503, 504)
