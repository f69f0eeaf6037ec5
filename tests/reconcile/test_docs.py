"""docs/reconcile.md runs against the fakes (with the machinery of tests/docs; once the page is
in tests/docs/test_examples.PAGES this file can go)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.test_examples import ENVIRONMENTS, Block, blocks, run_block

PAGE = "reconcile.md"
PYTHON = [b for b in blocks(PAGE) if b.lang == "python"]


def test_the_page_has_runnable_examples() -> None:
    assert sum(1 for b in PYTHON if b.marker and b.marker[0] == "example") >= 2
    assert all(b.marker is not None for b in PYTHON)


@pytest.mark.parametrize(
    "block", [b for b in PYTHON if b.marker and b.marker[0] == "example"], ids=lambda b: b.id)
async def test_example_runs(block: Block, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert block.marker is not None
    monkeypatch.chdir(tmp_path)  # the page saves "report.csv": not into the checkout
    async with ENVIRONMENTS[block.marker[1]](tmp_path) as ns:
        await run_block(block, dict(ns))


def test_every_reconciler_has_its_columns_in_the_page() -> None:
    from magodoo.reconcile import default_reconcilers

    text = (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text()
    section = text[text.index("### The report's columns"):text.index("The kinds:")]
    rows = {line.split("|")[1].strip(): line for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| entity")}
    registry = default_reconcilers()
    assert set(rows) == set(registry.entities())
    for entity in registry.entities():
        reconciler = registry.get(entity)
        assert rows[entity].split("|")[2].strip().startswith(reconciler.source_of_truth)
        for field in reconciler.fields:
            shown = field.replace("[source]", "[<source>]")
            assert f"`{shown}`" in rows[entity], (entity, field)


def test_what_a_repair_leaves_by_hand_is_said_in_the_page() -> None:
    from magodoo.reconcile import default_reconcilers

    text = (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text()
    section = text[text.index("### The report's columns"):text.index("The kinds:")]
    rows = {line.split("|")[1].strip(): line for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| entity")}
    registry = default_reconcilers()
    by_hand = [e for e in registry.entities() if registry.get(e).by_hand is not None]
    assert by_hand
    for entity in by_hand:
        assert "by hand" in rows[entity], entity
