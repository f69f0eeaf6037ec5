"""Fixtures for the fake Odoo tests: a served fake and a plain JSON-RPC caller (no client code)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from odoo_rpc import Rpc

from magodoo.testing._server import serve
from magodoo.testing.fake_odoo import FakeOdoo


@pytest.fixture
def fake_odoo() -> FakeOdoo:
    """A fresh fake Odoo seeded with the real server's demo records."""
    return FakeOdoo(seed="demo")


@pytest.fixture
async def odoo(fake_odoo: FakeOdoo) -> AsyncIterator[Rpc]:
    """``fake_odoo`` served on loopback, with a JSON-RPC caller bound to it."""
    async with serve(fake_odoo.app) as url, aiohttp.ClientSession() as session:
        yield Rpc(url, session, fake_odoo)


@pytest.fixture
def odoo_reference(reference_dir: Path) -> Path:
    return reference_dir / "odoo"
