"""Run the service on uvicorn (``docgen serve``)."""

from __future__ import annotations

import errno
import socket

import uvicorn

from docgen.archive.errors import StartupError
from docgen.interfaces.http.app import create_app
from docgen.interfaces.http.settings import Settings


class ListenError(StartupError):
    """Raised when the service cannot listen on its address (port in use, no such
    address, a privileged port)."""

    code = "listen"
    exit_code = 10


def listen(host: str, port: int) -> socket.socket:
    """Bind and listen on (`host`, `port`) now, so that a port in use is one clear line
    before anything else starts (uvicorn would log and exit 1 after start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        reason = {errno.EADDRINUSE: "cổng đang được một chương trình khác dùng",
                  errno.EACCES: "không có quyền dùng cổng này (cổng dưới 1024 cần quyền "
                                "quản trị)",
                  errno.EADDRNOTAVAIL: "máy này không có địa chỉ đó"}.get(
                      error.errno, error.strerror or str(error))
        raise ListenError(f"không lắng nghe được trên {host}:{port}: {reason}; hãy chọn cổng "
                          "khác (--port, port trong docgen.toml, DOCGEN_PORT) hoặc dừng "
                          "chương trình đang dùng nó.") from error
    return sock


def serve(settings: Settings) -> None:
    """Serve until interrupted; by default on loopback only. The port is taken first,
    then the archive is opened (a failure of either is a StartupError)."""
    sock = listen(settings.host, settings.port)
    try:
        app = create_app(settings)
        config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
