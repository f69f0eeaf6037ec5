"""``python -m magodoo.testing.fake_magento`` serves a store and prints its URL and credentials."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_cli_serves_demo_store() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "magodoo.testing.fake_magento",
            "--port",
            str(port),
            "--seed",
            "demo",
            "--size",
            "small",
            "--rate-limit-every",
            "1000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/rest/V1/" in first
        assert "admin / magodoo123" in proc.stdout.readline()
        assert "consumer_key=" in proc.stdout.readline()
        base = f"http://127.0.0.1:{port}/rest/V1"
        token = None
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    base + "/integration/admin/token",
                    data=json.dumps({"username": "admin", "password": "magodoo123"}).encode(),
                    headers={"Content-Type": "application/json"},
                    method="POST",
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    token = json.loads(resp.read())
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        assert isinstance(token, str)
        req = urllib.request.Request(
            base + "/products?searchCriteria[pageSize]=1",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert json.loads(resp.read())["total_count"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
