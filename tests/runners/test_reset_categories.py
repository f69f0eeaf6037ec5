"""``magodoo reset-categories`` against the fakes: dry run, refusal off a terminal, --yes."""

from __future__ import annotations

from pathlib import Path

import pytest

from magodoo.__main__ import main
from tests.runners.conftest import Fakes


def test_dry_run_then_refused_off_a_terminal_then_yes(
    fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = fakes.write_config(tmp_path)
    assert main(["sync", "categories", "--direction", "o2m", "--config", str(config)]) == 0
    count = len(fakes.odoo.table("product.public.category"))
    before = {c["id"] for c in fakes.magento.state.categories if c["id"] > 2}
    capsys.readouterr()
    assert main(["reset-categories", "--config", str(config), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would delete {count} Magento categories" in out
    assert out.count("  create odoo ") == count
    assert {c["id"] for c in fakes.magento.state.categories if c["id"] > 2} == before
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["reset-categories", "--config", str(config)]) == 2
    assert main(["reset-categories", "--config", str(config), "--yes"]) == 0
    assert f"created {count}, failed 0" in capsys.readouterr().out
    after = {c["id"] for c in fakes.magento.state.categories if c["id"] > 2}
    assert len(after) == count and not after & before
