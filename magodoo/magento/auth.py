"""How the Magento client proves who it is.

- :class:`OAuth1Auth`: an integration's four credentials, each request signed (OAuth 1.0a,
  HMAC-SHA256). The recommended way for an unattended sync: no expiry, no 2FA.
- :class:`BearerTokenAuth`: an integration access token sent as ``Bearer`` (Magento accepts
  it only when ``oauth/consumer/enable_integration_as_bearer`` is 1).
- :class:`AdminTokenAuth`: an admin's username and password, exchanged for a token at
  ``POST /V1/integration/admin/token``. Tokens expire (60 minutes on 2.4.6): on a 401 the
  token is fetched again once, and a second 401 is an :class:`AuthenticationError`. With
  Magento_TwoFactorAuth enabled the route refuses: :class:`TwoFactorRequiredError`.

Every secret is given to the client's redactor (:meth:`MagentoAuth.secrets`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

import attrs

from magodoo import _oauth1

__all__ = [
    "ADMIN_TOKEN_PATH",
    "AdminTokenAuth",
    "BearerTokenAuth",
    "MagentoAuth",
    "OAuth1Auth",
    "TokenSource",
]

ADMIN_TOKEN_PATH = "/V1/integration/admin/token"


class TokenSource(Protocol):
    """What an auth needs from the client to obtain a token (the client implements it)."""

    async def fetch_token(self, path: str, body: Mapping[str, str]) -> str:
        """POST ``body`` to the token route ``path`` (unauthenticated), return the token."""
        ...


class MagentoAuth(Protocol):
    """One way to authenticate; see the module docstring."""

    def secrets(self) -> tuple[str, ...]:
        """The secret values to scrub from logs, captures and errors."""
        ...

    @property
    def generation(self) -> int:
        """Changes whenever the credentials change (a new token)."""
        ...

    async def prepare(self, source: TokenSource) -> None:
        """Make sure the credentials are ready (fetch a token if needed)."""
        ...

    async def headers(self, source: TokenSource, method: str, url: str) -> Mapping[str, str]:
        """Headers for one attempt of ``method url`` (``url`` with its query string)."""
        ...

    async def refresh(self, source: TokenSource, generation: int) -> bool:
        """After a 401 with credentials of ``generation``: renew them; False when impossible."""
        ...


@attrs.define
class BearerTokenAuth:
    """An integration access token (or any long-lived token) sent as ``Bearer``."""

    token: str = attrs.field(repr=False)

    def secrets(self) -> tuple[str, ...]:
        return (self.token,)

    @property
    def generation(self) -> int:
        return 0

    async def prepare(self, source: TokenSource) -> None:
        return None

    async def headers(self, source: TokenSource, method: str, url: str) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def refresh(self, source: TokenSource, generation: int) -> bool:
        return False


@attrs.define
class AdminTokenAuth:
    """An admin's username and password, exchanged for a short-lived token."""

    username: str
    password: str = attrs.field(repr=False)
    _token: str | None = attrs.field(default=None, init=False, repr=False)
    _generation: int = attrs.field(default=0, init=False)
    _lock: asyncio.Lock = attrs.field(factory=asyncio.Lock, init=False, repr=False)

    def secrets(self) -> tuple[str, ...]:
        return (self.password,) + ((self._token,) if self._token else ())

    @property
    def generation(self) -> int:
        return self._generation

    async def _fetch(self, source: TokenSource) -> str:
        token = await source.fetch_token(
            ADMIN_TOKEN_PATH, {"username": self.username, "password": self.password}
        )
        self._token = token
        self._generation += 1
        return token

    async def prepare(self, source: TokenSource) -> None:
        if self._token is None:
            async with self._lock:
                if self._token is None:
                    await self._fetch(source)

    async def headers(self, source: TokenSource, method: str, url: str) -> Mapping[str, str]:
        await self.prepare(source)
        return {"Authorization": f"Bearer {self._token}"}

    async def refresh(self, source: TokenSource, generation: int) -> bool:
        async with self._lock:
            if self._generation == generation:
                self._token = None
                await self._fetch(source)
        return True


@attrs.define
class OAuth1Auth:
    """An integration's four credentials; every request is signed with HMAC-SHA256.

    The signature base string includes the query parameters; a JSON body is not part of it.
    """

    consumer_key: str = attrs.field(repr=False)
    consumer_secret: str = attrs.field(repr=False)
    access_token: str = attrs.field(repr=False)
    access_token_secret: str = attrs.field(repr=False)

    def secrets(self) -> tuple[str, ...]:
        return (self.consumer_key, self.consumer_secret, self.access_token,
                self.access_token_secret)

    @property
    def generation(self) -> int:
        return 0

    async def prepare(self, source: TokenSource) -> None:
        return None

    def sign(self, method: str, url: str, *, nonce: str | None = None,
             timestamp: int | None = None) -> str:
        """The ``Authorization: OAuth ...`` value for ``method url``.

        ``url`` is the URL exactly as sent (the transport builds it with
        :func:`magodoo._http.build_url`: RFC 3986 percent-encoding, a space as ``%20``). The
        query is read back as Magento reads it: percent-decoded, a ``+`` a literal plus; names
        are ordered as Magento orders them (PHP's natural order, so ``[10]`` after ``[2]``).
        """
        params = _oauth1.oauth_params(
            self.consumer_key, self.access_token, nonce=nonce, timestamp=timestamp
        )
        query = _oauth1.decode_query(urlsplit(url).query)
        base = _oauth1.signature_base_string(method, url, [*query, *params.items()],
                                             natural=True)
        params["oauth_signature"] = _oauth1.sign(
            base, self.consumer_secret, self.access_token_secret
        )
        return _oauth1.authorization_header(params)

    async def headers(self, source: TokenSource, method: str, url: str) -> Mapping[str, str]:
        return {"Authorization": self.sign(method, url)}

    async def refresh(self, source: TokenSource, generation: int) -> bool:
        return False
