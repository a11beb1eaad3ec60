"""Fakes at the I/O boundary: a loopback Telegram Bot API and a loopback feed server.

Both run a stdlib HTTP server on 127.0.0.1 in background threads, so they work while a
test's asyncio loop runs in the main thread, and both stop cleanly with requests in flight::

    with FakeTelegram() as tg, FeedServer() as feeds:
        feeds.serve_file("/armenpress.xml", "armenpress_en.xml")
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
        ...
        tg.user_says(42, "/start")
        sent = await tg.wait_for_sent(1)

Fixture bodies live in tests/fixtures/feeds/ (see its README.md).
"""

from .feed_server import (
    FIXTURE_CONTENT_TYPES,
    FIXTURES_DIR,
    RSS_CONTENT_TYPE,
    FeedRequest,
    FeedServer,
    fixture_bytes,
)
from .telegram_api import (
    DEFAULT_TOKEN,
    ApiError,
    EditRecord,
    FakeStats,
    FakeTelegram,
    RecordedRequest,
    SentMessage,
    Upload,
    parse_html_entities,
    parse_markdown_v2,
)

__all__ = [
    "DEFAULT_TOKEN",
    "FIXTURES_DIR",
    "FIXTURE_CONTENT_TYPES",
    "RSS_CONTENT_TYPE",
    "ApiError",
    "EditRecord",
    "FakeStats",
    "FakeTelegram",
    "FeedRequest",
    "FeedServer",
    "RecordedRequest",
    "SentMessage",
    "Upload",
    "fixture_bytes",
    "parse_html_entities",
    "parse_markdown_v2",
]
