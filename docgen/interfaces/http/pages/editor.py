"""The dossier editor: every field of the dossier as a form, no YAML needed.

The form carries the dossier's data as it stands (``base``) and posts all of it with each
button: save, read a block's score sheet, map its columns, add, remove or move a row. So
the server keeps nothing between two posts but the uploaded sheets (by hash). Saving
validates the data with the loader, as an uploaded file is; on problems the form comes
back with each message beside its field, all at once, and nothing is saved. A new dossier
("Tạo hồ sơ mới") starts from the agency's issuer facts and the usual scoring scheme; it is
created in the archive only once it is valid.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from docgen.archive.records import Actor
from docgen.archive.schema import User
from docgen.errors import DocgenError, InputError, Problem
from docgen.formatting.text import name_key
from docgen.interfaces.http.pages import form as forms
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.sheets import (
    MAX_SHEET_BYTES,
    SHEET_KINDS,
    SheetView,
    keep_upload,
    kept_path,
    read_sheet,
    targets,
)
from docgen.interfaces.http.pages.uploads import read_upload
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.session import PageUserDep
from docgen.model.dossier import Scheme, SchemeOverride, effective_scheme
from docgen.workflow.canonical import load_canonical
from docgen.workflow.service import Workflow

SOURCE = "biểu mẫu"

#: The usual scheme of a provincial round: 70 appraisal + 30 survey, four bands.
DEFAULT_SCHEME = {
    "max_total": "100",
    "components": [{"key": "tham_dinh", "name": "Điểm tự đánh giá, thẩm định", "max": "70"},
                   {"key": "xhh", "name": "Điểm đánh giá qua điều tra xã hội học", "max": "30"}],
    "survey_component": "xhh",
    "bands": [{"label": "XUẤT SẮC", "lower": "90"}, {"label": "TỐT", "lower": "80", "upper": "90"},
              {"label": "TRUNG BÌNH", "lower": "70", "upper": "80"},
              {"label": "THẤP", "upper": "70"}],
    "band_term": "Mức", "range_unit": "%", "tie_rule": "standard",
    "score_decimals": 2, "share_decimals": 2,
}

EMPTY_BLOCK = {"name": "", "description": "", "short_name": "", "subject": "", "units": []}


#: The Vietnamese keys of the ``cơ quan`` block and the fields the form uses.
_ISSUER_KEYS = {"cơ quan chủ quản": "parent", "cơ quan ban hành": "name", "địa danh": "place",
                "viết tắt": "abbreviation", "thẩm quyền": "authority",
                "tên thẩm quyền": "authority_name"}


def issuer_defaults(workflow: Workflow, user: User) -> dict[str, Any]:
    """The agency's issuer facts (its record), to pre-fill a new dossier."""
    try:
        block = workflow.issuer_block(user)
    except DocgenError:  # the agency has no record yet: the clerk types the facts
        return {}
    facts = {_ISSUER_KEYS.get(k, k): v for k, v in block.items()}
    for key in ("parent", "name"):
        if isinstance(facts.get(key), str):
            facts[key] = forms.text_lines(facts[key])
    return facts


def skeleton(workflow: Workflow, user: User) -> dict[str, Any]:
    return {"year": workflow.today().year, "subject": "", "issuer": issuer_defaults(workflow, user),
            "decision": {"subject_lines": [], "bases": [], "recipients": [], "archive": "VT",
                         "attachments_phrase": "Báo cáo, Phụ lục kết quả", "signer": {}},
            "scheme": json.loads(json.dumps(DEFAULT_SCHEME)), "blocks": [dict(EMPTY_BLOCK)],
            "report": {"title_lines": []}, "appendix_title": []}


def _scheme(data: dict[str, Any], block: int | None = None) -> Scheme | None:
    """The dossier's scheme, or block `block`'s own (its thang điểm over the dossier's)."""
    try:
        scheme = Scheme.model_validate(data.get("scheme") or {})
        blocks = data.get("blocks") or []
        if block is not None and block < len(blocks) and isinstance(blocks[block], dict) \
                and blocks[block].get("scheme"):
            scheme = effective_scheme(scheme, SchemeOverride.model_validate(
                blocks[block]["scheme"]))
        return scheme
    except ValueError:
        return None


