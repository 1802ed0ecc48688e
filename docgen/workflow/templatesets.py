"""Agency template sets in the service: upload (checked at once), list, download, choose.

A set comes as one or more of ``quyet_dinh.docx``, ``bao_cao.docx``, ``phu_luc.docx``, or
a .zip holding them (in folders or not, as ``docgen templates copy`` writes them). Each
file is bounded before anything reads it (:mod:`docgen.bounds`; a DOCX is a zip, so the
zip-bomb check of spreadsheets applies to it too), then the set is checked the way
``docgen templates check`` checks a folder (:func:`check_set`: the bundled fixture is
rendered with it) and refused with every problem at once, nothing stored, when it has
any. A stored set becomes the agency's active set; a document the set lacks keeps the
shipped template.

Only the văn thư (who keeps the agency's thể thức, its seal and its register) and the
quản trị (for any agency) may upload or choose a set; every role may see the list.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from docgen.archive.errors import NotFoundError
from docgen.archive.schema import TemplateSet, User
from docgen.archive.store import Actor, Archive
from docgen.bounds import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_SET_BYTES
from docgen.errors import InputError, Problem
from docgen.ingest.limits import check_zip
from docgen.render.templates import DOCUMENTS
from docgen.resources import fixtures_dir
from docgen.workflow.errors import TemplateSetRefused
from docgen.workflow.roles import Role

#: The fixture a set is checked with: it has lĩnh vực, charts and last year's round, so
#: the optional parts of the templates are exercised too.
CHECK_DOSSIER = fixtures_dir() / "son-la-2023.yaml"

#: The file names a set may hold, one per document.
FILE_NAMES = tuple(f"{kind}.docx" for kind in DOCUMENTS)

WHAT = "bộ mẫu"


def check_set(folder: Path) -> tuple[list[str], list[str]]:
    """Return (the templates of `folder` that were checked, every problem found)."""
    from docgen.context.builder import build_context
    from docgen.model.loader import load_dossier
    from docgen.pipeline import compare_with_previous, compute_round
    from docgen.render.checking import check_template
    from docgen.render.templates import agency_template

    dossier = load_dossier(CHECK_DOSSIER)
    result = compute_round(dossier)
    context = build_context(dossier, result, draft=True,
                            comparison=compare_with_previous(dossier, result))
    checked, problems = [], []
    for kind in DOCUMENTS:
        path = agency_template(kind, folder)
        if path is None:
            continue
        checked.append(str(path))
        problems.extend(check_template(kind, path, context))
    return checked, problems


def _mb(size: int) -> str:
    return f"{size // 2**20} MB"


def _docx(name: str, data: bytes) -> bytes:
    """Refuse what is not a bounded, readable DOCX; return it unchanged."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise InputError([Problem(name, "tệp", f"một tệp DOCX tối đa {_mb(MAX_TEMPLATE_BYTES)}",
                                  f"{len(data):,} byte".replace(",", "."))])
    if not data.startswith(b"PK\x03\x04"):
        raise InputError([Problem(name, "tệp", "một tệp Word .docx (lưu bằng Word hoặc "
                                  "LibreOffice, kiểu «Word 2007-365»)",
                                  "nội dung không phải tệp .docx")])
    check_zip(io.BytesIO(data), name, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if "word/document.xml" not in package.namelist():
            raise InputError([Problem(name, "tệp", "một tệp Word .docx",
                                      "tệp nén không có phần word/document.xml")])
    return data


def _canonical(name: str, source: str) -> str:
    """The set's name of an uploaded file (``Bao_Cao.DOCX`` -> ``bao_cao.docx``)."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    if base not in FILE_NAMES:
        raise InputError([Problem(source, "tên tệp", "một trong " + ", ".join(FILE_NAMES)
                                  + " (hoặc một tệp .zip chứa chúng)", repr(name))])
    return base


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_TEMPLATE_SET_BYTES:
        raise InputError([Problem(name, "tệp", f"một tệp .zip tối đa "
                                  f"{_mb(MAX_TEMPLATE_SET_BYTES)}",
                                  f"{len(data):,} byte".replace(",", "."))])
    check_zip(io.BytesIO(data), name, "zip")
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or "__MACOSX" in path.parts or path.name.startswith("."):
                continue
            member = f"{name} › {info.filename}"
            canonical = _canonical(info.filename, member)
            if canonical in found:
                raise InputError([Problem(member, "tên tệp", "mỗi tệp một lần trong bộ mẫu",
                                          f"{canonical} có hai lần")])
            found[canonical] = _docx(member, archive.read(info))
    if not found:
        raise InputError([Problem(name, "nội dung", "ít nhất một trong " + ", ".join(FILE_NAMES),
                                  "không có tệp nào")])
    return found


def read_upload(parts: Sequence[tuple[str, bytes]]) -> dict[str, bytes]:
    """Return the set (name -> DOCX bytes) of the uploaded files; refuse, with every
    problem of the files found, names that are not a set's, non-DOCX content, files too
    large or inflating too much."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name, data in parts:
        try:
            if name.lower().endswith(".zip"):
                found = _unzip(name, data)
            else:
                found = {_canonical(name, name): _docx(name, data)}
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for canonical, content in found.items():
            if canonical in files:
                problems.append(Problem(name, "tên tệp", "mỗi tệp một lần trong bộ mẫu",
                                        f"{canonical} gửi hai lần"))
            files[canonical] = content
    if problems:
        raise InputError(problems)
    if not files:
        raise InputError([Problem(WHAT, "tệp", "ít nhất một trong " + ", ".join(FILE_NAMES)
                                  + " (hoặc một tệp .zip chứa chúng)", "không có tệp nào")])
    return files


def check_files(files: dict[str, bytes]) -> None:
    """Render the bundled fixture with the set; raise TemplateSetRefused with every
    problem (Vietnamese, each naming the file and the paragraph's text)."""
    with tempfile.TemporaryDirectory(prefix="docgen-templates-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        _checked, problems = check_set(Path(folder))
    if problems:
        raise TemplateSetRefused(problems)


class TemplatesWorkflow:
    """The template-set actions of :class:`docgen.workflow.service.Workflow`."""

    archive: Archive

    # Provided by Workflow.
    def allow(self, user: User, action: str) -> None: ...  # pragma: no cover

    def _template_agency(self, user: User, action: str, agency: str | None) -> str:
        """The agency acted on: the user's own; any one for the quản trị."""
        self.allow(user, action)
        if agency is None or agency == user.agency:
            return user.agency
        if user.role != Role.ADMIN:
            raise NotFoundError(f"Không tìm thấy cơ quan {agency}.")
        self.archive.get_agency(agency)  # NotFoundError for an unknown code
        return agency

    def template_sets(self, user: User, agency: str | None = None
                      ) -> tuple[str, list[TemplateSet], int | None]:
        """Return the agency, its sets (newest first) and the id of the active one."""
        code = self._template_agency(user, "read_templates", agency)
        items, active = self.archive.list_template_sets(code)
        return code, items, active

    def upload_templates(self, user: User, parts: Sequence[tuple[str, bytes]],
                         agency: str | None = None) -> TemplateSet:
        """Check the uploaded set and keep it as the agency's next version, made active;
        refuse it (nothing stored) with every problem found."""
        code = self._template_agency(user, "manage_templates", agency)
        files = read_upload(parts)
        check_files(files)
        return self.archive.add_template_set(Actor.of(user), code, files)

    def activate_templates(self, user: User, version: int | None,
                           agency: str | None = None) -> TemplateSet | None:
        """Make the agency render with its set `version` (None: the shipped templates)."""
        code = self._template_agency(user, "manage_templates", agency)
        return self.archive.activate_template_set(Actor.of(user), code, version)

    def template_file(self, user: User, version: int, name: str,
                      agency: str | None = None) -> tuple[TemplateSet, bytes]:
        """Return one file of one of the agency's sets (re-hashed), the download audited."""
        code = self._template_agency(user, "read_templates", agency)
        item = self.archive.get_template_set(code, version)
        data = self.archive.read_template_file(item, name)
        self.archive.record(Actor.of(user), "template_download", "template_set", item.id,
                            sha256=item.files[name], agency_code=code, version=version,
                            file=name)
        return item, data

    def templates_for(self, agency: str) -> tuple[Path | None, dict[str, Any] | None]:
        """The folder an agency's documents render with (None: the shipped set) and what
        a version records of it."""
        item = self.archive.active_template_set(agency)
        if item is None:
            return None, None
        return self.archive.template_folder(item), provenance(item)


def provenance(item: TemplateSet) -> dict[str, Any]:
    """What a rendered version records of the set it used."""
    return {"agency": item.agency, "version": item.version, "sha256": item.sha256}
