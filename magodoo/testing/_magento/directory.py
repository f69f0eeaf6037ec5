"""Magento_Directory: currency information and countries (anonymous routes)."""

from __future__ import annotations

import functools
import importlib
import json
from importlib import resources
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router

# id -> (ISO3, English name); a small set, enough for the demo and the recorded stores.
COUNTRIES: dict[str, tuple[str, str]] = {
    "CA": ("CAN", "Canada"),
    "DE": ("DEU", "Germany"),
    "ES": ("ESP", "Spain"),
    "FR": ("FRA", "France"),
    "GB": ("GBR", "United Kingdom"),
    "IT": ("ITA", "Italy"),
    "US": ("USA", "United States"),
}


@functools.cache
def iso_countries() -> frozenset[str]:
    """Every ISO 3166 country code, the countries a stock Magento allows by default.

    Read from the fake Odoo's country list (the same ISO codes), so both fakes agree on them.
    """
    raw = resources.files("magodoo.testing").joinpath("data/odoo/countries.json").read_text()
    return frozenset(row[1] for row in json.loads(raw)["res.country"])


def is_country(country_id: Any) -> bool:
    """Whether a stock Magento knows ``country_id`` (an address with another one is dropped)."""
    return isinstance(country_id, str) and country_id in iso_countries()


def _regions(country_id: str) -> list[dict[str, Any]]:
    try:
        module = importlib.import_module("magodoo.testing._magento.sales_regions")
    except ModuleNotFoundError:
        return []
    table: dict[int, tuple[str, str, str]] = getattr(module, "REGIONS", {})
    return [
        {"id": str(rid), "code": code, "name": name}
        for rid, (country, code, name) in sorted(table.items())
        if country == country_id
    ]


def country(country_id: str) -> dict[str, Any]:
    iso3, name = COUNTRIES[country_id]
    out: dict[str, Any] = {
        "id": country_id,
        "two_letter_abbreviation": country_id,
        "three_letter_abbreviation": iso3,
        "full_name_locale": name,
        "full_name_english": name,
    }
    regions = _regions(country_id)
    if regions:
        out["available_regions"] = regions
    return out


def register(r: Router) -> None:
    @r.get("/V1/directory/currency", resource="anonymous", auth="anonymous")
    def currency(call: Call) -> Any:
        return {
            "base_currency_code": "USD",
            "base_currency_symbol": "$",
            "default_display_currency_code": "USD",
            "default_display_currency_symbol": "$",
            "available_currency_codes": ["USD"],
            "exchange_rates": [{"currency_to": "USD", "rate": 1}],
        }

    @r.get("/V1/directory/countries", resource="anonymous", auth="anonymous")
    def countries(call: Call) -> Any:
        return [country(c) for c in sorted(COUNTRIES)]

    @r.get("/V1/directory/countries/{countryId}", resource="anonymous", auth="anonymous")
    def get_country(call: Call) -> Any:
        cid = call.params["countryId"].upper()
        if cid not in COUNTRIES:
            raise errors.not_found("Requested country is not available.")
        return country(cid)
