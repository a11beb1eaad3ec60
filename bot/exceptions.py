"""The one exception tree of Border Watch.

    BorderWatchError
    ├── ConfigError            a setting or the sources file is missing or wrong (fatal at start)
    ├── StartupError           a service needed at start is unreachable: the Bot API (fatal)
    ├── FeedError              one source could not be fetched or parsed (that source backs off)
    │   ├── FetchError         network failure, timeout, redirect loop, HTTP 4xx/5xx
    │   │   └── TransientFetchError   worth retrying soon: timeouts, 429, 5xx
    │   ├── FeedTooLargeError  the body passed the size cap
    │   └── FeedParseError     not a feed: HTML, empty body, malformed XML with no entries
    │       └── ChannelLayoutError  a Telegram preview page no longer yields posts (markup changed)
    ├── DeliveryError          a message could not be delivered to a chat
    │   └── ChatGoneError      the chat blocked the bot, was deleted or not found (chat deactivated)
    └── UsageError             a command's arguments are wrong (the user gets the usage text)
        └── ArgError           ... with a catalog key and values for the reply

Every error raised while handling a source carries that source's name, so a log line or an admin
report says which feed broke.
"""

from __future__ import annotations

__all__ = [
    "ArgError",
    "BorderWatchError",
    "ChannelLayoutError",
    "ChatGoneError",
    "ConfigError",
    "DeliveryError",
    "FeedError",
    "FeedParseError",
    "FeedTooLargeError",
    "FetchError",
    "StartupError",
    "TransientFetchError",
    "UsageError",
]


class BorderWatchError(Exception):
    """Base of every error Border Watch raises on purpose."""


class ConfigError(BorderWatchError):
    """A setting or the sources file is missing or has a wrong value."""


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


class DeliveryError(BorderWatchError):
    """A message could not be delivered."""


class ChatGoneError(DeliveryError):
    """The chat is unreachable for good: blocked, kicked, deleted or not found."""


class UsageError(BorderWatchError):
    """A command was called with wrong arguments; the message is the usage text."""


class ArgError(UsageError, ValueError):
    """A command argument is wrong; `key` names the catalog text that explains it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
