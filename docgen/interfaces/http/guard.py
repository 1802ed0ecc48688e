"""Guards of the HTTP service against clients that cost it more than they are owed.

Two levels, both configured from :class:`~docgen.interfaces.http.settings.Settings`:

*The connection* (uvicorn, :class:`GuardedProtocol`; :func:`server_config` builds the
uvicorn configuration ``docgen serve`` and the tests run):

- a request's headers must arrive within ``header_timeout_seconds`` of the connection
  opening (or of the previous response, on a kept-alive connection); a body may pause at
  most ``body_timeout_seconds`` between two packets. Otherwise the connection is closed
  (with ``408`` when part of a request had arrived). The server reading nothing because
  the application has not asked for more is never counted against the client.
- at most ``max_connections`` connections are open, and at most
  ``max_connections_per_client`` from one address (proxies in ``trusted_proxies`` are
  exempt). A new connection over a cap closes the oldest connection that is still
  *waiting for its request* (new, half-sent headers, or idle between requests), never a
  request being served; only when every connection is busy is the new one refused. So a
  slowloris flood, however many sockets it opens, only ever evicts its own sockets, and
  a client sending a whole request (``/health``) gets in. The cap is kept below the
  process's file-descriptor limit (raised to its hard limit at start).
- the log says what the guard did once a minute at most (counts), and any message
  uvicorn or asyncio repeats is written once per ``LOG_WINDOW`` seconds with the number
  left out; uvicorn's access log is written without query strings.

*The request* (ASGI, :class:`Guard`, the outermost middleware of the application):

- ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are honoured only from an address in
  ``trusted_proxies`` (uvicorn's own handling, which trusts loopback, is turned off);
- an integer in the path or the query beyond 2^63 − 1 (what the databases can hold) is
  a 422, not a database error;
- requests that are not authenticated (no valid ``Authorization: Bearer`` token, no
  valid ``docgen_session`` cookie) are rate limited per client address with a token
  bucket (``anonymous_burst`` requests, refilled at ``anonymous_requests_per_minute``);
  beyond it: 429 with ``Retry-After``. ``/health`` is never limited;
- every response carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options``,
  ``Referrer-Policy``, ``Cross-Origin-Resource-Policy``, and on HTTPS
  ``Strict-Transport-Security``; JSON answers also a restrictive
  ``Content-Security-Policy`` and ``Cache-Control: no-store``;
- an unexpected error is answered by the application's own 500 handler and the
  connection *stays open* (Starlette would re-raise it, and uvicorn then closes the
  connection without a ``Connection: close``); if the response had already started, the
  connection is closed, as it must be.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import re
import resource
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import h11
import uvicorn
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.h11_impl import H11Protocol

from docgen.interfaces.http.errors import error_response
from docgen.interfaces.http.settings import Settings

LOG = logging.getLogger("docgen.guard")

#: A message repeated within this many seconds is written once (with a count after).
LOG_WINDOW = 10.0
#: The guard's own summary ("closed N connections …") at most this often (seconds).
SUMMARY_WINDOW = 60.0
#: File descriptors kept for the database, blobs and logs beside the connections.
RESERVED_DESCRIPTORS = 64
#: Largest integer a path or query value may hold (SQLite's and PostgreSQL's BIGINT).
MAX_INTEGER = 2**63 - 1
#: Paths never rate limited (monitoring).
UNLIMITED_PATHS = frozenset({"/health"})
#: How long a bearer token found valid exempts its requests without a new look-up (s).
TOKEN_MEMORY = 60.0

_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


# -- the connection -------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionLimits:
    """The connection guard's settings (seconds and counts)."""

    header_timeout: float
    body_timeout: float
    max_connections: int
    max_per_client: int
    trusted: Callable[[str], bool] = lambda _host: False

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(header_timeout=settings.header_timeout_seconds,
                   body_timeout=settings.body_timeout_seconds,
                   max_connections=usable_connections(settings.max_connections),
                   max_per_client=settings.max_connections_per_client,
                   trusted=trusted_proxies(settings.trusted_proxies))


def trusted_proxies(entries: Sequence[str]) -> Callable[[str], bool]:
    """Return whether an address is one of `entries` (addresses or networks, ``10.0.0.0/8``)."""
    networks = [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]

    def trusted(host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in networks)
    return trusted


