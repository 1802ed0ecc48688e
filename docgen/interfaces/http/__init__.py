"""The HTTP service (FastAPI on uvicorn): an adapter over :mod:`docgen.workflow`.

FastAPI, Starlette and uvicorn are imported only inside this package. Routes parse the
request, call one workflow method and shape the response; errors become
``{"code", "message"}`` in :mod:`docgen.interfaces.http.errors`.
"""

from docgen.interfaces.http.app import create_app
from docgen.interfaces.http.settings import Settings

__all__ = ["Settings", "create_app"]
