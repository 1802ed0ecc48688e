"""ND30 Phụ lục VI metadata of an outgoing document (văn bản đi), as XML for an archive
system to import beside the PDF.

Element names are the decree's tags (FileCode/OrganId/FileCatalog/FileNotation, DocOrdinal,
TypeName, CodeNumber, CodeNotation, IssuedDate, OrganName, Subject, Language, PageAmount,
Description, SignerInfo/Position/FullName, To/OrganId/OrganName, Priority), in its order,
cut to its lengths. The decree fixes no root element, namespace nor date format: docgen
writes ``<VanBanDi>`` and ISO 8601 dates (yyyy-mm-dd, 10 characters). What docgen does not
know is written empty: the mã định danh of the agency and of each recipient, the số và ký
hiệu of the hồ sơ. Same version, same bytes.
"""

from __future__ import annotations

from xml.etree import ElementTree

from docgen.archive.records import VersionRecord

#: Mức độ khẩn, độ mật (Priority): 0, an ordinary document.
ORDINARY = "0"


def _add(parent: ElementTree.Element, tag: str, text: object | None = None,
         limit: int | None = None) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    if text is not None:
        value = str(text)
        element.text = value[:limit] if limit else value
    return element


def metadata_xml(record: VersionRecord, *, ordinal: int = 1) -> bytes:
    """Return the Phụ lục VI metadata of `record` (one version) as UTF-8 XML bytes.

    `ordinal` is the document's place in its hồ sơ (DocOrdinal): the decision first, then
    the report and the appendix.
    """
    v = record.version
    root = ElementTree.Element("VanBanDi")
    code = _add(root, "FileCode")
    _add(code, "OrganId")
    _add(code, "FileCatalog", record.dossier.year)
    _add(code, "FileNotation")
    _add(root, "DocOrdinal", ordinal)
    _add(root, "TypeName", v.type_name, 100)
    _add(root, "CodeNumber", v.code_number, 11)
    _add(root, "CodeNotation", v.code_notation, 30)
    _add(root, "IssuedDate", v.issued_date.isoformat() if v.issued_date else None)
    _add(root, "OrganName", v.organ_name, 200)
    _add(root, "Subject", v.subject, 500)
    _add(root, "Language", "Tiếng Việt", 30)
    _add(root, "PageAmount", v.page_amount)
    _add(root, "Description", v.note, 500)
    signer = _add(root, "SignerInfo")
    _add(signer, "Position", v.signer_position, 100)
    _add(signer, "FullName", v.signer_name, 50)
    for recipient in v.recipients:
        to = _add(root, "To")
        _add(to, "OrganId")
        _add(to, "OrganName", recipient, 200)
    _add(root, "Priority", ORDINARY)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


#: The place of each document in the hồ sơ (DocOrdinal).
ORDINALS = {"quyet_dinh": 1, "bao_cao": 2, "phu_luc": 3}
