"""Building the python-telegram-bot Application: services, handlers and named jobs.

Shared resources (database, HTTP client) open in `post_init` and close in `post_shutdown`.
Every schedule is a named JobQueue job: "poll" looks for due sources, "deliver" drains the
outbox. Console mode swaps only the request backend (see `bot.console`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes

import handlers
from bot.classifier import default_classifier
from bot.clustering import Clusterer
from bot.console import CONSOLE_TOKEN, ConsoleIO, ConsoleRequest
from bot.db.engine import create_engine, migrate
from bot.db.store import Store
from bot.delivery import Pacing, Sender
from bot.fetch import build_http_client
from bot.pipeline import Poller
from bot.services import BotData, Services
from bot.settings import Settings
from bot.sources import load_sources
from handlers.context import Context

__all__ = ["build_application"]

log = logging.getLogger(__name__)

BotApp = Application[Any, Context, Any, Any, BotData, Any]


def build_application(settings: Settings, *, console: ConsoleIO | None = None) -> BotApp:
    """The application for `settings`: Telegram when a token is set, the console otherwise."""
    context_types = ContextTypes(context=Context, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .context_types(context_types)
        .post_init(_post_init(settings))
        .post_shutdown(_post_shutdown)
    )
    if settings.console_mode:
        io = console or ConsoleIO()
        builder = (
            builder.token(CONSOLE_TOKEN)
            .request(ConsoleRequest(io))
            .get_updates_request(ConsoleRequest(io))
        )
    else:
        builder = builder.token(settings.token or "").base_url(settings.telegram_api_base_url)
    application: BotApp = builder.build()
    handlers.register(application)
    return application


def _post_init(settings: Settings) -> Any:
    async def post_init(application: BotApp) -> None:
        sources = load_sources(settings.sources_file)
        engine = create_engine(settings.database_url)
        await migrate(engine)
        store = Store(engine)
        await store.sync_sources(sources)
        http = build_http_client(
            timeout=settings.http_timeout_seconds,
            max_connections=settings.http_max_connections,
            user_agent=settings.http_user_agent,
        )
        classifier = default_classifier()
        poller = Poller(settings, store, http, classifier, Clusterer())
        seeded = await poller.seed()
        pacing = Pacing(
            global_per_second=settings.send_rate_global_per_second,
            per_chat_per_second=settings.send_rate_per_chat_per_second,
            per_group_per_minute=settings.send_rate_per_group_per_minute,
            paid_broadcast=settings.allow_paid_broadcast,
        )
        sender = Sender(application.bot, store, pacing)
        requeued = await store.outbox.requeue_inflight()
        if requeued:
            log.warning("delivery.requeued_inflight count=%d (may arrive twice)", requeued)
        application.bot_data.services = Services(
            settings=settings, store=store, http=http, classifier=classifier, poller=poller,
            sender=sender, started_at=datetime.now(UTC), inflight_requeued=requeued,
        )
        log.info("app.started sources=%d incidents_restored=%d console=%s",
                 len(sources), seeded, settings.console_mode)
        await handlers.set_commands(application)
        _schedule(application, settings)

    return post_init


async def _post_shutdown(application: BotApp) -> None:
    try:
        services = application.bot_data.services
    except RuntimeError:
        return  # post_init never ran to the end
    await services.http.aclose()
    await services.store.close()
    application.bot_data.services = None
    log.info("app.stopped")


def _schedule(application: BotApp, settings: Settings) -> None:
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    tick = min(30.0, max(1.0, settings.poll_interval_seconds / 5))
    queue.run_repeating(
        poll_job, interval=tick, first=0.5, name="poll",
        job_kwargs={"max_instances": 1, "coalesce": True,
                    "misfire_grace_time": int(max(tick, 60))},
    )
    queue.run_repeating(
        deliver_job, interval=settings.delivery_interval_seconds, first=0.2, name="deliver",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 60},
    )


async def poll_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """Poll due sources; drain the outbox at once when something was queued."""
    services = context.bot_data.services
    outcomes = await services.poller.poll_due()
    if any(o.queued for o in outcomes):
        await services.sender.drain(max_seconds=_DRAIN_SLICE.total_seconds())


async def deliver_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """Send what is due in the outbox."""
    await context.bot_data.services.sender.drain(max_seconds=_DRAIN_SLICE.total_seconds())


_DRAIN_SLICE = timedelta(seconds=5)
