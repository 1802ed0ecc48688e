"""The HTTP service (FastAPI on uvicorn): an adapter over :mod:`docgen.workflow`.

FastAPI, Starlette and uvicorn are imported only inside this package. Routes parse the
request, call one workflow method and shape the response; errors become
``{"code", "message"}`` in :mod:`docgen.interfaces.http.errors`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that reading the settings (every archive command of the
    # CLI does) does not load FastAPI and the routes.
    if name == "create_app":
        from docgen.interfaces.http.app import create_app

        return create_app
    if name == "Settings":
        from docgen.interfaces.http.settings import Settings

        return Settings
    raise AttributeError(name)
