"""The calls the comparisons make: the engine's ports, which
:class:`~magodoo.magento.MagentoClient` and :class:`~magodoo.odoo.OdooClient` fit as they are."""

from __future__ import annotations

from magodoo.engine.ports import MagentoPort, OdooPort

__all__ = ["MagentoReader", "OdooReader"]

MagentoReader = MagentoPort
OdooReader = OdooPort
