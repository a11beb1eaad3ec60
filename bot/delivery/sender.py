"""The sender: drains the outbox within Telegram's limits and never sends a delivery twice.

Rows are claimed (`pending` -> `sending`), sent, then marked `sent` with the message id. A
crash between the two leaves a row in `sending`; it is re-queued at start, and those are the
only messages that can arrive twice (`Store.requeue_inflight` reports their number).

Pacing stays below the limits instead of bouncing off them: one global pace shared with the
replies to commands (`bot.delivery.pacer`: 30/s, or 1,000/s with paid broadcast, adjusted by
what Telegram answers; replies go first) and a minimum gap per chat (1 s for private chats,
3 s for groups and channels, i.e. 20 a minute). A RetryAfter pauses all sending for the time
Telegram asks and loses nothing; 403 and "chat not found" deactivate the chat; a migrated
group moves to its new id; network errors and 5xx are retried with bounded exponential
backoff. One delivery's unexpected failure stays with that delivery.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import utcnow
from bot.db.store import Store
from bot.db.tables import Delivery
from bot.delivery.pacer import Pacer, outbox_send
from bot.domain import DeliveryKind
from bot.present.formatting import shorten_html
from bot.present.keyboards import markup_from_json

__all__ = ["Pacing", "Sender", "SenderStats"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 600.0
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "group chat was deleted",
         "have no rights to send", "not enough rights", "bot is not a member", "channel_private")


@dataclass(frozen=True, slots=True)
class Pacing:
    """Send rates; the defaults are Telegram's documented limits for bots."""

    global_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0
    paid_broadcast: bool = False
    paid_per_second: float = 1000.0

    def chat_gap(self, chat_id: int) -> float:
        """Minimum seconds between two messages to one chat."""
        if chat_id < 0:  # groups, supergroups and channels have negative ids
            return 60.0 / self.per_group_per_minute
        return 1.0 / self.per_chat_per_second

    @property
    def rate(self) -> float:
        """Messages per second overall."""
        return self.paid_per_second if self.paid_broadcast else self.global_per_second


