from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from magodoo.engine.cursors import CursorTracker, plan_window

T0 = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_first_sync_reads_everything() -> None:
    window = plan_window(None, overlap=MIN, now=T0)
    assert window.since is None
    assert window.signpost == T0


def test_overlap_is_taken_off_the_cursor() -> None:
    window = plan_window(T0, overlap=MIN, now=T0 + 10 * MIN)
    assert window.since == T0 - MIN


def test_given_since_wins_over_the_cursor() -> None:
    window = plan_window(T0, overlap=timedelta(0), now=T0 + MIN, since=T0 - 5 * MIN)
    assert window.since == T0 - 5 * MIN


def test_cursor_is_the_committed_high_water_mark() -> None:
    tracker = CursorTracker(None, T0 + 10 * MIN)
    assert tracker.value is None
    tracker.commit([T0 + MIN, None, T0 + 3 * MIN])
    tracker.commit([T0 + 2 * MIN])
    assert tracker.value == T0 + 3 * MIN
    assert tracker.moved


def test_cursor_never_passes_the_signpost() -> None:
    tracker = CursorTracker(T0, T0 + MIN)
    tracker.commit([T0 + 5 * MIN])  # a record changed after the sync started
    assert tracker.value == T0 + MIN


def test_cursor_never_moves_back() -> None:
    tracker = CursorTracker(T0, T0 + 10 * MIN)
    tracker.commit([T0 - 30 * MIN])  # re-read in the overlap window
    assert tracker.value == T0
    assert not tracker.moved


def test_nothing_committed_keeps_the_cursor() -> None:
    tracker = CursorTracker(T0, T0 + MIN)
    assert tracker.value == T0
    assert not tracker.moved


def test_other_timezones_are_normalised_and_naive_refused() -> None:
    from datetime import timezone

    plus2 = timezone(timedelta(hours=2))
    tracker = CursorTracker(None, T0.astimezone(plus2))
    tracker.commit([(T0 - MIN).astimezone(plus2)])
    assert tracker.value == T0 - MIN
    assert tracker.value is not None and tracker.value.tzinfo == UTC
    with pytest.raises(ValueError, match="naive"):
        tracker.commit([datetime(2026, 1, 1)])
    with pytest.raises(ValueError, match="naive"):
        plan_window(datetime(2026, 1, 1), overlap=MIN, now=T0)
