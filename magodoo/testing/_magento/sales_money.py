"""Money arithmetic as Magento does it: half-up rounding to cents and rounding deltas.

Magento rounds with PHP's ``round()`` (half away from zero) and, under
``TOTAL_BASE_CALCULATION``, carries the rounding error of each row into the next one
(``Magento\\Tax\\Model\\Calculation::round`` with ``$this->_roundingDeltas``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

_CENT = Decimal("0.01")


def dec(value: Any) -> Decimal:
    """A Decimal from a JSON number (through its shortest repr, so 0.1 stays 0.1)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def cents(value: Decimal) -> Decimal:
    """Round half away from zero to two decimals."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def num(value: Any) -> int | float:
    """A JSON number as Magento prints it: ``50`` not ``50.0``, ``2.48`` as a float."""
    d = dec(value)
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def php_number(value: Any) -> str:
    """How PHP prints a float in a message: ``94.26``, ``94``."""
    n = num(value)
    return str(n)


def price_text(value: Any) -> str:
    """Magento's formatted price, as in ``$25.00``."""
    return f"${cents(dec(value)):,.2f}"


@attrs.define
class DeltaRounder:
    """Round a sequence of amounts, carrying each row's rounding error into the next."""

    delta: Decimal = Decimal(0)

    def round(self, amount: Decimal) -> Decimal:
        if not amount:
            return Decimal(0)  # Magento does not round (nor move the delta) for a zero amount
        total = amount + self.delta
        rounded = cents(total)
        self.delta = total - rounded
        return rounded


def prorate(total: Decimal, done: Decimal, qty: Decimal, qty_left: Decimal) -> Decimal:
    """The share of ``total - done`` for ``qty`` of ``qty_left``; the last share takes the rest."""
    if qty_left <= 0:
        return Decimal(0)
    if qty >= qty_left:
        return total - done
    return cents((total - done) * qty / qty_left)
