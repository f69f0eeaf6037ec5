"""Reading answers with orjson gives exactly what ``json.loads`` gives, or ``json.loads`` reads."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from magodoo import _json
from magodoo._json import loads


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
