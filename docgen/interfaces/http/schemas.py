"""What the API returns: response models, kept apart from the archive's tables."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from docgen.archive.records import as_utc
from docgen.archive.schema import Agency, AuditEntry, Dossier, TemplateSet, User, Version
from docgen.archive.store import STATUS_NAMES, VerifyReport, VersionRecord
from docgen.interfaces.http.guard import link
from docgen.pipeline import DOCUMENT_TITLES
from docgen.workflow.accounts import issuer_block
from docgen.workflow.roles import ROLE_NAMES, Role

T = TypeVar("T")


class ErrorOut(BaseModel):
    code: str = Field(description="Mã lỗi ổn định, để chương trình xử lý.")
    message: str = Field(description="Thông báo lỗi bằng tiếng Việt.")


class SendBackOut(BaseModel):
    """The last send-back of a dossier: why, by whom, when, and whether it was answered."""

    reason: str = Field(description="Lý do lãnh đạo trả lại.")
    by: str | None = Field(description="Người trả lại.")
    at: datetime
    resubmitted_at: datetime | None = Field(
        description="Lúc chuyên viên trình lại sau lần trả lại này (trống: chưa trình lại).")


class DossierOut(BaseModel):
    id: int
    agency: str
    year: int
    title: str
    status: str
    status_name: str = Field(description="Tên trạng thái bằng tiếng Việt.")
    number: int | None = Field(description="Số văn bản, sau khi văn thư cấp số.")
    register_type: str = Field(description="Sổ đăng ký văn bản (loại văn bản), ví dụ QĐ.")
    issue_date: date | None
    register_name: str | None = Field(alias="register", description=(
        "Sổ đăng ký văn bản (cơ quan ban hành) mà số thuộc về, sau khi cấp số."))
    created_at: datetime
    send_back: SendBackOut | None = Field(description="Lần trả lại gần nhất và lý do.")

    @classmethod
    def of(cls, dossier: Dossier) -> DossierOut:
        send_back = None
        if dossier.sent_back_at is not None:
            send_back = SendBackOut(
                reason=dossier.sent_back_reason or "", by=dossier.sent_back_by,
                at=as_utc(dossier.sent_back_at),
                resubmitted_at=as_utc(dossier.resubmitted_at) if dossier.resubmitted_at
                else None)
        return cls(id=dossier.id, agency=dossier.agency, year=dossier.year, title=dossier.title,
                   status=dossier.status, status_name=STATUS_NAMES[dossier.status],
                   number=dossier.number, register_type=dossier.register_type,
                   issue_date=dossier.issue_date, register=dossier.register,
                   created_at=as_utc(dossier.created_at), send_back=send_back)


class FileOut(BaseModel):
    format: str
    media_type: str
    sha256: str
    size: int
    url: str


class Nd30Metadata(BaseModel):
    """ND30 Phụ lục VI: thông tin đầu vào của văn bản đi."""

    type_name: str = Field(description="Tên loại văn bản (TypeName).")
    code_number: str | None = Field(description="Số của văn bản (CodeNumber).")
    code_notation: str = Field(description="Ký hiệu của văn bản (CodeNotation).")
    issued_date: date | None = Field(description="Ngày, tháng, năm văn bản (IssuedDate).")
    organ_name: str = Field(description="Tên cơ quan ban hành (OrganName).")
    subject: str = Field(description="Trích yếu nội dung (Subject).")
    signer_position: str = Field(description="Chức vụ người ký (SignerInfo/Position).")
    signer_name: str = Field(description="Họ tên người ký (SignerInfo/FullName).")
    recipients: list[str] = Field(description="Nơi nhận (To).")
    page_amount: int | None = Field(description="Số trang (PageAmount), theo bản PDF.")


_METADATA_FIELDS = tuple(Nd30Metadata.model_fields)


class VersionOut(BaseModel):
    id: int
    dossier_id: int
    kind: str
    kind_name: str
    seq: int = Field(description="Số thứ tự phiên bản của văn bản này (1, 2, …).")
    status: str = Field(description="draft (dự thảo), final (bản ban hành), signed (bản đã ký).")
    created_at: datetime
    created_by: int | None
    docgen_version: str
    dossier_sha256: str = Field(description="SHA-256 của hồ sơ (JSON chuẩn hóa) đã dùng.")
    template_hashes: dict[str, Any]
    template_set: dict[str, Any] | None = Field(
        default=None, description="Bộ mẫu của cơ quan đã dùng để kết xuất: agency, version, "
        "sha256 (trống: bộ mẫu có sẵn của docgen).")
    summary: dict[str, Any]
    note: str | None
    metadata: Nd30Metadata
    signatures: list[dict[str, Any]] | None = Field(
        default=None, description="Chữ ký số docgen đã kiểm tra hoặc đã ký trên tệp: role "
        "(leader: người có thẩm quyền, agency: cơ quan), signer, organisation, serial, issuer, "
        "signing_time, checks (từng bước kiểm tra, ok, message), accepted, untrusted_accepted.")
    files: list[FileOut]

    @classmethod
    def of(cls, record: VersionRecord) -> VersionOut:
        v: Version = record.version
        return cls(
            id=v.id, dossier_id=record.dossier.id, kind=record.document.kind,
            kind_name=DOCUMENT_TITLES[record.document.kind], seq=v.seq, status=v.status,
            created_at=as_utc(v.created_at), created_by=v.created_by,
            docgen_version=v.docgen_version, dossier_sha256=v.dossier_sha256,
            template_hashes=v.template_hashes,
            template_set=(v.summary or {}).get("template_set"), summary=v.summary, note=v.note,
            metadata=Nd30Metadata(**{name: getattr(v, name) for name in _METADATA_FIELDS}),
            signatures=v.signatures,
            files=[FileOut(format=f.format, media_type=f.media_type, sha256=f.sha256,
                           size=f.size, url=link(f"/versions/{v.id}/files/{f.format}"))
                   for f in record.files])


class DocumentOut(BaseModel):
    kind: str
    kind_name: str
    versions: int
    latest: VersionOut | None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Tổng số mục (mọi trang).")
    limit: int
    offset: int


class AuditOut(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: int | None
    sha256: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(id=entry.id, at=as_utc(entry.at), user_id=entry.user_id, actor=entry.actor,
                   agency=entry.agency, action=entry.action, object_type=entry.object_type,
                   object_id=entry.object_id, sha256=entry.sha256, detail=entry.detail)


class DiffOut(BaseModel):
    old_version: int
    new_version: int
    compared: str = Field(description="Định dạng lấy văn bản để so sánh: docx hoặc pdf.")
    identical: bool
    diff: list[str] = Field(description="Các dòng khác biệt theo kiểu unified diff.")


class VerifyProblem(BaseModel):
    sha256: str
    problem: str


class VerifyOut(BaseModel):
    checked: int
    clean: bool
    agency: str | None = Field(description="Cơ quan được kiểm tra (lưu trữ: cơ quan của mình); "
                                           "null: toàn kho (quản trị).")
    problems: list[VerifyProblem]
    findings: list[str] = Field(description="Dấu hiệu dữ liệu bị sửa thẳng trong cơ sở dữ liệu "
                                            "(chuỗi băm, trigger, trạng thái hồ sơ), mỗi dòng "
                                            "một câu.")
    elsewhere: int = Field(description="Số dấu hiệu ngoài phạm vi cơ quan (chỉ quản trị xem).")
    unreferenced: list[str] = Field(description="Tệp không phiên bản nào tham chiếu "
                                                "(ví dụ sau khi một lần ghi bị ngắt).")

    @classmethod
    def of(cls, report: VerifyReport) -> VerifyOut:
        return cls(checked=report.checked, clean=report.clean, agency=report.agency,
                   problems=[VerifyProblem(sha256=s, problem=p) for s, p in report.problems],
                   findings=report.findings, elsewhere=report.elsewhere,
                   unreferenced=report.unreferenced)


class UserOut(BaseModel):
    id: int
    name: str
    agency: str
    role: str
    role_name: str
    active: bool
    created_at: datetime
    username: str | None = Field(description="Tên đăng nhập (trống: chỉ dùng mã truy cập).")
    can_sign_in: bool = Field(description="Có mật khẩu để đăng nhập trên trang.")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, name=user.name, agency=user.agency, role=user.role,
                   role_name=ROLE_NAMES[Role(user.role)], active=user.active,
                   created_at=as_utc(user.created_at), username=user.username,
                   can_sign_in=user.password_hash is not None)


class UserCreated(UserOut):
    token: str = Field(description="Mã truy cập; chỉ hiển thị một lần, không lưu ở dạng rõ.")


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    agency: str | None = Field(default=None, max_length=100,
                               description="Mã cơ quan (mặc định: cơ quan của quản trị).")
    username: str | None = Field(default=None, max_length=100, description="Tên đăng nhập.")
    password: str | None = Field(default=None, max_length=200,
                                 description="Mật khẩu ban đầu (ít nhất 10 ký tự).")


class PasswordIn(BaseModel):
    """A new password set by a quản trị (and a user name for a user who has none)."""

    password: str = Field(max_length=200)
    username: str | None = Field(default=None, max_length=100)


class OwnPasswordIn(BaseModel):
    current: str = Field(max_length=200, description="Mật khẩu hiện tại.")
    new: str = Field(max_length=200, description="Mật khẩu mới (ít nhất 10 ký tự).")


class TokenOut(BaseModel):
    user: UserOut
    token: str = Field(description="Mã truy cập mới; các mã cũ đã bị thu hồi. Chỉ hiển thị "
                                   "một lần.")


class AgencyIn(BaseModel):
    """An agency's facts; the issuer facts are all given or all left empty."""

    name: str = Field(max_length=300, description="Tên đầy đủ của cơ quan.")
    parent: str = Field(default="", max_length=600,
                        description="Cơ quan chủ quản, mỗi dòng một dòng trên văn bản.")
    issuer: str = Field(default="", max_length=600,
                        description="Cơ quan ban hành, mỗi dòng một dòng (tối đa 3).")
    place: str = Field(default="", max_length=100, description="Địa danh.")
    abbreviation: str = Field(default="", max_length=30,
                              description="Chữ viết tắt trong ký hiệu, ví dụ UBND.")
    authority: str = Field(default="", max_length=300, description="Thẩm quyền (chữ in hoa).")
    authority_name: str = Field(default="", max_length=300,
                                description="Tên thẩm quyền viết thường trong câu.")


