"""Every recorded error of the real server (samples/error-*.json) comes back the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from odoo_rpc import Rpc

from magodoo.testing.fake_odoo import FakeOdoo

PORTAL_UID, PORTAL_PASSWORD = 10, "portal-secret"
WRONG_SECRET = {
    "error-access-denied-wrong-apikey.json",
    "error-access-denied-wrong-password.json",
    "error-authenticate-wrong-password.json",
}


def _samples(reference: Path) -> list[Path]:
    return sorted((reference / "samples").glob("error-*.json"))


def _params(sample: dict[str, Any], fake: FakeOdoo, wrong: bool) -> dict[str, Any]:
    params: dict[str, Any] = json.loads(json.dumps(sample["request"]["json"]["params"]))
    args = params["args"]
    portal = len(args) > 1 and args[1] == PORTAL_UID
    for i, value in enumerate(args):
        if value == "***":
            args[i] = "not-the-key" if wrong else PORTAL_PASSWORD if portal else fake.api_key
    return params


async def test_error_samples_replay(odoo: Rpc, odoo_reference: Path) -> None:
    # the portal user the recordings used (uid 10, created for the test on the real server)
    odoo.fake.add_portal_user("Portal RPC Test", "portal-rpc", PORTAL_PASSWORD, uid=PORTAL_UID)
    checked = 0
    for path in _samples(odoo_reference):
        sample = json.loads(path.read_text())
        expected = sample["response"]["json"]
        got = await odoo.raw(_params(sample, odoo.fake, path.name in WRONG_SECRET),
                             expected["id"])
        assert got["id"] == expected["id"], path.name
        assert odoo.last_headers["Content-Type"] == "application/json; charset=utf-8"
        if "error" in expected:
            assert "error" in got, f"{path.name}: got {got.get('result')!r}"
            assert got["error"]["code"] == expected["error"]["code"] == 200
            assert got["error"]["message"] == expected["error"]["message"]
            data, real = got["error"]["data"], expected["error"]["data"]
            assert data["name"] == real["name"], path.name
            assert data["message"] == real["message"], path.name
            assert data["arguments"] == real["arguments"], path.name
            assert data["context"] == real["context"] == {}
            assert data["debug"].startswith("Traceback (most recent call last):")
            assert set(data) == set(real)
        else:
            assert got.get("result") == expected["result"], path.name
        checked += 1
    assert checked == len(_samples(odoo_reference)) == 32


async def test_summary_lists_every_sample(odoo_reference: Path) -> None:
    summary = json.loads((odoo_reference / "samples" / "errors-summary.json").read_text())
    assert {row["file"] for row in summary} == {p.name for p in _samples(odoo_reference)}


@pytest.mark.parametrize(
    ("model", "vals", "name", "message"),
    [
        ("res.partner", {"name": "x", "type": "billing"}, "builtins.ValueError",
         "Wrong value for res.partner.type: 'billing'"),
        ("res.partner", {"name": "x", "country_id": "US"}, "builtins.ValueError",
         "Wrong value for res.partner.country_id: 'US'"),
        ("res.partner", {"name": "x", "state_id": 999999}, "odoo.exceptions.ValidationError",
         "The operation cannot be completed: another model requires the record being deleted. "
         "If possible, archive it instead.\n\nModel: Contact (res.partner)\n"
         "Constraint: res_partner_state_id_fkey\n"),
        ("product.template", {"name": "x", "list_price": "abc"}, "builtins.ValueError",
         "could not convert string to float: 'abc'"),
        ("product.attribute", {"name": "Bad", "display_type": "dropdown"}, "builtins.ValueError",
         "Wrong value for product.attribute.display_type: 'dropdown'"),
        ("sale.order", {"partner_id": 10, "no_such_field": 1}, "builtins.ValueError",
         "Invalid field 'no_such_field' on model 'sale.order'"),
        ("sale.order.line", {"product_id": 44}, "odoo.exceptions.ValidationError",
         "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
         "- Delete: another model requires the record being deleted. If possible, archive it "
         "instead.\n\nModel: Sales Order Line (sale.order.line)\nField: Order Reference "
         "(order_id)\n"),
        ("sale.order", {"partner_id": 10, "date_order": "yesterday"}, "builtins.ValueError",
         "time data 'yesterday' does not match format '%Y-%m-%d %H:%M:%S'"),
    ],
)
async def test_invalid_creates_are_refused(
    odoo: Rpc, model: str, vals: dict[str, Any], name: str, message: str
) -> None:
    before = len(odoo.fake.table(model))
    error = await odoo.error(model, "create", [vals])
    assert (error["name"], error["message"]) == (name, message)
    assert len(odoo.fake.table(model)) == before  # rolled back


async def test_unknown_field_in_read_and_order(odoo: Rpc) -> None:
    error = await odoo.error("sale.order", "search_read", [], fields=["nope"])
    assert error["message"] == "Invalid field 'nope' on model 'sale.order'"
    error = await odoo.error("sale.order", "search", [["partner_id.nope", "=", 1]])
    assert error["name"] == "builtins.ValueError"


async def test_failed_call_rolls_back(odoo: Rpc) -> None:
    lines = len(odoo.fake.table("sale.order.line"))
    error = await odoo.error("sale.order", "create", [{
        "partner_id": 10,
        "order_line": [[0, 0, {"product_id": 44}], [0, 0, {"product_id": 44, "bad": 1}]],
    }])
    assert error["message"] == "Invalid field 'bad' on model 'sale.order.line'"
    assert len(odoo.fake.table("sale.order.line")) == lines


async def test_portal_user(odoo: Rpc) -> None:
    fake = odoo.fake
    uid = fake.add_portal_user("Deco Buyer", "deco", "pw", partner_id=19)  # Deco Addict's contact
    got = await odoo.raw({"service": "common", "method": "authenticate",
                          "args": [fake.database, "deco", "pw", {}]})
    assert got["result"] == uid

    async def call(model: str, method: str, *args: Any, **kw: Any) -> dict[str, Any]:
        result: dict[str, Any] = await odoo.raw({"service": "object", "method": "execute_kw",
                                                 "args": [fake.database, uid, "pw", model, method,
                                                          list(args), kw]})
        return result

    mine = await call("sale.order", "search_read", [], fields=["partner_id"])
    assert mine["result"] and {r["partner_id"][0] for r in mine["result"]} == {10}
    assert (await call("sale.order", "read", [mine["result"][0]["id"]], ["name"]))["result"]
    other = await call("sale.order", "read", [2], ["name"])
    assert other["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    assert "Deco Addict, Douglas Fletcher (id=" in other["error"]["data"]["message"]
    denied = await call("sale.order", "create", {"partner_id": 10})
    assert denied["error"]["data"]["message"].startswith(
        "You are not allowed to create 'Sales Order' (sale.order) records.")
    wrong = await call("res.partner", "search", [])
    assert wrong.get("result")


@pytest.mark.parametrize(
    ("vals", "message"),
    [
        ({"country_id": [233, "United States"]},
         "Wrong value for res.partner.country_id: [233, 'United States']"),
        ({"country_id": True}, "Wrong value for res.partner.country_id: True"),
        ({"color": "red"}, "invalid literal for int() with base 10: 'red'"),
    ],
)
async def test_wrong_types_are_refused(odoo: Rpc, vals: dict[str, Any], message: str) -> None:
    error = await odoo.error("res.partner", "create", [{"name": "x", **vals}])
    assert (error["name"], error["message"]) == ("builtins.ValueError", message)


async def test_datetime_writes_use_odoo_format(odoo: Rpc) -> None:
    so = await odoo("sale.order", "create", {"partner_id": 10,
                                              "date_order": "2026-11-20 10:15:00.5+00:00"})
    (row,) = await odoo("sale.order", "read", [so], ["date_order"])
    assert row["date_order"] == "2026-11-20 10:15:00"
    assert await odoo("sale.order", "write", [so], {"validity_date": "2026-12-01T00:00"})
    error = await odoo.error("sale.order", "write", [so], {"validity_date": "01/12/2026"})
    assert error["message"] == "time data '01/12/2026' does not match format '%Y-%m-%d'"
    error = await odoo.error("sale.order", "write", [so], {"date_order": "2026-11-20T10:15:00"})
    assert error["message"] == (
        "time data '2026-11-20T10:15:00' does not match format '%Y-%m-%d %H:%M:%S'")


SYNCED = [
    "res.partner", "res.country", "res.country.state", "res.currency", "res.company",
    "product.template", "product.product", "product.attribute", "product.attribute.value",
    "product.template.attribute.line", "product.template.attribute.value", "product.category",
    "product.public.category", "account.tax", "sale.order", "sale.order.line", "account.move",
    "account.move.line", "account.payment", "stock.picking", "stock.move", "stock.quant",
    "stock.warehouse", "stock.location", "delivery.carrier", "payment.method",
    "payment.provider", "base.automation", "ir.actions.server",
]


@pytest.mark.parametrize("model", SYNCED)
async def test_invalid_calls_per_model(odoo: Rpc, model: str) -> None:
    """The recorded templates hold for every synced model, not only the recorded ones."""
    fields = await odoo(model, "fields_get", attributes=["type", "selection", "readonly"])
    some_id = max(odoo.fake.table(model), default=None)
    invalid = f"Invalid field 'no_such_field' on model '{model}'"
    error = await odoo.error(model, "create", [{"no_such_field": 1}])
    assert (error["name"], error["message"]) == ("builtins.ValueError", invalid)
    error = await odoo.error(model, "search", [["no_such_field", "=", 1]])
    assert error["message"] == (
        f"Invalid field {model}.no_such_field in leaf ('no_such_field', '=', 1)")
    error = await odoo.error(model, "write", [999999], {"display_name": "x"})
    assert error["name"] == "odoo.exceptions.MissingError"
    assert error["message"] == (
        f"Record does not exist or has been deleted.\n(Record: {model}(999999,), User: 2)")
    error = await odoo.error(model, "_private", [1])
    assert error["message"] == (
        f"Private methods (such as '{model}._private') cannot be called remotely.")
    error = await odoo.error(model, "no_such_method", [1])
    assert error["message"] == f"The method '{model}.no_such_method' does not exist"
    assert await odoo(model, "read", [999999], ["id"]) == []
    if some_id is not None:
        error = await odoo.error(model, "read", [some_id], ["no_such_field"])
        assert error["message"] == invalid
        error = await odoo.error(model, "write", [some_id], {"no_such_field": 1})
        assert error["message"] == invalid
        selection = next((n for n, f in fields.items() if f["type"] == "selection"
                          and not f["readonly"] and f["selection"]), None)
        if selection:
            error = await odoo.error(model, "write", [some_id], {selection: "nope"})
            assert error["message"] == f"Wrong value for {model}.{selection}: 'nope'"
        many2one = next((n for n, f in fields.items() if f["type"] == "many2one"
                         and not f["readonly"]), None)
        if many2one:
            error = await odoo.error(model, "write", [some_id], {many2one: "x"})
            assert error["message"] == f"Wrong value for {model}.{many2one}: 'x'"
            error = await odoo.error(model, "write", [some_id], {many2one: 999999})
            table = model.replace(".", "_")
            assert error["message"].endswith(f"Constraint: {table}_{many2one}_fkey\n")


async def test_failed_call_rolls_back_rows_changed_in_place(odoo: Rpc) -> None:
    """The values a failed call wrote before failing come back, on seeded rows and on rows
    created by earlier calls alike; so do the rows a failed ``load`` updated by ``.id``."""
    fake = odoo.fake
    (so,) = await odoo("sale.order", "create", [{"partner_id": 10, "client_order_ref": "A"}])
    seeded = min(i for i, r in fake.table("sale.order").items() if i != so)
    before = {i: dict(fake.table("sale.order")[i]) for i in (so, seeded)}
    error = await odoo.error("sale.order", "write", [so, seeded], {
        "client_order_ref": "B", "order_line": [[0, 0, {"product_id": 44, "bad": 1}]]})
    assert error["message"] == "Invalid field 'bad' on model 'sale.order.line'"
    assert {i: dict(fake.table("sale.order")[i]) for i in (so, seeded)} == before
    result = await odoo("sale.order", "load", [".id", "client_order_ref", "date_order"],
                        [[str(so), "C", "2026-01-02 03:04:05"], [str(seeded), "D", "never"]])
    assert result["ids"] is False
    assert {i: dict(fake.table("sale.order")[i]) for i in (so, seeded)} == before
    again = await odoo("sale.order", "load", [".id", "client_order_ref"], [[str(so), "E"]])
    assert again["ids"] == [so] and fake.table("sale.order")[so]["client_order_ref"] == "E"
