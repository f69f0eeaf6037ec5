"""``python -m magodoo demo``: both fakes, the real engine, two passes, a readable summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from magodoo.__main__ import main


def test_demo_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--size", "small", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if re.match(r"^[12] +\w+ +(m2o|o2m) ", line)]
    by_pass = {(r[0], r[1], r[2]): r for r in rows}  # categories go both ways
    assert {entity for _, entity, _ in by_pass} >= {"customers", "categories"}
    for (number, entity, direction), row in by_pass.items():
        created, updated, deleted, skipped, failed = map(int, row[3:8])
        if number == "1":
            assert created + int(row[6]) > 0, row  # written, or echoes of the other way
        else:  # the second pass rewrites nothing: everything is skipped as unchanged
            assert (created, updated, deleted) == (0, 0, 0), row
            written = sum(int(r[3]) + int(r[4]) for (n, e, _), r in by_pass.items()
                          if n == "1" and e == entity)  # both directions' records
            assert skipped == written, row
            first = by_pass[("1", entity, direction)]
            assert failed == int(first[7]), row  # a failure is retried, not hidden
            assert "unchanged" in " ".join(row[8:])
    assert re.search(r"pass 1: \d+ requests to Magento, \d+ to Odoo", out)
    assert re.search(r"sync log entries: [1-9]\d*", out)
    assert "Magento customer" in out and "-> Odoo res.partner" in out and "child" in out
    assert "Odoo category:" in out and "Magento category: Default Category / " in out
    assert (tmp_path / "magodoo-demo.sqlite3").exists()
    assert "magodoo123" not in out and "magodoo-test-key" not in out


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "check", "sync", "realtime"):
        assert command in out
