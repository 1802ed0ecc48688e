"""ND30 Phụ lục VI metadata of an issued document, as XML (the decree's tags)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from xml.etree import ElementTree

from docgen.archive.metadata_xml import metadata_xml


def _record(**changes):
    version = dict(type_name="Quyết định", code_number="01", code_notation="QĐ-UBND",
                   issued_date=date(2025, 12, 16), organ_name="ỦY BAN NHÂN DÂN TỈNH SƠN LA",
                   subject="Về việc công bố Chỉ số cải cách hành chính năm 2025",
                   page_amount=2, note="Bản đã ký", signer_position="PHÓ CHỦ TỊCH",
                   signer_name="Nguyễn Thành Công", recipients=["Bộ Nội vụ", "Như Điều 3"])
    version.update(changes)
    return SimpleNamespace(version=SimpleNamespace(**version),
                           dossier=SimpleNamespace(year=2025),
                           document=SimpleNamespace(kind="quyet_dinh"))


def test_the_fields_carry_the_decree_tags_in_its_order():
    data = metadata_xml(_record())
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(data)
    assert root.tag == "VanBanDi"
    assert [child.tag for child in root] == [
        "FileCode", "DocOrdinal", "TypeName", "CodeNumber", "CodeNotation", "IssuedDate",
        "OrganName", "Subject", "Language", "PageAmount", "Description", "SignerInfo", "To",
        "To", "Priority"]
    assert [c.tag for c in root.find("FileCode")] == ["OrganId", "FileCatalog", "FileNotation"]
    assert root.findtext("FileCode/FileCatalog") == "2025"
    assert root.findtext("IssuedDate") == "2025-12-16"
    assert root.findtext("CodeNumber") == "01" and root.findtext("CodeNotation") == "QĐ-UBND"
    assert root.findtext("SignerInfo/FullName") == "Nguyễn Thành Công"
    assert [t.findtext("OrganName") for t in root.findall("To")] == ["Bộ Nội vụ", "Như Điều 3"]
    assert metadata_xml(_record()) == data  # reproducible


def test_lengths_are_cut_to_the_decree_maxima():
    root = ElementTree.fromstring(metadata_xml(_record(subject="x" * 600, signer_name="y" * 80)))
    assert len(root.findtext("Subject")) == 500
    assert len(root.findtext("SignerInfo/FullName")) == 50


def test_docgen_archive_export_writes_the_pdf_and_its_xml(tmp_path):
    from service import users_of
    from typer.testing import CliRunner
    from versions import make_dossier, new_version

    from docgen.archive.store import Actor, Archive
    from docgen.interfaces.cli import app

    archive = Archive(tmp_path / "data")
    try:
        actor = Actor.of(users_of(archive, "ubnd-son-la")["chuyen_vien"])
        dossier_id = make_dossier(archive, actor)
        [record] = archive.store_versions(actor, dossier_id,
                                          [new_version("phu_luc", b"1.7 phu luc")],
                                          allowed=["draft"], action="render")
    finally:
        archive.close()
    result = CliRunner().invoke(app, ["archive", "export", str(record.version.id), "-o",
                                      str(tmp_path / "out"), "--data", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    pdf, xml = tmp_path / "out" / "phu_luc-v1.pdf", tmp_path / "out" / "phu_luc-v1.xml"
    assert pdf.read_bytes() == b"%PDF-1.7 phu luc"
    root = ElementTree.fromstring(xml.read_bytes())
    assert root.findtext("DocOrdinal") == "3" and root.findtext("TypeName") == "Quyết định"
