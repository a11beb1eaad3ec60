"""A loopback HTTP server serving feed fixtures and scripted faults.

`FeedServer` maps paths to behaviours. Tests set or replace a path's behaviour at any time
(e.g. call `FeedServer.serve` again with a new body to make new items appear), and read back
how often a path was fetched and with which headers (User-Agent, conditional GET)::

    with FeedServer() as feeds:
        feeds.serve_file("/armenpress.xml", "armenpress_en.xml", etag=True)
        url = feeds.url("/armenpress.xml")
        ...
        assert feeds.hits("/armenpress.xml") == 2
        assert feeds.requests("/armenpress.xml")[-1].header("If-None-Match")

Behaviours: a body with ETag / Last-Modified and 304 answers, a status (with Retry-After),
redirects and a redirect loop, a slow drip, a huge streamed body, a gzip bomb, a Cloudflare-like
challenge page, an empty 200, a truncated body, a request that never gets an answer, and a
user-agent filter like the one AZERTAC runs. Stopping the server ends hanging and streaming
requests too.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from ._loopback import LoopbackServer, QuietHandler

__all__ = [
    "FIXTURES_DIR",
    "FIXTURE_CONTENT_TYPES",
    "RSS_CONTENT_TYPE",
    "FeedRequest",
    "FeedServer",
    "fixture_bytes",
    "rss",
]

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "feeds"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=UTF-8"

# The Content-Type header a fixture is served with by default when it is not plain UTF-8 RSS.
# The charset_conflict_* fixtures are only meaningful with these headers.
FIXTURE_CONTENT_TYPES: dict[str, str] = {
    "civilnet_atom_en.xml": ATOM_CONTENT_TYPE,
    "newsam_ru_cp1251.xml": "application/rss+xml",  # no charset: the XML declaration rules
    "koi8r_ru.xml": "text/xml",  # text/xml without charset: RFC 3023 says us-ascii (!)
    "charset_conflict_header_right.xml": "application/rss+xml; charset=utf-8",
    "charset_conflict_declaration_right.xml": "text/xml; charset=utf-8",
    "cloudflare_challenge.html": HTML_CONTENT_TYPE,
    "rferl_11_bytes.xml": "application/rss+xml",
}


def rss(*items: tuple[str, str, str, datetime]) -> bytes:
    """An RSS document with (title, description, link, date) items."""
    body = "".join(
        f"<item><title>{t}</title><description>{d}</description><link>{link}</link>"
        f"<guid>{link}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
        for t, d, link, when in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed</title><link>http://x/</link>{body}</channel></rss>").encode()


def fixture_bytes(name: str) -> bytes:
    """The raw bytes of a fixture under tests/fixtures/feeds/."""
    return (FIXTURES_DIR / name).read_bytes()


def _default_content_type(name: str) -> str:
    if name in FIXTURE_CONTENT_TYPES:
        return FIXTURE_CONTENT_TYPES[name]
    if name.endswith(".html"):
        return HTML_CONTENT_TYPE
    return RSS_CONTENT_TYPE


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """One request the server received. Header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    at: float

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively, or None."""
        return self.headers.get(name.lower())


# --------------------------------------------------------------------------------------------
# Behaviours


class _Route:
    """What a path answers. Subclasses write a full response to the handler."""

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        """Write the whole response (status, headers and body unless ``head_only``)."""
        raise NotImplementedError


@dataclass
class _Body(_Route):
    body: bytes
    content_type: str
    status: int
    headers: dict[str, str]
    etag: str | None
    last_modified: datetime | None

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        validators: dict[str, str] = {}
        if self.etag is not None:
            validators["ETag"] = self.etag
        if self.last_modified is not None:
            validators["Last-Modified"] = format_datetime(self.last_modified, usegmt=True)
        if self.status == 200 and self._not_modified(handler):
            handler.send_response(304)
            for key, value in validators.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_bytes(
            self.status,
            self.body,
            self.content_type,
            {**validators, **self.headers},
            head_only=head_only,
        )

    def _not_modified(self, handler: _FeedHandler) -> bool:
        if_none_match = handler.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            if self.etag is None:
                return False
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or self.etag.removeprefix("W/") in tags
        if_modified_since = handler.headers.get("If-Modified-Since")
        if if_modified_since and self.last_modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return self.last_modified.replace(microsecond=0) <= since
        return False


@dataclass
class _Redirect(_Route):
    to: str
    status: int
    loop: bool = False
    hops: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        target = self.to
        if self.loop:  # a new URL every time, so "same URL again" detection does not end it
            with self.lock:
                self.hops += 1
                target = f"{self.to}?hop={self.hops}"
        handler.send_bytes(self.status, b"", HTML_CONTENT_TYPE, {"Location": target})


@dataclass
class _SlowDrip(_Route):
    body: bytes
    content_type: str
    bytes_per_second: float

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        if head_only:
            return
        tick = 0.05
        chunk = max(1, int(self.bytes_per_second * tick))
        for start in range(0, len(self.body), chunk):
            handler.wfile.write(self.body[start : start + chunk])
            handler.wfile.flush()
            if handler.server.stopping.wait(chunk / self.bytes_per_second):
                handler.close_connection = True
                return


@dataclass
class _Huge(_Route):
    size: int
    declare_length: bool

    _HEAD = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        b"<title>Endless</title><link>http://127.0.0.1/</link><description>huge</description>\n"
    )
    _ITEM = (
        b"<item><title>Filler item</title><link>http://127.0.0.1/filler</link>"
        b"<description>" + b"x" * 900 + b"</description></item>\n"
    )

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", RSS_CONTENT_TYPE)
        if self.declare_length:
            handler.send_header("Content-Length", str(self.size))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        if head_only:
            return
        remaining = self.size
        block = self._HEAD + self._ITEM * 64
        first = True
        while remaining > 0 and not handler.server.stopping.is_set():
            piece = block if first else self._ITEM * 64
            first = False
            piece = piece[:remaining]
            handler.wfile.write(piece)
            remaining -= len(piece)


@functools.lru_cache(maxsize=4)
def _gzip_bomb_payload(uncompressed_size: int) -> bytes:
    """Gzip of an RSS prefix followed by spaces: about 1 KB per MB of output."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>'
    parts = [compressor.compress(head)]
    block = b" " * (1 << 20)
    remaining = uncompressed_size - len(head)
    while remaining > 0:
        piece = block[: min(len(block), remaining)]
        parts.append(compressor.compress(piece))
        remaining -= len(piece)
    parts.append(compressor.flush())
    return b"".join(parts)


