"""Tests of bot.ops.renderer: images are drawn in a worker process, which is replaced if it dies."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.ops.renderer import ImageRenderer
from bot.present.maps import MapPoint, render_map


def _die() -> None:
    os._exit(3)


async def test_renders_in_another_process() -> None:
    """The work runs in a worker process (not a thread, whose drawing would hold the loop)."""
    renderer = ImageRenderer()
    try:
        assert await renderer.render(os.getpid) != os.getpid()
        point = MapPoint(40.31, 45.63, "high", "am-sotk")
        png = await renderer.render(render_map, [point], "en", days=30)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        renderer.close()


async def test_a_dead_worker_is_replaced() -> None:
    """A worker that dies fails its own render; the next render gets a new worker."""
    renderer = ImageRenderer()
    try:
        first = await renderer.render(os.getpid)
        with pytest.raises(BrokenProcessPool):
            await renderer.render(_die)
        second = await renderer.render(os.getpid)
        assert second not in {first, os.getpid()}
    finally:
        renderer.close()
