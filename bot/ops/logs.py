"""Logging set-up, called once from the entry point; never at import time.

The bot token would otherwise leak through httpx's request lines ("POST .../bot<token>/...")
and tracebacks, so every handler gets a filter that redacts it, and anything shaped like one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TextIO

__all__ = [
    "BoilerplateFilter",
    "JsonFormatter",
    "RedactingFilter",
    "RepeatFilter",
    "configure_logging",
    "redact",
]

_TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
REDACTED = "[REDACTED]"


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace every known secret and every token-shaped string in `text`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments and traceback included) without secrets."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = redact(message, self._secrets)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (`LOG_FORMAT=json`)."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            payload["exc"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, ensure_ascii=False)


class BoilerplateFilter(logging.Filter):
    """Drops records whose message starts with one of `prefixes` (start-up chatter)."""

    def __init__(self, *prefixes: str) -> None:
        super().__init__()
        self._prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self._prefixes)


class RepeatFilter(logging.Filter):
    """Lets a recurring warning through once per `every` seconds per message template.

    APScheduler warns "skipped: maximum number of running instances reached" each time a
    job's turn comes while its last run is still going; on a busy machine that is every
    second. The first one is news, the rest say nothing new: the next one that passes
    carries how many were held back.
    """

    def __init__(self, every: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._every = every
        self._clock = clock
        self._last: dict[tuple[str, str], float] = {}
        self._held: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        # A job prints as "poll (trigger: ..., next run at: ...)": its name is the key.
        subject = str(record.args[0]).split(" (")[0] if isinstance(record.args, tuple) and \
            record.args else ""
        key = (str(record.msg), subject)
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._every:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        self._last[key] = now
        held = self._held.pop(key, 0)
        if held:
            record.msg = f"{record.msg} [%d more like this held back since]"
            record.args = (*(record.args or ()), held)
        return True


# Start-up lines that say nothing an operator needs: alembic's plugin set-up and its
# per-connection preamble. "Running upgrade a -> b" (a migration ran) is kept.
_ALEMBIC_CHATTER: Final = ("Context impl ", "Will assume ")


def configure_logging(
    level: str = "INFO",
    *,
    fmt: str = "text",
    secrets: tuple[str, ...] = (),
    stream: TextIO | None = None,
    path: Path | None = None,
) -> None:
    """Install one redacting handler on the root logger and quiet chatty libraries.

    With `path`, the log goes to that file (console mode keeps the terminal for the
    conversation); otherwise to `stream` (standard error by default).
    """
    handler: logging.Handler
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Request lines from these are noise at INFO (and carry the token in the URL).
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater", "aiosqlite",
                  "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _replace_filter(logging.getLogger("alembic.runtime.migration"),
                    BoilerplateFilter(*_ALEMBIC_CHATTER))
    # Both the scheduler and its executor log the "maximum number of running instances".
    for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
        _replace_filter(logging.getLogger(name), RepeatFilter())


def _replace_filter(logger: logging.Logger, new: logging.Filter) -> None:
    """Install `new` on `logger` in place of an earlier one of its type (no pile-up when
    logging is configured again, as tests do)."""
    for old in [f for f in logger.filters if type(f) is type(new)]:
        logger.removeFilter(old)
    logger.addFilter(new)