@dataclass
class _Hang(_Route):
    after_headers: bool

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        if self.after_headers:
            handler.send_response(200)
            handler.send_header("Content-Type", RSS_CONTENT_TYPE)
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            handler.wfile.flush()
        handler.server.stopping.wait()
        handler.close_connection = True


@dataclass
class _Truncated(_Route):
    body: bytes
    content_type: str
    cut_at: int

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        if not head_only:
            handler.wfile.write(self.body[: self.cut_at])
        handler.close_connection = True


@dataclass
class _UserAgentFilter(_Route):
    inner: _Route
    allow: re.Pattern[str]
    status: int

    def respond(self, handler: _FeedHandler, head_only: bool) -> None:
        if self.allow.search(handler.headers.get("User-Agent", "")):
            self.inner.respond(handler, head_only)
        else:
            handler.send_bytes(self.status, b"Bad Request", "text/plain; charset=utf-8")


# --------------------------------------------------------------------------------------------
# The server


class FeedServer:
    """Loopback feed server; thread-safe, usable as a context manager."""

    def __init__(self, fixtures_dir: Path = FIXTURES_DIR, *, latency: float = 0.0) -> None:
        """Configure the server; nothing listens until `start`.

        ``latency`` delays every answer (seconds), like the round trips of a real network.
        """
        self.fixtures_dir = fixtures_dir
        self.latency = latency
        self._lock = threading.Lock()
        self._routes: dict[str, _Route] = {}
        self._log: list[FeedRequest] = []
        self._server: LoopbackServer | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FeedServer:
        """Start listening on an ephemeral loopback port; returns self."""
        if self._server is not None:
            raise RuntimeError("FeedServer already started")
        self._server = LoopbackServer(_FeedHandler, self)
        self._server.start("fake-feeds")
        return self

    def stop(self) -> None:
        """Stop the server, ending hanging and streaming requests; idempotent."""
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:{port}``."""
        if self._server is None:
            raise RuntimeError("FeedServer not started")
        return f"http://127.0.0.1:{self._server.port}"

    def url(self, path: str) -> str:
        """The absolute URL of a path (``"/feed.xml"`` or ``"feed.xml"``)."""
        return self.base_url + _norm(path)

    # ---------------------------------------------------------------- behaviours

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = RSS_CONTENT_TYPE,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | bool | None = None,
        last_modified: datetime | str | bool | None = None,
    ) -> None:
        """Serve ``body`` at ``path`` (replacing what was there).

        ``etag``: a tag (quoted if bare) or True for one derived from the body.
        ``last_modified``: a datetime, an HTTP date, or True for now. With either set, matching
        If-None-Match / If-Modified-Since requests get 304.
        """
        tag: str | None
        if etag is True:
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        elif isinstance(etag, str):
            tag = etag if etag.startswith(('"', 'W/"')) else f'"{etag}"'
        else:
            tag = None
        modified: datetime | None
        if last_modified is True:
            modified = datetime.now(UTC).replace(microsecond=0)
        elif isinstance(last_modified, str):
            modified = parsedate_to_datetime(last_modified)
        elif isinstance(last_modified, datetime):
            modified = last_modified
        else:
            modified = None
        if modified is not None and modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        self._set(path, _Body(body, content_type, status, dict(headers or {}), tag, modified))

    def serve_file(
        self,
        path: str,
        fixture_name: str,
        *,
        content_type: str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | bool | None = None,
        last_modified: datetime | str | bool | None = None,
    ) -> None:
        """Serve a fixture file; its Content-Type defaults from `FIXTURE_CONTENT_TYPES`."""
        self.serve(
            path,
            (self.fixtures_dir / fixture_name).read_bytes(),
            content_type=content_type or _default_content_type(fixture_name),
            status=status,
            headers=headers,
            etag=etag,
            last_modified=last_modified,
        )

    def status(
        self,
        path: str,
        code: int,
        retry_after: int | str | None = None,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``code`` (403, 404, 410, 429, 500, 503 ...) with optional Retry-After."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        self._set(path, _Body(body, "text/html; charset=utf-8", code, extra, None, None))

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        """Redirect ``path`` to ``to`` (a path or an absolute URL)."""
        self._set(path, _Redirect(to, status))

    def redirect_loop(self, path: str, status: int = 302) -> None:
        """Redirect ``path`` to itself with a new ``?hop=N`` query each time, forever."""
        self._set(path, _Redirect(_norm(path), status, loop=True))

    def slow_drip(
        self,
        path: str,
        bytes_per_second: float,
        body: bytes | None = None,
        *,
        content_type: str = RSS_CONTENT_TYPE,
    ) -> None:
        """Send the headers at once, then the body (default: a fixture feed) slowly."""
        if bytes_per_second <= 0:
            raise ValueError("bytes_per_second must be positive")
        payload = body if body is not None else fixture_bytes("armenpress_en.xml")
        self._set(path, _SlowDrip(payload, content_type, bytes_per_second))

    def huge(self, path: str, size_bytes: int, *, declare_length: bool = True) -> None:
        """Stream a ``size_bytes`` RSS-looking body, generated on the fly (not held in memory).

        ``declare_length=False`` omits Content-Length and closes the connection at the end.
        """
        self._set(path, _Huge(size_bytes, declare_length))

    def gzip_bomb(self, path: str, uncompressed_size: int = 256 * 1024 * 1024) -> None:
        """Serve a small gzip body (Content-Encoding: gzip) that inflates to a huge one."""
        payload = _gzip_bomb_payload(uncompressed_size)
        self._set(
            path,
            _Body(payload, RSS_CONTENT_TYPE, 200, {"Content-Encoding": "gzip"}, None, None),
        )

    def html_page(self, path: str, status: int = 200) -> None:
        """Serve a Cloudflare-like "Just a moment..." challenge page instead of a feed."""
        headers = {
            "Server": "cloudflare",
            "CF-RAY": "8d2f3a9b5c1e4f60-FRA",
            "cf-mitigated": "challenge",
            "Cache-Control": "private, max-age=0, no-store, no-cache, must-revalidate",
        }
        body = fixture_bytes("cloudflare_challenge.html")
        self._set(path, _Body(body, HTML_CONTENT_TYPE, status, headers, None, None))

    def empty(self, path: str, content_type: str = RSS_CONTENT_TYPE) -> None:
        """Answer 200 with an empty body."""
        self._set(path, _Body(b"", content_type, 200, {}, None, None))

    def truncated(self, path: str, body: bytes, cut_at: int) -> None:
        """Announce the full Content-Length, send ``cut_at`` bytes, then close."""
        self._set(path, _Truncated(body, RSS_CONTENT_TYPE, cut_at))

    def hang(self, path: str, *, after_headers: bool = False) -> None:
        """Never answer (or, with ``after_headers``, never finish the body) until stopped."""
        self._set(path, _Hang(after_headers))

    def reject_user_agents(
        self, path: str, status: int = 400, allow: str = r"Mozilla/5\.0 \("
    ) -> None:
        """Wrap the path's current behaviour: clients whose User-Agent lacks ``allow`` get
        ``status`` (AZERTAC answers 400 to non-browser agents; others 403)."""
        with self._lock:
            inner = self._routes[_norm(path)]
            self._routes[_norm(path)] = _UserAgentFilter(inner, re.compile(allow), status)

    def remove(self, path: str) -> None:
        """Forget a path (it answers 404 again)."""
        with self._lock:
            self._routes.pop(_norm(path), None)

    # ---------------------------------------------------------------- inspection

    def hits(self, path: str) -> int:
        """How many requests reached ``path`` (query strings ignored unless given)."""
        return len(self.requests(path))

    def requests(self, path: str | None = None) -> list[FeedRequest]:
        """Received requests, oldest first, optionally for one path."""
        wanted = None if path is None else _norm(path)
        with self._lock:
            return [
                r
                for r in self._log
                if wanted is None or r.path == wanted or urlsplit(r.path).path == wanted
            ]

    def last_headers(self, path: str) -> dict[str, str]:
        """Headers (lower-cased names) of the latest request to ``path``; {} if none."""
        found = self.requests(path)
        return dict(found[-1].headers) if found else {}

    def clear_log(self) -> None:
        """Forget received requests (hit counters restart at 0)."""
        with self._lock:
            self._log.clear()

    # ---------------------------------------------------------------- internals

    def _set(self, path: str, route: _Route) -> None:
        with self._lock:
            self._routes[_norm(path)] = route

    def _route_for(self, raw_path: str) -> _Route | None:
        with self._lock:
            return self._routes.get(raw_path) or self._routes.get(urlsplit(raw_path).path)

    def _record(self, handler: _FeedHandler) -> None:
        headers = {key.lower(): value for key, value in handler.headers.items()}
        with self._lock:
            self._log.append(FeedRequest(handler.command, handler.path, headers, time.monotonic()))


def _norm(path: str) -> str:
    return path if path.startswith("/") else "/" + path


class _FeedHandler(QuietHandler):
    """HTTP front of `FeedServer`."""

    def do_GET(self) -> None:
        """Answer a fetch."""
        self._dispatch(head_only=False)

    def do_HEAD(self) -> None:
        """Answer a HEAD like a GET without the body."""
        self._dispatch(head_only=True)

    def _dispatch(self, *, head_only: bool) -> None:
        owner: FeedServer = self.server.owner
        owner._record(self)
        if owner.latency:
            time.sleep(owner.latency)
        route = owner._route_for(self.path)
        if route is None:
            self.send_bytes(404, b"<h1>404 Not Found</h1>", HTML_CONTENT_TYPE, head_only=head_only)
            return
        route.respond(self, head_only)
