"""The workflow of a dossier, one method per action, each checked and audited.

draft (any number of versions) → submitted → approved → issued (number from the
register, issue date, final version without DỰ THẢO) → signed (the signed PDF as a
version of its own) → archived. A leader may send a submitted dossier back to draft.
Every check is against role *and* agency: another agency's dossier does not exist for
the user (404), an action outside the role is refused (403).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from docgen.archive.blobs import sha256_hex
from docgen.archive.errors import ConflictError, NotFoundError
from docgen.archive.records import ND30_FIELDS, register_key
from docgen.archive.schema import AuditEntry, Document, Dossier, DossierRevision, User
from docgen.archive.store import (
    Actor,
    Archive,
    NewVersion,
    VerifyReport,
    VersionRecord,
    storage_errors,
)
from docgen.compute.results import compute_round
from docgen.context.summary import block_summaries, check_summary
from docgen.errors import InputError, Problem
from docgen.model.dossier import Dossier as DossierModel
from docgen.model.loader import check_previous, decode_text, load_data, parse_text
from docgen.audit import audit_report
from docgen.claims.statements import Finding
from docgen.model.rules import executors_problem, lacks_executors, parse_date
from docgen.pipeline import (
    RenderedDocument,
    compare_with_previous,
    export_workbook,
    render_package,
    warnings_of,
)
from docgen.render import DOCUMENTS, FORMATS
from docgen.signing.policy import SigningPolicy
from docgen.workflow.accounts import AccountsWorkflow, SignInPolicy
from docgen.workflow.canonical import canonical_json, load_canonical
from docgen.workflow.errors import ForbiddenError, UnsupportedError
from docgen.workflow.pdfbudget import check_pdf
from docgen.workflow.provenance import (
    REGISTER_TYPE,
    docgen_version,
    nd30_metadata,
    page_count,
    summary,
    template_hashes,
)
from docgen.workflow.roles import ACTION_NAMES, PERMISSIONS, ROLE_NAMES, Role
from docgen.workflow.templatesets import TemplatesWorkflow
from docgen.workflow.textdiff import EXTRACTORS, unified_diff

#: Vietnam has one time zone and no daylight saving time.
VIETNAM = timedelta(hours=7)


def vietnam_today() -> date:
    """Return today's date in Vietnam (the issue date of a document issued now)."""
    return (datetime.now(UTC) + VIETNAM).date()


@dataclass(frozen=True)
class PreviousUsed:
    """The archived previous round a render compares with, and which content it was."""

    dossier_id: int
    revision: int
    sha256: str  #: of the revision's canonical JSON
    model: DossierModel

    def provenance(self) -> dict[str, Any]:
        return {"dossier": self.dossier_id, "revision": self.revision, "sha256": self.sha256}


@dataclass
class DiffResult:
    old: VersionRecord
    new: VersionRecord
    source: str
    lines: list[str]


@dataclass
class Preview:
    """A render in memory: the documents, and the computed summary of each block."""

    documents: list[RenderedDocument]
    summary: str  #: what ``docgen check`` prints
    blocks: list[dict[str, Any]]
    draft: bool
    warnings: list[str]  #: what ``docgen check`` warns about (renames, narrative figures)


