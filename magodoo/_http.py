"""The HTTP layer both clients share: session, limits, timeouts, retries, capture.

It knows nothing of Magento or Odoo. A client asks :meth:`HttpTransport.request` for one
logical call; the transport retries what is safe to retry and gives back the final
:class:`Response` (whatever its status) or raises :class:`~magodoo.exceptions.TransportError`
(:class:`~magodoo.exceptions.OutcomeUnknownError` for a write that may have happened).
Turning a status into a typed error is the client's job, with :func:`classify`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import attrs
import backoff
from yarl import URL

from magodoo._json import dumps, loads
from magodoo._oauth1 import encode_query
from magodoo._redact import Redactor
from magodoo.exceptions import ClientClosedError, OutcomeUnknownError, TransportError

__all__ = [
    "AdaptiveLimit",
    "Capture",
    "Exchange",
    "HttpTransport",
    "Outcome",
    "Response",
    "RetryPolicy",
    "Timeouts",
    "build_url",
    "classify",
    "overloaded",
]

log = logging.getLogger("magodoo.http")

RETRIABLE_STATUSES = frozenset({429, 502, 503, 504})
OVERLOAD_STATUSES = frozenset({503})
#: a 500 whose body says this was refused before any work (Odoo's psycopg2 pool)
POOL_FULL = "connection pool is full"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
JSON_TYPE = "application/json"  # what aiohttp sets for json=, now that bodies are written here


class Outcome(enum.Enum):
    """What a response means, decided in one place."""

    SUCCESS = "success"
    AUTH = "auth"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    VALIDATION = "validation"
    RATE_LIMITED = "rate_limited"
    RETRIABLE = "retriable"
    FATAL = "fatal"


def classify(status: int) -> Outcome:
    """Classify an HTTP status."""
    if 200 <= status < 300:
        return Outcome.SUCCESS
    if status == 401:
        return Outcome.AUTH
    if status == 403:
        return Outcome.FORBIDDEN
    if status == 404:
        return Outcome.NOT_FOUND
    if status == 429:
        return Outcome.RATE_LIMITED
    if status in RETRIABLE_STATUSES:
        return Outcome.RETRIABLE
    if 400 <= status < 500:
        return Outcome.VALIDATION
    return Outcome.FATAL


def build_url(url: str, params: Mapping[str, str] | list[tuple[str, str]] | None = None) -> URL:
    """The URL exactly as it goes on the wire, marked encoded so nothing re-quotes it.

    The path is percent-encoded once (segments already encoded stay as they are); the query
    is written in RFC 3986 percent-encoding (:func:`magodoo._oauth1.encode_query`: a space is
    ``%20``, never ``+``), appended to any query ``url`` already has. What a signer sees as
    ``str(url)`` is byte for byte what the server receives.
    """
    parsed = URL(url)
    if not params:
        return parsed
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    query = encode_query(pairs)
    existing = parsed.raw_query_string
    if existing:
        query = f"{existing}&{query}"
    bare = str(parsed.with_query(None).with_fragment(None))
    return URL(f"{bare}?{query}", encoded=True)


@attrs.frozen
class RetryPolicy:
    """When and how long to retry. Waits are exponential with full jitter.

    ``max_tries`` counts the first try; ``max_time`` bounds the whole call in seconds.
    ``max_retry_after`` caps how long a ``Retry-After`` header may make us wait.
    """

    max_tries: int = 5
    max_time: float = 60.0
    base: float = 0.5
    factor: float = 2.0
    max_wait: float = 10.0
    jitter: bool = True
    max_retry_after: float = 120.0

    def waits(self) -> Iterator[float]:
        """The successive waits before each retry."""
        gen = backoff.expo(base=self.factor, factor=self.base, max_value=self.max_wait)
        next(gen)  # backoff's generators must be primed
        for value in gen:
            yield backoff.full_jitter(value) if self.jitter else float(value)


NO_RETRY = RetryPolicy(max_tries=1)


def overloaded(status: int, body: bytes) -> bool:
    """The server refused for lack of capacity: 503, or a 500 "connection pool is full"
    (Odoo when more calls arrive than its database pool holds; nothing was run)."""
    if status in OVERLOAD_STATUSES:
        return True
    return status == 500 and POOL_FULL in body[:4096].decode("utf-8", "replace").lower()


@attrs.define
class AdaptiveLimit:
    """At most ``limit`` requests in flight; fewer for a while after the server says it is
    overloaded.

    :meth:`lower` halves the current cap (never under 1); after ``cooldown`` seconds without
    another overload the cap grows back by one, ``cooldown`` after ``cooldown``, up to
    ``limit``. Used as ``async with limit:`` around each request.
    """

    limit: int
    cooldown: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _current: int = attrs.field(init=False)
    _in_flight: int = attrs.field(init=False, default=0)
    _changed_at: float = attrs.field(init=False, default=0.0)
    _condition: asyncio.Condition = attrs.field(init=False, factory=asyncio.Condition)

    def __attrs_post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"limit must be at least 1, not {self.limit}")
        self._current = self.limit

    @property
    def current(self) -> int:
        """The cap now (recovering one step per ``cooldown`` since the last change)."""
        if self._current < self.limit:
            steps = int((self.clock() - self._changed_at) // self.cooldown)
            if steps > 0:
                self._current = min(self.limit, self._current + steps)
                self._changed_at += steps * self.cooldown
        return self._current

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def lower(self) -> int:
        """Halve the cap after an overload answer; returns the new cap."""
        self._current = max(1, self.current // 2)
        self._changed_at = self.clock()
        return self._current

    async def __aenter__(self) -> None:
        async with self._condition:
            await self._condition.wait_for(lambda: self._in_flight < self.current)
            self._in_flight += 1

    async def __aexit__(self, *exc: object) -> None:
        async with self._condition:
            self._in_flight -= 1
            self._condition.notify_all()


@attrs.frozen
class Timeouts:
    """Seconds to connect, and for the whole request."""

    connect: float = 10.0
    total: float = 60.0


@attrs.frozen
class Response:
    """A final HTTP answer."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def is_json(self) -> bool:
        return "json" in self.headers.get("Content-Type", "").lower()

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return loads(self.body)

    def data(self) -> Any:
        """The body as JSON when it parses, else as text."""
        try:
            return self.json()
        except ValueError:
            return self.text

    def retry_after(self) -> float | None:
        """The ``Retry-After`` header in seconds, if present (delta or HTTP date)."""
        value = self.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


