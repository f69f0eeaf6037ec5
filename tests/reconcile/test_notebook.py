"""docs/reconciliation.ipynb runs top to bottom (nbclient, a real kernel) against the fakes and
finds exactly the drifts it plants, then a clean report after the repair."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "reconciliation.ipynb"
PLANTED = [("categories", "field_mismatch", "name"), ("customers", "field_mismatch", "street"),
           ("orders", "missing_in_odoo", "increment_id"), ("prices", "field_mismatch", "price"),
           ("stock", "field_mismatch", "quantity[default]")]


def _text(cell: Any) -> str:
    out = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            out.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            out.append("ERROR " + output.get("ename", "") + ": " + output.get("evalue", ""))
    return "".join(out)


def test_the_notebook_runs_and_finds_exactly_the_planted_drifts(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:  # what is checked is what this run prints
        if cell.cell_type == "code":
            cell.outputs = []
    with warnings.catch_warnings():  # the Jupyter machinery's own deprecation notices
        warnings.simplefilter("ignore")
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    texts = [_text(c) for c in notebook.cells if c.cell_type == "code"]
    assert not any("ERROR" in t for t in texts)
    planted = next(t for t in texts if t.startswith("[('categories'"))
    assert ast.literal_eval(planted.strip()) == PLANTED
    found = next(t for t in texts if "differences in" in t and "magento:" in t)
    assert len(found.splitlines()) == 1 + len(PLANTED)  # the report's line, then the drift
    assert "prices field_mismatch price magento: 999.99" in found
    new_order = next(t for t in texts if t.startswith("planted; new Magento order"))
    order_id = new_order.split()[-1]
    order = next(line for line in found.splitlines() if line.startswith("orders"))
    assert order.startswith("orders missing_in_odoo increment_id magento: 0000000")
    assert order.endswith("odoo: None")
    repaired = next(t for t in texts if "drift left" in t)
    assert "drift left: []" in repaired
    queued = repaired.splitlines()[0]  # the repair's real jobs in the queue, forced
    assert queued.startswith("5 forced jobs queued: ")
    assert ("orders", order_id) in ast.literal_eval(queued.split(": ", 1)[1])
    plan = next(t for t in texts if "left to do by hand" in t)
    lines = [line.split() for line in plan.splitlines()[:-1]]
    assert sorted((w[0], w[1], w[3]) for w in lines) == [
        ("categories", "o2m", "sync"), ("customers", "m2o", "sync"), ("orders", "m2o", "sync"),
        ("prices", "o2m", "sync"), ("stock", "o2m", "sync")]
    assert (["orders", "m2o", order_id, "sync", "missing_in_odoo", "increment_id"]
            in lines)
    assert any("report.csv 5 rows" in t for t in texts)
