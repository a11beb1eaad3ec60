"""A threaded HTTP server on 127.0.0.1 that always shuts down, even with requests in flight.

Both fakes build on `LoopbackServer`. The standard `ThreadingHTTPServer` joins its handler
threads on close, so one keep-alive connection or one deliberately hanging request would make
`server_close()` wait forever. Here every accepted socket is tracked: `stop()` sets
`stopping` (handlers that sleep or hang wait on it), stops the accept loop, shuts the open
sockets down so blocked reads return, and joins the handler threads with a deadline.

Connection errors raised while a client hangs up (reset, broken pipe, timeouts) are expected
in tests and are not printed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LoopbackServer", "QuietHandler"]

_CLIENT_GONE = (ConnectionError, TimeoutError, OSError)


class LoopbackServer(ThreadingHTTPServer):
    """`ThreadingHTTPServer` bound to an ephemeral loopback port, with a clean `stop()`."""

    daemon_threads = True
    block_on_close = False  # threads are joined by stop(), with a deadline
    request_queue_size = 1024  # bursts of concurrent connects must not overflow the backlog
    allow_reuse_address = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Any) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.owner = owner
        self.stopping = threading.Event()
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._serve_thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    def start(self, name: str) -> None:
        """Run the accept loop in a daemon thread."""
        self._serve_thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
        )
        self._serve_thread.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Start a handler thread for one connection and remember both."""
        # http.server writes headers and body separately; without TCP_NODELAY Nagle's
        # algorithm waits for the client's delayed ACK, ~40 ms per reply.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        thread = threading.Thread(
            target=self._run_connection, args=(request, client_address), daemon=True
        )
        with self._conn_lock:
            self._connections.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _run_connection(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except _CLIENT_GONE:
            pass  # the client hung up or stop() shut the socket: nothing to report
        finally:
            self.shutdown_request(request)
            with self._conn_lock:
                self._connections.discard(request)
                self._handler_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Errors are caught in `_run_connection`; never print tracebacks to stderr."""

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, wake every handler, close every socket and join the threads."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.shutdown()  # returns once serve_forever has left its loop
        if self._serve_thread is not None:
            self._serve_thread.join(timeout)
        with self._conn_lock:
            connections = list(self._connections)
            threads = list(self._handler_threads)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by its handler
                conn.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout)
        self.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """Request handler speaking HTTP/1.1 keep-alive without logging to stderr."""

    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request access log."""

    def read_body(self) -> bytes:
        """Read the request body announced by Content-Length (chunked bodies are not sent)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_bytes(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        head_only: bool = False,
    ) -> None:
        """Send a complete response with Content-Length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)
