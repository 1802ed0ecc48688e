"""The editor's form and back, problems beside their fields, and a sheet read in the page."""

from __future__ import annotations

import io
import json
from pathlib import Path

from extract import SON_LA
from openpyxl import Workbook

from docgen.errors import InputError, Problem
from docgen.interfaces.http.pages import form as forms
from docgen.interfaces.http.pages.sheets import keep_upload, kept_path, read_sheet
from docgen.model.dossier import Scheme
from docgen.model.loader import load_data, load_dossier
from docgen.workflow.canonical import canonical_json

ROUND = load_dossier(SON_LA)


def shown_form(data: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """What the editor's fields hold for `data` (as the browser posts them back)."""
    form = {name: forms.shown_value(data, name) for name in forms.FIELDS}
    for name in forms.LISTS:
        rows = forms.rows_of(data, name)
        form[f"{name}-count"] = str(len(rows))
        for i, row in enumerate(rows):
            form.update({f"{name}-{i}-{k}": v for k, v in row.items()})
    bases = forms.bases_of(data)
    form["bases-count"] = str(len(bases))
    for i, row in enumerate(bases):
        form.update({f"bases-{i}-{k}": v for k, v in row.items()})
    blocks = forms.blocks_of(data)
    form["blocks-count"] = str(len(blocks))
    for i, block in enumerate(blocks):
        form.update({f"blocks-{i}-{k}": v for k, v in block.items() if k != "units"})
        form[f"blocks-{i}-units"] = forms.to_json(block["units"])
    return form


def test_the_form_gives_back_the_same_dossier() -> None:
    data = ROUND.model_dump(mode="json", exclude_none=True)
    back = forms.from_form(shown_form(data), {})
    assert canonical_json(load_data(back, "biểu mẫu")) == canonical_json(ROUND)


def test_a_changed_field_changes_only_that_part() -> None:
    data = ROUND.model_dump(mode="json", exclude_none=True)
    form = shown_form(data)
    form["decision.recipients"] += "\nSở Nội vụ"
    form["bases-count"] = "2"  # the last five bases removed
    changed = load_data(forms.from_form(form, data), "biểu mẫu")
    assert changed.decision.recipients[-1] == "Sở Nội vụ"
    assert changed.decision.bases == ROUND.decision.bases[:2]
    assert changed.blocks == ROUND.blocks and changed.report == ROUND.report


def test_sections_are_written_and_read_back() -> None:
    text = forms.sections_text(
        ROUND.report.model_dump(mode="json")["assessment"])
    assert text.startswith("# Những kết quả đạt được\nNăm 2025 là năm đầu")
    assert "\n\n# Một số tồn tại, hạn chế và nguyên nhân\n## Tồn tại, hạn chế\n- Một số" in text
    back = forms.text_sections(text)
    assert back == [{"title": s.title, "body": s.body,
                     "points": [{"title": p.title, "body": p.body} for p in s.points]}
                    for s in ROUND.report.assessment]


def test_each_problem_goes_beside_its_field() -> None:
    data = ROUND.model_dump(mode="json", exclude_none=True)
    problems = []
    for path, value in [(("decision", "signer", "name"), ""),
                        (("decision", "bases", 1, "date"), "31/02/2021"),
                        (("blocks", 1, "units", 2, "name"), "Mộc Châu")]:
        attempt = json.loads(json.dumps(data))
        node = attempt
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        try:
            load_data(attempt, "biểu mẫu")
        except InputError as exc:
            problems += exc.problems
    assert len(problems) == 3
    by_field, rest = forms.place_problems(problems, forms.error_keys(data))
    assert set(by_field) == {"decision.signer.name", "bases-1", "blocks-1-units"}, rest
    assert by_field["bases-1"][0].startswith("Cần ")
    assert rest == []
    # a problem no field holds is listed on its own, with its place
    stray = Problem("biểu mẫu", "kỳ lạ › chỗ", "gì đó", "khác")
    assert forms.place_problems([stray], forms.error_keys(data))[1] == [
        "kỳ lạ › chỗ: cần gì đó; nhận được khác"]


def test_a_sheet_with_unknown_headers_is_read_once_mapped(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Xã, phường", "Điểm chấm (70)", "Điểm khảo sát (30)"])
    sheet.append([1, "Sông Mã", "68,81", "28,14"])
    sheet.append([2, "Mộc Châu", "69,02", "27,90"])
    buffer = io.BytesIO()
    book.save(buffer)
    digest = keep_upload(tmp_path, "diem.xlsx", buffer.getvalue())
    path = kept_path(tmp_path, digest)
    assert path is not None and kept_path(tmp_path, "../../etc/passwd") is None
    scheme = Scheme.model_validate(ROUND.scheme.model_dump())
    first = read_sheet(path, "diem.xlsx", digest, scheme)
    assert first.needs_mapping and not first.units
    assert [label for _letter, label in first.headers] == [
        "TT", "Xã, phường", "Điểm chấm (70)", "Điểm khảo sát (30)"]
    mapped = read_sheet(path, "diem.xlsx", digest, scheme, mapping={
        "Xã, phường": "tên đơn vị", "Điểm chấm (70)": "điểm thành phần.tham_dinh",
        "Điểm khảo sát (30)": "điểm thành phần.xhh"})
    assert mapped.ok, mapped.problems
    assert [(u["name"], str(u["scores"]["tham_dinh"]), str(u["scores"]["xhh"]))
            for u in mapped.units] == [("Sông Mã", "68.81", "28.14"),
                                       ("Mộc Châu", "69.02", "27.90")]
