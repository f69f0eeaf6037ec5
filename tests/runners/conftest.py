"""The two fakes served from a background thread, so a runner's ``main()`` (which runs its own
event loop with ``asyncio.run``) can be called from a plain test; and a TOML file for them."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

ROOT = Path(__file__).resolve().parents[2]
MAGENTO_PASSWORD = "Magento-Secret-Pass-91"
ODOO_KEY = "odoo-secret-api-key-7731"
WEBHOOK_SECRET = "webhook-secret-token-0123456789"


def load_runner(name: str) -> ModuleType:
    """Import ``runners/<name>.py`` by path (the runners are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"_runner_{name}", ROOT / "runners" /
                                                  f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@attrs.define
class Fakes:
    magento: FakeMagento
    odoo: FakeOdoo
    magento_url: str = ""
    odoo_url: str = ""

    def add_customer(self, n: int, country: str = "US") -> int:
        address = {
            "firstname": "Jane", "lastname": f"Doe{n}", "street": [f"{n} Main St"],
            "city": "Austin", "postcode": "78701", "country_id": country,
            "telephone": "5125550100", "default_billing": True, "default_shipping": True,
        }
        if country == "US":
            address["region"] = {"region_code": "TX", "region": "Texas", "region_id": 57}
            address["region_id"] = 57
        data: dict[str, Any] = {"email": f"runner{n}@example.com", "firstname": "Jane",
                                "lastname": f"Doe{n}", "addresses": [address]}
        return int(create_customer(self.magento.state, data)["id"])

    def write_config(self, folder: Path, extra: str = "") -> Path:
        path = folder / "magodoo.toml"
        path.write_text(f"""
retry_backoff_seconds = 0.0
worker_poll_seconds = 0.05
{extra}
[magento]
url = "{self.magento_url}"
auth = "password"
username = "admin"
timeout = 10.0

[odoo]
url = "{self.odoo_url}"
database = "magodoo"
username = "admin"
timeout = 10.0

[stores]
kind = "sqlite"
path = "{folder / 'stores.sqlite3'}"

[catalog]
missing_sku = "derive"  # the demo has products without an internal reference
""")
        return path


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    """Fake Magento (no demo data) and fake Odoo (demo data) on loopback, in a thread."""
    magento = FakeMagento(seed=None, admin_password=MAGENTO_PASSWORD)
    odoo = FakeOdoo(seed="demo", api_key=ODOO_KEY)
    fakes = Fakes(magento, odoo)
    started = threading.Event()
    box: dict[str, Any] = {}

    async def run() -> None:
        box["loop"] = asyncio.get_running_loop()
        box["stop"] = stop = asyncio.Event()
        async with serve(magento.app) as murl, serve(odoo.app) as ourl:
            fakes.magento_url, fakes.odoo_url = murl, ourl
            started.set()
            await stop.wait()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    assert started.wait(10), "the fakes did not start"
    monkeypatch.setenv("MAGODOO_MAGENTO_PASSWORD", MAGENTO_PASSWORD)
    monkeypatch.setenv("MAGODOO_ODOO_API_KEY", ODOO_KEY)
    monkeypatch.setenv("MAGODOO_WEBHOOK_SECRET", WEBHOOK_SECRET)
    try:
        yield fakes
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(10)
