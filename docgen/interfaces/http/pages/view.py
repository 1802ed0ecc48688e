"""Rendering a page: one Jinja2 environment, the Vietnamese filters, the response headers.

Autoescaping is on for every template (a unit named ``<script>`` is shown as text), and
undefined names fail loudly in tests instead of printing nothing. Every page is sent with
a Content-Security-Policy that allows only docgen's own scripts, styles, frames and
images: even a mistake in a template cannot make the browser fetch from outside, and no
inline script runs (htmx is configured by a ``<meta>`` tag, not by a script).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from docgen.archive.store import STATUS_NAMES
from docgen.interfaces.http.session import CSRF_FIELD, csrf_token, session_user
from docgen.pipeline import DOCUMENT_TITLES
from docgen.workflow.roles import ACTION_NAMES, ROLE_NAMES, Role

#: Prefix of the page paths (kept as a variable so the templates never hard-code it).
PREFIX = ""

#: Sent with every page (and every page error).
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-src 'self'; object-src 'self'; connect-src 'self'; font-src 'self'; "
        "form-action 'self'; frame-ancestors 'self'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_VIETNAM = timedelta(hours=7)

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("docgen.interfaces.http.pages", "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def vn_datetime(moment: datetime | None) -> str:
    """``16/12/2025 14:05`` in Vietnam's time (the archive keeps UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + _VIETNAM).strftime("%d/%m/%Y %H:%M")


def vn_moment(iso: str | None) -> str:
    """An ISO 8601 moment kept as text (a signature's time) as ``16/12/2025 09:30:05``, in
    Vietnam's time; text that is not such a moment is shown as it is."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + _VIETNAM).strftime("%d/%m/%Y %H:%M:%S")


#: The attribute names of a certificate's distinguished name, as asn1crypto writes them.
_NAME_PARTS = {"Common Name": "Tên", "Organization": "Tổ chức",
               "Organizational Unit": "Đơn vị", "Country": "Quốc gia",
               "State/Province": "Tỉnh/Thành phố", "Locality": "Địa phương",
               "Email Address": "Thư điện tử", "Serial Number": "Số hiệu"}


def certificate_name(text: str | None) -> str:
    """A certificate issuer stored as "Common Name: …, Country: VN" in Vietnamese words."""
    out = text or ""
    for english, vietnamese in _NAME_PARTS.items():
        out = out.replace(f"{english}: ", f"{vietnamese}: ")
    return out


def vn_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def role_name(role: str) -> str:
    try:
        return ROLE_NAMES[Role(role)]
    except ValueError:
        return role


#: Audit actions as people call them (the workflow's actions plus the archive's own).
AUDIT_NAMES = {**ACTION_NAMES, "render": "lưu phiên bản dự thảo", "download": "tải tệp",
               "export": "tải bảng kết quả", "issue": "ban hành", "archive": "đưa vào lưu trữ",
               "dossier_create": "tạo hồ sơ", "dossier_update": "sửa hồ sơ",
               "number_allocate": "cấp số", "status_change": "chuyển trạng thái",
               "sheet_mapping": "đọc bảng điểm (cách ghép cột)", "verify": "kiểm tra kho",
               "agency_add": "tạo cơ quan", "agency_update": "sửa cơ quan",
               "user_add": "tạo người dùng", "user_deactivate": "khóa người dùng",
               "user_enable": "mở khóa người dùng", "password_set": "đặt mật khẩu",
               "token_rotate": "cấp mã truy cập mới", "sign_in": "đăng nhập",
               "sign_in_failed": "đăng nhập sai", "sign_out": "đăng xuất"}


def audit_name(action: str) -> str:
    return AUDIT_NAMES.get(action, action)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


ENV.filters.update(vn_datetime=vn_datetime, vn_date=vn_date, vn_moment=vn_moment,
                   certificate_name=certificate_name, status_name=status_name,
                   role_name=role_name, audit_name=audit_name, size_text=size_text,
                   kind_name=lambda kind: DOCUMENT_TITLES.get(kind, kind))
ENV.globals.update(PREFIX=PREFIX, ROOT="")


#: What every template may use without each route passing it.
DEFAULTS: dict[str, Any] = {"notice": "", "notice_kind": "ok", "problems": []}


def render(request: Request, template: str, *, status_code: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """Return `template` rendered with `context`; `request` gives the user and the CSRF token."""
    for name, value in DEFAULTS.items():
        context.setdefault(name, value)
    me = context.pop("me", None) or session_user(request)
    root = request.scope.get("root_path", "")  # the proxy's prefix (Settings.root_path)
    html = ENV.get_template(template).render(
        request=request, me=me, csrf=csrf_token(request), CSRF_FIELD=CSRF_FIELD,
        path=request.url.path, ROOT=root, PREFIX=root + PREFIX,
        HOME=root + PREFIX + ("/quan-tri" if me is not None and me.role == "quan_tri"
                              else "/ho-so"), **context)
    return HTMLResponse(html, status_code=status_code, headers={**HEADERS, **(headers or {})})


def redirect(url: str, request: Request | None = None) -> Response:
    """See-other to `url`; an htmx request is told to navigate instead (HX-Redirect)."""
    if request is not None and request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url, **HEADERS})
    return RedirectResponse(url, status_code=303, headers=HEADERS)
