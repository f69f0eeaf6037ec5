from __future__ import annotations

from datetime import UTC, datetime

import attrs

from magodoo import _oauth1
from magodoo._converter import format_datetime, parse_datetime, structure, unstructure
from magodoo._redact import Redactor, redact


def test_redact_keys_and_known_values() -> None:
    data = {
        "username": "admin",
        "password": "pw-123456",
        "nested": [{"api_key": "k-999999"}, "Bearer abcdef123", "says pw-123456"],
        "oauth_token_secret": "ts",
    }
    out = redact(data, ["pw-123456"])
    assert out["username"] == "admin"
    assert out["password"] == "***"
    assert out["nested"][0]["api_key"] == "***"
    assert out["nested"][1] == "Bearer ***"
    assert out["nested"][2] == "says ***"
    assert out["oauth_token_secret"] == "***"


def test_redact_oauth_header_text() -> None:
    r = Redactor()
    text = r.text('OAuth oauth_consumer_key="ck", oauth_signature="abc%3D"')
    assert "abc" not in text


def test_oauth_base_string_rfc5849_example() -> None:
    # RFC 5849 section 3.4.1.1 example (the normalized parameters part)
    params = [
        ("b5", "=%3D"), ("a3", "a"), ("c@", ""), ("a2", "r b"),
        ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"), ("c2", ""), ("a3", "2 q"),
    ]
    base = _oauth1.signature_base_string("post", "http://EXAMPLE.COM:80/request", params)
    assert base == (
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D"
        "%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce"
        "%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26"
        "oauth_token%3Dkkk9d7dh3k39sjv7"
    )


def test_oauth_header_roundtrip() -> None:
    params = _oauth1.oauth_params("ck", "tok", nonce="n", timestamp=1)
    params["oauth_signature"] = _oauth1.sign("base", "cs", "ts")
    parsed = _oauth1.parse_authorization_header(_oauth1.authorization_header(params))
    assert parsed == params


def test_datetimes() -> None:
    when = parse_datetime("2024-05-06 07:08:09")
    assert when == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert format_datetime(when) == "2024-05-06 07:08:09"
    assert parse_datetime("2024-05-06T09:08:09+02:00") == when


@attrs.frozen
class Sample:
    id: int
    price: float | None = None
    name: str | None = None
    when: datetime | None = None


def test_converter_reads_real_shapes() -> None:
    got = structure({"id": "7", "price": "12.5000", "name": False, "when": "", "x": 1}, Sample)
    assert got == Sample(id=7, price=12.5, name=None, when=None)
    assert unstructure(Sample(1, when=datetime(2024, 1, 1, tzinfo=UTC)))["when"] == (
        "2024-01-01 00:00:00")
