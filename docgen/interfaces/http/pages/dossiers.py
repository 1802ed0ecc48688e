"""The dossier list, a dossier's page, and the workflow buttons on it.

Each button posts to a route that calls one workflow method; the workflow checks role,
agency and state exactly as for the API. A refusal (wrong state, invalid input) shows the
dossier page again with the message; a success redirects to the page (so a reload does
not post twice) with a short notice.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response

from docgen.archive.schema import User
from docgen.errors import DocgenError, InputError
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.seal import MAX_SEAL_BYTES, seal_view
from docgen.interfaces.http.pages.uploads import read_upload
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.errors import HttpError
from docgen.interfaces.http.filenames import content_disposition
from docgen.interfaces.http.routes.jobs import JOB_STATUS_NAMES
from docgen.interfaces.http.session import PageUserDep
from docgen.model.dump import dossier_yaml
from docgen.model.rules import parse_date
from docgen.workflow.canonical import load_canonical
from docgen.workflow.jobs import queue_issue, queue_render
from docgen.workflow.roles import PERMISSIONS, Role
from docgen.workflow.service import Workflow

#: The workflow's states in order, with what happens in each and who does it.
STEPS = [("draft", "Dự thảo"), ("submitted", "Đã trình"), ("approved", "Đã duyệt"),
         ("issued", "Đã ban hành"), ("signed", "Đã ký"), ("archived", "Đã lưu trữ")]

NEXT_STEP = {
    "draft": ("chuyen_vien", "Chuyên viên hoàn thiện hồ sơ (sửa, đọc bảng điểm, xem trước), "
                             "lưu phiên bản rồi trình lãnh đạo."),
    "submitted": ("lanh_dao", "Lãnh đạo xem các văn bản, duyệt hoặc trả lại kèm lý do."),
    "approved": ("van_thu", "Văn thư cấp số và ngày (số tiếp theo của sổ hoặc số đã vào sổ của "
                            "cơ quan) và ban hành."),
    "issued": ("van_thu", "Văn thư trình ký số bản PDF ban hành rồi tải bản đã ký lên."),
    "signed": ("luu_tru", "Văn thư ký số của cơ quan (nếu cơ quan ký số), rồi lưu trữ đưa hồ "
                          "sơ vào lưu trữ."),
    "archived": ("luu_tru", "Hồ sơ đã lưu trữ; có thể kiểm tra toàn vẹn kho lưu trữ."),
}

#: Notices after a successful action (`?ok=…`).
DONE = {
    "created": "Đã tạo hồ sơ.",
    "updated": "Đã ghi nội dung mới (một lần sửa mới của hồ sơ).",
    "saved": "Đã lưu phiên bản dự thảo của các văn bản.",
    "submitted": "Đã trình lãnh đạo.",
    "approved": "Đã duyệt hồ sơ.",
    "sent_back": "Đã trả lại hồ sơ cho chuyên viên, kèm lý do.",
    "issued": "Đã cấp số và ban hành.",
    "signed": "Đã tải lên bản đã ký; chữ ký số của người có thẩm quyền đã được kiểm tra.",
    "agency_signed": "Đã ký số của cơ quan lên Quyết định và các tệp kèm theo.",
    "archived": "Đã đưa hồ sơ vào lưu trữ.",
}

#: Largest dossier file accepted from the page (as the API's body limit allows more).
MAX_DOSSIER_BYTES = 5 * 1024 * 1024
#: Largest signed PDF.
MAX_PDF_BYTES = 20 * 1024 * 1024


def can(user: User, action: str) -> bool:
    return Role(user.role) in PERMISSIONS[action]


def send_back_reason(dossier: Any) -> dict[str, Any] | None:
    """The last send-back (reason, by whom, when) while it is not answered by a resubmission."""
    if not dossier.sent_back_reason or dossier.resubmitted_at is not None:
        return None
    return {"reason": dossier.sent_back_reason, "by": dossier.sent_back_by,
            "at": dossier.sent_back_at}


def _latest_rendered(workflow: Workflow, dossier_id: int, documents: list[Any]) -> bool:
    """Whether every document's latest version is of the dossier's latest content (what
    submitting requires), so that the page can say so before the button is pressed."""
    latest = workflow.archive.latest_revision(dossier_id).id
    return all(record is not None and record.version.dossier_revision_id == latest
               for _document, record, _count in documents)


def dossier_context(workflow: Workflow, user: User, dossier_id: int) -> dict[str, Any]:
    dossier = workflow.dossier(user, dossier_id)
    documents = workflow.documents(user, dossier_id)
    reached = [s for s, _ in STEPS].index(dossier.status)
    who, what = NEXT_STEP[dossier.status]
    return {
        "dossier": dossier, "documents": documents,
        "agency_name": workflow.archive.get_agency(dossier.agency).name,
        "steps": [(name, label, i < reached, i == reached) for i, (name, label) in enumerate(STEPS)],
        "next_role": who, "next_text": what, "my_turn": user.role == who,
        "sent_back": send_back_reason(dossier) if dossier.status == "draft" else None,
        "can": {action: can(user, action) for action in PERMISSIONS},
        "today": workflow.today().strftime("%d/%m/%Y"),
        "jobs": workflow.archive.list_jobs(dossier_id, limit=5),
        "JOB_STATUS_NAMES": JOB_STATUS_NAMES,
        # submitting needs every document rendered from the latest content
        "rendered": dossier.status != "draft" or _latest_rendered(workflow, dossier_id,
                                                                  documents),
        # asked only where the agency's signature is next: it needs the seal image
        "has_seal": (dossier.status == "signed" and can(user, "agency_sign")
                     and workflow.archive.agency_seal(user.agency) is not None),
    }


def dossier_page(request: Request, workflow: Workflow, user: User, dossier_id: int, *,
                 status_code: int = 200, error: DocgenError | None = None,
                 notice: str = "", **extra: Any) -> Response:
    context = dossier_context(workflow, user, dossier_id)
    problems = error.problems if isinstance(error, InputError) else []
    if error is not None:
        notice = str(error) if not problems else "Chưa thực hiện được: dữ liệu chưa hợp lệ."
    return render(request, "dossier.html", status_code=status_code, me=user, notice=notice,
                  notice_kind="bad" if error is not None else "ok",
                  problems=[p.message for p in problems], **context, **extra)


#: Status of a refused action shown on the dossier page.
REFUSED = {"conflict": 409, "invalid_input": 422, "unsupported": 422,
           "unsupported_media_type": 415, "throttled": 429}


def act(request: Request, workflow: Workflow, user: User, dossier_id: int, done: str,
        action: Any, **again: Any) -> Response:
    """Run `action`; redirect with `done`, or show the page with the refusal (and `again`:
    what the form held, so that it comes back as it was typed)."""
    try:
        action()
    except DocgenError as exc:
        if exc.code not in REFUSED:
            raise
        return dossier_page(request, workflow, user, dossier_id,
                            status_code=REFUSED[exc.code], error=exc, **again)
    return redirect(f"{PREFIX}/ho-so/{dossier_id}?ok={done}", request)


# -- list -----------------------------------------------------------------------------------

#: Notices of the list page after a successful action (`?ok=…`).
LIST_DONE = {"seal": "Đã cập nhật ảnh dấu của cơ quan."}


def list_page(request: Request, workflow: Workflow, user: User, *, page_no: int = 1,
              status_code: int = 200, error: DocgenError | None = None, what: str = "",
              notice: str = "") -> Response:
    """The list of the agency's dossiers, with the forms the user's role may use; a refused
    form (`error`, about `what`) is shown at the top with its problems."""
    size = 20
    page_no = max(page_no, 1)
    items, total = workflow.list_dossiers(user, limit=size, offset=(page_no - 1) * size)
    problems = error.problems if isinstance(error, InputError) else []
    if error is not None:
        notice = f"{what}: " + ("dữ liệu chưa hợp lệ." if problems else str(error))
    return render(request, "dossiers.html", status_code=status_code, me=user, dossiers=items,
                  total=total, page_no=page_no, pages=max((total + size - 1) // size, 1),
                  can_create=can(user, "create"), can_seal=can(user, "agency_seal"),
                  seal=seal_view(workflow, user) if can(user, "agency_seal") else None,
                  notice=notice, notice_kind="bad" if error is not None else "ok",
                  problems=[p.message for p in problems])


@page("GET", f"{PREFIX}/ho-so", "read")
def dossier_list(request: Request, user: PageUserDep, workflow: WorkflowDep,
                 trang: int = 1, ok: str = "") -> Response:
    return list_page(request, workflow, user, page_no=trang, notice=LIST_DONE.get(ok, ""))


@page("POST", f"{PREFIX}/ho-so/tai-len", "create")
async def create_from_file(request: Request, user: PageUserDep, workflow: WorkflowDep,
                           file: Annotated[UploadFile, File()]) -> Response:
    """Create a dossier from an uploaded YAML/JSON file (the same file the CLI reads)."""
    try:
        name, body = await read_upload(file, MAX_DOSSIER_BYTES, ("yaml", "yml", "json"),
                                       "tệp hồ sơ")
        dossier = workflow.create(user, body, name)
    except DocgenError as exc:
        if exc.code not in REFUSED:
            raise
        return list_page(request, workflow, user, status_code=REFUSED[exc.code], error=exc,
                         what="Chưa tạo được hồ sơ từ tệp")
    return redirect(f"{PREFIX}/ho-so/{dossier.id}?ok=created", request)


@page("POST", f"{PREFIX}/ho-so/anh-dau", "agency_seal")
async def upload_seal(request: Request, user: PageUserDep, workflow: WorkflowDep,
                      file: Annotated[UploadFile, File()]) -> Response:
    """Keep the agency's seal image (as PUT /me/agency/seal and ``docgen agency seal``)."""
    try:
        name, body = await read_upload(file, MAX_SEAL_BYTES, ("png",), "ảnh dấu")
        workflow.set_seal(user, body, name)
    except DocgenError as exc:
        if exc.code not in REFUSED:
            raise
        return list_page(request, workflow, user, status_code=REFUSED[exc.code], error=exc,
                         what="Chưa cập nhật được ảnh dấu")
    return redirect(f"{PREFIX}/ho-so?ok=seal#seal", request)


