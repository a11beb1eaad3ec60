"""When a source is polled next: pure functions, no I/O.

After a success, its interval (or longer, when the server's Cache-Control asks), placed on
the source's own phase so hundreds of sources spread over the interval; after a failure,
exponential backoff from the interval, bounded, and never sooner than a Retry-After asks.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Final

__all__ = ["MAX_BACKOFF", "next_slot", "retry_delay", "success_wait"]

MAX_BACKOFF: Final = timedelta(hours=6)


def next_slot(source_id: int, now: datetime, interval: float) -> datetime:
    """The next poll time for a source: `interval` from now, moved to the source's own phase.

    Each source has a fixed phase within its interval (from its id), so hundreds of sources
    are spread evenly over the interval instead of all polling in the same second.
    """
    phase = (source_id * 0.6180339887) % 1.0 * interval  # golden-ratio spacing of the ids
    earliest = now.timestamp() + interval * 0.5
    cycles = math.ceil((earliest - phase) / interval)
    return datetime.fromtimestamp(cycles * interval + phase, UTC)


def success_wait(interval: int, max_age: int | None) -> float:
    """Seconds until the next poll after a fetch that answered (`max_age`: Cache-Control).

    A server asking us to come back later than our interval is honoured, up to four
    intervals.
    """
    wait = float(interval)
    if max_age:
        wait = max(wait, min(float(max_age), interval * 4.0))
    return wait


def retry_delay(interval: int, failures: int, retry_after: float | None) -> timedelta:
    """The wait after a failure, `failures` being the failures before this one."""
    delay = min(timedelta(seconds=interval * 2 ** min(failures, 10)), MAX_BACKOFF)
    if retry_after:
        delay = max(delay, timedelta(seconds=min(retry_after, MAX_BACKOFF.total_seconds())))
    return delay
