"""OAuth 1.0a signing: RFC 5849's worked example, oauthlib as an independent signer, and the
four ways of sending a space that a real Magento 2.4.6 told apart (issue 19), on the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cmp_to_key

import aiohttp
import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER, Client
from oauthlib.oauth1.rfc5849 import signature as rfc
from yarl import URL

from magodoo import _oauth1
from magodoo._http import build_url
from magodoo.magento import OAuth1Auth
from magodoo.testing._magento.auth import query_parameters
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

#: values a search may carry: spaces, plus, percent, the query's own delimiters, non-ASCII,
#: reserved and sub-delimiter characters, a date and time (an incremental cursor)
AWKWARD = [
    "Jane Doe", "2026-12-07 02:55:12", "a+b", "100%", "50%25", "x&y=z", "a=b", "é",
    "Zoë Straße 東京", ":/?#[]@", "!$'()*,;", "~-._", "%@%", "  two  spaces ", "+ +", "",
]


def test_rfc5849_worked_example_from_the_raw_request() -> None:
    # RFC 5849 section 3.4.1.1: the request line's raw query, the form body and the header
    query = _oauth1.decode_query("b5=%3D%253D&a3=a&c%40=&a2=r%20b")
    body = [("c2", ""), ("a3", "2 q")]  # c2&a3=2+q, read as a form body
    header = [
        ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
    ]
    expected = (
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D"
        "%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce"
        "%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26"
        "oauth_token%3Dkkk9d7dh3k39sjv7"
    )
    url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
    for natural in (False, True):
        assert _oauth1.signature_base_string(
            "POST", url, [*query, *body, *header], natural=natural) == expected


def _urls() -> list[str]:
    base = "https://Shop.Example.COM:443/rest/all/V1/customers/search"
    urls = [str(build_url(base, [("searchCriteria[filter_groups][0][filters][0][value]", v),
                                 ("searchCriteria[pageSize]", "300")])) for v in AWKWARD]
    urls.append(str(build_url("http://127.0.0.1:8080/rest/default/V1/products/A%20B%2FC%23D",
                              [("fields", "items[sku,name],total_count")])))
    return urls


@pytest.mark.parametrize("url", _urls())
def test_base_string_and_signature_match_oauthlib(url: str) -> None:
    assert "+" not in URL(url).raw_query_string  # a space is %20, a plus %2B
    auth = OAuth1Auth("ck", "cs é&", "tok", "ts")
    header = auth.sign("GET", url, nonce="n0nce", timestamp=1765075000)
    ours = _oauth1.parse_authorization_header(header)

    theirs = Client("ck", client_secret="cs é&", resource_owner_key="tok",
                    resource_owner_secret="ts", signature_method=SIGNATURE_HMAC_SHA256,
                    signature_type=SIGNATURE_TYPE_AUTH_HEADER, nonce="n0nce",
                    timestamp="1765075000")
    _, headers, _ = theirs.sign(url, http_method="GET")
    assert ours["oauth_signature"] == _oauth1.parse_authorization_header(
        headers["Authorization"])["oauth_signature"]

    params = rfc.collect_parameters(uri_query=URL(url).raw_query_string,
                                    headers={"Authorization": header},
                                    exclude_oauth_signature=True)
    expected = rfc.signature_base_string(
        "GET", rfc.base_string_uri(url), rfc.normalize_parameters(params))
    signed = [*_oauth1.decode_query(URL(url).raw_query_string),
              *((k, v) for k, v in ours.items() if k != "oauth_signature")]
    assert _oauth1.signature_base_string("GET", url, signed) == expected


def test_query_round_trips_through_magento_reading() -> None:
    pairs = [(f"searchCriteria[filter_groups][{i}][filters][0][value]", v)
             for i, v in enumerate(AWKWARD)]
    query = _oauth1.encode_query(pairs)
    assert "+" not in query and " " not in query
    assert _oauth1.decode_query(query) == pairs
    assert query_parameters(query) == dict(pairs)


def test_natural_order_is_phps() -> None:
    names = ["k[10]", "k[2]", "k[1]", "a", "k[]", "b9", "b10"]
    ordered = sorted(names, key=cmp_to_key(_oauth1.natural_compare))
    assert ordered == ["a", "b9", "b10", "k[1]", "k[2]", "k[10]", "k[]"]
    assert _oauth1.natural_compare("abc", "abc") == 0
    assert _oauth1.natural_compare("ab", "abc") < 0


# ---- the four rows of issue 19, against the fake -------------------------------------------


@pytest.fixture
async def fake_url() -> AsyncIterator[tuple[FakeMagento, str]]:
    fake = FakeMagento(seed="demo", size="small")
    async with serve(fake.app) as url:
        yield fake, url


def _hand_signed(fake: FakeMagento, url: str, signed_value: str) -> str:
    """An RFC 5849 signature over ``url`` whose filter value is taken as ``signed_value``."""
    i = fake.integration
    params = _oauth1.oauth_params(i.consumer_key, i.access_token)
    query = [(k, signed_value if k.endswith("[value]") else v)
             for k, v in _oauth1.decode_query(URL(url).raw_query_string)]
    base = _oauth1.signature_base_string("GET", url, [*query, *params.items()])
    params["oauth_signature"] = _oauth1.sign(base, i.consumer_secret, i.access_token_secret)
    return _oauth1.authorization_header(params)


@pytest.mark.parametrize(("space_on_wire", "signed_as", "status"), [
    ("%20", "Jane Doe", 200),
    ("%20", "Jane+Doe", 401),
    ("+", "Jane Doe", 401),
    ("+", "Jane+Doe", 200),
])
async def test_issue_19_table_row_by_row(
    fake_url: tuple[FakeMagento, str], space_on_wire: str, signed_as: str, status: int
) -> None:
    fake, base = fake_url
    raw = (f"{base}/rest/all/V1/customers/search?"
           "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=lastname&"
           f"searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=Jane"
           f"{space_on_wire}Doe&searchCriteria%5BpageSize%5D=10")
    header = _hand_signed(fake, raw, signed_as)
    async with aiohttp.ClientSession() as session, session.get(
        URL(raw, encoded=True), headers={"Authorization": header}
    ) as r:
        body = await r.json()
        assert r.status == status, body
    if status == 401:
        assert body["message"] == "The signature is invalid. Verify and try again."


async def test_ten_and_more_filter_groups_are_signed_in_magentos_order(
    fake_url: tuple[FakeMagento, str],
) -> None:
    fake, base = fake_url
    pairs = [(f"searchCriteria[filter_groups][{i}][filters][0][field]", "email")
             for i in range(12)]
    url = str(build_url(f"{base}/rest/all/V1/customers/search", pairs))
    i = fake.integration
    auth = OAuth1Auth(i.consumer_key, i.consumer_secret, i.access_token, i.access_token_secret)
    # byte order ([10] before [2]) is what RFC 5849 says, not what Magento checks
    params = _oauth1.oauth_params(i.consumer_key, i.access_token)
    rfc_base = _oauth1.signature_base_string(
        "GET", url, [*_oauth1.decode_query(URL(url).raw_query_string), *params.items()])
    params["oauth_signature"] = _oauth1.sign(rfc_base, i.consumer_secret, i.access_token_secret)
    async with aiohttp.ClientSession() as session:
        async with session.get(URL(url, encoded=True), headers={
                "Authorization": _oauth1.authorization_header(params)}) as r:
            assert r.status == 401
        async with session.get(URL(url, encoded=True), headers={
                "Authorization": auth.sign("GET", url)}) as r:
            assert r.status == 200, await r.text()