def usable_connections(wanted: int) -> int:
    """Raise the soft descriptor limit to the hard one; return `wanted`, kept below it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # pragma: no cover - a container may forbid it
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    usable = max(16, soft - RESERVED_DESCRIPTORS)
    if wanted > usable:
        LOG.warning("max_connections %d lowered to %d (file descriptor limit %d)",
                    wanted, usable, soft)
    return min(wanted, usable)


@dataclass
class Registry:
    """The open connections of one server, and which of them wait for a request."""

    limits: ConnectionLimits
    open: set[GuardedProtocol] = field(default_factory=set)
    by_client: dict[str, OrderedDict[GuardedProtocol, None]] = field(default_factory=dict)
    waiting: OrderedDict[GuardedProtocol, None] = field(default_factory=OrderedDict)
    counts: dict[str, int] = field(default_factory=dict)
    last_summary: float = float("-inf")

    def opened(self, conn: GuardedProtocol) -> None:
        """Register `conn`; evict the oldest waiting connection if a cap is passed."""
        self.open.add(conn)
        mine = self.by_client.setdefault(conn.client_host, OrderedDict())
        mine[conn] = None
        if not self.limits.trusted(conn.client_host) and len(mine) > self.limits.max_per_client:
            self._evict(next((c for c in mine if c in self.waiting), conn), "per_client")
        elif len(self.open) > self.limits.max_connections:
            self._evict(next(iter(self.waiting), conn), "over_cap")

    def closed(self, conn: GuardedProtocol) -> None:
        self.open.discard(conn)
        self.waiting.pop(conn, None)
        mine = self.by_client.get(conn.client_host)
        if mine is not None:
            mine.pop(conn, None)
            if not mine:
                del self.by_client[conn.client_host]

    def wait(self, conn: GuardedProtocol) -> None:
        self.waiting[conn] = None
        self.waiting.move_to_end(conn)

    def serve(self, conn: GuardedProtocol) -> None:
        self.waiting.pop(conn, None)

    def _evict(self, conn: GuardedProtocol, why: str) -> None:
        self.closed(conn)
        conn.close_quietly(b"")
        self.note(why)

    def note(self, what: str) -> None:
        """Count what the guard did; log the counts at most once per SUMMARY_WINDOW."""
        self.counts[what] = self.counts.get(what, 0) + 1
        now = time.monotonic()
        if now - self.last_summary >= SUMMARY_WINDOW:
            LOG.warning("connections closed by the guard since its last report: %s; open: %d "
                        "(next report in %.0f s at the earliest)",
                        ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items())),
                        len(self.open), SUMMARY_WINDOW)
            self.counts = {}
            self.last_summary = now


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with header and body timeouts and the connection caps.

    Subclassed per server by :func:`protocol_class`, which sets `registry`.
    """

    registry: Registry

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self.client_host = self.client[0] if self.client else "-"
        self.registry.opened(self)
        if not self.transport.is_closing():
            self._wait_for_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        self.registry.closed(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        state = self.conn.their_state
        if state is h11.IDLE:  # headers still to come: the deadline stays where it was, unless
            if self not in self.registry.waiting:  # a body was just finished after the response
                self._wait_for_request()
        elif state is h11.SEND_BODY:
            self.registry.serve(self)
            self._arm(self.registry.limits.body_timeout, self._body_timed_out)
        else:
            self.registry.serve(self)
            self._cancel()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._wait_for_request()

    def close_quietly(self, answer: bytes) -> None:
        """Close now, writing `answer` first (raw bytes; the connection ends anyway)."""
        self._cancel()
        if not self.transport.is_closing():
            if answer:
                self.transport.write(answer)
            self.transport.close()

    def _wait_for_request(self) -> None:
        self.registry.wait(self)
        self._arm(self.registry.limits.header_timeout, self._headers_timed_out)

    def _headers_timed_out(self) -> None:
        if self.conn.their_state is h11.IDLE:
            self.registry.note("header_timeout")
            partial = bool(self.conn.trailing_data[0])  # part of a request arrived
            self.close_quietly(_TIMEOUT if partial else b"")

    def _body_timed_out(self) -> None:
        if self.conn.their_state is not h11.SEND_BODY:
            return
        if self.flow.read_paused:  # the application is not reading yet: not the client's fault
            self._arm(self.registry.limits.body_timeout, self._body_timed_out)
            return
        self.registry.note("body_timeout")
        started = self.cycle is not None and self.cycle.response_started
        self.close_quietly(b"" if started else _TIMEOUT)

    def _arm(self, delay: float, callback: Callable[[], None]) -> None:
        self._cancel()
        self._timer = self.loop.call_later(delay, callback)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def protocol_class(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """Return a protocol class of its own for one server (its registry is shared by its
    connections only)."""
    return type("DocgenProtocol", (GuardedProtocol,), {"registry": Registry(limits)})


class OncePerWindow(logging.Filter):
    """Let a message through once per `window` seconds; say how many were left out."""

    def __init__(self, window: float = LOG_WINDOW):
        super().__init__()
        self.window = window
        self.seen: dict[Any, tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.msg)
        now = time.monotonic()
        last, skipped = self.seen.get(key, (float("-inf"), 0))
        if now - last < self.window:
            self.seen[key] = (last, skipped + 1)
            return False
        if len(self.seen) > 1000:
            self.seen.clear()
        self.seen[key] = (now, 0)
        if skipped:
            record.msg = f"{record.msg} [{skipped} more like this in the last {now - last:.0f} s]"
        return True


class WithoutQuery(logging.Filter):
    """uvicorn's access log line with the path only (query strings may carry data)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def install_log_filters() -> None:
    """Add the filters to uvicorn's and asyncio's loggers (after uvicorn configured them)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQuery) for f in access.filters):
        access.addFilter(WithoutQuery())
    for name in ("uvicorn.error", "asyncio", "docgen.guard"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerWindow) for f in logger.filters):
            logger.addFilter(OncePerWindow())


