"""Replay the requests recorded on a real Magento 2.4.6 against the fake, in recorded order,
from a fresh store, and compare status codes and the shape of the bodies (keys and JSON types,
recursively; lists by their first element)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest

from magodoo import _oauth1
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento
from tests.testing.replay import sample_names, shape

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
SAMPLES = REFERENCE / "magento" / "samples-2.4.6"

# Samples the fake cannot reproduce, with the reason. Keep this short.
XFAIL: dict[str, str] = {}


def _names() -> list[str]:
    return sample_names(SAMPLES)


def _sha1_header(method: str, url: str, integration: Any) -> str:
    params = _oauth1.oauth_params(integration.consumer_key, integration.access_token)
    params["oauth_signature_method"] = "HMAC-SHA1"
    base = _oauth1.signature_base_string(method, url, params.items())
    key = f"{integration.consumer_secret}&{integration.access_token_secret}".encode()
    params["oauth_signature"] = base64.b64encode(
        hmac.new(key, base.encode(), hashlib.sha1).digest()
    ).decode()
    return _oauth1.authorization_header(params)


def _sha256_header(method: str, url: str, integration: Any) -> str:
    params = _oauth1.oauth_params(integration.consumer_key, integration.access_token)
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    base = _oauth1.signature_base_string(method, url, [*params.items(), *query])
    params["oauth_signature"] = _oauth1.sign(
        base, integration.consumer_secret, integration.access_token_secret
    )
    return _oauth1.authorization_header(params)


async def _replay(fake: FakeMagento) -> dict[str, tuple[int, Any, str]]:
    results: dict[str, tuple[int, Any, str]] = {}
    customer_token = ""
    async with serve(fake.app) as base, aiohttp.ClientSession() as session:
        admin_token = fake.admin_token()
        for name in _names():
            sample = json.loads((SAMPLES / name).read_text())
            req = sample["request"]
            url = base + req["url"].split("127.0.0.1:8080", 1)[1]
            headers = dict(req.get("headers") or {})
            auth = headers.get("Authorization") or req.get("auth")
            body = req.get("json")
            if isinstance(body, dict) and body.get("password") == "***":
                body = {**body, "password": fake.admin_password}
            if auth == "Bearer <token>":
                if name.startswith("04_"):
                    headers["Authorization"] = "Bearer garbage-token"
                elif "/carts/mine" in url:
                    headers["Authorization"] = f"Bearer {customer_token}"
                else:
                    headers["Authorization"] = f"Bearer {admin_token}"
            elif auth == "Bearer <integration access token>":
                headers["Authorization"] = f"Bearer {fake.integration.access_token}"
            elif auth == "OAuth1 HMAC-SHA1":
                headers["Authorization"] = _sha1_header(req["method"], url, fake.integration)
            elif auth == "OAuth1 HMAC-SHA256":
                headers["Authorization"] = _sha256_header(req["method"], url, fake.integration)
            async with session.request(req["method"], url, json=body, headers=headers) as resp:
                text = await resp.text()
                try:
                    payload: Any = json.loads(text)
                except ValueError:
                    payload = None
                results[name] = (resp.status, payload, text)
                if name.startswith("41_") and resp.status == 200:
                    customer_token = payload
    return results


@pytest.fixture(scope="module")
def replayed() -> dict[str, tuple[int, Any, str]]:
    if not SAMPLES.is_dir():
        pytest.skip("reference samples not found")
    return asyncio.run(_replay(FakeMagento()))


@pytest.mark.parametrize("name", _names())
def test_replay(name: str, replayed: dict[str, tuple[int, Any, str]]) -> None:
    if name in XFAIL:
        pytest.xfail(XFAIL[name])
    sample = json.loads((SAMPLES / name).read_text())
    expected = sample["response"]
    status, payload, text = replayed[name]
    assert status == expected["status"], text[:500]
    if "json" in expected:
        assert shape(payload) == shape(expected["json"]), text[:1000]
    else:
        assert text == expected["text"]


def test_all_samples_replayed() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("reference samples not found")
    assert len(_names()) == 85
