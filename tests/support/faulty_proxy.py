"""A TCP proxy in front of a real server that can be switched to "down" (the port closed:
connections refused, existing ones cut) or "silent" (existing ones cut, new ones accepted and never
answered: a hung database), and back to "up"."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class FaultyProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.mode = "up"
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self.port = 0
        self._server: socket.socket | None = None
        self._listen()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        server.settimeout(0.1)
        self.port = int(server.getsockname()[1])
        self._server = server

    def set(self, mode: str) -> None:
        """Switch to "up", "down" or "silent"; anything open is cut unless "up"."""
        with self._lock:
            self.mode = mode
            if mode != "up":
                self._cut()
            if mode == "down" and self._server is not None:
                self._server.shutdown(socket.SHUT_RDWR)  # stops listening now (Linux)
                self._server.close()
                self._server = None
            elif mode != "down" and self._server is None:
                self._listen()

    def _cut(self) -> None:
        for sock in self._open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._open.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            server = self._server
            if server is None:
                self._stop.wait(0.05)
                continue
            try:
                client, _ = server.accept()
            except OSError:
                continue
            with self._lock:
                mode = self.mode
                if mode == "down" or server is not self._server:
                    client.close()
                    continue
                self._open.append(client)
            if mode == "silent":
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        with self._lock:
            self._cut()
            if self._server is not None:
                self._server.close()


@contextmanager
def faulty_proxy(host: str, port: int) -> Iterator[FaultyProxy]:
    proxy = FaultyProxy((host, port))
    try:
        yield proxy
    finally:
        proxy.close()
