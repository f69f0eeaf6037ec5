"""runners/realtime.py: serves the webhook until SIGTERM, provisions Odoo, exits cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET, Fakes, load_runner

realtime = load_runner("realtime")

BODY = json.dumps({"_action": "Send Webhook Notification(#501)", "_id": 1,
                   "_model": "product.public.category", "id": 1}, sort_keys=True).encode()
REALTIME = "\n[entities.categories]\nrealtime = true\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(url: str) -> int:
    request = urllib.request.Request(url, data=BODY,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _drive(port: int, seen: dict[str, int]) -> None:
    """Wait for the service, post a webhook with a wrong and the right token, then SIGTERM."""
    base = f"http://127.0.0.1:{port}/odoo/webhook/"
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            try:
                seen["wrong"] = _post(base + "x" * 20)
                break
            except OSError:
                time.sleep(0.05)
        seen["right"] = _post(base + WEBHOOK_SECRET)
    finally:
        os.kill(os.getpid(), signal.SIGTERM)


def test_serves_until_sigterm(fakes: Fakes, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path, extra=REALTIME)
    port = _free_port()
    seen: dict[str, int] = {}
    driver = threading.Thread(target=_drive, args=(port, seen))
    driver.start()
    code = realtime.main(["--config", str(config), "--port", str(port), "--workers", "1",
                          "--poll-interval", "0.2",
                          "--public-url", f"http://127.0.0.1:{port}"])
    driver.join(5)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0, text
    assert seen == {"wrong": 404, "right": 200}
    assert "webhook: product.public.category (automation" in text
    assert "stopped: 1 webhooks" in text
    for secret in (WEBHOOK_SECRET, MAGENTO_PASSWORD, ODOO_KEY):
        assert secret not in text
    (action,) = [a for a in fakes.odoo.table("ir.actions.server").values()
                 if a.get("state") == "webhook"]
    assert action["webhook_url"] == f"http://127.0.0.1:{port}/odoo/webhook/{WEBHOOK_SECRET}"


def test_missing_secret(fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MAGODOO_WEBHOOK_SECRET")
    code = realtime.main(["--config", str(fakes.write_config(tmp_path))])
    assert code == 2
    err = capsys.readouterr().err
    assert "MAGODOO_WEBHOOK_SECRET" in err
    assert "Traceback" not in err


def test_short_secret(fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAGODOO_WEBHOOK_SECRET", "tiny-secret")
    code = realtime.main(["--config", str(fakes.write_config(tmp_path)), "--port", "0"])
    assert code == 2
    err = capsys.readouterr().err
    assert "realtime.secret" in err
    assert "tiny-secret" not in err


def test_port_in_use(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code = realtime.main(["--config", str(fakes.write_config(tmp_path)), "--port",
                              str(port)])
    assert code == 3
    err = capsys.readouterr().err
    assert "error:" in err and str(port) in err
    assert "Traceback" not in err
