"""The application's shared services, built in `post_init` and reached from handlers and jobs.

Handlers get them as `context.bot_data.services`; nothing here is module-level state.
Jobs that must run on one replica only (polling, sending, digests) check `is_leader()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from bot.classifier import Classifier
from bot.db.store import Store
from bot.delivery.sender import Sender
from bot.ingest.poller import Poller
from bot.ops.renderer import ImageRenderer
from bot.ops.web import ReplicaStatus
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.ops.console import ConsoleIO
    from bot.ops.leader import Leadership
    from bot.ops.metrics import Metrics
    from bot.ops.web import WebServer

__all__ = ["BotData", "Services"]


@dataclass(slots=True)
class Services:
    """Everything long-lived the bot uses, opened and closed with the application."""

    settings: Settings
    store: Store
    http: httpx.AsyncClient
    classifier: Classifier
    poller: Poller
    sender: Sender
    started_at: datetime
    # When each kind of error was last reported to the admins (monotonic seconds).
    error_reports: dict[str, float] = field(default_factory=dict)
    leader: Leadership | None = None
    """The election; None means this process is the only one (always leader)."""
    metrics: Metrics | None = None
    console: ConsoleIO | None = None
    """The terminal in console mode (for the one-line source summary); None on Telegram."""
    images: ImageRenderer = field(default_factory=ImageRenderer)
    """Renders /map and /stats images in a worker process."""

    def is_leader(self) -> bool:
        """Whether this replica should poll, send and run once-only jobs right now."""
        return self.leader is None or self.leader.is_leader

    def status(self) -> ReplicaStatus:
        """This replica's state as the HTTP endpoint reports it."""
        leader = self.leader
        return ReplicaStatus(
            leader=self.is_leader(),
            replica=leader.name if leader is not None else None,
            elected_at=leader.elected_at if leader is not None else None,
            last_poll_at=self.poller.last_cycle_at,
            started_at=self.started_at,
            sender=self.sender.stats,
        )


class BotData:
    """PTB's `bot_data`, typed: it carries the services once `post_init` has run, and the
    HTTP endpoint (when one listens) so that shutdown can stop it."""

    __slots__ = ("_services", "web")

    def __init__(self) -> None:
        self._services: Services | None = None
        self.web: WebServer | None = None

    @property
    def services(self) -> Services:
        """The services; an error if the application was not initialised."""
        if self._services is None:
            raise RuntimeError("services used before the application was initialised")
        return self._services

    @services.setter
    def services(self, value: Services | None) -> None:
        self._services = value
