"""Fakes at the I/O boundary: a loopback Telegram Bot API and a loopback feed server."""

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
