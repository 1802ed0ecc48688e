"""An approved dossier whose previous round was corrected after the approval is not issued
against the corrected round: the leader approved figures "so với năm trước" computed from
the old one. Issuing is refused (409) and the dossier goes back to draft with the reason;
rendered, submitted and approved again, it is issued against the corrected round.
(That an unchanged round is issued as approved: tests/http/test_service_inputs.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.archive.errors import ConflictError
from docgen.archive.schema import User
from docgen.workflow.service import Workflow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SON_LA_2022 = (FIXTURES / "son-la-2022.yaml").read_bytes()
SON_LA_2023 = (FIXTURES / "son-la-2023.yaml").read_text(encoding="utf-8")


def approved_after(wf: Workflow, staff: dict[str, User]) -> tuple[int, int]:
    previous = wf.create(staff["chuyen_vien"], SON_LA_2022, "2022.yaml").id
    text = SON_LA_2023.replace("tệp: son-la-2022.yaml", f"hồ sơ: {previous}")
    current = wf.create(staff["chuyen_vien"], text.encode(), "2023.yaml").id
    wf.render(staff["chuyen_vien"], current, formats=["docx"])
    wf.submit(staff["chuyen_vien"], current)
    wf.approve(staff["lanh_dao"], current)
    return previous, current


def test_a_previous_round_edited_after_the_approval_asks_for_reapproval(
        wf: Workflow, staff: dict[str, User]) -> None:
    previous, current = approved_after(wf, staff)
    corrected = SON_LA_2022.replace(b"Theo \xc4\x91\xe1\xbb\x81 ngh\xe1\xbb\x8b", b"Theo \xc4"
                                    b"\x91\xe1\xbb\x81 ngh\xe1\xbb\x8b ch\xc3\xadnh th\xe1\xbb"
                                    b"\xa9c", 1)
    assert corrected != SON_LA_2022
    wf.update(staff["chuyen_vien"], previous, corrected, "2022.yaml")
    with pytest.raises(ConflictError) as refused:
        wf.issue(staff["van_thu"], current)
    assert str(refused.value) == (
        f"Hồ sơ kỳ trước số {previous} đã được sửa sau khi hồ sơ này được duyệt (bản đã duyệt "
        "so sánh với lần sửa 1, nay là lần sửa 2); hồ sơ được trả về dự thảo: hãy kết xuất "
        "lại, trình và duyệt lại rồi mới ban hành.")
    dossier = wf.archive.get_dossier(current)
    assert (dossier.status, dossier.number) == ("draft", None)
    assert dossier.sent_back_reason == str(refused.value)
    # approved again, against the corrected round, it is issued
    wf.render(staff["chuyen_vien"], current, formats=["docx"])
    wf.submit(staff["chuyen_vien"], current)
    wf.approve(staff["lanh_dao"], current)
    issued = wf.issue(staff["van_thu"], current)
    assert {v.version.summary["previous"]["revision"] for v in issued} == {2}
    assert wf.archive.get_dossier(current).status == "issued"
