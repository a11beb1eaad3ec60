"""Building the python-telegram-bot Application: services, handlers and named jobs.

Shared resources (database, HTTP client, the HTTP endpoint, the leader election) open in
`post_init` and close in `post_shutdown`. Every schedule is a named JobQueue job: "leader"
runs an election round, "poll" looks for due sources, "deliver" drains the outbox. Poll and
deliver run on the leader only (see `bot.ops.leader`); every replica answers commands. In
polling mode only the leader fetches updates too, since Telegram serves `getUpdates` to one
client at a time; in webhook mode every replica answers what its load balancer sends it.
Console mode swaps only the request backend (see `bot.ops.console`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes

import handlers
from bot.classifier import Classifier, ItemText, default_classifier
from bot.clustering import Clusterer
from bot.db.engine import create_engine, migrate
from bot.db.store import Store
from bot.delivery.pacer import Pacer, ReplyRateLimiter
from bot.delivery.sender import Pacing, Sender
from bot.domain import DeliveryStatus
from bot.exceptions import ConfigError
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller
from bot.ingest.sources import load_sources
from bot.ops.console import CONSOLE_CHAT_ID, CONSOLE_TOKEN, ConsoleIO, ConsoleRequest
from bot.ops.leader import CHECK_INTERVAL, Leadership, election_for, replica_name
from bot.ops.metrics import Metrics
from bot.ops.web import WebServer
from bot.present import i18n
from bot.services import BotData, Services
from bot.settings import Settings
from handlers.concurrency import PerChatUpdateProcessor
from handlers.context import Context

__all__ = ["ALLOWED_UPDATES", "BotApp", "build_application", "webhook_options"]

log = logging.getLogger(__name__)

BotApp = Application[Any, Context, Any, Any, BotData, Any]
T = TypeVar("T")

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "channel_post"]
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
WEBHOOK_MAX_BODY = 1 << 20
"""Bytes of one webhook request at most. An update is a few kilobytes (a 4,096-character
message with its entities and a keyboard stays far below this); the web server's default,
100 MB, let anyone without the secret make the bot buffer that much before it was checked."""


def file_base_url(api_base_url: str) -> str:
    """Where files are downloaded from: `.../bot` becomes `.../file/bot`, as on Telegram's
    own server and a self-hosted Bot API server."""
    head, sep, tail = api_base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{api_base_url}/file"


def build_application(settings: Settings, *, console: ConsoleIO | None = None) -> BotApp:
    """The application for `settings`: Telegram when a token is set, the console otherwise."""
    context_types = ContextTypes(context=Context, bot_data=BotData)
    io = (console or ConsoleIO()) if settings.console_mode else None
    builder = (
        ApplicationBuilder()
        .context_types(context_types)
        .post_init(_post_init(settings, io))
        .post_shutdown(_post_shutdown)
        # Chats are answered side by side, each chat's updates in order (handlers.concurrency).
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if io is not None:
        builder = (
            builder.token(CONSOLE_TOKEN)
            .request(ConsoleRequest(io))
            .get_updates_request(ConsoleRequest(io))
        )
    else:
        builder = (
            builder.token(settings.token or "")
            .base_url(settings.telegram_api_base_url)
            .base_file_url(file_base_url(settings.telegram_api_base_url))
            # Replies share the outbox's pace (and go first), and survive a 429.
            .rate_limiter(ReplyRateLimiter(Pacer(settings.send_rate_global_per_second)))
        )
    application: BotApp = builder.build()
    handlers.register(application)
    return application


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `run_webhook` / `Updater.start_webhook` from the settings.

    The secret is required: Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`, and
    python-telegram-bot answers 403 to any request without it.
    """
    url = settings.telegram_webhook_url or ""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ConfigError("TELEGRAM_WEBHOOK_URL: must be an absolute https:// URL")
    secret = settings.telegram_webhook_secret
    if secret is None or not _SECRET.match(secret.get_secret_value()):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL; 1-256 characters "
            "from A-Z, a-z, 0-9, _ and -"
        )
    _cap_webhook_bodies()
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": parts.path.lstrip("/"),
        "webhook_url": url,
        "secret_token": secret.get_secret_value(),
        "allowed_updates": ALLOWED_UPDATES,
    }


