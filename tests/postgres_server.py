"""The session's PostgreSQL server, shared by every test that needs one.

``MAGODOO_TEST_POSTGRES_DSN`` if set; otherwise a throwaway server is started the first time a
DSN is asked for, from ``/usr/lib/postgresql/*/bin`` (as the ``postgres`` OS user when we are
root, since initdb refuses root), on a free loopback port with trust auth, and stopped when
the session ends (``tests/conftest.py``). If neither is possible, :meth:`PostgresServer.dsn`
skips the test with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import attrs
import pytest

ENV_DSN = "MAGODOO_TEST_POSTGRES_DSN"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


@attrs.define
class PostgresServer:
    """Starts a throwaway server the first time a DSN is asked for."""

    dsn_value: str | None = None
    skip_reason: str | None = None
    tmpdir: Path | None = None
    bindir: Path | None = None
    as_user: list[str] = attrs.field(factory=list)

    def dsn(self) -> str:
        if self.dsn_value is None and self.skip_reason is None:
            self._start()
        if self.dsn_value is None:
            pytest.skip(self.skip_reason or "no PostgreSQL")
        return self.dsn_value

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def _start(self) -> None:
        env_dsn = os.environ.get(ENV_DSN)
        if env_dsn:
            self.dsn_value = env_dsn
            return
        bindir = _pg_bin()
        if bindir is None:
            self.skip_reason = f"no PostgreSQL under /usr/lib/postgresql and {ENV_DSN} unset"
            return
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                self.skip_reason = "running as root without runuser to start PostgreSQL"
                return
            self.as_user = ["runuser", "-u", "postgres", "--"]
        tmp = Path(tempfile.mkdtemp(prefix="magodoo-pg-"))
        self.tmpdir, self.bindir = tmp, bindir
        if self.as_user:
            shutil.chown(tmp, "postgres", "postgres")
        port = _free_port()
        try:
            self._run(
                str(bindir / "initdb"),
                "-D",
                str(tmp / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
            self._run(
                str(bindir / "pg_ctl"),
                "-D",
                str(tmp / "data"),
                "-l",
                str(tmp / "log"),
                "-w",
                "-o",
                f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off",
                "start",
            )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            self.skip_reason = f"could not start PostgreSQL: {exc} {detail.decode()[-500:]}"
            return
        self.dsn_value = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def stop(self) -> None:
        if self.tmpdir is None or self.bindir is None:
            return
        if self.dsn_value is not None:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.tmpdir / "data"),
                    "-m",
                    "fast",
                    "stop",
                )
        shutil.rmtree(self.tmpdir, ignore_errors=True)


SERVER = PostgresServer()
"""The one server of the session."""
