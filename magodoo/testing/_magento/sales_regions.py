"""The directory regions the sales side needs (ids of Magento's ``directory_country_region``)."""

from __future__ import annotations

# region_id -> (country_id, region_code, region name)
REGIONS: dict[int, tuple[str, str, str]] = {
    1: ("US", "AL", "Alabama"),
    2: ("US", "AK", "Alaska"),
    4: ("US", "AZ", "Arizona"),
    12: ("US", "CA", "California"),
    13: ("US", "CO", "Colorado"),
    18: ("US", "FL", "Florida"),
    23: ("US", "IL", "Illinois"),
    32: ("US", "MA", "Massachusetts"),
    43: ("US", "NY", "New York"),
    57: ("US", "TX", "Texas"),
    62: ("US", "WA", "Washington"),
    257: ("FR", "75", "Paris"),
}


def region(region_id: int | None) -> tuple[str, str, str] | None:
    """``(country, code, name)`` of a region id, or None for 0, None or an unknown id."""
    if not region_id:
        return None
    return REGIONS.get(int(region_id))


def region_by_code(country_id: str, code: str) -> int | None:
    for rid, (country, rcode, _name) in REGIONS.items():
        if country == country_id and rcode == code:
            return rid
    return None
