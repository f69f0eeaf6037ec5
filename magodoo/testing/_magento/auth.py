"""Who is calling: admin and customer tokens (JWT, as Magento 2.4.4+) and integrations.

- ``Authorization: Bearer <admin token>``: from ``POST /V1/integration/admin/token``; expires after
  the token lifetime (60 minutes by default on 2.4.6, recorded).
- ``Authorization: Bearer <integration access token>``: only when the store enables
  ``oauth/consumer/enable_integration_as_bearer`` (off by default: 401).
- ``Authorization: OAuth ...``: OAuth 1.0a signed with HMAC-SHA256 and verified for real;
  another signature method is 400 ``Signature method %1 is not supported``. The base string
  is built as Magento builds it: from the raw query (a ``+`` is a plus, not a space; see
  :func:`query_parameters`), names in PHP's natural order, the path as sent (see
  :func:`normalize_path`). A client that sends a space as ``+`` and signs it as a space is
  refused, as a real 2.4.6 refuses it (issue 19).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Literal
from urllib.parse import unquote

import attrs
from aiohttp import web

from magodoo import _oauth1
from magodoo.testing._magento import errors

Kind = Literal["admin", "integration", "customer", "anonymous"]
USER_TYPE = {"integration": 1, "admin": 2, "customer": 3}


@attrs.frozen
class Integration:
    """The four credentials Magento shows for an activated integration."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str
    bearer_enabled: bool = False

    @classmethod
    def generate(cls, seed: str = "magodoo") -> Integration:
        """Deterministic 32-character credentials (Magento's length)."""

        def make(label: str) -> str:
            return hashlib.sha256(f"{seed}:{label}".encode()).hexdigest()[:32]

        return cls(make("ck"), make("cs"), make("at"), make("ats"))


@attrs.frozen
class Principal:
    kind: Kind
    user_id: int = 0


ANONYMOUS = Principal("anonymous")


@attrs.define
class Token:
    value: str
    kind: Kind
    user_id: int
    expires_at: float
    uses: int = 0