def server_config(app: ASGIApp, settings: Settings, *, host: str = "127.0.0.1",
                  port: int = 8000, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration of docgen's service, guards included."""
    config = uvicorn.Config(
        app, host=host, port=port, http=protocol_class(ConnectionLimits.of(settings)),
        proxy_headers=False,  # the application's Guard honours only trusted proxies
        server_header=False, timeout_keep_alive=settings.keep_alive_seconds,
        root_path="",  # the application knows its root path (Settings.root_path)
        **{"log_level": "info", "lifespan": "on", **options})
    install_log_filters()
    return config


def run(app: ASGIApp, settings: Settings, *, host: str, port: int,
        sockets: list[socket.socket] | None = None) -> None:
    """Serve `app` until interrupted, on `sockets` when the caller has bound them already."""
    uvicorn.Server(server_config(app, settings, host=host, port=port)).run(sockets=sockets)


# -- the request ------------------------------------------------------------------------


#: The root path of the request being served (for the URLs a response carries).
ROOT_PATH: ContextVar[str] = ContextVar("docgen_root_path", default="")


def link(path: str) -> str:
    """Return `path` (``/versions/1/files/pdf``) as the client must ask for it."""
    return ROOT_PATH.get() + path


def _under_root(scope: Scope, root: str) -> None:
    """Set the scope's root path; a path the proxy stripped of it gets it back (ASGI: the
    path includes the root path; routing removes it)."""
    scope["root_path"] = root
    path = scope.get("path", "")
    if path != root and not path.startswith(root + "/"):
        scope["path"] = root + path
        scope["raw_path"] = root.encode() + scope.get("raw_path", path.encode())


def _prefix_locations(message: Message, root: str) -> None:
    """Put the root path in front of a site-absolute redirect that lacks it."""
    headers = []
    for name, value in message.get("headers", []):
        if name.lower() in (b"location", b"hx-redirect"):
            text = value.decode("latin-1")
            if (text.startswith("/") and not text.startswith("//") and text != root
                    and not text.startswith(root + "/") and not text.startswith(root + "?")):
                value = (root + text).encode("latin-1")
        headers.append((name, value))
    message["headers"] = headers


_INTEGER = re.compile(r"[+-]?\d{19,}")


def oversized_integer(scope: Scope) -> str | None:
    """Return the first integer in the path or query beyond MAX_INTEGER, if any."""
    values = scope.get("path", "").split("/")
    query = scope.get("query_string", b"").decode("latin-1")
    values += [part.partition("=")[2] for part in query.split("&")]
    for value in values:
        if _INTEGER.fullmatch(value) and abs(int(value)) > MAX_INTEGER:
            return value
    return None


@dataclass
class Bucket:
    tokens: float
    stamp: float


class RateLimit:
    """Token buckets per client address for requests that are not authenticated."""

    def __init__(self, burst: int, per_minute: int):
        self.burst = burst
        self.rate = per_minute / 60.0
        self.buckets: dict[str, Bucket] = {}

    def take(self, client: str, now: float) -> float:
        """Take one token for `client`; return 0, or the seconds until one is free."""
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) > 100_000:
                self._forget_full(now)
            bucket = self.buckets[client] = Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate if self.rate > 0 else 3600.0

    def _forget_full(self, now: float) -> None:
        self.buckets = {k: b for k, b in self.buckets.items()
                        if b.tokens + (now - b.stamp) * self.rate < self.burst}