# -- one dossier ----------------------------------------------------------------------------

@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}", "read")
def dossier_view(request: Request, dossier_id: int, user: PageUserDep, workflow: WorkflowDep,
                 ok: str = "") -> Response:
    return dossier_page(request, workflow, user, dossier_id, notice=DONE.get(ok, ""))


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/ho-so.yaml", "read")
def download_yaml(dossier_id: int, user: PageUserDep, workflow: WorkflowDep) -> Response:
    """The dossier's latest content as the YAML file the command line reads."""
    revision, data = workflow.content(user, dossier_id)
    model = load_canonical(data, f"hồ sơ {dossier_id}")
    text = dossier_yaml(model.model_dump(mode="json", exclude_none=True))
    name = f"Hồ sơ {dossier_id} lần sửa {revision}.yaml"
    return Response(text.encode("utf-8"), media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(name)})


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/tai-len", "update")
async def update_from_file(request: Request, dossier_id: int, user: PageUserDep,
                           workflow: WorkflowDep, file: Annotated[UploadFile, File()]) -> Response:
    async def read() -> tuple[str, bytes]:
        return await read_upload(file, MAX_DOSSIER_BYTES, ("yaml", "yml", "json"), "tệp hồ sơ")
    try:
        name, body = await read()
    except DocgenError as exc:
        return dossier_page(request, workflow, user, dossier_id,
                            status_code=REFUSED.get(exc.code, 422), error=exc)
    return act(request, workflow, user, dossier_id, "updated",
               lambda: workflow.update(user, dossier_id, body, name))


