"""Run the service on uvicorn (``docgen serve``), behind the guards of :mod:`.guard`."""

from __future__ import annotations

from docgen.interfaces.http.app import create_app
from docgen.interfaces.http.guard import run
from docgen.interfaces.http.settings import Settings


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; by default on loopback only."""
    run(create_app(settings), settings, host=host, port=port)
