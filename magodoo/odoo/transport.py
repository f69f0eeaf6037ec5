"""The one small interface both Odoo transports (JSON-RPC and JSON-2) implement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

__all__ = ["OdooCall", "OdooTransport"]


@attrs.frozen
class OdooCall:
    """One model method call, in a form both transports can send.

    ``ids`` is the record set (``None`` for an ``@api.model`` method). ``params`` are the
    method's leading parameters by name, in positional order: JSON-RPC sends their values
    positionally after ``ids``, JSON-2 by name. ``positional`` are extra unnamed arguments
    (JSON-RPC only). ``kwargs`` are keyword arguments, ``context`` the merged context.
    """

    model: str
    method: str
    ids: Sequence[int] | None = None
    params: Mapping[str, Any] = attrs.field(factory=dict)
    positional: Sequence[Any] = ()
    kwargs: Mapping[str, Any] = attrs.field(factory=dict)
    context: Mapping[str, Any] = attrs.field(factory=dict)
    idempotent: bool = False


class OdooTransport(Protocol):
    """Sends calls to one Odoo server and gives back the result or raises a typed error."""

    @property
    def name(self) -> str:
        """``"jsonrpc"`` or ``"json2"``."""
        ...

    async def version(self) -> dict[str, Any]:
        """The server's version information (no authentication needed)."""
        ...

    async def execute(self, call: OdooCall) -> Any:
        """Run ``call`` and return its JSON result."""
        ...
