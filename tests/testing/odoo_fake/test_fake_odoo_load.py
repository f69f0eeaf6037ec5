"""``model.load`` replayed from the recordings of a real Odoo 18 (``samples/load``), in order,
on a fresh demo fake: results equal once the ids are shifted (one constant per model, so the ids
a rolled-back row consumed count too), errors by name and message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from odoo_rpc import Rpc

from magodoo.testing.fake_odoo import FakeOdoo

FIRST_NEW = {"res.partner": 51160, "ir.model.data": 44799}  # the first id each run created


def _samples(odoo_reference: Path) -> list[dict[str, Any]]:
    folder = odoo_reference / "samples" / "load"
    if not folder.is_dir():
        pytest.skip("reference samples not found")
    return [json.loads(p.read_text()) for p in sorted(folder.glob("load-*.json"))]


def _shift(value: Any, model: str, delta: dict[str, int]) -> Any:
    """``value`` with the recorded new ids of ``model`` moved by ``delta[model]``."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value + delta[model] if value >= FIRST_NEW[model] else value
    if isinstance(value, list):
        return [_shift(v, model, delta) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("id", "ids", "parent_id", "res_id"):
                item = _shift(item, "ir.model.data" if model == "ir.model.data" and key == "id"
                              else "res.partner", delta)
            out[key] = item
        return out
    return value


async def test_load_replayed(odoo: Rpc, fake_odoo: FakeOdoo, odoo_reference: Path) -> None:
    samples = _samples(odoo_reference)
    assert len(samples) == 18
    delta: dict[str, int] = {}
    for sample in samples:
        params = sample["request"]["params"]
        _db, _uid, _pw, model, method, args, kwargs = params["args"]
        if method == "unlink":
            args = [_shift(args[0], model, delta)]
        answer = await odoo.call_raw(model, method, *args, **kwargs)
        expected = sample["response"]
        if "error" in expected:
            assert "error" in answer, sample["name"]
            for key in ("name", "message", "arguments"):
                assert answer["error"]["data"][key] == expected["error"]["data"][key]
            continue
        assert "error" not in answer, (sample["name"], answer["error"]["data"]["message"])
        result, recorded = answer["result"], expected["result"]
        if sample["name"] == "create-two-partners-with-external-ids":
            delta["res.partner"] = result["ids"][0] - recorded["ids"][0]
        if model == "ir.model.data":
            delta["ir.model.data"] = result[0]["id"] - recorded[0]["id"]
        assert result == _shift(recorded, model, delta), sample["name"]


async def test_load_rolls_back_the_whole_call(odoo: Rpc, fake_odoo: FakeOdoo) -> None:
    before = len(fake_odoo.table("res.partner"))
    rows = [["t.good", "Good", "base.us"], ["t.bad", "Bad", "base.nope"], ["t.x", "", "base.de"]]
    result = await odoo("res.partner", "load", ["id", "name", "country_id/id"], rows)
    assert result["ids"] is False
    assert [(m["record"], m["rows"]) for m in result["messages"]] == [
        (1, {"from": 1, "to": 1}), (2, {"from": 2, "to": 2})]
    assert result["messages"][1]["message"] == "'Contacts require a name'"
    assert len(fake_odoo.table("res.partner")) == before
    assert not fake_odoo.table("ir.model.data")


async def test_load_converts_and_refuses_values(odoo: Rpc) -> None:
    result = await odoo("res.partner", "load", ["id", "name", "type", "is_company"],
                        [["t.a", "A", "Delivery Address", "true"], ["t.b", "B", "bogus", "0"]])
    assert result["ids"] is False
    (message,) = result["messages"]
    assert message["message"] == "Value 'bogus' not found in selection field 'Address Type'"
    assert (message["field"], message["record"]) == ("type", 1)
    ok = await odoo("res.partner", "load", ["id", "name", "type", "is_company"],
                    [["t.a", "A", "Delivery Address", "true"]])
    (rid,) = ok["ids"]
    (row,) = await odoo("res.partner", "read", [rid], ["type", "is_company"])
    assert (row["type"], row["is_company"]) == ("delivery", True)
    bad = await odoo.error("res.partner", "load", ["id", "child_ids/nope"], [["t.c", "x"]])
    assert bad["name"] == "builtins.ValueError"
    assert bad["message"] == "Invalid field name 'nope'"


def test_execute_leaves_the_callers_kwargs_alone() -> None:
    from magodoo.testing import FakeOdoo

    fake = FakeOdoo(seed="demo")
    kwargs = {"context": {"lang": "fr_FR"}, "fields": ["name"], "limit": 1}
    fake.execute("res.partner", "search_read", [[]], kwargs)
    assert kwargs == {"context": {"lang": "fr_FR"}, "fields": ["name"], "limit": 1}


def test_load_reads_datetimes_in_the_context_or_user_time_zone() -> None:
    """``ir.fields.converter._str_to_datetime``: the text is local time of the context's
    ``tz`` (else the user's, else UTC) and stored in UTC; a bad text is a row message."""
    from magodoo.testing import FakeOdoo

    fake = FakeOdoo(seed="demo")
    (partner,) = [r["id"] for r in fake.table("res.partner").values() if r.get("email")][:1]
    (oid,), _ = fake.execute("sale.order", "create", [[{"partner_id": partner}]], {})

    def load(date: str, **context: Any) -> Any:
        result, _ = fake.execute("sale.order", "load", [[".id", "date_order"], [[str(oid), date]]],
                                 {"context": context})
        return result

    def stored() -> str:
        (row,), _ = fake.execute("sale.order", "read", [[oid], ["date_order"]], {})
        return str(row["date_order"])

    assert load("2026-11-20 10:15:00", tz="UTC")["ids"] == [oid]
    assert stored() == "2026-11-20 10:15:00"
    assert load("2026-11-20 10:15:00", tz="Europe/Brussels")["ids"] == [oid]
    assert stored() == "2026-11-20 09:15:00"
    assert load("2026-07-01")["ids"] == [oid]  # no tz anywhere: UTC; a date is midnight
    assert stored() == "2026-07-01 00:00:00"
    bad = load("20/11/2026", tz="UTC")
    assert bad["ids"] is False
    (message,) = bad["messages"]
    assert message["message"] == (
        "'20/11/2026' does not seem to be a valid datetime for field 'Order Date'")
    assert stored() == "2026-07-01 00:00:00"
