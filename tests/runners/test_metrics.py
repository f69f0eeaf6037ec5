"""Prometheus metrics: the batch runner's --metrics-file, and /metrics, /healthz, /readyz of the
realtime service scraped over HTTP while it runs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from magodoo.backends import JobState, open_sqlite_stores
from magodoo.cli import main
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET, Fakes


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def no_secrets_or_content(text: str) -> None:
    for secret in (MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET, "example.com", "Doe"):
        assert secret not in text


def test_metrics_file_after_a_sync(fakes: Fakes, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(3):
        fakes.add_customer(n)
    config = str(fakes.write_config(tmp_path))
    path = tmp_path / "textfile" / "magodoo.prom"
    path.parent.mkdir()
    assert main(["sync", "--all", "--config", config, "--metrics-file", str(path)]) == 0
    text = path.read_text()
    no_secrets_or_content(text)
    found = samples(text)
    assert value(found, "magodoo_records_total", entity="customers", direction="m2o",
                 outcome="created") == 3
    categories = len(fakes.odoo.table("product.public.category"))
    assert value(found, "magodoo_records_total", entity="categories", direction="o2m",
                 outcome="created") == categories
    assert value(found, "magodoo_api_requests_total", server="magento", status="200") > 0
    assert value(found, "magodoo_api_requests_total", server="odoo", status="200") > 0
    assert not [k for k in found if k[0] == "magodoo_api_errors_total"]
    assert "magodoo_sync_latency_seconds" in text and "magodoo_jobs_done_total" in text


# ---- the realtime service ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _post(url: str) -> int:
    body = json.dumps({"_action": "Send Webhook Notification(#501)", "_id": 1,
                       "_model": "product.public.category", "id": 1}).encode()
    request = urllib.request.Request(url, data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _drive(port: int, seen: dict[str, Any]) -> None:
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                seen["healthz"] = _get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        seen["readyz"] = _get(base + "/readyz")
        seen["refused"] = _post(f"{base}/odoo/webhook/{'x' * 24}")
        seen["accepted"] = _post(f"{base}/odoo/webhook/{WEBHOOK_SECRET}")
        while time.monotonic() < deadline:  # until the worker has run the webhook's job
            status, body = _get(base + "/metrics")
            found = samples(body.decode())
            if value(found, "magodoo_jobs_done_total", entity="categories") >= 1:
                break
            time.sleep(0.1)
        seen["metrics"] = (status, body.decode())
    finally:
        os.kill(os.getpid(), signal.SIGTERM)


def test_realtime_health_and_metrics(fakes: Fakes, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path, extra="")
    config.write_text(config.read_text()
                      + "\n[realtime]\nwebhook_delay = 0.0\n"
                      + "\n[entities.categories]\nrealtime = true\n")
    port = _free_port()
    seen: dict[str, Any] = {}
    driver = threading.Thread(target=_drive, args=(port, seen))
    driver.start()
    code = main(["realtime", "--config", str(config), "--port", str(port), "--workers", "1",
                 "--poll-interval", "0.2"])
    driver.join(10)
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "stopped: 1 webhooks" in out.out
    assert seen["healthz"] == (200, b'{"status": "ok"}')
    status, body = seen["readyz"]
    assert status == 200 and json.loads(body) == {"ready": True, "problems": []}
    assert (seen["refused"], seen["accepted"]) == (404, 200)
    status, text = seen["metrics"]
    assert status == 200
    no_secrets_or_content(text)
    found = samples(text)
    assert value(found, "magodoo_webhook_requests_total", result="accepted") == 1
    assert value(found, "magodoo_webhook_requests_total", result="refused") == 1
    assert value(found, "magodoo_jobs_done_total", entity="categories") == 1
    assert value(found, "magodoo_sync_latency_seconds_count", entity="categories") == 1
    assert value(found, "magodoo_records_total", entity="categories", direction="o2m",
                 outcome="created") >= 1
    assert value(found, "magodoo_api_requests_total", server="odoo", status="200") > 0
    assert value(found, "magodoo_jobs", state="claimed", entity="categories") == 0
    assert value(found, "magodoo_jobs", state="waiting", entity="categories") == 0

    async def left() -> dict[JobState, int]:
        async with await open_sqlite_stores(tmp_path / "stores.sqlite3") as stores:
            return await stores.jobs.counts()

    # stopped by SIGTERM: nothing claimed, nothing waiting, nothing dead
    assert asyncio.run(left()) == dict.fromkeys(JobState, 0)


def test_readyz_names_the_part_that_fails(fakes: Fakes, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path)
    port = _free_port()
    seen: dict[str, Any] = {}

    def drive() -> None:
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    _get(f"http://127.0.0.1:{port}/healthz")
                    break
                except OSError:
                    time.sleep(0.05)
            fakes.odoo.api_key = "another-key-entirely-0000"
            seen["readyz"] = _get(f"http://127.0.0.1:{port}/readyz")
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    driver = threading.Thread(target=drive)
    driver.start()
    assert main(["realtime", "--config", str(config), "--port", str(port)]) == 0
    driver.join(10)
    status, body = seen["readyz"]
    assert status == 503
    assert json.loads(body) == {"ready": False, "problems": ["odoo: credentials refused"]}
    capsys.readouterr()
