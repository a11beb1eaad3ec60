"""Logging: the token never reaches a log line, a traceback included."""

from __future__ import annotations

import io
import logging

from bot.ops.logs import configure_logging, redact
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
