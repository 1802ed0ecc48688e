"""``/docs`` (Swagger UI) and ``/redoc`` served from files inside the package, so that the
API description works on an agency network without internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc's fonts from Google),
which on an offline network leaves a blank page. The files are vendored unchanged from
the npm registry (``static/api-docs/``: swagger-ui-dist 5.35.0, Apache-2.0; redoc 2.5.4,
MIT; licences beside them; ``tools/vendor_api_docs.sh`` fetches them again) and served
here with long caching. The OpenAPI description declares the bearer scheme
(:data:`docgen.interfaces.http.deps.BEARER`), so Swagger UI's "Authorize" takes a token.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from docgen.interfaces.http.errors import HttpError

#: The vendored files, and the only names served from there.
ASSETS = Path(__file__).resolve().parent / "static" / "api-docs"
SERVED = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
          "redoc.standalone.js": "text/javascript", "favicon-32x32.png": "image/png"}
PREFIX = "/api-docs"


def install(app: FastAPI) -> None:
    """Serve /docs, /redoc and their files (create the app with docs_url=None, redoc_url=None)."""
    title = f"{app.title} – API"

    def url(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{PREFIX}/{name}"

    def openapi_url(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}{app.openapi_url}"

    @app.get("/docs", include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url(request), title=title,
            swagger_js_url=url(request, "swagger-ui-bundle.js"),
            swagger_css_url=url(request, "swagger-ui.css"),
            swagger_favicon_url=url(request, "favicon-32x32.png"),
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True})

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url(request), title=title,
                              redoc_js_url=url(request, "redoc.standalone.js"),
                              redoc_favicon_url=url(request, "favicon-32x32.png"),
                              with_google_fonts=False)

    @app.get(PREFIX + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in SERVED:
            raise HttpError("not_found", "Không có tệp này trong tài liệu API.")
        return FileResponse(ASSETS / name, media_type=SERVED[name],
                            headers={"Cache-Control": "public, max-age=86400"})