def _same(a: str, b: str) -> bool:
    """Constant-time equality of two strings (as bytes: ``compare_digest`` refuses non-ASCII
    ``str``, and a token or key with such characters is simply wrong: 401, not 500)."""
    return hmac.compare_digest(a.encode(), b.encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@attrs.define
class TokenStore:
    """Issued tokens; a token is valid until its ``exp`` or until revoked."""

    now: Callable[[], datetime]
    lifetime: float = 3600.0
    secret: bytes = attrs.field(factory=lambda: secrets.token_bytes(32))
    tokens: dict[str, Token] = attrs.field(factory=dict)
    nonces: set[tuple[str, str]] = attrs.field(factory=set)

    def issue(self, kind: Kind, user_id: int) -> str:
        """A JWT like Magento's (``kid`` 1, HS256; ``uid``, ``utypid``, ``iat``, ``exp``)."""
        iat = self.now().timestamp()
        header = _b64(json.dumps({"kid": "1", "alg": "HS256"}, separators=(",", ":")).encode())
        payload = {
            "uid": user_id,
            "utypid": USER_TYPE.get(kind, 0),
            "iat": int(iat),
            "exp": int(iat + self.lifetime),
            "jti": secrets.token_hex(8),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        sig = _b64(hmac.new(self.secret, f"{header}.{body}".encode(), hashlib.sha256).digest())
        value = f"{header}.{body}.{sig}"
        self.tokens[value] = Token(value, kind, user_id, iat + self.lifetime)
        return value

    def lookup(self, value: str) -> Token | None:
        token = self.tokens.get(value)
        if token is None:
            return None
        if self.now().timestamp() >= token.expires_at:
            del self.tokens[value]
            return None
        return token

    def revoke(self, kind: Kind | None = None, user_id: int | None = None) -> int:
        """Forget tokens (all, or of one kind / user); returns how many."""
        doomed = [
            t.value
            for t in self.tokens.values()
            if (kind is None or t.kind == kind) and (user_id is None or t.user_id == user_id)
        ]
        for value in doomed:
            del self.tokens[value]
        return len(doomed)


def authenticate(
    request: web.Request,
    tokens: TokenStore,
    integration: Integration,
    *,
    expire_after: int | None = None,
) -> Principal:
    """The caller of ``request`` (anonymous when there are no usable credentials).

    Raises the 400/401 Magento answers for a refused OAuth signature.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer":
        value = credentials.strip()
        if integration.bearer_enabled and _same(value, integration.access_token):
            return Principal("integration", 1)
        token = tokens.lookup(value)
        if token is None:
            return ANONYMOUS
        token.uses += 1
        if token.kind == "admin" and expire_after is not None and token.uses > expire_after:
            tokens.tokens.pop(token.value, None)
            return ANONYMOUS
        return Principal(token.kind, token.user_id)
    if scheme.lower() == "oauth":
        return _oauth(request, header, tokens, integration)
    return ANONYMOUS


def _oauth(
    request: web.Request, header: str, tokens: TokenStore, integration: Integration
) -> Principal:
    params = _oauth1.parse_authorization_header(header)
    method = params.get("oauth_signature_method", "")
    if method != _oauth1.SIGNATURE_METHOD:
        raise errors.bad_request("Signature method %1 is not supported", [method])
    for required in ("oauth_consumer_key", "oauth_token", "oauth_nonce", "oauth_timestamp"):
        if not params.get(required):
            raise errors.MagentoError(
                400, 'oauth_problem=parameter_absent&oauth_parameters_absent="%1"', [required]
            )
    if not _same(params["oauth_consumer_key"], integration.consumer_key):
        return ANONYMOUS
    if not _same(params["oauth_token"], integration.access_token):
        return ANONYMOUS
    nonce_key = (params["oauth_nonce"], params["oauth_timestamp"])
    raw_path, _, raw_query = request.raw_path.partition("?")
    url = f"{request.scheme}://{request.host}{normalize_path(raw_path)}"
    signed = {k: v for k, v in params.items()
              if is_protocol_parameter(k) and k != "oauth_signature"}
    signed.update(query_parameters(raw_query))
    base = _oauth1.signature_base_string(request.method, url, signed.items(), natural=True)
    expected = _oauth1.sign(base, integration.consumer_secret, integration.access_token_secret)
    if not _same(expected, params.get("oauth_signature", "")):
        raise errors.MagentoError(401, "The signature is invalid. Verify and try again.")
    if nonce_key in tokens.nonces:
        raise errors.MagentoError(
            401, "The nonce is already being used by the consumer with ID %1.", ["1"]
        )
    tokens.nonces.add(nonce_key)
    return Principal("integration", 1)


_PROTOCOL = re.compile(r"oauth_[a-z_-]+")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def is_protocol_parameter(name: str) -> bool:
    """Magento's ``_isProtocolParameter``: the (unanchored) pattern ``oauth_[a-z_-]+``."""
    return _PROTOCOL.search(name) is not None


def query_parameters(raw_query: str) -> dict[str, str]:
    """The query as Magento's ``Oauth\\Helper\\Request::_extractQueryStringParams`` reads it.

    Split on ``&``, then on ``=``; a part with other than exactly one ``=`` is left out;
    names that look like protocol parameters are left out; names and values go through
    PHP's ``rawurldecode``, so a ``+`` stays a plus (not a space as in a form); a repeated
    name keeps its last value (a PHP array key).
    """
    result: dict[str, str] = {}
    if not raw_query:
        return result
    for part in raw_query.split("&"):
        pieces = part.split("=")
        if len(pieces) == 2 and not is_protocol_parameter(pieces[0]):
            result[unquote(pieces[0])] = unquote(pieces[1])
    return result


def normalize_path(raw_path: str) -> str:
    """The request path as Magento's signature URL normalisation leaves it (2.4.7+
    ``Oauth\\Helper\\Uri\\Http::normalizePath``): escapes of unreserved characters decoded,
    the other escapes upper-cased, the path otherwise as sent."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _ESCAPE.sub(fix, raw_path) or "/"
