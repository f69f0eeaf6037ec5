"""Reading answers with orjson gives exactly what ``json.loads`` gives, or ``json.loads`` reads."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import random
import struct
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from magodoo import _json
from magodoo._json import dumps, loads


def same(a: Any, b: Any) -> bool:
    """Equal, of the same types all the way down (``-0.0`` is not ``0.0``, ``nan`` is ``nan``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b) and (math.isnan(a) or a == b)
    return bool(a == b)


@pytest.fixture(params=["orjson", "standard library"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "standard library":
        monkeypatch.setattr(_json, "orjson", None)
    return str(request.param)


EDGES = [
    b'{"id": 7, "price": 19.99, "qty": -0.0, "name": "caf\\u00e9 \xc3\xa9", "none": null}',
    b'{"a": 1, "a": 2}',  # the last one wins
    b"[18446744073709551615, 9223372036854775807, -9223372036854775808]",
    b"[18446744073709551616, -9223372036854775809, 123456789012345678901234567890]",
    b'{"token": "1234567890123456789012"}',  # a long number in a string
    b"[NaN, Infinity, -Infinity, 1e400]",
    b'"\\ud800"',  # a lone surrogate
    '{"x": [1.5]}'.encode("utf-16"),  # JSON in UTF-16 with a BOM
    b'\xef\xbb\xbf{"bom": true}',  # UTF-8 with a BOM: json refuses it too
    b"[0.1, 1e-7, 5e-324, 1.7976931348623157e308, 0.30000000000000004]",
]


@pytest.mark.parametrize("body", EDGES, ids=range(len(EDGES)))
def test_edge_cases_read_as_json_loads_reads_them(body: bytes, reader: str) -> None:
    try:
        expected = json.loads(body)
    except ValueError as exc:
        with pytest.raises(type(exc)) as caught:
            loads(body)
        assert str(caught.value) == str(exc)
    else:
        assert same(loads(body), expected)


def test_big_integers_stay_integers() -> None:
    got = loads(b'{"id": 18446744073709551616, "low": -9223372036854775809}')
    assert got == {"id": 18446744073709551616, "low": -9223372036854775809}
    assert all(type(v) is int for v in got.values())


@pytest.mark.parametrize("body", [b"", b"nope", b'{"a": ', b"<html>502</html>", b"{'a': 1}"])
def test_not_json_raises_the_standard_error(body: bytes, reader: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        loads(body)
    with pytest.raises(json.JSONDecodeError) as plain:
        json.loads(body)
    assert str(caught.value) == str(plain.value)


def test_every_reference_file_reads_as_json_loads_reads_it(reference_dir: Path) -> None:
    """Real answers and schemas (Magento's recordings, Odoo's fields and errors): the raw
    files and the recorded answers written out again."""
    files = sorted(reference_dir.rglob("*.json"))
    assert len(files) > 300
    for path in files:
        raw = path.read_bytes()
        expected = json.loads(raw)
        assert same(loads(raw), expected), path
        answer = expected.get("response", {}).get("json") if isinstance(expected, dict) else None
        if answer is not None:
            for text in (json.dumps(answer), json.dumps(answer, ensure_ascii=False)):
                assert same(loads(text.encode()), json.loads(text)), path


class Level(enum.IntEnum):
    HIGH = 3


class Code(enum.StrEnum):
    EUR = "EUR"


class Plain(enum.Enum):
    ONE = 1


@dataclasses.dataclass
class Point:
    x: int


WRITTEN = [
    {"jsonrpc": "2.0", "method": "call", "params": {"args": [1, "caf\u00e9", 2.5, True, False]},
     "id": 7},
    [{"sku": "MH01", "price": 19.99, "qty": -0.0, "tags": ["a", "\u00e9\u4e2d\U0001f600"]}],
    {"none": None, "list": [None]},
    {"nan": math.nan, "inf": [math.inf, -math.inf]},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    {"big": 2**70, "low": -(2**64), "u64": 2**64 - 1},
    {"enum": Level.HIGH, "str enum": Code.EUR},
    "\ud800 a lone surrogate",
    [1e16, 1e-7, 5e-324, 1.7976931348623157e308, 0.1, 123456789.0],
    (1, (2, 3)),
    {},
    [],
]


@pytest.mark.parametrize("value", WRITTEN, ids=range(len(WRITTEN)))
def test_written_values_are_those_json_dumps_writes(value: Any, reader: str) -> None:
    body = dumps(value)
    assert isinstance(body, bytes)
    assert same(json.loads(body), json.loads(json.dumps(value)))


@pytest.mark.parametrize("value", [
    {"nan": math.nan}, {1: "a"}, {"big": 2**70}, "\ud800", {"none": None},
], ids=["nan", "int key", "big int", "surrogate", "null"])
def test_what_orjson_writes_otherwise_is_written_by_json_dumps(value: Any) -> None:
    assert dumps(value) == json.dumps(value).encode()


@pytest.mark.parametrize("value", [
    {"at": datetime.datetime(2026, 1, 2, 3, 4, 5)}, {"on": datetime.date(2026, 1, 2)},
    {"p": Point(1)}, {"d": Decimal("1.5")}, {"s": {1, 2}}, {"b": b"bytes"},
], ids=["datetime", "date", "dataclass", "decimal", "set", "bytes"])
def test_what_json_dumps_refuses_is_refused_alike(value: Any, reader: str) -> None:
    with pytest.raises(TypeError) as plain:
        json.dumps(value)
    with pytest.raises(TypeError) as caught:
        dumps(value)
    assert str(caught.value) == str(plain.value)


def test_floats_are_written_to_the_same_values() -> None:
    rng = random.Random(16)
    values = []
    while len(values) < 20000:
        x = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if math.isfinite(x):
            values += [x, round(x, 2) if abs(x) < 1e300 else x]
    assert same(json.loads(dumps(values)), values)


def test_an_enum_is_written_as_its_value(reader: str) -> None:
    """The one difference: orjson writes any enum as its value, where json.dumps refuses an
    enum that is neither an int nor a str."""
    assert json.loads(dumps({"a": Level.HIGH, "b": Code.EUR})) == {"a": 3, "b": "EUR"}
    if reader == "orjson":
        assert json.loads(dumps([Plain.ONE])) == [1]
    else:
        with pytest.raises(TypeError):
            dumps([Plain.ONE])
