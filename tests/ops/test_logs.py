"""Logging: the token never reaches a log line, a traceback included."""

from __future__ import annotations

import io
import logging

from bot.ops.logs import RepeatFilter, configure_logging, redact
from testkit.harness import TOKEN


def test_redact_known_and_token_shaped() -> None:
    """Known secrets and anything shaped like a bot token are replaced."""
    text = f"POST https://api.telegram.org/bot{TOKEN}/getMe and 987654321:AAbbCCddEEffGGhhIIjjKKll"
    cleaned = redact(text, (TOKEN,))
    assert TOKEN not in cleaned
    assert "AAbbCCdd" not in cleaned
    assert cleaned.count("[REDACTED]") == 2


def test_log_records_and_tracebacks_are_redacted() -> None:
    """Arguments, messages and exception text all pass through the redaction."""
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=(TOKEN,), stream=stream)
    logger = logging.getLogger("tests.redaction")
    logger.info("calling %s", f"https://x/bot{TOKEN}/getMe")
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("boom")
    output = stream.getvalue()
    assert "calling" in output
    assert "boom" in output
    assert "RuntimeError" in output
    assert TOKEN not in output
    logging.getLogger().handlers.clear()


def test_json_format() -> None:
    """LOG_FORMAT=json writes one JSON object per line."""
    import json

    stream = io.StringIO()
    configure_logging("INFO", fmt="json", stream=stream)
    logging.getLogger("tests.json").info("source.failing source=%s", "x")
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["event"] == "source.failing source=x"
    assert record["level"] == "INFO"
    logging.getLogger().handlers.clear()


def test_start_up_chatter_is_quiet_and_repeats_are_held_back() -> None:
    """alembic's plugin and preamble lines are dropped (its migrations kept); APScheduler's
    "maximum number of running instances" passes once, then once per ten minutes with the
    number held back."""
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("alembic.runtime.plugins").info("setup plugin %s", "alembic.autogenerate")
    migration = logging.getLogger("alembic.runtime.migration")
    migration.info("Context impl SQLiteImpl.")
    migration.info("Will assume non-transactional DDL.")
    migration.info("Running upgrade  -> 0001, initial schema")
    scheduler = logging.getLogger("apscheduler.scheduler")
    clock = [0.0]
    repeat = next(f for f in scheduler.filters if isinstance(f, RepeatFilter))
    repeat._clock = lambda: clock[0]
    skipped = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
    for second in range(120):
        clock[0] = float(second)
        scheduler.warning(skipped, f"poll (trigger: interval, next run at: {second})", 1)
    clock[0] = 700.0
    scheduler.warning(skipped, "poll (trigger: interval, next run at: 700)", 1)
    scheduler.warning(skipped, "deliver (trigger: interval, next run at: 700)", 1)
    output = stream.getvalue()
    assert "setup plugin" not in output
    assert "Context impl" not in output
    assert "Will assume" not in output
    assert "Running upgrade" in output
    assert output.count('job "poll') == 2
    assert "[119 more like this held back since]" in output
    assert output.count('job "deliver') == 1
    logging.getLogger().handlers.clear()