class AgencyCreate(AgencyIn):
    code: str = Field(max_length=100, description="Mã cơ quan, ví dụ ubnd-son-la.")


class AgencyOut(AgencyIn):
    code: str
    created_at: datetime
    updated_at: datetime
    dossier_issuer: dict[str, Any] = Field(
        description="Khối 'cơ quan' của hồ sơ mới điền sẵn từ cơ quan này.")

    @classmethod
    def of(cls, agency: Agency) -> AgencyOut:
        return cls(code=agency.code, name=agency.name, parent=agency.parent,
                   issuer=agency.issuer, place=agency.place, abbreviation=agency.abbreviation,
                   authority=agency.authority, authority_name=agency.authority_name,
                   created_at=as_utc(agency.created_at), updated_at=as_utc(agency.updated_at),
                   dossier_issuer=issuer_block(agency))


class IssueIn(BaseModel):
    """A number and date entered from the agency's own register book (both optional)."""

    number: int | None = Field(default=None, ge=1, le=999_999,
                               description="Số trong sổ đăng ký văn bản; bỏ trống: số tiếp "
                                           "theo của docgen.")
    issue_date: dt.date | None = Field(default=None, alias="date",
                                       description="Ngày ban hành; bỏ trống: hôm nay.")


class PreviewFile(BaseModel):
    kind: str
    kind_name: str
    format: str
    media_type: str
    size: int
    sha256: str
    data_base64: str = Field(description="Nội dung tệp, mã hóa base64.")


