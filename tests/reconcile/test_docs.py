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
async def test_example_runs(block: Block, tmp_path: Path) -> None:
    assert block.marker is not None
    async with ENVIRONMENTS[block.marker[1]](tmp_path) as ns:
        await run_block(block, dict(ns))
