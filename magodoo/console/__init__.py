"""The web console: dashboard, sync log grid, queue, mass sync, test connection, settings.

Its own package over the engine and the stores, like the runners: nothing in the library
imports it. Needs the ``console`` extra (``pip install 'magodoo[console]'``). Start it with
``magodoo console --config magodoo.toml``, or let ``magodoo realtime`` serve it
(``console.with_realtime``); build it yourself with :func:`console_app`. See docs/console.md.
"""

from __future__ import annotations

from magodoo.console._app import CSP, console_app
from magodoo.console._auth import PERMISSIONS, ROLES, allowed, check_password, hash_password

__all__ = [
    "CSP",
    "PERMISSIONS",
    "ROLES",
    "allowed",
    "check_password",
    "console_app",
    "hash_password",
]