@dataclass(slots=True)
class SenderStats:
    """Counters for /status, metrics and benchmarks."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    rate_limited: int = 0
    chats_deactivated: int = 0
    latencies: list[float] = field(default_factory=list)


class Sender:
    """Drains due deliveries from the store through a `telegram.Bot`."""

    def __init__(
        self, bot: Bot, store: Store, pacing: Pacing | None = None, *, concurrency: int = 64,
        pacer: Pacer | None = None,
    ) -> None:
        self._bot = bot
        self._store = store
        self.pacing = pacing or Pacing()
        # The application passes the pacer its replies use too; alone, the sender has its own.
        self.pacer = pacer or Pacer(self.pacing.rate)
        self._next_ok: dict[int, float] = {}
        self._in_flight = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        # Confirmations are written in small batches (a tenth of a second's worth): at 1,000
        # messages/s a transaction per message would be the bottleneck. Rows sent but not yet
        # confirmed stay `sending`; they are what a crash can duplicate, and are counted.
        self._confirm: list[tuple[int, int | None]] = []
        self._confirm_every = max(1, int(self.pacing.rate / 10))
        self._confirm_lock = asyncio.Lock()
        self.stats = SenderStats()

    async def drain(self, max_seconds: float = 5.0, batch: int | None = None) -> int:
        """Send due deliveries for up to `max_seconds`; return how many went out.

        Batches overlap: the next one is claimed while the last is being sent (its chats
        skipped, so each chat's messages keep their order), so the pace never waits on the
        database.
        """
        batch = batch or max(10, int(self.pacing.rate))  # about a second's worth
        if self._lock.locked():
            return 0  # a previous run is still draining
        async with self._lock:
            deadline = time.monotonic() + max_seconds
            sent_before = self.stats.sent
            sending: asyncio.Task[None] | None = None
            busy: list[int] = []
            try:
                while time.monotonic() < deadline:
                    await self._wait_pause(deadline)
                    now = time.monotonic()
                    cooling = [c for c, t in self._next_ok.items() if t > now][:500]
                    rows = await self._store.outbox.claim_due(
                        utcnow(), batch, skip_chats=[*cooling, *busy]
                    )
                    finished = sending is not None
                    if sending is not None:
                        await sending
                        sending = None
                        await self.flush()
                    if not rows:
                        if finished:
                            busy = []  # the batch just sent may have re-queued rows (a
                            continue  # migrated group's): look once more
                        break
                    per_chat: dict[int, list[Delivery]] = defaultdict(list)
                    for row in rows:
                        per_chat[row.chat_id].append(row)
                    busy = list(per_chat)
                    sending = asyncio.create_task(self._send_batch(per_chat))
                    self._forget_old(time.monotonic())
                if sending is not None:
                    await sending
            finally:
                if sending is not None and not sending.done():
                    sending.cancel()  # drain itself was cancelled (leadership lost)
                    await asyncio.gather(sending, return_exceptions=True)
                # Even when cancelled: what went out is recorded, never re-sent at restart.
                await self.flush()
            return self.stats.sent - sent_before

    async def _send_batch(self, per_chat: dict[int, list[Delivery]]) -> None:
        await asyncio.gather(*(self._send_chat(rows) for rows in per_chat.values()))

    async def _wait_pause(self, deadline: float) -> None:
        delay = min(self.pacer.paused_until, deadline) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _forget_old(self, now: float) -> None:
        if len(self._next_ok) > 10_000:
            self._next_ok = {c: t for c, t in self._next_ok.items() if t > now}

    async def _send_chat(self, rows: list[Delivery]) -> None:
        for index, row in enumerate(rows):
            wait = self._next_ok.get(row.chat_id, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                outcome = await self._send_one(row)
            except Exception:
                # Anything unforeseen (a locked database, a bug) stays with this one row: the
                # rest of the batch is sent and confirmed as usual.
                log.exception("delivery.unexpected_error chat=%s delivery=%s", row.chat_id,
                              row.id)
                outcome = await self._after_unexpected(row)
            if outcome == "gone":
                # Everything else queued for this chat was cancelled with it.
                for rest in rows[index + 1 :]:
                    await self._store.outbox.mark_failed(rest.id, "chat deactivated")
                return

    async def _send_one(self, row: Delivery) -> str:
        async with self._in_flight:
            await self.pacer.acquire(row.priority)
            self._next_ok[row.chat_id] = time.monotonic() + self.pacing.chat_gap(row.chat_id)
            started = time.monotonic()
            try:
                with outbox_send():
                    message_id = await self._call(row)
            except RetryAfter as exc:
                retry = _seconds(exc.retry_after)
                self.stats.rate_limited += 1
                self.pacer.retry_after(retry)
                log.warning("delivery.rate_limited retry_after=%.1f chat=%s", retry, row.chat_id)
                await self._store.outbox.mark_retry(
                    row.id, delay=retry, error="429", count_attempt=False
                )
                return "retry"
            except ChatMigrated as exc:
                log.info("delivery.chat_migrated old=%s new=%s", row.chat_id, exc.new_chat_id)
                await self._store.chats.migrate_chat(row.chat_id, exc.new_chat_id)
                return "retry"
            except Forbidden as exc:
                return await self._gone(row, f"forbidden: {exc.message}")
            except BadRequest as exc:
                return await self._bad_request(row, exc)
            except (TimedOut, NetworkError) as exc:
                return await self._retry(row, f"network: {exc.message}")
            self.stats.sent += 1
            self.stats.latencies.append(time.monotonic() - started)
            if len(self.stats.latencies) > 10_000:
                del self.stats.latencies[:5_000]
            self._confirm.append((row.id, message_id))
            if len(self._confirm) >= self._confirm_every:
                await self.flush()
            return "sent"

    async def _after_unexpected(self, row: Delivery) -> str:
        """Put a row whose send failed unexpectedly back in the queue, with backoff; if even
        that fails it stays `sending`, re-queued at the next start (it was not sent)."""
        try:
            return await self._retry(row, "unexpected error (see the log)")
        except Exception:
            log.exception("delivery.requeue_failed delivery=%s", row.id)
            return "failed"

    async def flush(self) -> None:
        """Write pending confirmations (`sent` with message ids) to the outbox."""
        async with self._confirm_lock:
            batch, self._confirm = self._confirm, []
            try:
                await self._store.outbox.mark_sent_many(batch)
            except BaseException:
                self._confirm[:0] = batch  # confirmed at the next flush instead
                raise

    async def _call(self, row: Delivery) -> int | None:
        thread = row.thread_id or None
        paid = self.pacing.paid_broadcast or None
        no_preview = LinkPreviewOptions(is_disabled=True)
        if row.kind == DeliveryKind.EDIT:
            target = row.target_message_id or await self._target(row)
            if target is None:
                return None  # the alert never went out; nothing to edit
            await self._bot.edit_message_text(
                row.text, chat_id=row.chat_id, message_id=target,
                parse_mode=ParseMode.HTML, link_preview_options=no_preview,
                reply_markup=markup_from_json(row.reply_markup),
            )
            return target
        reply = None
        if row.kind == DeliveryKind.REPLY:
            target = row.target_message_id or await self._target(row)
            if target is not None:
                reply = ReplyParameters(message_id=target, allow_sending_without_reply=True)
        message = await self._bot.send_message(
            row.chat_id, row.text, parse_mode=ParseMode.HTML, message_thread_id=thread,
            link_preview_options=no_preview, reply_parameters=reply, allow_paid_broadcast=paid,
            reply_markup=markup_from_json(row.reply_markup),
        )
        return message.message_id

    async def _target(self, row: Delivery) -> int | None:
        if row.incident_id is None:
            return None
        outbox = self._store.outbox
        return await outbox.alert_message_id(row.incident_id, row.chat_id, row.thread_id)

    async def _gone(self, row: Delivery, reason: str) -> str:
        log.info("delivery.chat_gone chat=%s reason=%s", row.chat_id, reason)
        self.stats.chats_deactivated += 1
        await self._store.chats.deactivate_chat(row.chat_id, reason)
        await self._store.outbox.mark_failed(row.id, reason)
        return "gone"

    async def _bad_request(self, row: Delivery, exc: BadRequest) -> str:
        text = exc.message.lower()
        if any(marker in text for marker in _GONE):
            return await self._gone(row, exc.message)
        if "message is not modified" in text:
            self._confirm.append((row.id, row.target_message_id))
            return "sent"
        if "message is too long" in text and row.attempts < 2:
            self.stats.retried += 1
            await self._store.outbox.set_text(row.id, shorten_html(row.text, 3500))
            return "retry"
        self.stats.failed += 1
        log.error("delivery.bad_request chat=%s kind=%s error=%s", row.chat_id, row.kind, exc)
        await self._store.outbox.mark_failed(row.id, f"bad request: {exc.message}")
        return "failed"

    async def _retry(self, row: Delivery, reason: str) -> str:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            self.stats.failed += 1
            log.error("delivery.gave_up chat=%s attempts=%s error=%s", row.chat_id,
                      row.attempts + 1, reason)
            await self._store.outbox.mark_failed(row.id, reason)
            return "failed"
        self.stats.retried += 1
        delay = min(MAX_BACKOFF_SECONDS, 2.0 ** (row.attempts + 1))
        log.warning("delivery.retry chat=%s in=%.0fs error=%s", row.chat_id, delay, reason)
        await self._store.outbox.mark_retry(row.id, delay=delay, error=reason)
        return "retry"


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
