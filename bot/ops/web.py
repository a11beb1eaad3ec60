"""The HTTP endpoint: health, Prometheus metrics and the open incident feed.

An aiohttp server running inside the bot's own event loop, opened in `post_init` and closed
in `post_shutdown` (`HTTP_LISTEN`, `HTTP_PORT`; port 0 turns it off). It is separate from
python-telegram-bot's webhook server, which serves Telegram only.

- `GET /healthz`: JSON with the database's reachability, this replica's role and the age of
  the last poll; 200 when healthy, 503 when the database is unreachable or the leader's polls
  have stalled (a load balancer or orchestrator restarts on that).
- `GET /metrics`: Prometheus text format (see `bot.ops.metrics`).
- `GET /incidents.atom`, `GET /incidents.json`: the latest incidents (`?limit=`, 1-200,
  default 50), with ETag and Cache-Control so feed readers poll cheaply; self links start
  with `PUBLIC_URL`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot import __version__
from bot.db.store import Store
from bot.delivery.sender import SenderStats
from bot.ops.metrics import CONTENT_TYPE, Metrics
from bot.present.feed_export import ATOM_TYPE, JSON_FEED_TYPE, atom_feed, json_feed, load_incidents

__all__ = ["STALE_POLL_SECONDS", "Observed", "ReplicaStatus", "WebServer"]

log = logging.getLogger(__name__)

STALE_POLL_SECONDS = 600.0
"""A leader whose last poll cycle is older than this is unhealthy (the poll job is stuck)."""
DB_CHECK_TIMEOUT = 3.0
FEED_CACHE_SECONDS = 30.0
_MAX_LIMIT = 200
_DEFAULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class ReplicaStatus:
    """What /healthz and /metrics report of this replica at one moment."""

    leader: bool
    replica: str | None  # None: a lone process, no election
    elected_at: float | None  # monotonic seconds of the last election won
    last_poll_at: datetime | None
    started_at: datetime
    sender: SenderStats


class Observed(Protocol):
    """What the HTTP endpoint reads of the running bot (`bot.services.Services` is one)."""

    @property
    def store(self) -> Store:
        """The database, for the health check, the scrape-time figures and the feeds."""
        ...

    @property
    def metrics(self) -> Metrics | None:
        """The registry /metrics renders; None turns /metrics off."""
        ...

    def status(self) -> ReplicaStatus:
        """The replica's role, poll age and sender figures, now."""
        ...


class WebServer:
    """The aiohttp application and its site on one address and port."""

    def __init__(
        self, services: Observed, *, host: str, port: int, public_url: str | None = None
    ) -> None:
        self._services = services
        self._host = host
        self._port = port
        self._public_url = (public_url or "").rstrip("/")  # PUBLIC_URL: the feeds' own links
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._feed_cache: dict[tuple[str, int], tuple[float, bytes]] = {}
        self.app = web.Application()
        self.app.add_routes(
            [
                web.get("/", self._index),
                web.get("/healthz", self._healthz),
                web.get("/metrics", self._metrics),
                web.get("/incidents.atom", self._atom),
                web.get("/incidents.json", self._json),
            ]
        )

    @property
    def port(self) -> int:
        """The port listened on (the real one when 0 asked for any free port)."""
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("web server not started")
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        """Bind and serve."""
        # No access log: Prometheus scrapes every few seconds.
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self._host, self._port)
        await self._site.start()
        log.info("web.started address=%s port=%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop serving and close connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = self._site = None
            log.info("web.stopped")

    # -- handlers -----------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(
            text="Border Watch\n/healthz\n/metrics\n/incidents.atom\n/incidents.json\n"
        )

    async def _healthz(self, request: web.Request) -> web.Response:
        status = self._services.status()
        database_ok = await self._database_ok()
        leader = status.leader
        age = _age(status.last_poll_at)
        since = status.elected_at
        # A new leader has not polled yet: count from its election, not from the last cycle.
        effective = age
        if leader and since is not None:
            effective = min(age, time.monotonic() - since) if age is not None else (
                time.monotonic() - since)
        stalled = bool(leader and effective is not None and effective > STALE_POLL_SECONDS)
        healthy = database_ok and not stalled
        body = {
            "status": "ok" if healthy else "unhealthy",
            "database": "ok" if database_ok else "unreachable",
            "role": "leader" if leader else "follower",
            "replica": status.replica,
            "last_poll_age_seconds": None if age is None else round(age, 1),
            "polls_stalled": stalled,
            "version": __version__,
            "uptime_seconds": round((datetime.now(UTC) - status.started_at).total_seconds()),
        }
        return web.json_response(body, status=200 if healthy else 503,
                                 headers={"Cache-Control": "no-store"})

    async def _database_ok(self) -> bool:
        try:
            async with asyncio.timeout(DB_CHECK_TIMEOUT), \
                    self._services.store.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("web.health_database_unreachable error=%s", type(exc).__name__)
            return False
        return True

    async def _metrics(self, request: web.Request) -> web.Response:
        metrics = self._services.metrics
        if metrics is None:
            raise web.HTTPNotFound(text="metrics are off")
        status = self._services.status()
        try:
            await metrics.refresh(
                self._services.store, status.sender, leader=status.leader,
                last_poll_age=_age(status.last_poll_at),
            )
        except (SQLAlchemyError, OSError) as exc:
            # Still answer: process-local figures are useful when the database is down.
            log.warning("web.metrics_refresh_failed error=%s", type(exc).__name__)
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def _atom(self, request: web.Request) -> web.Response:
        return await self._feed(request, "atom", ATOM_TYPE)

    async def _json(self, request: web.Request) -> web.Response:
        return await self._feed(request, "json", JSON_FEED_TYPE)

    async def _feed(self, request: web.Request, kind: str, content_type: str) -> web.Response:
        raw = request.query.get("limit", str(_DEFAULT_LIMIT))
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= _MAX_LIMIT:
            raise web.HTTPBadRequest(text=f"limit must be an integer from 1 to {_MAX_LIMIT}")
        limit = int(raw)
        # The cache is keyed on what changes the body (kind and limit), so extra query
        # parameters cannot bypass it; links come from PUBLIC_URL, never from the request's
        # Host header, which anyone can set and the cache would hand to everybody.
        base = self._public_url
        query = "" if limit == _DEFAULT_LIMIT else f"?limit={limit}"
        self_url = f"{base}/incidents.{kind}{query}"
        body = await self._cached((kind, limit), lambda: self._render(
            kind, limit, self_url, f"{base}/incidents.json"
        ))
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={int(FEED_CACHE_SECONDS)}"}
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        headers["Content-Type"] = content_type
        return web.Response(body=body, headers=headers)

    async def _render(self, kind: str, limit: int, self_url: str, json_url: str) -> bytes:
        incidents = await load_incidents(self._services.store, limit)
        if kind == "atom":
            return atom_feed(incidents, self_url=self_url, json_url=json_url)
        return json_feed(incidents, self_url=self_url)

    async def _cached(
        self, key: tuple[str, int], make: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        now = time.monotonic()
        hit = self._feed_cache.get(key)
        if hit is not None and now - hit[0] < FEED_CACHE_SECONDS:
            return hit[1]
        body = await make()
        if len(self._feed_cache) > 64:
            self._feed_cache.clear()
        self._feed_cache[key] = (now, body)
        return body


def _age(moment: datetime | None) -> float | None:
    return None if moment is None else max(0.0, (datetime.now(UTC) - moment).total_seconds())

