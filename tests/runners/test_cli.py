"""The ``magodoo`` command's check and sync subcommands (same code as the runners)."""

from __future__ import annotations

from pathlib import Path

import pytest

from magodoo.__main__ import main
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, Fakes


def test_check(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(fakes.write_config(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["magento", "ok"]
    assert out.splitlines()[1].split()[:2] == ["odoo", "ok"]
    assert "version=18.0" in out


def test_check_wrong_key(fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MAGODOO_ODOO_API_KEY", "not-the-right-key-123")
    assert main(["check", "--config", str(fakes.write_config(tmp_path))]) == 3
    out = capsys.readouterr()
    text = out.out + out.err
    assert "odoo     FAILED" in text
    assert "not-the-right-key-123" not in text and MAGENTO_PASSWORD not in text


def test_sync_positional_entity(fakes: Fakes, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    fakes.add_customer(7)
    config = str(fakes.write_config(tmp_path))
    assert main(["sync", "customers", "--direction", "m2o", "--config", config]) == 0
    out = capsys.readouterr().out
    (row,) = [line.split() for line in out.splitlines() if line.startswith("customers")]
    assert row[1:7] == ["m2o", "1", "0", "0", "0", "0"]
    assert ODOO_KEY not in out
    assert main(["sync", "customers", "--all", "--config", config]) == 2
    assert "not both" in capsys.readouterr().err