def saved_mappings(workflow: Workflow, dossier_id: int) -> dict[int, dict[str, Any]]:
    """The column mapping last kept for each block of a dossier (from its audit trail)."""
    entries, _ = workflow.archive.audit_entries(dossier_id=dossier_id, limit=500, offset=0)
    found: dict[int, dict[str, Any]] = {}
    for entry in entries:  # newest first
        if entry.action == "sheet_mapping":
            detail = entry.detail or {}
            found.setdefault(int(detail.get("block", -1)), detail)
    return found


class EditorState:
    """What one rendering of the editor needs."""

    def __init__(self, data: dict[str, Any], sheets: dict[int, SheetView],
                 saved: dict[int, dict[str, Any]]):
        self.data = data
        self.sheets = sheets
        self.saved = saved


def _sheet_fields(form: FormData, i: int) -> tuple[str, str, str, dict[str, str]]:
    sha = str(form.get(f"blocks-{i}-sheet-sha") or "")
    name = str(form.get(f"blocks-{i}-sheet-file") or "")
    sheet = str(form.get(f"blocks-{i}-sheet") or "")
    mapping = {}
    k = 0
    while f"blocks-{i}-maplabel-{k}" in form:
        label = str(form.get(f"blocks-{i}-maplabel-{k}"))
        target = str(form.get(f"blocks-{i}-map-{k}") or "")
        if target:
            mapping[label] = target
        k += 1
    return sha, name, sheet, mapping


def editor_page(request: Request, workflow: Workflow, user: User, state: EditorState, *,
                dossier_id: int | None, status_code: int = 200,
                problems: list[Problem] | None = None, notice: str = "") -> Response:
    data = state.data
    errors, general = forms.place_problems(problems or [], forms.error_keys(data))
    scheme = _scheme(data)
    blocks = forms.blocks_of(data)
    previous = data.get("previous") or {}
    return render(
        request, "editor.html", status_code=status_code, me=user, dossier_id=dossier_id,
        data=data, base=forms.to_json(data), F=forms.FIELDS, CHOICES=forms.CHOICES,
        value=lambda name: forms.shown_value(data, name), errors=errors, general=general,
        anchor=forms.anchor, label=forms.label,
        bases=forms.bases_of(data), components=forms.rows_of(data, "components"),
        fields=forms.rows_of(data, "fields"), bands=forms.rows_of(data, "bands"),
        blocks=blocks, sheets=state.sheets, saved=state.saved, to_json=forms.to_json,
        targets=targets(scheme) if scheme else [], has_survey="survey" in data,
        previous_dossier=str(previous.get("dossier") or ""),
        previous_map=list((previous.get("mapping") or {}).items()),
        unmatched=reconcile(workflow, user, data),
        notice=notice or ("Chưa lưu: hồ sơ còn chỗ chưa hợp lệ (xem các thông báo đỏ bên cạnh "
                          "từng trường)." if problems else ""),
        notice_kind="bad" if problems else "ok", problem_count=len(problems or []),
        action=request.scope.get("root_path", "")
        + (f"{PREFIX}/ho-so/{dossier_id}/sua" if dossier_id else f"{PREFIX}/ho-so/moi"))


def _move(items: list[Any], i: int, step: int) -> None:
    j = i + step
    if 0 <= i < len(items) and 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


async def _read_block_sheet(request: Request, form: FormData, i: int, data: dict[str, Any],
                            scheme: Scheme | None, uploaded: bool, saved: dict[str, Any] | None
                            ) -> SheetView | None:
    """Read block `i`'s sheet (uploaded now, or kept by hash) and put its units in `data`."""
    settings = request.app.state.settings
    sha, name, sheet, mapping = _sheet_fields(form, i)
    upload = form.get(f"blocks-{i}-file")
    if uploaded and isinstance(upload, UploadFile) and upload.filename:
        name, raw = await read_upload(upload, MAX_SHEET_BYTES, SHEET_KINDS, "bảng điểm")
        sha, sheet, mapping = keep_upload(settings.data_dir, name, raw), "", {}
    if not sha or scheme is None:
        return None
    path = kept_path(settings.data_dir, sha)
    if path is None:
        return None
    view = read_sheet(path, name, sha, scheme, sheet=sheet or None, mapping=mapping)
    if view.needs_mapping and not mapping and saved and saved.get("columns"):
        # the mapping kept with the dossier fits a sheet with the same headers
        labels = {label for _letter, label in view.headers}
        if set(saved["columns"]) <= labels:
            view = read_sheet(path, name, sha, scheme, sheet=sheet or None,
                              mapping=dict(saved["columns"]))
    if view.ok and uploaded:
        data["blocks"][i]["units"] = json.loads(forms.to_json(view.units))
    return view


