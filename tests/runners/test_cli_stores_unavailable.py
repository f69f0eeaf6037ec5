"""``magodoo sync`` with PostgreSQL stores it cannot open: one line, exit 3, no password."""

from __future__ import annotations

import os
import socket
import urllib.parse
from pathlib import Path

import pytest

from magodoo.__main__ import main
from magodoo.backends import open_postgres_stores
from magodoo.exceptions import StoreUnavailableError
from tests.runners.conftest import Fakes

WRONG = "Wr0ng-Passw0rd-42"


def _wrong_password_dsn() -> str:
    dsn = os.environ.get("MAGODOO_TEST_POSTGRES_DSN")
    if dsn:  # a real server that will refuse the password
        url = urllib.parse.urlsplit(dsn)
        netloc = f"{url.username or 'magodoo'}:{WRONG}@{url.hostname}:{url.port or 5432}"
        return urllib.parse.urlunsplit(url._replace(netloc=netloc))
    with socket.socket() as s:  # nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://magodoo:{WRONG}@127.0.0.1:{port}/postgres"


async def test_the_store_says_which_server_not_the_password() -> None:
    pytest.importorskip("asyncpg")
    with pytest.raises(StoreUnavailableError) as info:
        await open_postgres_stores(_wrong_password_dsn())
    assert "PostgreSQL at magodoo@127.0.0.1" in str(info.value)
    assert WRONG not in str(info.value)


def test_sync_exits_3_with_one_line(fakes: Fakes, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("asyncpg")
    config = fakes.write_config(tmp_path)
    text = config.read_text().replace('kind = "sqlite"', 'kind = "postgres"')
    config.write_text(text)
    monkeypatch.setenv("MAGODOO_POSTGRES_DSN", _wrong_password_dsn())
    assert main(["sync", "customers", "--direction", "m2o", "--config", str(config)]) == 3
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "StoreUnavailableError" in lines[0], out.err
    assert WRONG not in out.err + out.out
    assert "Traceback" not in out.err
