"""Keep secrets out of logs, captured exchanges and exception messages."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "***"

_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|apikey|authorization|cookie|otp|signature"
    r"|oauth_|session[_-]?id|credential)",
    re.IGNORECASE,
)
_HEADER_NAMES = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization"}
)
# "Bearer abc", 'oauth_signature="..."' and the like, inside free text
_BEARER = re.compile(r"(?i)\b(bearer|basic|oauth)\s+[^\s,;\"']+")
_OAUTH_PARAM = re.compile(r'(?i)(oauth_(?:signature|token|consumer_key|nonce))=("?)[^",&\s]+')


def _bearer(match: re.Match[str]) -> str:
    return f"{match.group(1)} {REDACTED}"


def _oauth_param(match: re.Match[str]) -> str:
    return f"{match.group(1)}={match.group(2)}{REDACTED}"


@functools.lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    """Whether a mapping key or header name names a secret."""
    return key.lower() in _HEADER_NAMES or bool(_SECRET_KEY.search(key))


class Redactor:
    """Replaces secrets: values under secret-looking keys, and every known secret string.

    ``secrets`` are the actual values (passwords, tokens, keys) the owner knows about; they
    are scrubbed wherever they appear, even in positional arguments or free text.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Remember more secret values (for instance a token obtained later)."""
        new = {s for s in secrets if s and len(s) >= 4} - self._secrets
        if new:
            self._secrets |= new
            # longest first, so a secret that contains another is replaced whole
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def text(self, value: str) -> str:
        """Scrub a free text."""
        if self._pattern is not None:
            value = self._pattern.sub(REDACTED, value)
        value = _BEARER.sub(_bearer, value)
        return _OAUTH_PARAM.sub(_oauth_param, value)

    def data(self, value: Any) -> Any:
        """Scrub a JSON-like value: secret keys lose their values, strings are scrubbed."""
        if isinstance(value, Mapping):
            return {
                k: (REDACTED if isinstance(k, str) and is_secret_key(k) and v not in (None, "")
                    else self.data(v))
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Scrub HTTP headers."""
        return {
            k: (REDACTED if is_secret_key(k) else self.text(v)) for k, v in headers.items()
        }


def redact(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Scrub ``value`` with a one-off :class:`Redactor`."""
    return Redactor(secrets).data(value)
