"""The fast path of the converter reads exactly what the detailed path reads, and fails where
it fails with the same MappingError (issue 16: typed records at the speed of plain dicts).

Every comparison reads the same payload twice: on the generated fast path (the default) and
with :func:`magodoo._converter.set_fast_path` off (cattrs' detailed validation only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo import _converter
from magodoo._converter import FastField, FastHook, converter, set_fast_path
from magodoo.exceptions import MappingError
from magodoo.magento import BearerTokenAuth, MagentoClient
from magodoo.magento import models as m
from magodoo.magento._base import ApiModel
from magodoo.odoo import OdooClient
from magodoo.odoo import models as odoo_models
from magodoo.odoo.models import OdooRecord
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.magento.test_samples import PAGE, RESPONSES, _find, _route, _samples


@pytest.fixture
def detailed_only() -> Iterator[None]:
    set_fast_path(False)
    try:
        yield
    finally:
        set_fast_path(True)


def _read(model: type[ApiModel], payload: Any, *, fast: bool) -> Any:
    set_fast_path(fast)
    try:
        return model.from_api(payload)
    except MappingError as exc:
        return ("error", str(exc), exc.entity, exc.record, exc.field)
    finally:
        set_fast_path(True)


def _fields(record: Any) -> Any:
    """A record as nested plain values, with each field's exact type (``1`` is not ``1.0``)."""
    if attrs.has(type(record)):
        return (type(record).__name__, {
            a.name: _fields(getattr(record, a.name)) for a in attrs.fields(type(record))})
    if isinstance(record, tuple | list):
        return (type(record).__name__, [_fields(v) for v in record])
    if isinstance(record, dict):
        return ("dict", {k: _fields(v) for k, v in record.items()})
    if type(record).__name__ == "mappingproxy":  # a shared custom attribute's empty extra
        return ("dict", {k: _fields(v) for k, v in record.items()})
    return (type(record).__name__, record)


def assert_alike(model: type[ApiModel], payload: Any) -> None:
    fast, slow = _read(model, payload, fast=True), _read(model, payload, fast=False)
    assert _fields(fast) == _fields(slow), payload
    assert fast == slow
    if not isinstance(slow, tuple):
        assert fast.to_api() == slow.to_api()


def _fast_only(model: type[ApiModel], payload: Any) -> Any:
    hook = converter.get_structure_hook(model)
    assert isinstance(hook, FastHook)
    return hook.fast(payload)


def test_every_model_has_the_fast_path() -> None:
    for _, _, model, _ in RESPONSES:
        assert isinstance(converter.get_structure_hook(model), FastHook), model


def test_recorded_answers_are_read_alike_and_on_the_fast_path(reference_dir: Path) -> None:
    read = 0
    for path in _samples(reference_dir):
        sample = json.loads(path.read_text())
        request, response = sample["request"], sample["response"]
        if response["status"] >= 300 or request["method"] == "DELETE":
            continue
        row = _find(request["method"], _route(request["url"]), RESPONSES)
        if row is None:
            continue
        _, _, model, shape = row
        body = response["json"]
        items = body["items"] if shape == PAGE else body if isinstance(body, list) else [body]
        for item in items:
            assert_alike(model, item)
            _fast_only(model, item)  # a real answer never needs the detailed path
            read += 1
    assert read > 100


async def test_fake_answers_are_read_alike() -> None:
    fake = FakeMagento(seed="demo", size="small")
    routes = {"/V1/products": m.Product, "/V1/customers/search": m.Customer,
              "/V1/orders": m.Order, "/V1/invoices": m.Invoice,
              "/V1/categories/list": m.Category}
    async with serve(fake.app) as url, MagentoClient(
            url, auth=BearerTokenAuth(fake.admin_token()), store_code="all") as client:
        for route, model in routes.items():
            items = [item async for item in client.paginate(route)]
            assert items, route
            for item in items:
                assert_alike(model, item)
                _fast_only(model, item)