class PreviewBlock(BaseModel):
    name: str
    units: int
    line: str
    bands: list[str]
    previous: list[str] = Field(description="So sánh với năm trước (nếu hồ sơ có kỳ trước).")


class PreviewOut(BaseModel):
    """A render in memory; nothing is archived."""

    draft: bool = Field(description="Luôn là dự thảo (dấu DỰ THẢO).")
    summary: str = Field(description="Kết quả tính toán từng khối, như lệnh docgen check.")
    blocks: list[PreviewBlock]
    warnings: list[str] = Field(description="Cảnh báo, như lệnh docgen check in ra.")
    documents: list[PreviewFile]


class SendBackIn(BaseModel):
    reason: str = Field(default="", max_length=2000, description="Lý do trả lại.")


class TemplateFileOut(BaseModel):
    name: str = Field(description="quyet_dinh.docx, bao_cao.docx hoặc phu_luc.docx.")
    sha256: str
    url: str


class TemplateSetOut(BaseModel):
    """One version of an agency's template set."""

    agency: str
    version: int = Field(description="Số phiên bản bộ mẫu trong cơ quan (1, 2, …).")
    sha256: str = Field(description="SHA-256 của bộ mẫu: của danh sách «<sha256>  <tên tệp>» "
                                    "từng tệp, xếp theo tên (như SHA256SUMS).")
    files: list[TemplateFileOut] = Field(description="Các tệp của bộ mẫu; văn bản không có "
                                                     "tệp ở đây dùng mẫu có sẵn.")
    created_by: int
    created_at: datetime
    active: bool = Field(description="Cơ quan đang kết xuất bằng bộ mẫu này.")

    @classmethod
    def of(cls, item: TemplateSet, active: int | None, base: str) -> TemplateSetOut:
        return cls(agency=item.agency, version=item.version, sha256=item.sha256,
                   files=[TemplateFileOut(name=name, sha256=sha,
                                          url=link(f"{base}/{item.version}/{name}"))
                          for name, sha in sorted(item.files.items())],
                   created_by=item.created_by, created_at=as_utc(item.created_at),
                   active=item.id == active)


class TemplateSetsOut(BaseModel):
    agency: str
    active_version: int | None = Field(description="Phiên bản bộ mẫu đang dùng (trống: bộ mẫu "
                                                   "có sẵn của docgen).")
    items: list[TemplateSetOut] = Field(description="Mọi phiên bản, mới nhất trước.")


class TemplateChoiceIn(BaseModel):
    version: int | None = Field(description="Phiên bản bộ mẫu sẽ dùng; null: trở lại bộ mẫu "
                                            "có sẵn của docgen.")