async def _handle(request: Request, workflow: Workflow, user: User,
                  dossier_id: int | None) -> Response:
    form = await request.form()
    try:
        return await _handle_form(request, form, workflow, user, dossier_id)
    finally:
        await form.close()  # the uploaded sheets' temporary files


async def _handle_form(request: Request, form: FormData, workflow: Workflow, user: User,
                       dossier_id: int | None) -> Response:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        base = json.loads(fields.get("base") or "{}")
    except json.JSONDecodeError:
        base = {}
    if not isinstance(base, dict):
        base = {}
    data = forms.from_form(fields, base)
    do = fields.get("do", "save")
    verb, _, rest = do.partition(":")
    target, _, index_text = rest.partition(":")
    index = int(index_text) if index_text.isdigit() else -1
    saved = saved_mappings(workflow, dossier_id) if dossier_id else {}
    scheme = _scheme(data)
    sheets: dict[int, SheetView] = {}
    problems: list[Problem] = []
    blocks = data.setdefault("blocks", [])
    lists = {"bases": ("decision", "bases"), "components": ("scheme", "components"),
             "fields": ("scheme", "fields"), "bands": ("scheme", "bands"), "blocks": ("blocks",)}
    if target in lists:
        path = lists[target]
        holder: Any = data
        for step in path[:-1]:
            holder = holder.setdefault(step, {})
        items = holder.setdefault(path[-1], [])
        if verb == "add":
            new: Any = {"bases": {"type": "", "number": "", "date": ""},
                        "components": {"key": "", "name": "", "max": ""},
                        "fields": {"key": "", "name": "", "max": ""},
                        "bands": {"label": ""}, "blocks": dict(EMPTY_BLOCK)}[target]
            if target == "bases" and index_text == "text":
                new = ""
            items.append(new)
        elif verb == "remove" and 0 <= index < len(items):
            items.pop(index)
        elif verb in ("up", "down"):
            _move(items, index, -1 if verb == "up" else 1)
    if verb == "add" and target == "previous-map":
        data.setdefault("previous", {"dossier": None}).setdefault("mapping", {})[""] = ""
    moved = target == "blocks" and verb in ("remove", "up", "down")
    for i in range(0 if moved else len(blocks)):  # sheet fields follow the old order
        try:
            view = await _read_block_sheet(request, form, i, data, _scheme(data, i),
                                           uploaded=(verb in ("read", "map") and index == i),
                                           saved=saved.get(i))
        except InputError as exc:
            problems += exc.problems
            continue
        if view is not None:
            sheets[i] = view
    state = EditorState(data, sheets, saved)
    if verb != "save":
        return editor_page(request, workflow, user, state, dossier_id=dossier_id,
                           problems=problems or None)
    body = forms.to_json(data).encode("utf-8")
    try:
        if dossier_id is None:
            dossier = workflow.create(user, body, SOURCE)
            dossier_id, done = dossier.id, "created"
        else:
            workflow.update(user, dossier_id, body, SOURCE)
            done = "updated"
    except InputError as exc:
        return editor_page(request, workflow, user, state, dossier_id=dossier_id,
                           status_code=422, problems=exc.problems)
    for i, view in sheets.items():
        if view.ok:
            workflow.archive.record(
                Actor.of(user), "sheet_mapping", "dossier", dossier_id, dossier_id=dossier_id,
                sha256=view.sha256, block=i, file=view.file_name, sheet=view.sheet,
                columns=view.mapping, units=len(view.units))
    return redirect(f"{PREFIX}/ho-so/{dossier_id}?ok={done}", request)


