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


def test_failure_count_comes_from_the_totals_not_the_outcomes_kept() -> None:
    """A pass keeps at most engine.keep_outcomes failed records; the summary counts them all."""
    from magodoo.backends import Direction
    from magodoo.cli.sync import MAX_FAILURES_SHOWN, Row, failure_lines
    from magodoo.engine import Outcome, RecordOutcome, SyncResult

    kept = tuple(RecordOutcome(str(i), Outcome.FAILED, reason="boom") for i in range(3))
    result = SyncResult("customers", Direction.MAGENTO_TO_ODOO, records=kept,
                        counts={Outcome.FAILED: 5000})
    lines = failure_lines([Row("customers", "m2o", result)])
    assert lines[0] == "failures (5000):"
    assert f"and {5000 - MAX_FAILURES_SHOWN} more" in lines[-1]