# Values each field type may meet: the fast path takes some as they are and hands the
# others to the converter's hooks or, when they fail, to the detailed path.
EDGES: list[tuple[type[ApiModel], dict[str, Any]]] = [
    (m.Product, {"id": "5", "price": "12.5000", "weight": 3, "status": ""}),
    (m.Product, {"id": 5.0, "price": 1, "visibility": "4", "attribute_set_id": " 9 "}),
    (m.Product, {"id": True}),
    (m.Product, {"id": 5.5}),
    (m.Product, {"price": "cheap", "sku": "S1"}),
    (m.Product, {"sku": 12, "name": 1.5}),
    (m.Product, {"sku": True}),
    (m.Product, {"sku": False, "name": None}),
    (m.Product, {"created_at": "", "updated_at": "2026-01-01 10:00:00"}),
    (m.Product, {"created_at": " 2026-01-01 10:00:00 ", "updated_at": "2026-01-01"}),
    (m.Product, {"created_at": "2026-01-01T10:00:00+02:00",
                 "updated_at": "2026-01-01T10:00:00Z"}),
    (m.Product, {"created_at": "2026-01-01 10:00:00.123456"}),
    (m.Product, {"created_at": "yesterday", "sku": "S2"}),
    (m.Product, {"created_at": 12}),
    (m.Product, {"custom_attributes": [{"attribute_code": "color", "value": "6"},
                                       {"attribute_code": "category_ids",
                                        "value": ["3", None, 4]},
                                       {"attribute_code": "score", "value": 1.5},
                                       {"attribute_code": "gone", "value": None},
                                       {"attribute_code": "odd", "value": "1", "more": [1]}]}),
    (m.Product, {"sku": "S3", "custom_attributes": [{"attribute_code": "x", "value": True}]}),
    (m.Product, {"sku": "S4", "custom_attributes": [{"value": "1"}]}),
    (m.Product, {"sku": "S5", "custom_attributes": [{"attribute_code": "x", "value": "1"},
                                                   "junk"]}),
    (m.Product, {"custom_attributes": ({"attribute_code": "x", "value": "1"},)}),
    (m.Product, {"custom_attributes": [], "product_links": [], "options": None}),
    (m.Product, {"custom_attributes": {"attribute_code": "x"}}),
    (m.Product, {"extension_attributes": {"website_ids": [1], "stock_item": {"qty": 1}}}),
    (m.Product, {"extension_attributes": {1: "a"}}),
    (m.Product, {"extension_attributes": []}),
    (m.Product, {"sku": "S6", "extra": {"a": 1}, "unknown": None, "other": [1]}),
    (m.Product, {"media_gallery_entries": [{"id": 1, "types": ["image", None],
                                            "disabled": False, "content": None}]}),
    (m.Product, {"media_gallery_entries": [{"id": 1, "disabled": "0"},
                                           {"id": 2, "disabled": ""}]}),
    (m.Product, {"media_gallery_entries": [{"id": 1, "disabled": "maybe"}]}),
    (m.Customer, {"id": 7, "addresses": [{"id": 1, "street": ["1 Main St", None],
                                          "region": {"region_id": "12", "region": None},
                                          "default_billing": True,
                                          "default_shipping": False}]}),
    (m.Customer, {"id": 8, "addresses": [{"id": 1, "region": "Texas"}]}),
    (m.Customer, {"id": 9, "gender": "1", "group_id": {"id": 1}}),
    (m.Customer, {"id": 10, "addresses": None, "custom_attributes": None}),
    (m.Order, {"entity_id": 4102, "increment_id": "000004102", "status": None,
               "payment": {"method": "checkmo",
                           "additional_information": ["1", None, 2]},
               "items": [{"item_id": 1, "sku": "S1", "qty_ordered": "1.0000",
                          "product_option": None}]}),
    (m.Order, {"entity_id": 4103, "items": [{"item_id": "x"}]}),
    (m.TaxRule, {"id": 3, "code": "r", "tax_rate_ids": [1, None, "2"]}),
    (m.TaxRule, {"id": 3, "tax_rate_ids": "1"}),
    (m.CategoryTree, {"id": 1, "is_active": None, "children_data": [
        {"id": 2, "is_active": True, "children_data": [{"id": 3, "is_active": 0}]}]}),
    (m.CategoryTree, {"id": 1, "children_data": [{"id": 2, "children_data": [{"id": "x"}]}]}),
    (m.CustomAttribute, {"attribute_code": "color"}),
    # text and numbers the converter refuses (control characters, NaN, infinities)
    (m.Product, {"sku": "S9", "name": "bad\x00name"}),
    (m.Product, {"sku": "S10", "name": "tab\there\r\nand \u00a0 \u2028 kept", "type_id": "é"}),
    (m.Product, {"sku": "S11", "price": float("nan")}),
    (m.Product, {"sku": "S12", "weight": float("inf"), "price": "-inf"}),
    (m.Product, {"sku": "S13", "custom_attributes": [{"attribute_code": "x", "value": "b\x07"}]}),
    (m.Product, {"sku": "S14", "custom_attributes": [{"attribute_code": "x\x1b", "value": "1"}]}),
    (m.Product, {"sku": "S15", "extension_attributes": {"bad\x01key": 1}}),
    (m.Product, {"sku": "S16", "media_gallery_entries": [{"id": 1, "types": ["ok", "b\x7f"]}]}),
    (m.Customer, {"id": 11, "addresses": [{"id": 1, "street": "0 Main St"}]}),
    (m.Customer, {"id": 12, "addresses": [{"id": 1, "street": ["ok", "bad\x1f"]}]}),
    (m.Customer, {"id": 13, "addresses": [{"id": -1}]}),
    (m.Customer, {"id": 0}),
    (m.CustomAttribute, {"value": "1"}),
]


