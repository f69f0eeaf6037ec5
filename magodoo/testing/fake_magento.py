"""A fake Magento 2.4 admin REST API (aiohttp, in-memory), faithful to what a real 2.4.6 answers.

    fake = FakeMagento(seed="demo", size="small")
    async with magodoo.testing.serve(fake.app) as base_url:
        ...  # {base_url}/rest/V1/... or {base_url}/rest/<store code>/V1/...

Run it standalone with ``python -m magodoo.testing.fake_magento --port 8081 --seed demo``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from typing import Literal

import attrs
from aiohttp import web

from magodoo.testing import _faults
from magodoo.testing._magento import (
    base_store,
    bulk,
    bundles,
    categories,
    configurable,
    customers,
    demo_catalog,
    demo_sales,
    directory,
    eav,
    integration,
    prices,
    products,
    sales,
    stock,
    store,
    tier_prices,
)
from magodoo.testing._magento.app import build_app
from magodoo.testing._magento.auth import Integration, TokenStore
from magodoo.testing._magento.faults import Faults
from magodoo.testing._magento.routing import Router
from magodoo.testing._magento.state import State, _utcnow
from magodoo.testing._server import serve_forever, settings_text

__all__ = ["FakeMagento", "Faults", "Integration", "main"]

Size = Literal["small", "medium", "large"]
Seed = Literal["demo", "recorded"] | None

ROUTE_MODULES: tuple[ModuleType, ...] = (
    integration, store, directory, eav, categories, products, prices, configurable, bundles,
    stock, bulk, customers, sales, tier_prices,
)
"""Every route module of the fake, in registration order."""


def build_router() -> Router:
    """Every route of the fake, catalog side and sales side."""
    router = Router()
    for module in ROUTE_MODULES:
        module.register(router)
    return router


@attrs.define
class FakeMagento:
    """One fake store: its state, routes, credentials, faults and request counters."""

    seed: Seed = None
    size: Size = "small"
    admin_username: str = "admin"
    admin_password: str = "magodoo123"
    token_lifetime: float = 3600.0
    now: Callable[[], datetime] | None = None
    keep_alive: bool = False
    """A real 2.4.6 answers ``Connection: close`` to every request; ``True`` keeps them open."""
    integration: Integration = attrs.field(factory=Integration.generate)
    faults: Faults = attrs.field(factory=Faults)
    counters: Counter[str] = attrs.field(init=False, factory=Counter)
    total_requests: int = attrs.field(init=False, default=0)
    state: State = attrs.field(init=False)
    tokens: TokenStore = attrs.field(init=False)
    router: Router = attrs.field(init=False, factory=build_router)
    login_failures: dict[str, list[float]] = attrs.field(init=False, factory=dict)
    _app: web.Application | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        clock = self.now or _utcnow
        self.state = State(now=clock, rng=random.Random(f"{self.seed}:{self.size}"))
        self.tokens = TokenStore(now=clock, lifetime=self.token_lifetime)
        base_store.seed(self.state)
        if self.seed == "recorded":
            base_store.continue_recorded_counters(self.state)
            demo_sales.seed_recorded(self.state)
        if self.seed == "demo":
            rng = random.Random(f"magodoo-demo:{self.size}")
            demo_catalog.seed(self.state, rng, self.size)
            demo_sales.seed(self.state, rng, self.size)

    @property
    def app(self) -> web.Application:
        """The aiohttp application (built once)."""
        if self._app is None:
            self._app = build_app(self)
        return self._app

    def expire_tokens(self) -> None:
        """Invalidate every admin token now (integration credentials stay valid)."""
        self.tokens.revoke("admin")

    def admin_token(self) -> str:
        """Issue an admin token directly (as if the token route had been called)."""
        return self.tokens.issue("admin", 1)


def main(argv: list[str] | None = None) -> None:
    """Serve a fake Magento until interrupted; print its URL and credentials."""
    parser = argparse.ArgumentParser(prog="python -m magodoo.testing.fake_magento",
                                     description="Run the fake Magento 2.4 REST server.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port (0: any free one)")
    parser.add_argument("--seed", choices=["demo", "recorded", "none"], default="demo",
                        help="demo catalog and sales, the recorded 2.4.6 store, or empty")
    parser.add_argument("--size", choices=["small", "medium", "large"], default="small",
                        help="how much demo data")
    parser.add_argument("--admin-username", default="admin",
                        help="admin user for the token route")
    parser.add_argument("--admin-password", default="magodoo123",
                        help="its password (a test value: the fake is not for real data)")
    parser.add_argument("--token-lifetime", type=float, default=3600.0,
                        help="seconds an admin token stays valid")
    parser.add_argument("--bearer-enabled", action="store_true",
                        help="accept the integration access token as a bearer token "
                             "(Magento's 'Allow OAuth Access Tokens to be used as "
                             "standalone Bearer tokens')")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds to wait before each answer")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of requests answered 503 (0..1)")
    parser.add_argument("--rate-limit-every", type=int, default=None,
                        help="answer every Nth request 429 with Retry-After")
    parser.add_argument("--drop-rate", type=float, default=0.0,
                        help="share of requests whose connection is closed unanswered (0..1)")
    parser.add_argument("--expire-tokens-after", type=int, default=None,
                        help="admin tokens die after N authenticated requests each")
    parser.add_argument("--two-factor", action="store_true",
                        help="refuse the admin token route as Magento's 2FA module does")
    _faults.add_arguments(parser)
    args = parser.parse_args(argv)
    seed: Seed = None if args.seed == "none" else args.seed
    fake = FakeMagento(
        seed=seed,
        size=args.size,
        admin_username=args.admin_username,
        admin_password=args.admin_password,
        token_lifetime=args.token_lifetime,
        faults=Faults(
            latency=args.latency,
            error_rate=args.error_rate,
            rate_limit_every=args.rate_limit_every,
            drop_rate=args.drop_rate,
            expire_tokens_after=args.expire_tokens_after,
            two_factor=args.two_factor,
        ),
    )
    _faults.apply_arguments(fake.faults, args)
    if args.bearer_enabled:
        fake.integration = attrs.evolve(fake.integration, bearer_enabled=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(fake.app, args.host, args.port,
                                  lambda base: print(announcement(fake, base), flush=True)))


def announcement(fake: FakeMagento, base: str) -> str:
    """What the command line prints: the URL, the credentials, and the settings to paste
    (``url`` is the base URL magodoo.toml takes: the client adds ``/rest/<code>/V1``)."""
    i = fake.integration
    return "\n".join([
        f"fake Magento 2.4 at {base} (REST: {base}/rest/V1/, store views: {base}/rest/<code>/V1/)",
        f"admin: {fake.admin_username} / {fake.admin_password}",
        f"integration: consumer_key={i.consumer_key} consumer_secret={i.consumer_secret} "
        f"access_token={i.access_token} access_token_secret={i.access_token_secret} "
        f"bearer_enabled={i.bearer_enabled}",
        settings_text("magento", {"url": base, "auth": "integration"}, {
            "MAGODOO_MAGENTO_CONSUMER_KEY": i.consumer_key,
            "MAGODOO_MAGENTO_CONSUMER_SECRET": i.consumer_secret,
            "MAGODOO_MAGENTO_ACCESS_TOKEN": i.access_token,
            "MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET": i.access_token_secret,
        }),
    ])


if __name__ == "__main__":
    main()
