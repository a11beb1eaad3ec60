"""Images rendered in a worker process, off the event loop.

matplotlib holds the interpreter lock while its C code draws, so a `/map` rendered in a thread
still stalls every other chat for the length of the drawing (measured: 140-450 ms per render on
two busy cores). A process does not share the lock. One worker, started on the first render
(`spawn`, so it inherits no threads or sockets of the bot), renders one image at a time; the
bot process itself never imports matplotlib. A worker that dies is replaced at the next render.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["ImageRenderer"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class ImageRenderer:
    """Runs pure rendering functions (picklable arguments in, PNG bytes out) in a worker."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def render(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` computed in the worker process."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool, functools.partial(function, *args, **kwargs)
            )
        except BrokenProcessPool:
            log.warning("renderer.worker_died: a new one starts at the next render")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    def close(self) -> None:
        """Stop the worker (renders still queued are cancelled)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
