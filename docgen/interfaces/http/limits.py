"""A hard limit on the size of request bodies, enforced before the body is read whole.

A declared ``Content-Length`` above the limit is refused at once; a chunked body is
counted as it streams and refused as soon as it passes the limit. Either way the client
gets 413 with the usual ``{code, message}``.
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
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
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
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.limit / (1024 * 1024)
        response = error_response(413, "too_large", f"Nội dung yêu cầu vượt quá giới hạn "
                                                    f"{megabytes:g} MB ({self.limit} byte).")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
