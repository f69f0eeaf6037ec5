"""``magodoo console``, ``magodoo console hash-password`` and ``magodoo realtime`` serving the
console (console.with_realtime)."""

from __future__ import annotations

import io
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from magodoo.cli import EXIT_CONFIG, EXIT_OK, main
from magodoo.console import CSP, check_password
from tests.runners.conftest import Fakes, fakes  # noqa: F401 - the fixture

from .conftest import HASHES, SECRET_KEY


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _console_toml(port: int, *, with_realtime: bool = False) -> str:
    return f"""
[console]
enabled = true
port = {port}
with_realtime = {'true' if with_realtime else 'false'}
[console.accounts.adam]
role = "admin"
password_hash = "{HASHES['adam']}"
"""


def _drive(url: str, seen: dict[str, object]) -> None:
    """Wait for the console, read the login page, then SIGTERM this process."""
    deadline = time.monotonic() + 15
    try:
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    seen["status"] = response.status
                    seen["csp"] = response.headers["Content-Security-Policy"]
                    seen["body"] = response.read().decode()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
    finally:
        os.kill(os.getpid(), signal.SIGTERM)


def test_hash_password_reads_stdin_and_prints_a_hash(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert main(["console", "hash-password"]) == EXIT_OK
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("$argon2id$") and "long enough" not in printed
    assert check_password(printed, "long enough password")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["console", "hash-password"]) == EXIT_CONFIG


def test_console_is_off_unless_configured(fakes: Fakes, tmp_path: Path,  # noqa: F811
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path)
    assert main(["console", "--config", str(config)]) == EXIT_CONFIG
    assert "console.enabled" in capsys.readouterr().err
    # enabled without a session key: refused before anything listens
    config = fakes.write_config(tmp_path, extra="")
    config.write_text(config.read_text() + _console_toml(_free_port()))
    assert main(["console", "--config", str(config)]) == EXIT_CONFIG
    assert "MAGODOO_CONSOLE_SECRET_KEY" in capsys.readouterr().err


def test_console_serves_until_sigterm(fakes: Fakes, tmp_path: Path,  # noqa: F811
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAGODOO_CONSOLE_SECRET_KEY", SECRET_KEY)
    port = _free_port()
    config = fakes.write_config(tmp_path)
    config.write_text(config.read_text() + _console_toml(port))
    seen: dict[str, object] = {}
    driver = threading.Thread(target=_drive, args=(f"http://127.0.0.1:{port}/login", seen))
    driver.start()
    assert main(["console", "--config", str(config)]) == EXIT_OK
    driver.join(10)
    assert seen["status"] == 200 and seen["csp"] == CSP
    assert 'name="csrf_token"' in str(seen["body"])
    out = capsys.readouterr().out
    assert f"console on http://127.0.0.1:{port}" in out and SECRET_KEY not in out


def test_realtime_serves_the_console_too(fakes: Fakes, tmp_path: Path,  # noqa: F811
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAGODOO_CONSOLE_SECRET_KEY", SECRET_KEY)
    port = _free_port()
    config = fakes.write_config(tmp_path, extra="[realtime]\nport = 0\n")
    config.write_text(config.read_text() + _console_toml(port, with_realtime=True))
    seen: dict[str, object] = {}
    driver = threading.Thread(target=_drive, args=(f"http://127.0.0.1:{port}/login", seen))
    driver.start()
    assert main(["realtime", "--config", str(config)]) == EXIT_OK
    driver.join(10)
    assert seen["status"] == 200
    assert f"console on http://127.0.0.1:{port}" in capsys.readouterr().out
