"""The Magento client's plumbing: URLs, auth, error mapping, paging. No typed routes here."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping
from typing import Any, Self, TypeVar, overload
from urllib.parse import quote

import aiohttp
import attrs

from magodoo import _ahead
from magodoo._http import (
    Capture,
    CaptureHook,
    Exchange,
    HttpTransport,
    Response,
    RetryPolicy,
    Timeouts,
    listening,
)
from magodoo._redact import REDACTED, Redactor
from magodoo.exceptions import (
    ClientClosedError,
    ConfigurationError,
    MappingError,
    ServerError,
    ValidationError,
)
from magodoo.magento._base import ApiModel
from magodoo.magento.auth import MagentoAuth
from magodoo.magento.errors import error_from_response
from magodoo.magento.models_common import Page, PartialPageError, read_items
from magodoo.magento.search import SearchCriteria, check_fields

__all__ = ["MAX_PAGE_SIZE", "PAGE_SIZE", "ClientCore", "seg"]

log = logging.getLogger("magodoo.magento")

M = TypeVar("M", bound=ApiModel)
MAX_PAGE_SIZE = 300
"""The largest page a store with its input limits on accepts by default
(``webapi/validation/maximum_page_size``; the limits themselves are off by default)."""
PAGE_SIZE = 1000
"""Items per page of a list route by default: what the fastest peer client asks; a store
with input limits on refuses it (400 ``Maximum SearchCriteria pageSize is %max``) and the
client then uses the ``max`` the store names, for every later page."""
_PAGE_LIMIT = "Maximum SearchCriteria pageSize is %max"
_TOKEN_ROUTES = ("/V1/integration/admin/token", "/V1/integration/customer/token",
                 "/V1/tfa/provider/")

Params = list[tuple[str, str]]
ACCEPT = {"Accept": "application/json"}  # Magento answers XML to an Accept that asks for it


def seg(value: str | int) -> str:
    """One path segment, percent-encoded (SKUs may hold spaces, ``#``, ``/``...)."""
    return quote(str(value), safe="")


def list_fields(fields: str | Iterable[str] | None) -> str | None:
    """``fields=`` for a list route: ``items[...]`` wrapped and ``total_count`` kept."""
    if fields is None:
        return None
    text = fields if isinstance(fields, str) else ",".join(fields)
    text = text.strip()
    if not text:
        return None
    if "items[" not in text:
        text = f"items[{text}]"
    if "total_count" not in text:
        text = f"{text},total_count"
    return text


def _is_token_route(url: str) -> bool:
    return any(route in url for route in _TOKEN_ROUTES)


def _strip_slash(url: str) -> str:
    """The store's base URL; a trailing ``/rest`` (a common slip) is dropped too."""
    return str(url).rstrip("/").removesuffix("/rest")


@attrs.define
class ClientCore:
    """Shared state and request helpers of :class:`~magodoo.magento.MagentoClient`."""

    base_url: str = attrs.field(converter=_strip_slash)
    auth: MagentoAuth = attrs.field(kw_only=True)
    store_code: str = attrs.field(default="default", kw_only=True)
    session: aiohttp.ClientSession | None = attrs.field(default=None, kw_only=True)
    limit: int = attrs.field(default=8, kw_only=True)
    timeouts: Timeouts = attrs.field(factory=Timeouts, kw_only=True)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, kw_only=True)
    capture: CaptureHook | None = attrs.field(default=None, kw_only=True)
    page_size: int = attrs.field(default=PAGE_SIZE, kw_only=True)
    """Items per page of a list route when the call does not say; lowered to the store's
    maximum when the store refuses it (see :data:`PAGE_SIZE`)."""
    _transport: HttpTransport = attrs.field(init=False)
    _page_cap: list[int] = attrs.field(init=False, factory=list)
    _owns_transport: bool = attrs.field(init=False, default=True)
    _closed: bool = attrs.field(init=False, default=False)

    def __attrs_post_init__(self) -> None:
        if not self.store_code or "/" in self.store_code:
            raise ConfigurationError(f"bad Magento store code {self.store_code!r}")
        if self.page_size < 1:
            raise ConfigurationError(f"page_size must be at least 1, not {self.page_size}")
        self._transport = HttpTransport(
            name="magento",
            session=self.session,
            limit=self.limit,
            timeouts=self.timeouts,
            retry=self.retry,
            capture=(Capture(self._capture, lambda: listening(self.capture))
                     if self.capture is not None else None),
            redactor=Redactor(self.auth.secrets()),
            auth=self._auth_headers,
        )

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def transport(self) -> HttpTransport:
        """The shared HTTP transport (tests replace its ``sleep``)."""
        return self._transport

    @property
    def redactor(self) -> Redactor:
        return self._transport.redactor

    @property
    def closed(self) -> bool:
        return self._closed or self._transport.closed

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client (and its session if it created it). Further calls raise."""
        self._closed = True
        if self._owns_transport:
            await self._transport.aclose()

    def for_store(self, code: str) -> Self:
        """A client for store view ``code`` (or ``all`` for global values) sharing this one's
        transport and credentials. Closing it does not close this client."""
        self._check_open()
        if not code or "/" in code:
            raise ConfigurationError(f"bad Magento store code {code!r}")
        child = copy.copy(self)
        child.store_code = code
        child._owns_transport = False
        child._closed = False
        return child

    def _check_open(self) -> None:
        if self.closed:
            raise ClientClosedError("the Magento client is closed")

    # ---- auth -----------------------------------------------------------------------------

    def _capture(self, exchange: Exchange) -> None:
        if self.capture is None:
            return
        if _is_token_route(exchange.url) and isinstance(exchange.response_body, str):
            exchange = attrs.evolve(exchange, response_body=REDACTED)
        self.capture(exchange)

    async def _auth_headers(self, method: str, url: str) -> Mapping[str, str]:
        if _is_token_route(url):
            return {}
        return await self.auth.headers(self, method, url)

    async def fetch_token(self, path: str, body: Mapping[str, str]) -> str:
        """POST to a token route (no auth header) and return the bare token string."""
        self._check_open()
        response = await self._transport.request(
            "POST", self.url(path), json=dict(body), idempotent=True, headers=ACCEPT
        )
        if not 200 <= response.status < 300:
            raise error_from_response(response, self.redactor, token_route=True)
        token = response.data()
        if not isinstance(token, str) or not token:
            raise ServerError(
                "the token route did not answer a token", method="POST",
                url=self.url(path), status=response.status, server="magento",
            )
        self.redactor.add(token)
        return token

    # ---- requests -------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """``<base>/rest/<store_code><path>``; ``path`` starts with ``/V1/`` or ``/async/``."""
        return f"{self.base_url}/rest/{self.store_code}{path}"

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        fields: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """One API call: the parsed JSON answer, or the mapped exception."""
        self._check_open()
        query = list(params or [])
        if fields:
            query.append(("fields", fields))
        url = self.url(path)
        await self.auth.prepare(self)
        generation = self.auth.generation
        response = await self._send(method, url, query, json, idempotent)
        if response.status == 401 and await self.auth.refresh(self, generation):
            log.info("Magento answered 401; credentials renewed, trying once more",
                     extra={"method": method, "path": path})
            response = await self._send(method, url, query, json, idempotent)
        if not 200 <= response.status < 300:
            raise error_from_response(response, self.redactor)
        return response.data() if response.body else None

    async def _send(
        self, method: str, url: str, query: Params, json: Any, idempotent: bool | None
    ) -> Response:
        return await self._transport.request(
            method, url, params=query or None, json=json, idempotent=idempotent, headers=ACCEPT
        )

    async def get(self, path: str, params: Params | None = None, *,
                  fields: str | None = None) -> Any:
        return await self.call("GET", path, params=params, fields=fields)

    async def post(self, path: str, json: Any = None, *, idempotent: bool | None = None) -> Any:
        return await self.call("POST", path, json=json, idempotent=idempotent)

    async def put(self, path: str, json: Any = None) -> Any:
        return await self.call("PUT", path, json=json)

    async def delete(self, path: str) -> Any:
        return await self.call("DELETE", path)

    # ---- lists ----------------------------------------------------------------------------

    @overload
    async def fetch_page(
        self, path: str, criteria: SearchCriteria | None = None, *, model: type[M],
        fields: str | Iterable[str] | None = None,
    ) -> Page[M]: ...

    @overload
    async def fetch_page(
        self, path: str, criteria: SearchCriteria | None = None, *, model: None = None,
        fields: str | Iterable[str] | None = None,
    ) -> Page[dict[str, Any]]: ...

    async def fetch_page(
        self, path: str, criteria: SearchCriteria | None = None, *,
        model: type[M] | None = None, fields: str | Iterable[str] | None = None,
    ) -> Page[M] | Page[dict[str, Any]]:
        """One page of a list route, as the criteria say (no paging added)."""
        criteria = criteria or SearchCriteria()
        if model is not None:
            check_fields(criteria, model.search_fields(), model.__name__)
        data = await self.get(path, criteria.to_params(), fields=list_fields(fields))
        raw_items, total, echoed = _page_parts(data)
        if model is None:
            return Page(tuple(raw_items), total, echoed)
        items, failures = read_items(model, raw_items)
        page = Page(tuple(items), total, echoed)
        if failures:
            raise PartialPageError(page, failures)  # the readable records ride along
        return page

    @overload
    def paginate(
        self, path: str, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: str | Iterable[str] | None = None, model: type[M],
    ) -> AsyncIterator[M]: ...

    @overload
    def paginate(
        self, path: str, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: str | Iterable[str] | None = None, model: None = None,
    ) -> AsyncIterator[dict[str, Any]]: ...

    def paginate(
        self, path: str, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: str | Iterable[str] | None = None, model: type[M] | None = None,
    ) -> AsyncIterator[M] | AsyncIterator[dict[str, Any]]:
        """Every item of a list route, page after page.

        ``pageSize`` is always set (Magento returns everything without it) and paging stops
        on ``total_count``: some collections answer the last page again past the end.
        ``fields`` trims each item (``items[...]`` and ``total_count`` are added).
        """
        largest = max(MAX_PAGE_SIZE, self.page_size)
        if page_size is None:
            page_size = self.page_size
        if not 1 <= page_size <= largest:
            raise ConfigurationError(
                f"page_size must be between 1 and {largest}, not {page_size}"
            )
        if model is None:
            return self._paginate_raw(path, criteria or SearchCriteria(), page_size, fields)
        check_fields(criteria or SearchCriteria(), model.search_fields(), model.__name__)
        return self._paginate_models(path, criteria or SearchCriteria(), page_size, fields, model)

    async def _paginate_models(
        self, path: str, criteria: SearchCriteria, page_size: int,
        fields: str | Iterable[str] | None, model: type[M],
    ) -> AsyncIterator[M]:
        failures: list[MappingError] = []
        slices = self._slices(path, criteria, page_size, fields)
        async with contextlib.aclosing(slices):  # a caller stopping early stops the pages now
            async for items in slices:
                records, bad = read_items(model, items)
                failures += bad  # each fails alone: the others are still yielded
                for record in records:
                    yield record
        if failures:
            raise PartialPageError(Page((), len(failures)), failures)

    async def _paginate_raw(
        self, path: str, criteria: SearchCriteria, page_size: int,
        fields: str | Iterable[str] | None,
    ) -> AsyncIterator[dict[str, Any]]:
        slices = self._slices(path, criteria, page_size, fields)
        async with contextlib.aclosing(slices):
            async for items in slices:
                for item in items:
                    yield item

    async def _slices(
        self, path: str, criteria: SearchCriteria, page_size: int,
        fields: str | Iterable[str] | None,
    ) -> AsyncGenerator[list[dict[str, Any]], None]:
        """Each page's items, ``_SLICE`` at a time, giving the next page's request a turn of
        the event loop in between."""
        pages = self._pages(path, criteria, page_size, fields)
        async with contextlib.aclosing(pages):
            async for items in pages:
                for start in range(0, len(items), _SLICE):
                    if start:
                        await asyncio.sleep(0)
                    yield items[start:start + _SLICE]

    async def _pages(
        self, path: str, criteria: SearchCriteria, page_size: int,
        fields: str | Iterable[str] | None,
    ) -> AsyncGenerator[list[dict[str, Any]], None]:
        """The items of each page, in order, up to ``total_count``.

        Page n+1 is asked as soon as page n has arrived, while the caller handles page n
        (one request ahead, one page held: memory stays flat). Its error is raised when the
        caller reaches it; a caller that stops early (``break``, an exception, ``aclose``)
        has the request ahead cancelled.
        """
        projection = list_fields(fields)
        seen = ((criteria.current_page or 1) - 1) * page_size  # items before this call's
        ahead: asyncio.Future[_Raw] | None = None
        try:
            raw = await self._read_page(path, criteria, page_size, seen, projection)
            while True:
                items = raw.items[raw.skip:raw.skip + max(0, raw.total - seen)]
                seen += len(items)
                last = not raw.items or seen >= raw.total or len(raw.items) < raw.size
                if not last:
                    ahead = await _ahead.start(
                        self._read_page(path, criteria, page_size, seen, projection))
                if items:
                    yield items
                if ahead is None:
                    return
                raw, ahead = await ahead, None
        finally:
            await _ahead.drop(ahead)  # the caller stopped before reaching that page

    async def _read_page(
        self, path: str, criteria: SearchCriteria, page_size: int, seen: int,
        projection: str | None,
    ) -> _Raw:
        """The page holding item ``seen`` (0-based), at the store's page cap if it has one."""
        while True:
            size = min(page_size, *self._page_cap) if self._page_cap else page_size
            current, skip = divmod(seen, size)
            page_criteria = criteria.page(size, current + 1)
            try:
                data = await self.get(path, page_criteria.to_params(), fields=projection)
            except ValidationError as exc:
                cap = _page_limit(exc)
                if cap is None or cap >= size:
                    raise
                log.info("the store takes at most %d per page; asking %d from now on",
                         cap, cap, extra={"path": path, "page_size": size})
                self._page_cap[:] = [cap]
                continue
            items, total, _ = _page_parts(data)
            return _Raw(items, total, size, skip)


@attrs.frozen
class _Raw:
    """One page as it came: its items, ``total_count``, the size asked, items to skip."""

    items: list[dict[str, Any]]
    total: int
    size: int
    skip: int


_SLICE = 100
"""Items handed out between two turns of the event loop while a page is handled."""


def _page_limit(exc: ValidationError) -> int | None:
    """The ``max`` of a "Maximum SearchCriteria pageSize is %max" refusal, else None."""
    if exc.template != _PAGE_LIMIT:
        return None
    params = exc.parameters
    value = params.get("max") if isinstance(params, Mapping) else None
    try:
        cap = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return cap if cap is not None and cap >= 1 else None


def _page_parts(data: Any) -> tuple[list[dict[str, Any]], int, Mapping[str, Any] | None]:
    if not isinstance(data, Mapping):
        raise ServerError(
            f"a list route answered {type(data).__name__}, not an object",
            method="GET", url="", status=200, server="magento",
        )
    items = data.get("items") or []
    total = data.get("total_count")
    if total is None:
        total = len(items)
    echoed = data.get("search_criteria")
    return list(items), int(total), echoed if isinstance(echoed, Mapping) else None