def next_year(workflow: Workflow, user: User, previous_id: int) -> dict[str, Any]:
    """A new round copied from an earlier one of the same agency: the year advanced, the
    number and dates cleared, the earlier round linked as the previous one; the units stay
    until this year's sheets replace them."""
    _revision, content = workflow.content(user, previous_id)  # another agency's: 404
    data = load_canonical(content, f"hồ sơ {previous_id}").model_dump(mode="json",
                                                                      exclude_none=True)
    data["year"] = int(data["year"]) + 1
    decision = data.setdefault("decision", {})
    decision.pop("number", None)
    decision["date"] = f"{data['year']}-12"
    data["previous"] = {"dossier": previous_id}
    return data


def reconcile(workflow: Workflow, user: User, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Per block, this year's unit names that last year's round does not have, and last
    year's names left over: the clerk pairs them (a rename) or leaves them (new, gone).
    Names are never matched silently: only equal names (as the loader compares them) pair."""
    previous = (data.get("previous") or {}).get("dossier")
    if not isinstance(previous, int):
        return []
    try:
        _revision, content = workflow.content(user, previous)
        last = load_canonical(content, f"hồ sơ {previous}")
    except DocgenError:
        return []  # the loader names a wrong previous round when the dossier is saved
    mapping = (data.get("previous") or {}).get("mapping") or {}
    mapped_new = {name_key(k) for k in mapping}
    mapped_old = {name_key(v) for v in mapping.values()}
    found = []
    for i, block in enumerate(data.get("blocks") or []):
        if i >= len(last.blocks) or not isinstance(block, dict):
            continue
        here = [str(u.get("name", "")) for u in block.get("units") or [] if isinstance(u, dict)]
        there = [u.name for u in last.blocks[i].units]
        here_keys, there_keys = {name_key(n) for n in here}, {name_key(n) for n in there}
        new = [n for n in here if name_key(n) not in there_keys and name_key(n) not in mapped_new]
        gone = [n for n in there if name_key(n) not in here_keys and name_key(n) not in mapped_old]
        if new or gone:
            found.append({"block": block.get("name") or f"khối thứ {i + 1}", "new": new,
                          "gone": gone})
    return found


@page("GET", f"{PREFIX}/ho-so/nam-moi", "create")
def new_year_choice(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    items, _total = workflow.list_dossiers(user, limit=100, offset=0)
    return render(request, "new_year.html", me=user, dossiers=items)


@page("GET", f"{PREFIX}/ho-so/moi", "create")
def new_form(request: Request, user: PageUserDep, workflow: WorkflowDep,
             tu: int | None = None) -> Response:
    data = next_year(workflow, user, tu) if tu is not None else skeleton(workflow, user)
    notice = (f"Hồ sơ năm {data['year']} chép từ hồ sơ {tu}: số và ngày đã bỏ trống. Hãy đọc "
              "bảng điểm năm nay cho từng khối, ghép các đơn vị đổi tên, và sửa năm trong "
              "trích yếu, tên báo cáo, tên phụ lục và các đoạn nhận xét." if tu else "")
    return editor_page(request, workflow, user, EditorState(data, {}, {}), dossier_id=None,
                       notice=notice)


@page("POST", f"{PREFIX}/ho-so/moi", "create")
async def new_submit(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    return await _handle(request, workflow, user, None)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/sua", "update")
def edit_form(request: Request, dossier_id: int, user: PageUserDep,
              workflow: WorkflowDep) -> Response:
    _revision, content = workflow.content(user, dossier_id)
    model = load_canonical(content, f"hồ sơ {dossier_id}")
    data = model.model_dump(mode="json", exclude_none=True)
    return editor_page(request, workflow, user,
                       EditorState(data, {}, saved_mappings(workflow, dossier_id)),
                       dossier_id=dossier_id)


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/sua", "update")
async def edit_submit(request: Request, dossier_id: int, user: PageUserDep,
                      workflow: WorkflowDep) -> Response:
    workflow.dossier(user, dossier_id, "update")
    return await _handle(request, workflow, user, dossier_id)
