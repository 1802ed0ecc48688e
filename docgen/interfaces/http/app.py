"""The FastAPI application: assembled from settings, routes and the error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request

from docgen.archive.store import Archive
from docgen.interfaces.http import apidocs, errors, pages, session
from docgen.interfaces.http.guard import Guard
from docgen.interfaces.http.limits import BodySizeLimit
from docgen.interfaces.http.routes import (
    admin,
    agencies,
    checks,
    dossiers,
    jobs,
    signing,
    templates,
    versions,
)
from docgen.interfaces.http.schemas import ErrorOut
from docgen.interfaces.http.settings import Settings
from docgen.model.dossier import Dossier
from docgen.workflow.provenance import docgen_version
from docgen.workflow.accounts import SignInPolicy
from docgen.workflow.executor import EmbeddedExecutor
from docgen.workflow.jobs import Limits, RenderQueue
from docgen.workflow.service import Workflow

DESCRIPTION = """\
Dịch vụ soạn thảo, ban hành và lưu trữ Quyết định công bố Chỉ số CCHC, Báo cáo và Phụ lục.

* **Xác thực**: mọi yêu cầu (trừ `/health`) mang tiêu đề `Authorization: Bearer <mã truy cập>`.
  Mỗi mã thuộc một người dùng, một cơ quan và một vai trò (`chuyen_vien`, `lanh_dao`,
  `van_thu`, `luu_tru`, `quan_tri`); hồ sơ của cơ quan khác không tồn tại với người dùng (404).
  Trong trình duyệt, phiên đăng nhập (cookie) thay cho mã truy cập; khi đó mọi yêu cầu
  thay đổi dữ liệu cần thêm tiêu đề `X-CSRF-Token`. Đăng nhập sai nhiều lần: 429.
* **Quy trình**: dự thảo → đã trình → đã duyệt → đã ban hành (văn thư cấp số theo sổ của
  cơ quan, loại văn bản và năm) → đã ký (tải lên bản PDF đã ký) → đã lưu trữ.
* **Không xóa, không ghi đè**: mỗi lần kết xuất, ban hành hay tải lên bản ký tạo một phiên
  bản mới; DELETE/PUT trên phiên bản trả về 405.
* **Phân trang**: các danh sách nhận `limit` (1–100, mặc định 20) và `offset` (mặc định 0)
  và trả về `{items, total, limit, offset}`.
* **Giới hạn kích thước**: nội dung yêu cầu tối đa {limit} byte (lớn hơn: 413).
* **Lỗi**: luôn là JSON `{"code": "...", "message": "..."}` với thông báo tiếng Việt.
"""

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in [(401, "Thiếu hoặc sai mã truy cập"), (403, "Vai trò không được phép"),
                         (404, "Không tìm thấy (hoặc thuộc cơ quan khác)"),
                         (409, "Trạng thái hồ sơ không cho phép thao tác này"),
                         (413, "Nội dung quá lớn"), (422, "Dữ liệu không hợp lệ")]
}


def create_app(settings: Settings) -> FastAPI:
    """Return the service for `settings`; the archive is opened now (a schema that is not
    the code's is refused: ``docgen db upgrade`` first)."""
    archive = Archive(settings.data_dir, settings.database_url, schema=settings.database_schema,
                      timeouts=settings.timeouts)
    policy = SignInPolicy(user_failures=settings.sign_in_user_failures,
                          client_failures=settings.sign_in_client_failures,
                          lock=timedelta(minutes=settings.sign_in_lock_minutes),
                          idle=timedelta(minutes=settings.session_idle_minutes),
                          lifetime=timedelta(hours=settings.session_max_hours))
    workflow = Workflow(archive, today=settings.today, issue_formats=settings.issue_formats,
                        now=settings.now, policy=policy, signing=settings.signing_policy())

    queue = render_queue(settings, archive)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if isinstance(queue, EmbeddedExecutor):
            queue.resume()  # jobs a previous run left queued or running
        yield
        queue.close()
        archive.close()

    app = FastAPI(title="docgen", version=docgen_version(), lifespan=lifespan,
                  description=DESCRIPTION.replace("{limit}", str(settings.max_body_bytes)),
                  responses=_ERRORS, docs_url=None, redoc_url=None)
    app.state.workflow = workflow
    app.state.settings = settings
    app.state.render_queue = queue
    app.state.limits = Limits(per_user=settings.render_jobs_per_user,
                              per_agency=settings.render_jobs_per_agency)
    errors.install(app)
    session.install(app)
    apidocs.install(app)
    for router in (dossiers.router, versions.router, admin.router, checks.router,
                   agencies.router, signing.router, jobs.router, templates.router):
        app.include_router(router)
    pages.install(app)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(Guard, settings=settings, authenticated=_authenticated)  # outermost
    _add_dossier_schema(app)
    return app


def _authenticated(request: Request) -> bool:
    """Whether the request carries a valid API token or session cookie (for the rate limit;
    the routes check again, with permissions)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return request.app.state.workflow.archive.user_for_token(token.strip()) is not None
    return session.session_user(request) is not None


def render_queue(settings: Settings, archive: Archive) -> RenderQueue:
    """The broker's queue when one is configured, else the embedded worker processes."""
    if settings.broker_url:
        from docgen.workflow.broker import BrokerQueue  # only where a broker is used
        return BrokerQueue(settings.broker_url, settings.broker_queue,
                           heartbeat_seconds=settings.broker_heartbeat_seconds)
    return EmbeddedExecutor(archive, workers=settings.render_workers)


def _add_dossier_schema(app: FastAPI) -> None:
    """Publish the dossier's JSON Schema in the OpenAPI components (request bodies use it)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            dossier = Dossier.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(dossier.pop("$defs", {}))
            components["Dossier"] = dossier
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