def queued(request: Request, workflow: Workflow, user: User, dossier_id: int, done: str,
           start: Any, **again: Any) -> Response:
    """Queue a render or an issue job (`start(queue, limits)`) and wait for it like the API
    does; a job not done in time leaves the page showing its progress."""
    state = request.app.state

    def run() -> None:
        job = start(state.render_queue, state.limits)
        deadline = time.monotonic() + state.settings.render_wait_seconds
        while job.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.1)
            job = workflow.archive.get_job(job.id)
        if job.status in ("queued", "running"):
            raise _Pending(job.id)
        if job.status != "done":
            raise HttpError(job.error_code or "render_error", job.error or "")

    try:
        return act(request, workflow, user, dossier_id, done, run, **again)
    except _Pending:
        return redirect(f"{PREFIX}/ho-so/{dossier_id}#jobs", request)


class _Pending(Exception):
    """The job is still queued or running when the page stops waiting."""


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/tac-vu", "read")
def jobs_fragment(request: Request, dossier_id: int, user: PageUserDep,
                  workflow: WorkflowDep) -> Response:
    """The recent jobs, polled by htmx while one runs; reloads the page once none does.
    Opened as an address of its own (not by htmx), it is the dossier page at its jobs."""
    dossier = workflow.dossier(user, dossier_id)
    if request.headers.get("hx-request") != "true":
        return redirect(f"{PREFIX}/ho-so/{dossier_id}#jobs")
    jobs = workflow.archive.list_jobs(dossier_id, limit=5)
    active = any(j.status in ("queued", "running") for j in jobs)
    return render(request, "jobs.html", me=user, dossier=dossier, jobs=jobs,
                  JOB_STATUS_NAMES=JOB_STATUS_NAMES,
                  headers=None if active else {"HX-Refresh": "true"})


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/luu-phien-ban", "render")
def save_version(request: Request, dossier_id: int, user: PageUserDep,
                 workflow: WorkflowDep) -> Response:
    return queued(request, workflow, user, dossier_id, "saved",
                  lambda queue, limits: queue_render(workflow, queue, limits, user, dossier_id))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/trinh", "submit")
