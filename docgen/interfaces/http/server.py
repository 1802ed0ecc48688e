"""Run the service on uvicorn (``docgen serve``)."""

from __future__ import annotations

import uvicorn

from docgen.interfaces.http.app import create_app
from docgen.interfaces.http.settings import Settings


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted; by default on loopback only."""
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
