"""Daily digests: the incidents of a period in one message, and the job that queues them.

`render_digest` is pure. `queue_due_digests` is the digest job's work: for every chat in
digest mode whose local digest time has come, the incidents recorded since its last digest
(at most a day back) that pass its filters are rendered in its language and queued in the
outbox, once per chat and day (the sender delivers them like alerts, within the limits).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.db.search import SearchStore
from bot.db.store import Store
from bot.db.tables import Incident
from bot.present.formatting import TELEGRAM_LIMIT, shorten_html
from bot.present.i18n import t, tn
from bot.present.incidents import incident_line, wanted
from bot.subscribers.prefs import ChatPrefs

__all__ = ["DIGEST_PERIOD", "digest_for", "queue_due_digests", "render_digest"]

log = logging.getLogger(__name__)
DIGEST_PERIOD = timedelta(hours=24)
_MAX_LINES = 40


def render_digest(rows: Sequence[Incident], lang: str) -> str:
    """The digest message (HTML): a title and one line per incident, or "no incidents"."""
    if not rows:
        return t(lang, "digest_empty")
    lines = [tn(lang, "digest_title", len(rows))]
    lines += [incident_line(row, lang) for row in rows[-_MAX_LINES:]]
    if len(rows) > _MAX_LINES:
        lines.append(t(lang, "digest_more", n=len(rows) - _MAX_LINES))
    return shorten_html("\n".join(lines), TELEGRAM_LIMIT)


async def digest_for(store: Store, prefs: ChatPrefs, now: datetime) -> str:
    """The digest of the last 24 hours for a chat with `prefs` (/digest on demand)."""
    rows = await SearchStore(store.sessions).created_since(now - DIGEST_PERIOD)
    return render_digest(wanted(rows, prefs, now), prefs.language)


async def queue_due_digests(store: Store, now: datetime) -> int:
    """Queue every digest that is due; returns how many messages were queued."""
    queued = 0
    search = SearchStore(store.sessions)
    for target in await store.chats.digest_targets(now):
        since = max(target.prefs.digest_last or now - DIGEST_PERIOD, now - DIGEST_PERIOD)
        rows = wanted(await search.created_since(since), target.prefs, now)
        text = render_digest(rows, target.prefs.language)
        queued += await store.outbox.queue_digest(target, text, now)
        log.info("digest.queued chat=%s incidents=%d", target.chat_id, len(rows))
    return queued
