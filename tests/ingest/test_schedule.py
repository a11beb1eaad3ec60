"""When a source is polled next: interval, Cache-Control, backoff and Retry-After."""

from __future__ import annotations

from datetime import timedelta

from bot.ingest.schedule import MAX_BACKOFF, retry_delay, success_wait


def test_cache_control_may_lengthen_the_wait_up_to_four_intervals() -> None:
    """max-age longer than the interval is honoured, bounded; a shorter one changes nothing."""
    assert success_wait(300, None) == 300.0
    assert success_wait(300, 60) == 300.0
    assert success_wait(300, 900) == 900.0
    assert success_wait(300, 86_400) == 1200.0


def test_backoff_doubles_and_is_bounded() -> None:
    """Each failure doubles the wait from the interval, up to MAX_BACKOFF."""
    waits = [retry_delay(60, failures, None) for failures in range(12)]
    assert waits[:4] == [timedelta(seconds=s) for s in (60, 120, 240, 480)]
    assert waits[-1] == MAX_BACKOFF
    assert waits == sorted(waits)


def test_retry_after_is_a_floor_bounded_by_max_backoff() -> None:
    """A server's Retry-After is never undercut, and never keeps a source away for days."""
    assert retry_delay(60, 0, 3600) == timedelta(hours=1)
    assert retry_delay(60, 3, 10) == timedelta(seconds=480)
    assert retry_delay(60, 0, 10 * 86_400) == MAX_BACKOFF
