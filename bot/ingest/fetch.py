"""Fetching one feed over the shared `httpx.AsyncClient`.

Conditional GET (ETag / If-Modified-Since), a cap on the decoded body (so a gzip bomb stops
at the cap), a total deadline (so a slow-drip server cannot hold a worker), and errors
sorted into transient (retry soon) and permanent ones, each naming its source. Every
connection, redirect hops included, goes to an address the SSRF guard checked
(`bot.ingest.urlguard.GuardedBackend`).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore
import httpx

from bot.exceptions import FeedTooLargeError, FetchError, TransientFetchError
from bot.ingest.urlguard import GuardedBackend, Resolver, UrlRefused, system_resolver

__all__ = [
    "FetchResult", "GuardedTransport", "build_http_client", "fetch_feed", "parse_retry_after",
]

log = logging.getLogger(__name__)
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.I)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch returned: a body, or `not_modified` for a 304."""

    status: int
    body: bytes
    url: str  # after redirects
    content_type: str | None
    etag: str | None
    last_modified: str | None
    max_age: int | None  # Cache-Control max-age, seconds

    @property
    def not_modified(self) -> bool:
        """True for a 304: nothing changed since the validators we sent."""
        return self.status == 304


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose every connection `GuardedBackend` checks.

    httpx 0.28 takes no network backend, so the pool is built here as httpx builds it, with
    the backend added (no proxy: a proxy would connect on our behalf, unchecked).
    """

    def __init__(
        self, *, limits: httpx.Limits, allow_private: bool, resolve: Resolver = system_resolver,
        network: httpcore.AsyncNetworkBackend | None = None, trusted: Iterable[str] = (),
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(
                allow_private=allow_private, resolve=resolve, inner=network, trusted=trusted
            ),
        )


def build_http_client(
    *, timeout: float, max_connections: int, user_agent: str, allow_private: bool = False,
    resolve: Resolver = system_resolver, trusted_hosts: Iterable[str] = (),
) -> httpx.AsyncClient:
    """The one shared client: explicit timeouts and limits, redirects, gzip, a real UA, and
    connections to public addresses only unless `allow_private` (ALLOW_PRIVATE_SOURCE_URLS)
    or the host is one the operator configured (`trusted_hosts`)."""
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections // 2 or 1
    )
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
        transport=GuardedTransport(
            limits=limits, allow_private=allow_private, resolve=resolve, trusted=trusted_hosts
        ),
        follow_redirects=True,
        max_redirects=5,
        headers={
            "User-Agent": user_agent,
            # Some servers (AZERTAC) refuse requests that do not look like a browser's.
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
            "text/xml;q=0.8, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    source: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int,
    deadline: float,
) -> FetchResult:
    """GET `url` with validators; raise a `FetchError` subclass on any failure."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with _fetch_errors(source, deadline):
        async with asyncio.timeout(deadline):
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return _result(response, b"")
                _raise_for_status(response, source)
                return _result(response, await _capped_body(response, max_bytes, source))


async def _capped_body(response: httpx.Response, max_bytes: int, source: str) -> bytes:
    """The decoded body; `FeedTooLargeError` as soon as it (or its declared size) is too big.

    The cap counts decoded bytes, so a gzip bomb stops at the cap; a declared length far
    over the cap is refused before anything is read.
    """
    declared = response.headers.get("Content-Length")
    declared_size = int(declared) if declared and declared.isascii() and declared.isdigit() else 0
    if declared_size > max_bytes * 20:
        raise FeedTooLargeError(f"declared body of {declared} bytes is over the cap", source=source)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FeedTooLargeError(f"body over the cap of {max_bytes} bytes", source=source)
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _fetch_errors(source: str, deadline: float) -> Iterator[None]:
    """Turn what httpx, the deadline and the SSRF guard raise into our `FetchError`s."""
    try:
        yield
    except TimeoutError:
        raise TransientFetchError(
            f"no complete answer within {deadline:.0f}s", source=source
        ) from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects (a redirect loop?)", source=source) from None
    except httpx.TimeoutException as exc:
        raise TransientFetchError(f"timeout: {type(exc).__name__}", source=source) from None
    except httpx.DecodingError as exc:
        raise FetchError(f"cannot decode the body: {exc}", source=source) from None
    except httpx.TransportError as exc:
        raise TransientFetchError(
            f"network error: {type(exc).__name__}: {exc}"[:300], source=source
        ) from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}", source=source) from None
    except UrlRefused:
        raise FetchError(
            "refused: the address is private, loopback or otherwise not public "
            "(ALLOW_PRIVATE_SOURCE_URLS is off)", source=source,
        ) from None


def _raise_for_status(response: httpx.Response, source: str) -> None:
    code = response.status_code
    if code < 400:
        return
    reason = f"HTTP {code} {response.reason_phrase}".strip()
    if code == 429 or code >= 500:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise TransientFetchError(reason, source=source, retry_after=retry_after)
    raise FetchError(reason, source=source)


def _result(response: httpx.Response, body: bytes) -> FetchResult:
    max_age = None
    if match := _MAX_AGE.search(response.headers.get("Cache-Control", "")):
        max_age = int(match.group(1))
    return FetchResult(
        status=response.status_code,
        body=body,
        url=str(response.url),
        content_type=response.headers.get("Content-Type"),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        max_age=max_age,
    )