@pytest.mark.parametrize(("model", "payload"), EDGES)
def test_edge_values_are_read_alike(model: type[ApiModel], payload: dict[str, Any]) -> None:
    assert_alike(model, payload)


@pytest.mark.parametrize("payload", ["product", 12, None, ["a"]])
def test_a_record_that_is_not_an_object_fails_alike(payload: Any) -> None:
    assert_alike(m.Product, payload)
    with pytest.raises(MappingError):
        m.Product.from_api(payload)


def test_a_bad_record_names_its_field_path_as_before() -> None:
    payload = {"sku": "S7", "custom_attributes": [
        {"attribute_code": "a", "value": "1"}, {"attribute_code": "b", "value": {"x": 1}}]}
    with pytest.raises(MappingError) as caught:
        m.Product.from_api(payload)
    assert caught.value.record == "S7"
    assert caught.value.field == "$.custom_attributes[1].value"
    assert_alike(m.Product, payload)


def test_equal_custom_attributes_are_one_read_only_object() -> None:
    one = m.Product.from_api({"sku": "A", "custom_attributes": [
        {"attribute_code": "tax_class_id", "value": "2"}]})
    two = m.Product.from_api({"sku": "B", "custom_attributes": [
        {"attribute_code": "tax_class_id", "value": "2"}]})
    assert one.custom_attributes == two.custom_attributes
    shared = (one.custom_attributes or ())[0]
    assert shared is (two.custom_attributes or ())[0]
    assert shared == m.CustomAttribute(attribute_code="tax_class_id", value="2")
    with pytest.raises(TypeError):
        shared.extra["x"] = 1  # type: ignore[index]
    assert shared.to_api() == {"attribute_code": "tax_class_id", "value": "2"}
    # a pair with more keys, or a list value, is its own object with its own extra
    odd = m.CustomAttribute.from_api({"attribute_code": "a", "value": "1", "more": 1})
    assert odd.extra == {"more": 1}
    many = m.CustomAttribute.from_api({"attribute_code": "ids", "value": ["1"]})
    assert many.value == ["1"] and many.extra == {}


def test_timestamps_are_parsed_once_and_stay_right() -> None:
    first = m.Product.from_api({"created_at": "2026-03-04 05:06:07"})
    again = m.Product.from_api({"updated_at": "2026-03-04 05:06:07"})
    assert first.created_at is again.updated_at  # immutable: one object serves both
    assert first.created_at == _converter.parse_datetime("2026-03-04 05:06:07")


def test_the_detailed_path_alone_still_reads(detailed_only: None) -> None:
    product = m.Product.from_api({"sku": "S8", "price": "1.5", "custom_attributes": [
        {"attribute_code": "x", "value": None}]})
    assert product.price == 1.5 and product.custom("x") == ""


# ---- Odoo records ----------------------------------------------------------------------


def _odoo_models() -> list[type[OdooRecord]]:
    return [value for name in odoo_models.__all__
            if isinstance(value := getattr(odoo_models, name), type)
            and issubclass(value, OdooRecord) and value is not OdooRecord]