def _cap_webhook_bodies() -> None:
    """Make python-telegram-bot's webhook server (tornado) refuse bodies over the cap, from
    the Content-Length header or while a chunked body arrives, before any of it is buffered.

    PTB builds the tornado `HTTPServer` itself and takes no size; tornado's `configure` sets
    keyword arguments for every server built afterwards, and the bot builds no other.
    """
    from tornado.httpserver import HTTPServer

    HTTPServer.configure(None, max_body_size=WEBHOOK_MAX_BODY)


def _pacing(settings: Settings) -> Pacing:
    return Pacing(
        global_per_second=settings.send_rate_global_per_second,
        per_chat_per_second=settings.send_rate_per_chat_per_second,
        per_group_per_minute=settings.send_rate_per_group_per_minute,
        paid_broadcast=settings.allow_paid_broadcast,
    )


def _post_init(settings: Settings, console: ConsoleIO | None) -> Any:
    async def post_init(application: BotApp) -> None:
        if settings.telegram_webhook_url and not settings.console_mode:
            webhook_options(settings)  # a bad webhook setting stops the start, not the first update
        sources = load_sources(settings.sources_file)
        engine = create_engine(settings.database_url)
        await migrate(engine)
        store = Store(engine)
        await store.sync_sources(sources)
        http = build_http_client(
            timeout=settings.http_timeout_seconds,
            max_connections=settings.http_max_connections,
            user_agent=settings.http_user_agent,
            allow_private=settings.allow_private_source_urls,
            trusted_hosts=[urlsplit(settings.telegram_web_base_url).hostname or ""],
        )
        classifier = default_classifier()
        poller = Poller(settings, store, http, classifier, Clusterer())
        limiter = application.bot.rate_limiter
        pacer = None
        # Paid broadcasts have a budget of their own (1,000/s); replies stay within the free one.
        if isinstance(limiter, ReplyRateLimiter) and not settings.allow_paid_broadcast:
            pacer = limiter.pacer
        sender = Sender(application.bot, store, _pacing(settings), pacer=pacer)
        name = replica_name()
        leader = Leadership(
            election_for(engine, settings.leader_lock_id, name),
            name=name,
            on_elected=lambda grace: _on_elected(application, grace),
            on_deposed=lambda: _on_deposed(application),
        )
        services = Services(
            settings=settings, store=store, http=http, classifier=classifier, poller=poller,
            sender=sender, started_at=datetime.now(UTC), leader=leader, metrics=Metrics(),
            console=console,
        )
        application.bot_data.services = services
        if console is not None:
            # The console chat is the operator's own: subscribed before the first poll, so
            # its alert is shown without typing anything.
            await store.chats.upsert_chat(CONSOLE_CHAT_ID, type_="private", title="Console")
            await store.chats.subscribe(CONSOLE_CHAT_ID, 0)
            console.subscribed = True
            console.sources_total = len(sources)
        # The first round now: a lone replica is leader before its jobs first run.
        await leader.check()
        if settings.http_port:
            application.bot_data.web = await _start_web(services, settings)
        log.info("app.started sources=%d role=%s replica=%s console=%s",
                 len(sources), leader.role, name, settings.console_mode)
        await handlers.set_commands(application)
        _schedule(application, settings)
        _freeze_start_up_heap(classifier)

    return post_init


def _freeze_start_up_heap(classifier: Classifier) -> None:
    """Load what the first poll and alert would read, then freeze everything start-up built.

    It lives as long as the process (libraries, the classifier's tables, catalogs, the
    clusterer's incidents). Frozen, it is no longer re-scanned by every full garbage
    collection: each one holds every thread, the event loop's included, and took 100-400 ms
    during a big first poll (benchmarks/hostile.py). `_post_shutdown` unfreezes it.
    """
    i18n.preload()
    classifier.classify(ItemText("start-up", "Border Watch starts"))  # it loads its models
    gc.collect()
    gc.freeze()


