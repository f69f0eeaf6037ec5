"""Magento_Store routes and ``GET /V1/modules``."""

from __future__ import annotations

from typing import Any

from magodoo.testing._magento.routing import Call, Router

STORE = "Magento_Backend::store"


def register(r: Router) -> None:
    @r.get("/V1/store/websites", resource=STORE)
    def websites(call: Call) -> Any:
        # The recorded order is not stable; the admin website (id 0) is always there.
        return [dict(w) for w in call.state.websites]

    @r.get("/V1/store/storeGroups", resource=STORE)
    def groups(call: Call) -> Any:
        return [dict(g) for g in call.state.groups]

    @r.get("/V1/store/storeViews", resource=STORE)
    def views(call: Call) -> Any:
        views = [dict(s) for s in call.state.stores if s["id"] != 0]
        return views + [dict(s) for s in call.state.stores if s["id"] == 0]

    @r.get("/V1/store/storeConfigs", resource=STORE)
    def configs(call: Call) -> Any:
        codes = call.query.getall("storeCodes[]", []) + call.query.getall("storeCodes", [])
        rows = [dict(c) for _, c in sorted(call.state.store_configs.items())]
        if codes:
            rows = [c for c in rows if c["code"] in codes]
        return rows

    @r.get("/V1/modules", resource="Magento_Backend::admin")
    def modules(call: Call) -> Any:
        return list(call.state.modules)