def _read_odoo(model: type[OdooRecord], row: Any, *, fast: bool) -> Any:
    set_fast_path(fast)
    try:
        return model.from_api(row)
    except Exception as exc:  # Odoo records raise what cattrs raises
        return ("error", type(exc).__name__, str(exc),
                [str(e) for e in getattr(exc, "exceptions", ())])
    finally:
        set_fast_path(True)


def assert_odoo_alike(model: type[OdooRecord], row: Any) -> None:
    fast, slow = _read_odoo(model, row, fast=True), _read_odoo(model, row, fast=False)
    assert _fields(fast) == _fields(slow), row
    assert fast == slow


async def test_fake_odoo_rows_are_read_alike_and_on_the_fast_path() -> None:
    fake = FakeOdoo(seed="demo", api_key="k")
    read = 0
    async with serve(fake.app) as url, OdooClient(url, "magodoo", "admin", api_key="k") as odoo:
        for model in _odoo_models():
            rows = [row async for row in odoo.search_read(model.MODEL, [],
                                                          fields=list(model.FIELDS))]
            for row in rows:
                assert_odoo_alike(model, row)
                hook = converter.get_structure_hook(model)
                assert isinstance(hook, FastHook)
                hook.fast(row)
                read += 1
    assert read > 100


ODOO_EDGES: list[dict[str, Any]] = [
    {"id": 1, "name": False, "parent_id": False, "child_ids": [], "is_company": False,
     "active": True, "customer_rank": 0, "write_date": False},
    {"id": 2, "name": "Ada", "parent_id": [7, "Acme"], "country_id": [233, False],
     "state_id": 5, "child_ids": [3, 4], "write_date": "2026-01-02 03:04:05",
     "unknown_field": [1, 2]},
    {"id": 3, "parent_id": [], "name": "x"},
    {"id": 4, "parent_id": ["7", "Acme"]},
    {"id": 5, "child_ids": False},
    {"id": 6, "child_ids": [1, "2", True]},
    {"id": "7", "customer_rank": 1.0, "is_company": 1, "active": "true"},
    {"id": True},
    {"id": 8, "name": 12, "email": None, "write_date": ""},
    {"id": 9, "write_date": "2026-01-02T03:04:05+02:00", "vat": ""},
    {"id": 10, "name": "bad\x00", "parent_id": [0, "x"]},
    {"id": 11, "parent_id": [False]},
    {"id": 12, "name": "line\nbreak", "country_id": [-3, "x"]},
    {"id": 0},
]


@pytest.mark.parametrize("row", ODOO_EDGES)
def test_odoo_edge_values_are_read_alike(row: dict[str, Any]) -> None:
    assert_odoo_alike(odoo_models.Partner, row)


# ---- the generated constructor keeps what attrs' __init__ does ---------------------------


@attrs.frozen
class _Checked:
    n: int = attrs.field(validator=attrs.validators.ge(0))


@attrs.frozen
class _Hooked:
    n: int = 0
    seen: list[int] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.seen.append(self.n)


@attrs.frozen
class _Plain:
    n: int = 0
    name: str | None = None


def _hook(cls: type) -> FastHook:
    return FastHook(cls, [FastField("n", "n", int)], lambda data, _: "detailed",
                    drop_none=True, extra=None)


def test_validators_and_init_hooks_still_run_on_the_fast_path() -> None:
    checked = _hook(_Checked)
    assert checked.fast({"n": 1}) == _Checked(1)
    with pytest.raises(ValueError):
        checked.fast({"n": -1})
    assert checked({"n": -1}, _Checked) == "detailed"
    hooked = _hook(_Hooked).fast({"n": 3})
    assert hooked.seen == [3]


def test_a_plain_frozen_class_is_built_without_its_init() -> None:
    hook = FastHook(_Plain, [FastField("n", "n", int), FastField("name", "name", str | None)],
                    lambda data, _: "detailed", drop_none=True, extra=None)
    built = hook.fast({"n": 2, "name": "x", "other": 1})
    assert built == _Plain(2, "x") and type(built) is _Plain
    assert hook.fast({}) == _Plain()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.n = 3  # type: ignore[misc]
