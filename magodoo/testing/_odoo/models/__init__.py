"""Behaviour of the served models, registered on a :class:`~..orm.Database`."""

from __future__ import annotations

from ..orm import Database
from . import (
    account,
    base,
    defaults,
    delivery,
    orders,
    payments,
    pricelists,
    product,
    sale,
    stock,
    taxes,
)


def register_all(db: Database) -> None:
    for module in (base, product, taxes, sale, delivery, account, payments, stock, defaults,
                   orders, pricelists):
        module.register(db)
