"""Money helpers of the fake Magento's sales side (pure functions)."""

from __future__ import annotations

from decimal import Decimal

from magodoo.testing._magento.sales_money import (
    DeltaRounder,
    cents,
    num,
    php_number,
    price_text,
    prorate,
)


def test_half_up_to_cents() -> None:
    assert cents(Decimal("2.475")) == Decimal("2.48")
    assert cents(Decimal("1.315")) == Decimal("1.32")
    assert cents(Decimal("-0.005")) == Decimal("-0.01")


def test_delta_rounding_carries_from_row_to_row() -> None:
    # order A: T-shirt 45, mug 33.75, cap 18, shipping 30 at 8.25 % (TOTAL_BASE_CALCULATION)
    rounder = DeltaRounder()
    rate = Decimal("0.0825")
    rows = [rounder.round(Decimal(x) * rate) for x in ("45", "33.75", "18", "30")]
    assert rows == [Decimal("3.71"), Decimal("2.79"), Decimal("1.48"), Decimal("2.48")]
    assert sum(rows) == Decimal("10.46")
    assert cents(Decimal("33.75") * rate) == Decimal("2.78")  # alone, the mug would be 2.78


def test_zero_amount_leaves_the_delta_alone() -> None:
    rounder = DeltaRounder()
    assert rounder.round(Decimal("4.455")) == Decimal("4.46")
    assert rounder.round(Decimal(0)) == Decimal(0)
    assert rounder.round(Decimal("1.32")) == Decimal("1.32")  # 1.315 rounds half up (order B)


def test_prorate_last_share_takes_the_rest() -> None:
    assert prorate(Decimal("3.71"), Decimal(0), Decimal(1), Decimal(2)) == Decimal("1.86")
    assert prorate(Decimal("3.71"), Decimal("1.86"), Decimal(1), Decimal(1)) == Decimal("1.85")
    assert prorate(Decimal("2.79"), Decimal(0), Decimal(1), Decimal(3)) == Decimal("0.93")


def test_number_rendering() -> None:
    assert num(Decimal("50.00")) == 50 and isinstance(num(Decimal("50.00")), int)
    assert num(Decimal("2.48")) == 2.48
    assert php_number(Decimal("94.26")) == "94.26"
    assert price_text(Decimal(25)) == "$25.00"
    assert price_text(Decimal("42.95")) == "$42.95"