@attrs.frozen
class Exchange:
    """One attempt, as captured for the sync log: everything redacted."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: Any
    status: int | None
    response_headers: Mapping[str, str]
    response_body: Any
    duration: float
    attempt: int
    error: str | None = None


CaptureHook = Callable[[Exchange], None]


@attrs.frozen
class Capture:
    """A capture hook that says whether anything takes exchanges now: when ``listening()``
    is false the transport skips building (and redacting) the exchange."""

    take: CaptureHook
    listening: Callable[[], bool]

    def __call__(self, exchange: Exchange) -> None:
        self.take(exchange)


def listening(hook: CaptureHook | None) -> bool:
    """Whether ``hook`` takes exchanges now (always, unless it is a :class:`Capture`)."""
    if hook is None:
        return False
    return hook.listening() if isinstance(hook, Capture) else True
HeadersHook = Callable[[str, str], Awaitable[Mapping[str, str]]]


@attrs.define
class HttpTransport:
    """Sends requests for one server.

    ``session`` may be the caller's (then it is not closed here). ``limit`` bounds the
    requests in flight to this server; an overload answer (503, or 500 "connection pool is
    full") lowers that bound for a while (:class:`AdaptiveLimit`) and is retried, a write
    too when the answer says nothing was run (the pool-full 500). ``auth`` is called before
    each attempt with the method and the full URL and returns headers to add (tokens, OAuth
    signatures).
    ``capture`` receives every attempt, redacted by ``redactor``.
    """

    name: str = "http"
    session: aiohttp.ClientSession | None = None
    limit: int = 8
    timeouts: Timeouts = Timeouts()
    retry: RetryPolicy = RetryPolicy()
    capture: CaptureHook | None = None
    redactor: Redactor = attrs.field(factory=Redactor)
    auth: HeadersHook | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _owns_session: bool = attrs.field(init=False, default=False)
    cooldown: float = 30.0
    _semaphore: AdaptiveLimit = attrs.field(init=False)
    _closed: bool = attrs.field(init=False, default=False)

    def __attrs_post_init__(self) -> None:
        self._semaphore = AdaptiveLimit(self.limit, self.cooldown)

    @property
    def concurrency(self) -> AdaptiveLimit:
        """The in-flight cap (lowered for a while after overload answers)."""
        return self._semaphore

    def _session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError(f"{self.name} client is closed")
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=self._timeout())
            self._owns_session = True
        return self.session

    def _timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self.timeouts.total, connect=self.timeouts.connect)

    async def aclose(self) -> None:
        """Close the session if this transport created it. Further use raises."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self.session is not None:
            await self.session.close()

    @property
    def closed(self) -> bool:
        return self._closed

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        capture_body: Any = None,
    ) -> Response:
        """Send one logical request, retrying what is safe to retry.

        ``idempotent`` defaults by method (GET, PUT, DELETE are; POST is not). A
        non-idempotent request is retried only when the server surely did not act on it
        (the connection could not be opened, or 429); any other failure raises
        :class:`OutcomeUnknownError`. ``capture_body`` replaces ``json`` in captures (for
        bodies that carry secrets in positional places).
        """
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        session = self._session()
        waits = self.retry.waits()
        started = time.monotonic()
        attempt = 0
        wire_url = build_url(url, params)
        full_url = str(wire_url)
        data = None if json is None else dumps(json)  # written once, sent on every attempt
        while True:
            attempt += 1
            response: Response | None = None
            error: BaseException | None = None
            sent = True
            t0 = time.monotonic()
            send_headers = dict(headers or {})
            if data is not None and not any(k.lower() == "content-type" for k in send_headers):
                send_headers["Content-Type"] = JSON_TYPE  # as aiohttp's json=: a caller's wins
            try:
                if self.auth is not None:
                    send_headers.update(await self.auth(method, full_url))
                async with self._semaphore, session.request(
                    method, wire_url, data=data, headers=send_headers, timeout=self._timeout()
                ) as raw:
                    body = await raw.read()
                    response = Response(method, full_url, raw.status, dict(raw.headers), body)
            except aiohttp.ClientConnectorError as exc:
                error, sent = exc, False
            except (TimeoutError, aiohttp.ClientError) as exc:
                error = exc
            duration = time.monotonic() - t0
            self._capture(method, full_url, send_headers, json if capture_body is None
                          else capture_body, response, error, duration, attempt)

            retry_after: float | None = None
            if response is not None:
                busy = overloaded(response.status, response.body)
                if busy:
                    cap = self._semaphore.lower()
                    log.warning(
                        "%s answered %d (overloaded): at most %d requests in flight for %.0fs",
                        self.name, response.status, cap, self._semaphore.cooldown,
                        extra={"server": self.name, "status": response.status},
                    )
                if response.status not in RETRIABLE_STATUSES and not busy:
                    return response
                if response.status == 429 or (busy and response.status == 500):
                    retry_after = response.retry_after()
                elif not safe:
                    raise OutcomeUnknownError(
                        f"answered {response.status}; the write may have been applied",
                        method=method, url=self.redactor.text(full_url))
            else:
                assert error is not None
                reason = self.redactor.text(f"{type(error).__name__}: {error}")
                if sent and not safe:
                    raise OutcomeUnknownError(
                        f"{reason}; the write may have been applied",
                        method=method, url=self.redactor.text(full_url)) from None

            wait = next(waits)
            if retry_after is not None:
                wait = min(retry_after, self.retry.max_retry_after)
            elapsed = time.monotonic() - started
            if attempt >= self.retry.max_tries or elapsed + wait > self.retry.max_time:
                if response is not None:
                    return response
                assert error is not None
                raise TransportError(
                    self.redactor.text(f"{type(error).__name__}: {error} (after {attempt} tries)"),
                    method=method, url=self.redactor.text(full_url)) from None
            log.info(
                "retrying %s %s in %.2fs (attempt %d)",
                method, self.redactor.text(full_url), wait, attempt,
                extra={"server": self.name, "status": response.status if response else None},
            )
            await self.sleep(wait)

    def _capture(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Any,
        response: Response | None,
        error: BaseException | None,
        duration: float,
        attempt: int,
    ) -> None:
        if self.capture is None or not listening(self.capture):
            return
        r = self.redactor
        self.capture(Exchange(
            method=method,
            url=r.text(url),
            request_headers=r.headers(headers),
            request_body=r.data(body),
            status=response.status if response else None,
            response_headers=r.headers(response.headers) if response else {},
            response_body=r.data(response.data()) if response else None,
            duration=duration,
            attempt=attempt,
            error=r.text(f"{type(error).__name__}: {error}") if error else None,
        ))
