"""Route the HTTP exchanges a transport captures to the record being synced.

The clients' transports get :func:`capture_hook` as their ``capture``; the engine opens a
:func:`collect` block around the calls it makes for one record (or one page), and whatever
the transports capture inside it lands in that block's list, ready for the sync log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from magodoo._http import Capture, Exchange

__all__ = [
    "capture_hook",
    "collect",
    "exchange_request",
    "exchange_response",
    "observe",
    "to_text",
]

_sink: ContextVar[list[Exchange] | None] = ContextVar("magodoo_capture", default=None)
_observers: ContextVar[tuple[Callable[[Exchange], None], ...]] = ContextVar(
    "magodoo_observers", default=())

MAX_TEXT = 16_000


def _take(exchange: Exchange) -> None:
    for observer in _observers.get():
        observer(exchange)
    sink = _sink.get()
    if sink is not None:
        sink.append(exchange)


def _listening() -> bool:
    return _sink.get() is not None or bool(_observers.get())


capture_hook = Capture(_take, _listening)
"""Give this to ``HttpTransport(capture=...)``: it takes the exchanges made inside a
:func:`collect` or :func:`observe` block; outside them the transport does not even build
(and redact) them."""


@contextmanager
def collect() -> Iterator[list[Exchange]]:
    """Collect the exchanges made in this block (and the tasks it starts)."""
    sink: list[Exchange] = []
    token = _sink.set(sink)
    try:
        yield sink
    finally:
        _sink.reset(token)


@contextmanager
def observe(observer: Callable[[Exchange], None]) -> Iterator[None]:
    """Also give every exchange made in this block (and the tasks it starts) to
    ``observer`` (the metrics count API calls this way); it must not raise or block."""
    token = _observers.set((*_observers.get(), observer))
    try:
        yield
    finally:
        _observers.reset(token)


def to_text(value: Any) -> str | None:
    """JSON text for the log, cut at :data:`MAX_TEXT` characters."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "...(cut)"


def exchange_request(exchange: Exchange) -> dict[str, Any]:
    return {"method": exchange.method, "url": exchange.url, "body": exchange.request_body}


def exchange_response(exchange: Exchange) -> dict[str, Any]:
    out: dict[str, Any] = {"status": exchange.status, "body": exchange.response_body}
    if exchange.error:
        out["error"] = exchange.error
    return out