async def _start_web(services: Services, settings: Settings) -> WebServer | None:
    """The health, metrics and feed endpoint, listening; None when its port is taken."""
    web = WebServer(services, host=settings.http_listen, port=settings.http_port,
                    public_url=settings.public_url)
    try:
        await web.start()
    except OSError as exc:
        # Health and metrics are for operators; the alerts must not wait on a free port.
        log.error("web.unavailable address=%s port=%d error=%s", settings.http_listen,
                  settings.http_port, exc)
        await web.stop()
        return None
    return web


async def _on_elected(application: BotApp, grace: float) -> None:
    """Before acting as leader: take over what a previous leader left unfinished."""
    services = application.bot_data.services
    outbox = services.store.outbox
    if grace > 0 and (await outbox.delivery_counts()).get(DeliveryStatus.SENDING):
        # The old leader may be alive but cut off; by now it has stopped sending.
        log.info("leader.takeover_wait seconds=%.1f", grace)
        await asyncio.sleep(grace)
    requeued = await outbox.requeue_inflight()
    if requeued:
        if services.metrics is not None:
            services.metrics.requeued(requeued)
        log.warning("delivery.requeued_inflight count=%d (may arrive twice)", requeued)
    seeded = await services.poller.seed()
    log.info("leader.ready incidents_restored=%d", seeded)


async def _on_deposed(application: BotApp) -> None:
    """Stop fetching updates in polling mode: the new leader does that now."""
    await _sync_updater(application, leader=False)


async def _sync_updater(application: Application[Any, Any, Any, Any, BotData, Any], *,
                        leader: bool) -> None:
    """In polling mode, fetch updates on the leader only (one `getUpdates` client at a time)."""
    try:
        settings = application.bot_data.services.settings
    except RuntimeError:
        return
    updater = application.updater
    if updater is None or settings.console_mode or settings.telegram_webhook_url:
        return
    if not application.running:
        return  # starting or stopping: run_polling owns the updater then
    if leader and not updater.running:
        log.info("app.updates_polling_started (leader)")
        await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    elif not leader and updater.running:
        log.info("app.updates_polling_stopped (follower)")
        await updater.stop()


async def _post_shutdown(application: BotApp) -> None:
    web, application.bot_data.web = application.bot_data.web, None
    if web is not None:
        await web.stop()
    try:
        services = application.bot_data.services
    except RuntimeError:
        return  # post_init never ran to the end
    if services.leader is not None:
        await services.leader.stop()
    await services.http.aclose()
    await asyncio.to_thread(services.images.close)
    await services.store.close()
    application.bot_data.services = None
    gc.unfreeze()  # an application started again in this process (tests) freezes anew
    log.info("app.stopped")


def _schedule(application: BotApp, settings: Settings) -> None:
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    queue.run_repeating(
        # First at once: a follower in polling mode stops fetching updates without delay.
        leader_job, interval=CHECK_INTERVAL, first=0.1, name="leader",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
    )
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


async def leader_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """One election round; in polling mode, fetch updates only while leader."""
    services = context.bot_data.services
    if services.leader is None:
        return
    leader = await services.leader.check()
    await _sync_updater(context.application, leader=leader)


async def poll_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """Poll due sources (leader only); drain the outbox at once when something was queued."""
    services = context.bot_data.services
    if not services.is_leader():
        return
    outcomes = await services.poller.poll_due()
    if services.metrics is not None:
        services.metrics.record_polls(outcomes)
    if services.console is not None and outcomes:
        services.console.record_polls([(o.source, o.ok) for o in outcomes])
    if any(o.queued for o in outcomes):
        await _while_leader(services, services.sender.drain(
            max_seconds=_DRAIN_SLICE.total_seconds()))


async def deliver_job(context: CallbackContext[Any, Any, Any, BotData]) -> None:
    """Send what is due in the outbox (leader only; stops mid-way if leadership is lost)."""
    services = context.bot_data.services
    if not services.is_leader():
        return
    await _while_leader(services, services.sender.drain(max_seconds=_DRAIN_SLICE.total_seconds()))


async def _while_leader(services: Services, work: Awaitable[T]) -> T | None:
    if services.leader is None:
        return await work
    return await services.leader.run_while_leader(work)


_DRAIN_SLICE = timedelta(seconds=5)
