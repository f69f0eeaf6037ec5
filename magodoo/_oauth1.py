"""OAuth 1.0a request signing (RFC 5849), HMAC-SHA256 as Magento 2.4.4+ integrations need.

Pure functions: the Magento client signs with them and the fake Magento verifies with them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

SIGNATURE_METHOD = "HMAC-SHA256"


def escape(value: str) -> str:
    """Percent-encode as RFC 5849 section 3.6 wants (unreserved characters kept)."""
    return quote(value, safe="~-._")


def base_url(url: str) -> str:
    """The base string URI: scheme and host lowercased, default port dropped, no query."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", "", ""))


def signature_base_string(method: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """``METHOD&base-url&normalized-params``; ``params`` are the query and oauth parameters
    (decoded), without ``oauth_signature``."""
    pairs = sorted((escape(k), escape(v)) for k, v in params if k != "oauth_signature")
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), escape(base_url(url)), escape(normalized)))


def sign(base_string: str, consumer_secret: str, token_secret: str) -> str:
    """HMAC-SHA256 signature of ``base_string``, base64-encoded."""
    key = f"{escape(consumer_secret)}&{escape(token_secret)}".encode()
    digest = hmac.new(key, base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def oauth_params(
    consumer_key: str, token: str, *, nonce: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    """The ``oauth_*`` protocol parameters for one request, unsigned."""
    return {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": SIGNATURE_METHOD,
        "oauth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "oauth_token": token,
        "oauth_version": "1.0",
    }


def authorization_header(params: Mapping[str, str]) -> str:
    """``OAuth k="v", ...`` from signed protocol parameters."""
    return "OAuth " + ", ".join(f'{escape(k)}="{escape(v)}"' for k, v in sorted(params.items()))


def parse_authorization_header(value: str) -> dict[str, str]:
    """The parameters of an ``OAuth ...`` header (percent-decoded)."""
    from urllib.parse import unquote

    if not value.lower().startswith("oauth "):
        return {}
    result: dict[str, str] = {}
    for part in value[6:].split(","):
        key, _, raw = part.strip().partition("=")
        if key:
            result[unquote(key)] = unquote(raw.strip().strip('"'))
    return result
