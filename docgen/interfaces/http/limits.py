"""A hard limit on the size of request bodies, enforced before the body is read whole.

A declared ``Content-Length`` above the limit is refused without handing anything to
the application; a chunked body is counted as it streams and refused as soon as it
passes the limit. Either way the client gets 413 with the usual ``{code, message}``.

The refusal is sent only once the client has finished sending (the rest of the body is
read and thrown away), as long as what is left is at most another `limit` bytes: a
server that answers and closes while the client is still sending makes the client's
system reset the connection, and the client then sees "Connection reset by peer"
instead of the 413 (it did, under load, in the test suite). The connection then stays
usable. A body larger than twice the limit, or a client that waits for
``100-continue`` (it sends nothing more unless told to), is answered at once with
``Connection: close``. Reading the rest costs bandwidth only, and the guard's body
timeout (:mod:`docgen.interfaces.http.guard`) bounds a client that trickles it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.interfaces.http.errors import error_response


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware refusing bodies larger than `limit` bytes."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            waiting = headers.get(b"expect", b"").lower() == b"100-continue"
            drained = not waiting and int(declared) <= 2 * self.limit and await self._drain(
                receive, 0)
            await self._refuse(scope, receive, send, close=not drained)
            return
        received = 0
        started = finished = False

        async def counting_receive() -> Message:
            nonlocal received, finished
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                finished = not message.get("more_body", False)
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:  # pragma: no cover - responses are sent after the body is read
                raise
            drained = finished or await self._drain(receive, received)
            await self._refuse(scope, receive, send, close=not drained)

    async def _drain(self, receive: Receive, received: int) -> bool:
        """Read and discard the rest of the body; False if it passes twice the limit (or
        the client went away)."""
        while received <= 2 * self.limit:
            message = await receive()
            if message["type"] != "http.request":
                return False
            received += len(message.get("body", b""))
            if not message.get("more_body", False):
                return received <= 2 * self.limit
        return False

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, *, close: bool) -> None:
        megabytes = self.limit / (1024 * 1024)
        response = error_response(413, "too_large", f"Nội dung yêu cầu vượt quá giới hạn "
                                                    f"{megabytes:g} MB ({self.limit} byte).")
        if close:
            response.headers["Connection"] = "close"
        await response(scope, receive, send)
