"""Turn a Magento error answer into magodoo's exception tree.

Magento sends the raw phrase and its parameters apart::

    {"message": "No such entity with %fieldName = %fieldValue",
     "parameters": {"fieldName": "id", "fieldValue": 999999}}
    {"message": "Invalid product data: %1", "parameters": ["Invalid attribute set entity type"]}

The message is filled in here (``template`` and ``parameters`` are kept on the exception),
aggregated ``errors[]`` are appended, and a ``text/plain`` crash page is handled too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from magodoo._http import Outcome, Response, classify
from magodoo._redact import Redactor
from magodoo.exceptions import (
    AuthenticationError,
    ForbiddenError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    ServerError,
    TwoFactorRequiredError,
    ValidationError,
)

__all__ = ["error_from_response", "fill_placeholders", "is_two_factor_refusal"]

SERVER = "magento"
_PLACEHOLDER = re.compile(r"%(\d+|[A-Za-z_][A-Za-z0-9_]*)")
_TWO_FACTOR_HINTS = ("2fa", "two-factor", "two factor")
TWO_FACTOR_ADVICE = (
    "Magento's two-factor authentication refuses the admin token route; create an "
    "integration (System > Extensions > Integrations) and use OAuth1Auth (or BearerTokenAuth "
    "when integration tokens are allowed as bearer), or disable Magento_TwoFactorAuth."
)

_BY_OUTCOME: dict[Outcome, type[RemoteError]] = {
    Outcome.AUTH: AuthenticationError,
    Outcome.FORBIDDEN: ForbiddenError,
    Outcome.NOT_FOUND: NotFoundError,
    Outcome.VALIDATION: ValidationError,
    Outcome.RETRIABLE: ServerError,
    Outcome.FATAL: ServerError,
}


def fill_placeholders(template: str, parameters: Sequence[Any] | Mapping[str, Any] | None) -> str:
    """``%1``/``%name`` replaced from ``parameters`` (a list is 1-based); unknown ones kept."""
    if not parameters:
        return template

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if isinstance(parameters, Mapping):
            if key in parameters:
                return str(parameters[key])
        elif key.isdigit() and 1 <= int(key) <= len(parameters):
            return str(parameters[int(key) - 1])
        return match.group(0)

    return _PLACEHOLDER.sub(value, template)


def _message_of(body: Any) -> tuple[str, str | None, Any]:
    """(filled message, template, parameters) from a Magento error body."""
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        template: str = body["message"]
        parameters = body.get("parameters")
        if not isinstance(parameters, list | Mapping):
            parameters = None
        message = fill_placeholders(template, parameters)
        details = []
        for error in body.get("errors") or ():
            if isinstance(error, Mapping) and isinstance(error.get("message"), str):
                details.append(fill_placeholders(error["message"], error.get("parameters")))
        if details:
            message = message + " (" + "; ".join(details) + ")"
        return message, template, parameters
    if isinstance(body, str):
        text = body.strip()
        return (text[:500] if text else "(empty body)"), None, None
    return f"unexpected error body: {body!r}"[:500], None, None


def is_two_factor_refusal(body: Any) -> bool:
    """Whether an answer of the admin token route is Magento_TwoFactorAuth's refusal."""
    if not isinstance(body, Mapping):
        return False
    text = str(body.get("message", "")).lower()
    return any(hint in text for hint in _TWO_FACTOR_HINTS)


def error_from_response(
    response: Response, redactor: Redactor, *, token_route: bool = False
) -> RemoteError:
    """The exception for a non-2xx answer (body and message redacted)."""
    body = redactor.data(response.data())
    message, template, parameters = _message_of(body)
    message = redactor.text(message)
    kwargs: dict[str, Any] = {
        "method": response.method,
        "url": redactor.text(response.url),
        "status": response.status,
        "body": body,
        "server": SERVER,
        "template": template,
        "parameters": parameters,
    }
    if token_route and response.status in (400, 401) and is_two_factor_refusal(body):
        return TwoFactorRequiredError(f"{message} -- {TWO_FACTOR_ADVICE}", **kwargs)
    outcome = classify(response.status)
    if outcome is Outcome.RATE_LIMITED:
        return RateLimitedError(message, retry_after=response.retry_after(), **kwargs)
    cls = _BY_OUTCOME.get(outcome, ServerError)
    return cls(message, **kwargs)