def submit(request: Request, dossier_id: int, user: PageUserDep,
           workflow: WorkflowDep) -> Response:
    return act(request, workflow, user, dossier_id, "submitted",
               lambda: workflow.submit(user, dossier_id))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/duyet", "approve")
def approve(request: Request, dossier_id: int, user: PageUserDep,
            workflow: WorkflowDep) -> Response:
    return act(request, workflow, user, dossier_id, "approved",
               lambda: workflow.approve(user, dossier_id))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/tra-lai", "send_back")
def send_back(request: Request, dossier_id: int, user: PageUserDep, workflow: WorkflowDep,
              reason: Annotated[str, Form()] = "") -> Response:
    if not reason.strip():
        return dossier_page(request, workflow, user, dossier_id, status_code=422,
                            error=DocgenError("Hãy ghi lý do trả lại để chuyên viên biết cần "
                                              "sửa gì."), reason_error=True)
    return act(request, workflow, user, dossier_id, "sent_back",
               lambda: workflow.send_back(user, dossier_id, reason.strip()[:2000]))


def typed_date(text: str) -> date:
    """The issue date as the văn thư types it: 16/12/2025 (or 2025-12-16, as a browser's
    date field sends it); a month without a day is no issue date. Raises ValueError."""
    year, month, day = parse_date(text)
    if month is None or day is None:
        raise ValueError(f"not a full date: {text!r}")
    return date(year, month, day)


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/ban-hanh", "issue")
def issue(request: Request, dossier_id: int, user: PageUserDep, workflow: WorkflowDep,
          mode: Annotated[str, Form()] = "next", number: Annotated[str, Form()] = "",
          issue_date: Annotated[str, Form()] = "") -> Response:
    if mode == "manual":
        try:
            chosen_number = int(number.strip())
            chosen_date = typed_date(issue_date)
            if chosen_number < 1:
                raise ValueError
        except ValueError:
            message = ("Số văn bản phải là số nguyên dương và ngày ban hành phải là một ngày "
                       "dạng ngày/tháng/năm, ví dụ 16/12/2025; nhận được số "
                       f"{number.strip() or '(trống)'!r}, ngày {issue_date.strip() or '(trống)'!r}.")
            # the form comes back as it was typed: a reset form would issue the next number
            return dossier_page(request, workflow, user, dossier_id, status_code=422,
                                error=DocgenError(message), issue_error=message,
                                issue_form={"mode": "manual", "number": number.strip(),
                                            "date": issue_date.strip()})
        return queued(request, workflow, user, dossier_id, "issued",
                      lambda queue, limits: queue_issue(workflow, queue, limits, user,
                                                        dossier_id, number=chosen_number,
                                                        issue_date=chosen_date),
                      issue_form={"mode": "manual", "number": number.strip(),
                                  "date": issue_date.strip()})
    return queued(request, workflow, user, dossier_id, "issued",
                  lambda queue, limits: queue_issue(workflow, queue, limits, user, dossier_id))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/ban-ky", "upload_signed")
async def upload_signed(request: Request, dossier_id: int, user: PageUserDep,
                        workflow: WorkflowDep, file: Annotated[UploadFile, File()]) -> Response:
    try:
        _name, body = await read_upload(file, MAX_PDF_BYTES, ("pdf",), "bản đã ký")
    except DocgenError as exc:
        return dossier_page(request, workflow, user, dossier_id,
                            status_code=REFUSED.get(exc.code, 422), error=exc)
    return act(request, workflow, user, dossier_id, "signed",
               lambda: workflow.upload_signed(user, dossier_id, body))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/ky-so-co-quan", "agency_sign")
def agency_sign(request: Request, dossier_id: int, user: PageUserDep,
                workflow: WorkflowDep) -> Response:
    return act(request, workflow, user, dossier_id, "agency_signed",
               lambda: workflow.agency_sign(user, dossier_id))


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/luu-tru", "archive")
def archive(request: Request, dossier_id: int, user: PageUserDep,
            workflow: WorkflowDep) -> Response:
    return act(request, workflow, user, dossier_id, "archived",
               lambda: workflow.archive_dossier(user, dossier_id))


@page("POST", f"{PREFIX}/kiem-tra", "verify")
def verify(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    report = workflow.verify(user)
    return render(request, "verify.html", me=user, report=report)