#: Headers every response carries unless it set them itself.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
JSON_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000")


def _with_security_headers(message: Message, https: bool) -> None:
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    wanted = SECURITY_HEADERS + (JSON_HEADERS if content_type.startswith(b"application/json")
                                 else []) + ([HSTS] if https else [])
    headers += [(name, value) for name, value in wanted if name not in present]
    message["headers"] = headers


class Guard:
    """ASGI middleware: trusted proxies, integer bounds, anonymous rate limit, security
    headers and the 500 that keeps the connection (see the module's docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings,
                 authenticated: Callable[[Request], bool]):
        self.app = ProxyHeadersMiddleware(self._guarded,  # type: ignore[arg-type]
                                          trusted_hosts=list(settings.trusted_proxies))
        self.inner = app
        self.authenticated = authenticated
        self.limit = RateLimit(settings.anonymous_burst, settings.anonymous_requests_per_minute)
        self.root = settings.root_path.rstrip("/")
        self.valid_tokens: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)  # type: ignore[arg-type]

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        started = False
        if self.root:
            _under_root(scope, self.root)
        ROOT_PATH.set(self.root)

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                _with_security_headers(message, https)
                if self.root:
                    _prefix_locations(message, self.root)
            await send(message)

        try:
            refusal = self._bounds(scope) or await self._rate_limited(scope)
            if refusal is not None:
                await refusal(scope, receive, guarded_send)
                return
            await self.inner(scope, receive, guarded_send)
        except ClientDisconnect:
            return  # the client left (or its body timed out): nobody to answer, nothing to log
        except Exception as exc:
            if started:
                raise  # half a response went out: the connection must close
            handler = scope["app"].exception_handlers.get(Exception)
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, guarded_send)

    def _bounds(self, scope: Scope) -> Any:
        value = oversized_integer(scope)
        if value is None:
            return None
        shown = value if len(value) <= 30 else f"{value[:30]}…"
        return error_response(422, "invalid_request",
                              f"Tham số của yêu cầu không hợp lệ: số {shown} vượt quá giới hạn "
                              f"{MAX_INTEGER} (2^63 − 1); hãy dùng số hồ sơ, phiên bản hoặc "
                              "vị trí trang đúng.")

    async def _rate_limited(self, scope: Scope) -> Any:
        path = scope.get("path", "")
        if path.removeprefix(self.root) in UNLIMITED_PATHS or self.limit.burst <= 0:
            return None
        if await self._is_authenticated(scope):
            return None
        client = scope["client"][0] if scope.get("client") else "-"
        wait = self.limit.take(client, time.monotonic())
        if not wait:
            return None
        seconds = max(1, int(wait + 0.999))
        response = error_response(429, "rate_limited",
                                  "Quá nhiều yêu cầu chưa đăng nhập từ địa chỉ này; hãy thử lại "
                                  f"sau {seconds} giây (hoặc đăng nhập, hoặc dùng mã truy cập).")
        response.headers["Retry-After"] = str(seconds)
        return response

    async def _is_authenticated(self, scope: Scope) -> bool:
        request = Request(scope)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            key = hashlib.sha256(token.strip().encode()).hexdigest()
            now = time.monotonic()
            if self.valid_tokens.get(key, 0.0) > now:
                return True
            if await run_in_threadpool(self.authenticated, request):
                if len(self.valid_tokens) > 10_000:
                    self.valid_tokens = {k: t for k, t in self.valid_tokens.items() if t > now}
                self.valid_tokens[key] = now + TOKEN_MEMORY
                return True
            return False
        if request.cookies:
            return await run_in_threadpool(self.authenticated, request)
        return False