class Workflow(AccountsWorkflow, TemplatesWorkflow):
    """The actions of the service over one archive."""

    def __init__(self, archive: Archive, *, today: Callable[[], date] = vietnam_today,
                 issue_formats: Sequence[str] = ("docx", "pdf"),
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 policy: SignInPolicy | None = None, signing: SigningPolicy | None = None):
        self.archive = archive
        self.signing = signing or SigningPolicy()
        self.today = today
        self.now = now
        self.policy = policy or SignInPolicy()
        self.issue_formats = tuple(issue_formats)

    # -- checks ---------------------------------------------------------------------------

    @staticmethod
    def allow(user: User, action: str) -> None:
        """Refuse `action` unless the user's role allows it."""
        if Role(user.role) not in PERMISSIONS[action]:
            raise ForbiddenError(f"Vai trò {ROLE_NAMES[Role(user.role)]} không được phép "
                                 f"{ACTION_NAMES[action]}.")

    def dossier(self, user: User, dossier_id: int, action: str = "read") -> Dossier:
        """Return a dossier of the user's agency that the user may act on."""
        self.allow(user, action)
        return self.archive.get_dossier(dossier_id, agency=user.agency)

    # -- content --------------------------------------------------------------------------

    @staticmethod
    def parse(body: bytes, source: str) -> DossierModel:
        """Validate a dossier sent as YAML or JSON text; raise InputError listing problems."""
        text = decode_text(body, source)
        # No folder: a dossier from a client may not make the server read its files.
        return load_data(parse_text(text, source), source)

    def previous_round(self, agency: str, model: DossierModel, source: str = "hồ sơ",
                       dossier_id: int | None = None) -> PreviousUsed | None:
        """Return the archived dossier that `model` names as its previous round, checked.

        It must be a dossier of the same agency (another agency's is reported as missing,
        as everywhere), another dossier than `dossier_id` (the one being edited), of an
        earlier year, with the units the name mapping speaks of. Its latest revision is
        used: the issued content once it is issued. Raise InputError otherwise.
        """
        if model.previous is None or model.previous.dossier is None:
            return None
        number = model.previous.dossier
        where = "kỳ trước › hồ sơ"
        if number == dossier_id:
            raise InputError([Problem(source, where, "số của một hồ sơ khác hồ sơ này",
                                      str(number))])
        try:
            self.archive.get_dossier(number, agency=agency)
            revision, previous = self._latest(number, f"hồ sơ số {number}")
        except NotFoundError as exc:
            raise InputError([Problem(source, where, "số một hồ sơ của cơ quan trong kho lưu trữ",
                                      f"không có hồ sơ số {number}")]) from exc
        problems = check_previous(model, previous, source, f"hồ sơ số {number}")
        if problems:
            raise InputError(problems)
        return PreviousUsed(number, revision.revision, revision.sha256, previous)

    def _latest(self, dossier_id: int, source: str = "archive"
                ) -> tuple[DossierRevision, DossierModel]:
        """Return the dossier's latest revision and its content, read back from the archive."""
        revision = self.archive.latest_revision(dossier_id)
        return revision, load_canonical(self.archive.read_blob(revision.sha256), source)

    def create(self, user: User, body: bytes, source: str = "hồ sơ") -> Dossier:
        self.allow(user, "create")
        model = self.parse(body, source)
        self.previous_round(user.agency, model, source)
        dossier, _ = self.archive.create_dossier(
            Actor.of(user), year=model.year, title=_title(model),
            canonical=canonical_json(model), kinds=list(DOCUMENTS), register_type=REGISTER_TYPE)
        return dossier

    def update(self, user: User, dossier_id: int, body: bytes, source: str = "hồ sơ") -> Dossier:
        """Record corrected content as a new revision (only while the dossier is a draft)."""
        self.dossier(user, dossier_id, "update")
        model = self.parse(body, source)
        self.previous_round(user.agency, model, source, dossier_id)
        dossier, _ = self.archive.add_revision(
            Actor.of(user), dossier_id, canonical_json(model), title=_title(model),
            year=model.year, allowed=["draft"])
        return dossier

    def content(self, user: User, dossier_id: int) -> tuple[int, bytes]:
        """Return the latest revision number and its canonical JSON."""
        self.dossier(user, dossier_id)
        revision = self.archive.latest_revision(dossier_id)
        return revision.revision, self.archive.read_blob(revision.sha256)

    def results_workbook(self, user: User, dossier_id: int) -> tuple[int, int, bytes]:
        """Return the year, the latest revision and its computed results as an .xlsx file.

        The workbook is derived, not archived: it is a pure function of the archived
        content (same revision, same bytes), and the download is audited with its hash.
        """
        dossier = self.dossier(user, dossier_id)
        revision, model = self._latest(dossier_id)
        data = export_workbook(model)
        self.archive.record(Actor.of(user), "export", "dossier", dossier_id,
                            dossier_id=dossier_id, sha256=sha256_hex(data),
                            format="xlsx", revision=revision.revision)
        return dossier.year, revision.revision, data

    def list_dossiers(self, user: User, *, limit: int, offset: int) -> tuple[list[Dossier], int]:
        self.allow(user, "read")
        return self.archive.list_dossiers(user.agency, limit=limit, offset=offset)

    def warnings(self, user: User, dossier_id: int) -> list[str]:
        """Return the warnings about the latest content: probable renames against the
        archived previous round, numbers typed in the narrative that the data contradicts."""
        self.dossier(user, dossier_id)
        _, model = self._latest(dossier_id)
        source = f"hồ sơ số {dossier_id}"
        previous = self.previous_round(user.agency, model, source, dossier_id)
        return warnings_of(model, previous=previous.model if previous else None, source=source)

    def audit_report(self, user: User, dossier_id: int, data: bytes, name: str) -> list[Finding]:
        """Check a report written by hand (`name` tells .docx, .pdf, .txt or .md) against the
        latest content of a dossier and its archived previous round; nothing is stored."""
        self.dossier(user, dossier_id)
        _, model = self._latest(dossier_id)
        previous = self.previous_round(user.agency, model, f"hồ sơ số {dossier_id}", dossier_id)
        return audit_report(data, name, model, previous.model if previous else None)

    # -- rendering ------------------------------------------------------------------------

    def render(self, user: User, dossier_id: int, *, formats: Sequence[str] = ("docx", "pdf"),
               kinds: Sequence[str] = tuple(DOCUMENTS), job_id: int | None = None
               ) -> list[VersionRecord]:
        """Render draft versions (always marked DỰ THẢO) of the latest content.

        Role, agency, choices and state are checked before anything is rendered; with
        `job_id` the versions are stored only while that job is still running."""
        self.dossier(user, dossier_id, "render")
        formats, kinds = check_choice(formats, FORMATS, "định dạng"), check_choice(
            kinds, DOCUMENTS, "loại văn bản")
        self.archive.require_state(dossier_id, ["draft"], user.agency)
        revision, model = self._latest(dossier_id)
        previous = self.previous_round(user.agency, model, f"hồ sơ số {dossier_id}", dossier_id)
        items = self._render(model, formats, kinds, status="draft", draft=True,
                             number=None, issue_date=None, previous=previous,
                             agency=user.agency)
        return self.archive.store_versions(Actor.of(user), dossier_id, items, allowed=["draft"],
                                           action="render", expected_revision=revision.id,
                                           job_id=job_id)

    def _render(self, model: DossierModel, formats: Sequence[str], kinds: Sequence[str], *,
                status: str, draft: bool, number: int | None, issue_date: date | None,
                agency: str, previous: PreviousUsed | None = None) -> list[NewVersion]:
        """Render `model` with the agency's active template set; the versions' summary says
        which archived round it was compared with (number, revision, SHA-256 of its
        canonical JSON), so the comparison can be traced to the exact content it was made
        against, and which template set it was rendered with (``template_set``: agency,
        version, SHA-256; absent: the shipped templates)."""
        result = compute_round(model)
        root, used = self.templates_for(agency)
        documents = render_package(model, formats=formats, draft=draft, kinds=kinds,
                                   result=result, previous=previous.model if previous else None,
                                   template_root=root)
        figures = summary(result)
        if previous is not None:
            figures["previous"] = previous.provenance()
        if used is not None:
            figures["template_set"] = used
        items = []
        for kind in kinds:
            files = {d.format: d.data for d in documents if d.kind == kind}
            pages = page_count(files["pdf"]) if "pdf" in files else None
            items.append(NewVersion(
                kind=kind, status=status, files=files, docgen_version=docgen_version(),
                template_hashes=template_hashes(kind, tuple(files), root), summary=figures,
                metadata=nd30_metadata(model, kind, number=number, issue_date=issue_date,
                                       pages=pages)))
        return items

    # -- state changes --------------------------------------------------------------------

    def submit(self, user: User, dossier_id: int) -> Dossier:
        """Submit the draft; after a send-back, the reason stays on the dossier, marked as
        answered by this resubmission."""
        self.dossier(user, dossier_id, "submit")
        at = self.now()

        def answered(dossier: Dossier) -> None:
            if dossier.sent_back_at is not None:
                dossier.resubmitted_at = at

        return self.archive.transition(Actor.of(user), dossier_id, allowed=["draft"],
                                       to="submitted", action="submit",
                                       check=self.archive.require_latest_rendered,
                                       then=answered)

    def approve(self, user: User, dossier_id: int) -> Dossier:
        self.dossier(user, dossier_id, "approve")
        return self.archive.transition(Actor.of(user), dossier_id, allowed=["submitted"],
                                       to="approved", action="approve")

    def _require_approved_comparison(self, user: User, dossier_id: int,
                                     previous: PreviousUsed | None) -> None:
        """Refuse to issue against another previous round than the approved drafts were
        compared with (the previous dossier was corrected after the approval): the figures
        "so với năm trước" the leader approved would not be the ones issued. The dossier
        goes back to draft, with the reason, to be rendered, submitted and approved again."""
        approved = next((v for kind in DOCUMENTS
                         if (v := self.archive.latest_version(dossier_id, kind, "draft"))), None)
        if approved is None:
            return
        compared = (approved.version.summary or {}).get("previous")
        now = previous.provenance() if previous is not None else None
        if compared == now:
            return

        def revision(provenance: dict[str, Any] | None) -> str:
            return f"lần sửa {provenance['revision']}" if provenance else "không có"

        number = (now or compared or {}).get("dossier")
        reason = (f"Hồ sơ kỳ trước số {number} đã được sửa sau khi hồ sơ này được duyệt (bản "
                  f"đã duyệt so sánh với {revision(compared)}, nay là {revision(now)}); hồ sơ "
                  "được trả về dự thảo: hãy kết xuất lại, trình và duyệt lại rồi mới ban hành.")

        def remember(dossier: Dossier) -> None:
            dossier.sent_back_reason, dossier.sent_back_by = reason, user.name
            dossier.sent_back_at, dossier.resubmitted_at = self.now(), None

        self.archive.transition(Actor.of(user), dossier_id, allowed=["approved"], to="draft",
                                action="send_back", then=remember, reason=reason)
        raise ConflictError(reason)

    def send_back(self, user: User, dossier_id: int, reason: str) -> Dossier:
        """Send a submitted dossier back to draft with a reason the drafter reads on the
        dossier (kept until the next send-back; the audit log keeps every one)."""
        self.dossier(user, dossier_id, "send_back")
        reason = reason.strip()
        if not reason or len(reason) > 2000:
            raise InputError([Problem("trả lại hồ sơ", "lý do",
                                      "lý do trả lại (1 đến 2.000 ký tự) để chuyên viên sửa",
                                      f"{len(reason)} ký tự")])
        at = self.now()

        def remember(dossier: Dossier) -> None:
            dossier.sent_back_reason, dossier.sent_back_by = reason, user.name
            dossier.sent_back_at, dossier.resubmitted_at = at, None

        return self.archive.transition(Actor.of(user), dossier_id, allowed=["submitted"],
                                       to="draft", action="send_back", then=remember,
                                       reason=reason)

    def issue(self, user: User, dossier_id: int, *, number: int | None = None,
              issue_date: date | None = None, job_id: int | None = None
              ) -> list[VersionRecord]:
        """Number and date the decision and freeze its final versions.

        The number belongs to the register of the issuing body (the content's ``cơ quan
        ban hành``), the document type and the year. It is, in this order: the dossier's
        own number (and its own full date, when it has one) — kept, never overwritten;
        the `number` (and `issue_date`) the văn thư entered from the agency's register
        book; or the register's next number, dated today. A number used already in the
        register and year is refused with the document that has it.

        The number is taken first, in its own transaction (so that a slow render never
        holds the register); a failed render leaves the dossier approved with its number,
        and issuing again reuses that number rather than skipping one.
        """
        self.dossier(user, dossier_id, "issue")
        self.archive.require_state(dossier_id, ["approved"], user.agency)
        actor = Actor.of(user)
        # The previous round is checked before a number is taken from the register.
        revision, draft_model = self._latest(dossier_id)
        previous = self.previous_round(user.agency, draft_model, f"hồ sơ số {dossier_id}",
                                       dossier_id)
        self._require_approved_comparison(user, dossier_id, previous)
        if lacks_executors(draft_model.decision):  # before a number is taken from the register
            raise InputError([executors_problem(f"hồ sơ số {dossier_id}")])
        number, issue_date = self.issue_number(draft_model, number, issue_date)
        dossier = self.archive.allocate_number(actor, dossier_id, allowed=["approved"],
                                               issue_date=issue_date, number=number,
                                               register=register_key(draft_model.issuer.name))
        if dossier.number is None or dossier.issue_date is None:  # pragma: no cover
            raise ConflictError(f"Hồ sơ số {dossier_id} chưa được cấp số.")
        decision = draft_model.decision.model_copy(update={
            "number": dossier.number, "date": dossier.issue_date.isoformat()})
        final = load_canonical(canonical_json(
            draft_model.model_copy(update={"decision": decision})))
        items = self._render(final, self.issue_formats, tuple(DOCUMENTS), status="final",
                             draft=False, number=dossier.number, issue_date=dossier.issue_date,
                             previous=previous, agency=user.agency)
        return self.archive.store_versions(actor, dossier_id, items, allowed=["approved"],
                                           action="issue", new_status="issued",
                                           expected_revision=revision.id,
                                           new_revision=canonical_json(final), job_id=job_id)

    def issue_number(self, model: DossierModel, number: int | None, issue_date: date | None
                      ) -> tuple[int | None, date]:
        """Return the number (None: the register's next) and the date to issue under."""
        where = "ban hành"
        own_number, own_date = model.decision.number, _full_date(model.decision.date)
        problems = []
        if own_number is not None and number is not None and number != own_number:
            problems.append(Problem(where, "số", f"số của hồ sơ ({own_number}) hoặc bỏ trống: "
                                    "hồ sơ đã ghi số của mình", str(number)))
        if own_date is not None and issue_date is not None and issue_date != own_date:
            problems.append(Problem(where, "ngày", f"ngày của hồ sơ ({own_date:%d/%m/%Y}) hoặc "
                                    "bỏ trống: hồ sơ đã ghi ngày của mình",
                                    f"{issue_date:%d/%m/%Y}"))
        if number is not None and number < 1:
            problems.append(Problem(where, "số", "một số nguyên từ 1", str(number)))
        chosen_date = own_date or issue_date or self.today()
        if chosen_date > self.today():
            problems.append(Problem(where, "ngày", f"ngày không sau hôm nay "
                                    f"({self.today():%d/%m/%Y})", f"{chosen_date:%d/%m/%Y}"))
        if problems:
            raise InputError(problems)
        chosen = own_number if own_number is not None else number
        if chosen is None and issue_date is not None:
            raise InputError([Problem(where, "số", "số lấy từ sổ đăng ký văn bản khi nhập ngày "
                                      "(hoặc bỏ trống cả số và ngày để lấy số tiếp theo)")])
        return chosen, chosen_date

    def preview(self, user: User, dossier_id: int | None = None, body: bytes | None = None,
                source: str = "hồ sơ", *, formats: Sequence[str] = ("docx", "pdf"),
                kinds: Sequence[str] = tuple(DOCUMENTS)) -> Preview:
        """Render a dossier in memory: the saved one (`dossier_id`) or the text in `body`
        (not saved); nothing is archived. Always a draft (DỰ THẢO). Saving a version is
        :meth:`render`, an explicit action."""
        self.allow(user, "preview")
        formats, kinds = check_choice(formats, FORMATS, "định dạng"), check_choice(
            kinds, DOCUMENTS, "loại văn bản")
        if body is not None:
            model = self.parse(body, source)
        elif dossier_id is not None:
            self.dossier(user, dossier_id, "preview")
            model = self._latest(dossier_id)[1]
        else:
            raise UnsupportedError("Cần một hồ sơ đã lưu hoặc nội dung hồ sơ để xem trước.")
        previous = self.previous_round(user.agency, model, source, dossier_id)
        last_year = previous.model if previous else None
        result = compute_round(model)
        documents = render_package(model, formats=formats, draft=True, kinds=kinds,
                                   result=result, previous=last_year,
                                   template_root=self.templates_for(user.agency)[0])
        comparison = compare_with_previous(model, result, last_year)
        return Preview(documents=list(documents),
                       summary=check_summary(model, result, comparison),
                       blocks=block_summaries(model, result, comparison), draft=True,
                       warnings=warnings_of(model, result, previous=last_year, source=source))

    def upload_signed(self, user: User, dossier_id: int, pdf: bytes) -> VersionRecord:
        """Keep the leader's signed PDF of the issued decision as a version of its own,
        once its signature is verified (see :mod:`docgen.signing.verify`).

        The report (signer, certificate, signing time, every check) is stored with the
        version. A failed check refuses the file with one message per failure, and the
        refusal is audited; an intact signature from an untrusted CA is accepted only when
        the deployment allows it, and is marked so.
        """
        from docgen.signing.trust import load_trust_anchors
        from docgen.signing.verify import verify_signed

        self.dossier(user, dossier_id, "upload_signed")
        check_pdf(pdf)  # pages, objects, decompressed size, time: before anything reads it
        if not pdf.startswith(b"%PDF-"):
            raise UnsupportedError("Tệp tải lên không phải PDF (phải bắt đầu bằng %PDF-).")
        final = self.archive.latest_version(dossier_id, "quyet_dinh", "final")
        if final is None:
            raise ConflictError(f"Hồ sơ số {dossier_id} chưa có bản ban hành để ký.")
        if not any(f.format == "pdf" for f in final.files):
            raise ConflictError(f"Bản ban hành của hồ sơ số {dossier_id} không có PDF để đối "
                                "chiếu chữ ký số (cấu hình ban hành cần định dạng pdf).")
        issued = self.archive.read_file(final, "pdf")[1]
        report = verify_signed(pdf, issued,
                               trust_roots=load_trust_anchors(self.signing.trust_dir),
                               allow_untrusted=self.signing.allow_untrusted)
        if not report.accepted:
            self.archive.record(Actor.of(user), "upload_signed_refused", "dossier", dossier_id,
                                dossier_id=dossier_id, sha256=sha256_hex(pdf),
                                failed=[c.code for c in report.failures])
        report.refuse_unless_accepted("tệp đã ký tải lên")
        v = final.version
        metadata = {name: getattr(v, name) for name in ND30_FIELDS}
        metadata["page_amount"] = page_count(pdf)
        note = f"Bản đã ký của phiên bản {v.id}: chữ ký của {report.signer} đã kiểm tra"
        if report.untrusted_accepted:
            note += " (chứng thư không thuộc CA tin cậy, được chấp nhận theo cấu hình)"
        item = NewVersion(kind="quyet_dinh", status="signed", files={"pdf": pdf},
                          docgen_version=v.docgen_version, template_hashes=v.template_hashes,
                          summary=v.summary, metadata=metadata, note=note,
                          signatures=[{"role": "leader", **report.to_dict()}])
        records = self.archive.store_versions(Actor.of(user), dossier_id, [item],
                                              allowed=["issued"], action="upload_signed",
                                              new_status="signed")
        return records[0]

    def set_seal(self, user: User | None, png: bytes, source: str = "ảnh dấu",
                 agency: str | None = None) -> dict[str, Any]:
        """Keep `png` as the seal image of the user's agency (`user` None: the operator, for
        `agency`), checked: PNG, transparent, with its resolution (so that its real size is
        known); return its size and hash."""
        from docgen.signing.agency import read_seal

        actor = self._actor(user, "agency_seal")
        code = user.agency if user is not None else agency or ""
        seal = read_seal(png, source)
        row = self.archive.set_agency_seal(actor, code, png, width_mm=seal.width_mm,
                                           height_mm=seal.height_mm)
        return {"agency": row.agency, "sha256": row.sha256, "width_mm": row.width_mm,
                "height_mm": row.height_mm}

    def agency_sign(self, user: User, dossier_id: int) -> list[VersionRecord]:
        """Apply the agency's signature (the văn thư's action, ND30 Điều 14 and 17) to the
        leader-signed decision and to each attached file: a new signed version of each.

        Only after a verified leader signature, once; the seal image of the agency and a
        key in the settings are needed. The decision is verified again afterwards: the
        leader's signature must still pass every check.
        """
        from docgen.signing import agency
        from docgen.signing.trust import load_trust_anchors
        from docgen.signing.verify import verify_signed

        self.dossier(user, dossier_id, "agency_sign")
        signed = self.archive.latest_version(dossier_id, "quyet_dinh", "signed")
        entries = (signed.version.signatures or []) if signed is not None else []
        if not any(e.get("role") == "leader" and e.get("accepted") for e in entries):
            raise ConflictError(f"Hồ sơ số {dossier_id} chưa có bản đã ký của người có thẩm "
                                "quyền được kiểm tra; cơ quan chỉ ký số sau người có thẩm quyền.")
        if any(e.get("role") == "agency" for e in entries):
            raise ConflictError(f"Hồ sơ số {dossier_id} đã được ký số của cơ quan.")
        seal = self.archive.agency_seal(user.agency)
        if seal is None:
            raise ConflictError(f"Cơ quan {user.agency} chưa có ảnh dấu; văn thư cần tải lên "
                                "ảnh dấu (PNG nền trong suốt) trước khi ký số.")
        finals = {kind: self.archive.latest_version(dossier_id, kind, "final")
                  for kind in DOCUMENTS if kind != "quyet_dinh"}
        v = signed.version
        code = f"{v.code_number}/{v.code_notation}"
        when = (self.now().astimezone(UTC) + VIETNAM).replace(
            tzinfo=timezone(VIETNAM), microsecond=0)
        tsa = self.signing.tsa_url
        image = agency.Seal(seal[1], seal[0].width_mm, seal[0].height_mm)
        with agency.open_agency_signer(self.signing.agency_key) as signer:
            files = {"quyet_dinh": agency.sign_decision(self.archive.read_file(signed, "pdf")[1],
                                                        signer, image, when=when, tsa_url=tsa)}
            for kind, final in finals.items():
                if final is not None and any(f.format == "pdf" for f in final.files):
                    files[kind] = agency.sign_attachment(self.archive.read_file(final, "pdf")[1],
                                                         signer, code=code, when=when,
                                                         tsa_url=tsa)
        issued = self.archive.latest_version(dossier_id, "quyet_dinh", "final")
        again = verify_signed(files["quyet_dinh"], self.archive.read_file(issued, "pdf")[1],
                              trust_roots=load_trust_anchors(self.signing.trust_dir),
                              allow_untrusted=self.signing.allow_untrusted)
        again.refuse_unless_accepted("bản ký số của cơ quan")
        stamp = agency.describe(signer, when, tsa)
        items = []
        for kind, pdf in files.items():
            base = signed if kind == "quyet_dinh" else finals[kind]
            bv = base.version
            metadata = {name: getattr(bv, name) for name in ND30_FIELDS}
            metadata["page_amount"] = page_count(pdf)
            leader = [{**entries[0], **{"role": "leader"}}] if kind == "quyet_dinh" else []
            items.append(NewVersion(
                kind=kind, status="signed", files={"pdf": pdf}, docgen_version=bv.docgen_version,
                template_hashes=bv.template_hashes, summary=bv.summary, metadata=metadata,
                note=f"Ký số của cơ quan ({stamp['signer']}) trên phiên bản {bv.id}",
                signatures=[*leader, stamp]))
        return self.archive.store_versions(Actor.of(user), dossier_id, items,
                                           allowed=["signed"], action="agency_sign")

    def archive_dossier(self, user: User, dossier_id: int) -> Dossier:
        self.dossier(user, dossier_id, "archive")
        return self.archive.transition(Actor.of(user), dossier_id, allowed=["signed"],
                                       to="archived", action="archive")

    # -- reading --------------------------------------------------------------------------

    def documents(self, user: User, dossier_id: int
                  ) -> list[tuple[Document, VersionRecord | None, int]]:
        """Return each document with its latest version and its number of versions."""
        self.dossier(user, dossier_id)
        return self.archive.list_documents(dossier_id)

    def versions(self, user: User, dossier_id: int, kind: str, *, limit: int, offset: int
                 ) -> tuple[list[VersionRecord], int]:
        self.dossier(user, dossier_id)
        return self.archive.list_versions(dossier_id, kind, limit=limit, offset=offset)

    def version(self, user: User, version_id: int) -> VersionRecord:
        self.allow(user, "read")
        return self.archive.get_version(version_id, agency=user.agency)

    def download(self, user: User, version_id: int, fmt: str) -> tuple[VersionRecord, bytes]:
        """Return a version's file, re-hashed first; the download is audited."""
        record = self.version(user, version_id)
        item, data = self.archive.read_file(record, fmt)
        self.archive.record(Actor.of(user), "download", "version", version_id,
                            dossier_id=record.dossier.id, sha256=item.sha256, format=fmt)
        return record, data

    def diff(self, user: User, old_id: int, new_id: int) -> DiffResult:
        """Return the text difference between two versions of the user's agency."""
        old, new = self.version(user, old_id), self.version(user, new_id)
        formats = {f.format for f in old.files} & {f.format for f in new.files}
        source = "docx" if "docx" in formats else "pdf" if "pdf" in formats else None
        if source is None:
            raise UnsupportedError("Hai phiên bản không có chung định dạng để so sánh.")
        texts = [EXTRACTORS[source](self.archive.read_file(r, source)[1]) for r in (old, new)]
        lines = unified_diff(texts[0], texts[1], _label(old), _label(new))
        return DiffResult(old, new, source, lines)

    def audit(self, user: User, dossier_id: int, *, limit: int, offset: int
              ) -> tuple[list[AuditEntry], int]:
        self.dossier(user, dossier_id)
        return self.archive.audit_entries(dossier_id=dossier_id, limit=limit, offset=offset)

    def verify(self, user: User) -> VerifyReport:
        """Check the archive: a lưu trữ checks their agency's files and rows only; the
        quản trị (the deployment's administrator) checks everything."""
        self.allow(user, "verify")
        scope = None if user.role == Role.ADMIN else user.agency
        report = self.archive.verify(scope)
        with storage_errors():
            self.archive.record(Actor.of(user), "verify", "archive", None,
                                checked=report.checked, problems=len(report.problems),
                                findings=len(report.findings), scope=scope or "*")
        return report


def _full_date(text: str | None) -> date | None:
    """Return the date of a dossier's ``ngày`` when it is a full date (else None: a draft)."""
    if not text:
        return None
    try:
        year, month, day = parse_date(text)
    except ValueError:
        return None
    return None if month is None or day is None else date(year, month, day)


def _title(model: DossierModel) -> str:
    return " ".join(model.decision.subject_lines)


def _label(record: VersionRecord) -> str:
    return f"{record.document.kind} phiên bản {record.version.seq} (#{record.version.id})"


def check_choice(values: Sequence[str], known: Any, what: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in known]
    if unknown or not chosen:
        raise UnsupportedError(f"Không có {what} {unknown[0] if unknown else '(trống)'!r}; "
                               f"cần một trong: {', '.join(known)}.")
    return chosen


__all__ = ["DiffResult", "NotFoundError", "PreviousUsed", "Workflow", "vietnam_today"]
