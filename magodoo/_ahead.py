"""The next page read ahead: its request goes out while the caller handles this page.

Shared by the Magento and Odoo clients' paging: one page ahead at most, cancelled cleanly when
the caller stops before reaching it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

TURNS = 4
"""Turns of the event loop given to the request ahead before the caller gets its page: enough
for it to open a connection (connect, connection made) and send (stores and Odoo may answer
``Connection: close``, so a request may open one)."""


async def start(request: Awaitable[T]) -> asyncio.Future[T]:
    """Send ``request`` ahead and give it the turns it needs to go out."""
    ahead = asyncio.ensure_future(request)
    for _ in range(TURNS):
        await asyncio.sleep(0)
    return ahead


async def drop(ahead: asyncio.Future[Any] | None) -> None:
    """Cancel a request ahead the caller never reached, and retrieve its error if it had one
    (nobody will ask for it)."""
    if ahead is None:
        return
    ahead.cancel()
    await asyncio.wait([ahead])
    if not ahead.cancelled():
        ahead.exception()
