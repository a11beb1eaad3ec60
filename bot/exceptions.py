"""The one exception tree of Border Watch: every error the bot raises on purpose.

    BorderWatchError
    ├── ConfigError            a setting, the sources file or a bundled data file is wrong
    │   │                      (fatal at start)
    │   └── GazetteerError     the gazetteer data file is malformed (row, sector, clashing names)
    ├── StartupError           a service needed at start is unreachable: the Bot API (fatal)
    ├── FeedError              one source could not be fetched or parsed (that source backs off)
    │   ├── FetchError         network failure, timeout, redirect loop, HTTP 4xx/5xx
    │   │   └── TransientFetchError   worth retrying soon: timeouts, 429, 5xx
    │   ├── FeedTooLargeError  the body passed the size cap
    │   └── FeedParseError     not a feed: HTML, empty body, malformed XML with no entries
    │       └── ChannelLayoutError  a Telegram preview page no longer yields posts (markup changed)
    └── UsageError             a user's input is refused; `key` names the catalog text saying why
        ├── ArgError           a command argument is wrong (also a ValueError; `values` fill
        │                      the text)
        └── UrlRefused         a source URL or connection the SSRF guard refuses (private, ...)

Every error raised while handling a source carries that source's name, so a log line or an admin
report says which feed broke. Delivery failures are python-telegram-bot's own errors
(`Forbidden`, `BadRequest`, `RetryAfter`, ...), which the sender handles where they are raised;
the tree does not wrap them. A test checks that this drawing and the classes agree.
"""

from __future__ import annotations

__all__ = [
    "ArgError",
    "BorderWatchError",
    "ChannelLayoutError",
    "ConfigError",
    "FeedError",
    "FeedParseError",
    "FeedTooLargeError",
    "FetchError",
    "GazetteerError",
    "StartupError",
    "TransientFetchError",
    "UrlRefused",
    "UsageError",
]


class BorderWatchError(Exception):
    """Base of every error Border Watch raises on purpose."""


class ConfigError(BorderWatchError):
    """A setting, the sources file or a bundled data file is missing or has a wrong value."""


class GazetteerError(ConfigError):
    """The gazetteer data file is malformed (bad row, unknown sector, clashing names)."""


class StartupError(BorderWatchError):
    """The bot cannot start: a service it needs (the Telegram Bot API) is unreachable."""


class FeedError(BorderWatchError):
    """A source could not be fetched or parsed."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source

    @property
    def reason(self) -> str:
        """What went wrong, without the source's name (for a place that shows it already)."""
        return super().__str__()

    def __str__(self) -> str:
        base = self.reason
        return f"{self.source}: {base}" if self.source else base


class FetchError(FeedError):
    """The HTTP request failed or answered with an error status."""


class TransientFetchError(FetchError):
    """A failure worth retrying: a timeout, a connection error, a 429 or a 5xx."""

    def __init__(
        self, message: str, *, source: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, source=source)
        self.retry_after = retry_after


class FeedTooLargeError(FeedError):
    """The response body passed the configured size cap."""


class FeedParseError(FeedError):
    """The body is not a usable feed (HTML, empty, or malformed with no entries)."""


class ChannelLayoutError(FeedParseError):
    """A channel's preview page yields no posts where it had them: Telegram changed the markup.

    Operators hear of it at once (not after hours, as for an outage): it needs a code change.
    """


class UsageError(BorderWatchError):
    """A user's input is refused; `key` names the catalog text that explains it, `values`
    fill its placeholders."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class ArgError(UsageError, ValueError):
    """A command argument is wrong (a ValueError too: parsers raise it for bad values)."""


class UrlRefused(UsageError):
    """A source URL (or a connection) the SSRF guard refuses: bad URL or scheme, unresolvable,
    private address."""
