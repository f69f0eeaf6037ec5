"""``magodoo.realtime`` exports exactly its ``__all__``."""

from __future__ import annotations

import magodoo.realtime as realtime


def test_all_matches_the_exports() -> None:
    public = {n for n in vars(realtime) if not n.startswith("_")}
    modules = {"provision", "receiver", "service", "annotations"}
    assert public - modules == set(realtime.__all__)
    assert len(realtime.__all__) == len(set(realtime.__all__))
    for name in realtime.__all__:
        assert getattr(realtime, name) is not None
