"""The dossier: everything one evaluation round needs, as staff write it.

English field names inside the code; every field also accepts its Vietnamese key (with
diacritics, any case, spaces or underscores), so staff can write the file in their own
language. `docs/glossary.md` lists both. The JSON Schema shipped in
`docs/dossier.schema.json` is generated from these models (``docgen schema``).

Only shape and types are checked here; rules that relate fields to each other (a score
above its maximum, components that do not add up, bands with a gap) live in
:mod:`docgen.model.rules`, which names the unit and field in its messages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from docgen.bounds import (
    MAX_BALLOTS,
    MAX_CRITERIA,
    MAX_DECISION_NUMBER,
    MAX_RECORD_ID,
    MAX_SHEET_ROW,
)
from docgen.formatting.text import normalize_text
from docgen.model.types import Score


def vi(name: str, vietnamese: str, **kwargs: Any) -> Any:
    """Return a pydantic Field accepting the English `name` and the `vietnamese` key."""
    return Field(
        validation_alias=AliasChoices(name, vietnamese),
        json_schema_extra={"x-vi": vietnamese},
        **kwargs,
    )


class Model(BaseModel):
    """Base of all dossier models: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _normalize_strings(cls, value: Any) -> Any:
        """Bring every text to NFC, without control characters or doubled blanks.

        Line breaks survive (one normalised line each): some fields are written as
        several lines (the agency name, the trích yếu) and split later.
        """
        if isinstance(value, str):
            return _normalize_lines(value)
        if isinstance(value, list):
            return [_normalize_lines(v) if isinstance(v, str) else v for v in value]
        return value


def _normalize_lines(value: str) -> str:
    lines = (normalize_text(line) for line in value.splitlines())
    return "\n".join(line for line in lines if line)


def _lines(value: Any) -> Any:
    """Accept a text with line breaks or a list of lines; return a list of lines."""
    if isinstance(value, str):
        return [line for line in value.splitlines() if line.strip()]
    return value


class Issuer(Model):
    """The issuing body (cơ quan ban hành) and how it appears in the header."""

    parent: list[str] = vi("parent", "cơ quan chủ quản", default_factory=list,
                           description="Tên cơ quan chủ quản trực tiếp, mỗi dòng một phần tử.")
    name: list[str] = vi("name", "cơ quan ban hành",
                         description="Tên cơ quan ban hành; có thể xuống dòng (tối đa 3 dòng).")
    place: str = vi("place", "địa danh", min_length=1)
    abbreviation: str = vi("abbreviation", "viết tắt", pattern=r"^[A-ZĐ][A-ZĐa-z0-9Đđ-]*$",
                           description="Chữ viết tắt tên cơ quan trong ký hiệu, ví dụ UBND.")
    authority: str = vi("authority", "thẩm quyền", min_length=1,
                        description="Dòng thẩm quyền ban hành, ví dụ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH.")
    authority_name: str = vi("authority_name", "tên thẩm quyền", min_length=1,
                             description="Thẩm quyền viết thường trong câu: Chủ tịch Ủy ban nhân dân tỉnh.")

    _split_lines = field_validator("parent", "name", mode="before")(
        classmethod(lambda cls, v: _lines(v))
    )

    @field_validator("name")
    @classmethod
    def _name_not_empty(cls, value: list[str]) -> list[str]:
        if not value or len(value) > 3:
            raise ValueError("từ 1 đến 3 dòng")
        return value


class Citation(Model):
    """A cited document, written in full at first citation (ND30 Phụ lục I)."""

    type: str = vi("type", "loại", description="Tên loại: Quyết định, Nghị quyết, Tờ trình…")
    number: str = vi("number", "số", description="Số, ký hiệu, ví dụ 880/QĐ-UBND.")
    date: str = vi("date", "ngày", description="Ngày ban hành, YYYY-MM-DD hoặc DD/MM/YYYY.")
    issuer: str | None = vi("issuer", "cơ quan", default=None)
    subject: str | None = vi("subject", "trích yếu", default=None)


class Signer(Model):
    """The signer (ô 7): authority prefix, titles and name."""

    on_behalf_of: str | None = vi("on_behalf_of", "thay mặt", default=None,
                                  description="Tập thể mà người ký thay mặt (TM.), ví dụ ỦY BAN NHÂN DÂN.")
    authority: Literal["KT.", "Q.", "TL.", "TUQ."] | None = vi(
        "authority", "quyền hạn", default=None,
        description="KT., Q., TL. hoặc TUQ.; bỏ trống khi người đứng đầu ký trực tiếp.")
    head_title: str | None = vi("head_title", "chức vụ người đứng đầu", default=None,
                                description="Chức vụ của người đứng đầu sau KT./TL./TUQ., ví dụ CHỦ TỊCH.")
    title: str = vi("title", "chức vụ", description="Chức vụ của người ký, ví dụ PHÓ CHỦ TỊCH.")
    name: str = vi("name", "họ tên", min_length=1)


#: The documents attached to the Quyết định, as its Điều 1 must name them (each one the
#: pipeline renders besides the Quyết định itself).
ATTACHED_DOCUMENTS = ("Báo cáo", "Phụ lục")


class Decision(Model):
    """The Quyết định công bố: number, date, trích yếu, căn cứ, articles, signature."""

    number: int | None = vi("number", "số", default=None, ge=1, le=MAX_DECISION_NUMBER,
                            description="Số văn bản; bỏ trống khi là dự thảo.")
    date: str | None = vi("date", "ngày", default=None,
                          description="Ngày ban hành YYYY-MM-DD; hoặc YYYY-MM (dự thảo); hoặc bỏ trống.")
    subject_lines: list[str] = vi("subject_lines", "trích yếu",
                                  description="Trích yếu, mỗi dòng một phần tử.")
    bases: list[str | Citation] = vi("bases", "căn cứ", min_length=1)
    proposal: str | None = vi("proposal", "theo đề nghị", default=None,
                              description="Dòng 'Theo đề nghị của …' (không có dấu câu cuối).")
    articles: list[str] = vi("articles", "điều", default_factory=list,
                             description="Nội dung các Điều, không có 'Điều N.'; bỏ trống để dùng mẫu.")
    executors: str | None = vi("executors", "tổ chức thực hiện", default=None,
                               description="Những người chịu trách nhiệm thi hành (Điều 3 của mẫu).")
    attachments_phrase: str = vi("attachments_phrase", "kèm theo", default="Báo cáo, Phụ lục kết quả")
    signer: Signer = vi("signer", "người ký")
    recipients: list[str] = vi("recipients", "nơi nhận", min_length=1)
    archive: str = vi("archive", "lưu", description="Phần sau 'Lưu:', ví dụ VT, NC.")

    _split_lines = field_validator("subject_lines", mode="before")(
        classmethod(lambda cls, v: _lines(v))
    )


class Component(Model):
    """A component of the total (thành phần điểm), e.g. appraisal 70 + survey 30."""

    key: str = vi("key", "mã", pattern=r"^[\w-]+$")
    name: str = vi("name", "tên")
    max: Score = vi("max", "điểm tối đa", gt=0)


class FieldSpec(Model):
    """A field of the criteria (lĩnh vực) with its maximum points."""

    key: str = vi("key", "mã", pattern=r"^[\w-]+$")
    name: str = vi("name", "tên")
    max: Score = vi("max", "điểm tối đa", gt=0)


class Band(Model):
    """A band (mức xếp loại): the half-open score range [lower, upper)."""

    label: str = vi("label", "tên")
    lower: Score | None = vi("lower", "từ", default=None, description="Cận dưới (tính cả).")
    upper: Score | None = vi("upper", "dưới", default=None, description="Cận trên (không tính).")


class Scheme(Model):
    """The scoring scheme: maxima, components, fields, bands and rounding choices."""

    max_total: Score = vi("max_total", "điểm tối đa", default=Decimal(100), gt=0)
    components: list[Component] = vi("components", "thành phần", default_factory=list)
    fields: list[FieldSpec] = vi("fields", "lĩnh vực", default_factory=list)
    fields_component: str | None = vi(
        "fields_component", "lĩnh vực thuộc thành phần", default=None,
        description="Mã thành phần mà điểm các lĩnh vực cộng lại thành; bỏ trống: cộng thành tổng điểm.")
    survey_component: str | None = vi("survey_component", "thành phần điều tra", default=None,
                                      description="Mã thành phần là điểm điều tra xã hội học.")
    bands: list[Band] = vi("bands", "xếp loại", min_length=1,
                           description="Các mức từ cao xuống thấp.")
    band_term: str = vi("band_term", "tên gọi mức", default="Mức",
                        description="Từ đứng trước tên mức: 'Mức' (Mức TỐT) hoặc 'Nhóm' (Nhóm A).")
    range_unit: str = vi("range_unit", "đơn vị khoảng", default="%",
                         description="Đơn vị khi nêu khoảng điểm: '%' hoặc 'điểm'.")
    tie_rule: Literal["dense", "standard"] = vi(
        "tie_rule", "cách xếp hạng", default="standard",
        description="standard: 1, 2, 2, 4; dense: 1, 2, 2, 3.")
    score_decimals: int = vi("score_decimals", "số lẻ điểm", default=2, ge=0, le=4)
    share_decimals: int = vi("share_decimals", "số lẻ tỷ lệ", default=2, ge=0, le=4)


class SchemeOverride(Model):
    """A block's own scoring scheme (thang điểm of a khối): the same keys as the dossier's.

    Provinces evaluate sở and huyện/xã with different criteria sets: other lĩnh vực, other
    maxima for the same field, sometimes other bands. Each key given here replaces the
    dossier's key for that block (a list replaces the whole list); the keys not given are
    inherited. :meth:`Dossier.scheme_of` returns the block's effective :class:`Scheme`.
    """

    max_total: Score | None = vi("max_total", "điểm tối đa", default=None, gt=0)
    components: list[Component] | None = vi("components", "thành phần", default=None)
    fields: list[FieldSpec] | None = vi("fields", "lĩnh vực", default=None)
    fields_component: str | None = vi("fields_component", "lĩnh vực thuộc thành phần",
                                      default=None)
    survey_component: str | None = vi("survey_component", "thành phần điều tra", default=None)
    bands: list[Band] | None = vi("bands", "xếp loại", default=None, min_length=1)
    band_term: str | None = vi("band_term", "tên gọi mức", default=None)
    range_unit: str | None = vi("range_unit", "đơn vị khoảng", default=None)
    tie_rule: Literal["dense", "standard"] | None = vi("tie_rule", "cách xếp hạng", default=None)
    score_decimals: int | None = vi("score_decimals", "số lẻ điểm", default=None, ge=0, le=4)
    share_decimals: int | None = vi("share_decimals", "số lẻ tỷ lệ", default=None, ge=0, le=4)

    @model_serializer(mode="wrap")
    def _given_keys_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Write the keys the block gives and no others: a key left out is inherited, a
        key written blank is not, so the archive's canonical JSON must keep the difference."""
        data = handler(self)
        return {key: value for key, value in data.items() if key in self.model_fields_set}


def effective_scheme(base: Scheme, override: SchemeOverride | None) -> Scheme:
    """Return `base` with the keys `override` gives replaced (see :class:`SchemeOverride`).

    Only the keys written in the block count ("given"), so a block can also set a key back
    to an empty value, e.g. ``lĩnh vực thuộc thành phần:`` left blank.
    """
    if override is None:
        return base
    update = {}
    for name in sorted(override.model_fields_set):
        value = getattr(override, name)
        if value is None and name in ("components", "fields"):
            value = []  # "lĩnh vực:" left blank: this block has none
        elif value is None and name not in ("fields_component", "survey_component"):
            continue  # a blank maximum, band list or rounding choice: the dossier's
        update[name] = value
    return base.model_copy(update=update) if update else base


class Unit(Model):
    """An evaluated unit (đơn vị): its total, or the components/fields that make it."""

    name: str = vi("name", "tên đơn vị", min_length=1)
    total: Score | None = vi("total", "tổng điểm", default=None)
    scores: dict[str, Score] = vi("scores", "điểm thành phần", default_factory=dict)
    fields: dict[str, Score] = vi("fields", "điểm lĩnh vực", default_factory=dict)
    self_total: Score | None = vi(
        "self_total", "điểm tự đánh giá", default=None,
        description="Tổng điểm đơn vị tự đánh giá (TĐG); chỉ để đối chiếu, không dùng xếp hạng.")
    self_fields: dict[str, Score] = vi(
        "self_fields", "tự đánh giá lĩnh vực", default_factory=dict,
        description="Điểm tự đánh giá theo từng lĩnh vực (TĐG); chỉ để đối chiếu.")


class Source(Model):
    """A spreadsheet a block's units are read from (nguồn), instead of listing them.

    The file is relative to the dossier. Columns are recognised by their Vietnamese labels;
    `columns` maps a header label or a column letter to a unit field where they are not
    (see README, "Spreadsheets (XLSX, CSV)").
    """

    file: str = vi("file", "tệp", min_length=1,
                   description="Tệp .xlsx hoặc .csv, tính từ thư mục hồ sơ.")
    sheet: str | None = vi("sheet", "trang tính", default=None,
                           description="Tên trang tính; bỏ trống: trang tính đầu tiên.")
    columns: dict[str, str] = vi(
        "columns", "cột", default_factory=dict,
        description="Tiêu đề cột hoặc chữ cái cột -> tên đơn vị, tổng điểm, điểm tự đánh giá, "
                    "xếp hạng, xếp loại, bỏ qua, điểm thành phần.<mã>, điểm lĩnh vực.<mã>, "
                    "tự đánh giá lĩnh vực.<mã>.")
    first_row: int | None = vi("first_row", "dòng đầu", default=None, ge=1, le=MAX_SHEET_ROW,
                               description="Dòng của đơn vị đầu tiên (khi ghi cột theo chữ cái).")


class CriteriaCount(Model):
    """How many fields, criteria and sub-criteria a block's criteria set has."""

    fields: int = vi("fields", "lĩnh vực", ge=0, le=MAX_CRITERIA)
    criteria: int = vi("criteria", "tiêu chí", ge=0, le=MAX_CRITERIA)
    sub_criteria: int = vi("sub_criteria", "tiêu chí thành phần", ge=0, le=MAX_CRITERIA)


class Block(Model):
    """A block (khối) of units evaluated with one criteria set and ranked together."""

    name: str = vi("name", "tên khối", description="Ví dụ: khối sở.")
    description: str = vi("description", "mô tả", description="Ví dụ: Các sở, ban, ngành.")
    short_name: str = vi("short_name", "gọi tắt", description="Ví dụ: sở.")
    subject: str = vi("subject", "chủ thể", description="Sau 'Tổng điểm trung bình của': các sở.")
    criteria: CriteriaCount | None = vi("criteria", "bộ tiêu chí", default=None)
    scheme: SchemeOverride | None = vi(
        "scheme", "thang điểm", default=None,
        description="Thang điểm riêng của khối: các khóa như 'thang điểm' của hồ sơ; khóa nào "
                    "ghi ở đây thay khóa đó của hồ sơ, khóa không ghi lấy theo hồ sơ.")
    units: list[Unit] = vi("units", "đơn vị", default_factory=list, min_length=1,
                           description="Các đơn vị; hoặc bỏ trống và ghi 'nguồn'.")
    source: Source | None = vi("source", "nguồn", default=None,
                               description="Bảng tính chứa điểm các đơn vị (thay cho 'đơn vị').")


class Point(Model):
    """A lettered point (điểm a, b, …) of a narrative subsection."""

    title: str | None = vi("title", "tiêu đề", default=None)
    body: list[str] = vi("body", "nội dung", default_factory=list)


class Subsection(Model):
    """A numbered subsection (khoản 1, 2, …) of a narrative section.

    In `body`, a line starting with "- " or "+ " is a list item; others are paragraphs.
    """

    title: str | None = vi("title", "tiêu đề", default=None)
    body: list[str] = vi("body", "nội dung", default_factory=list)
    points: list[Point] = vi("points", "điểm", default_factory=list)


class Survey(Model):
    """Survey statistics (điều tra xã hội học) and its narrative."""

    title: str = vi("title", "tiêu đề", default="Tổ chức điều tra xã hội học và kết quả điều tra")
    points: list[Point] = vi("points", "điểm", default_factory=list)
    issued: int = vi("issued", "phiếu phát ra", ge=1, le=MAX_BALLOTS)
    returned: int = vi("returned", "phiếu thu về", ge=0, le=MAX_BALLOTS)
    valid: int = vi("valid", "phiếu hợp lệ", ge=0, le=MAX_BALLOTS)


class Report(Model):
    """The Báo cáo's own facts and the narrative of sections I, II, IV and V."""

    title_lines: list[str] = vi("title_lines", "tên báo cáo")
    method: list[str] = vi("method", "phương pháp", default_factory=list)
    criteria_source: str = vi("criteria_source", "văn bản bộ tiêu chí", default="")
    implementation: list[Subsection] = vi("implementation", "tình hình triển khai",
                                          default_factory=list)
    results_intro: list[str] = vi("results_intro", "căn cứ xếp loại", default_factory=list)
    assessment: list[Subsection] = vi("assessment", "nhận xét đánh giá", default_factory=list)
    direction: list[Subsection] = vi("direction", "phương hướng", default_factory=list)

    _split_lines = field_validator("title_lines", mode="before")(
        classmethod(lambda cls, v: _lines(v))
    )


class PreviousRound(Model):
    """Where the previous round's dossier is (kỳ trước), for the year-over-year lines.

    Exactly one of `file` (a dossier file, for the command line) or `dossier` (the number
    of a dossier in the archive, for the service: a dossier sent to the service may not
    name files on the server) is given; :mod:`docgen.model.rules` checks that. Units are
    matched by name (compared as in duplicate detection); `mapping` names the units whose
    name changed, this year's name first. It is never guessed.
    """

    file: str | None = vi("file", "tệp", default=None, min_length=1,
                          description="Đường dẫn tệp hồ sơ kỳ trước (YAML/JSON), tính từ thư mục "
                                      "của tệp này (dòng lệnh).")
    dossier: int | None = vi("dossier", "hồ sơ", default=None, ge=1, le=MAX_RECORD_ID,
                             strict=True,
                             description="Số hồ sơ kỳ trước trong kho lưu trữ của cơ quan (dịch "
                                         "vụ); thay cho 'tệp'.")
    mapping: dict[str, str] = vi(
        "mapping", "ánh xạ", default_factory=dict,
        description="Đơn vị đổi tên: {tên năm nay: tên kỳ trước}.")


class Dossier(Model):
    """One evaluation round: the input of a whole publication package."""

    year: int = vi("year", "năm", ge=2000, le=2100)
    subject: str = vi("subject", "đối tượng",
                      description="Đối tượng đánh giá sau 'của': các sở, ban, ngành, …")
    issuer: Issuer = vi("issuer", "cơ quan")
    decision: Decision = vi("decision", "quyết định")
    scheme: Scheme = vi("scheme", "thang điểm")
    blocks: list[Block] = vi("blocks", "khối", min_length=1)
    survey: Survey | None = vi("survey", "điều tra xã hội học", default=None)
    report: Report = vi("report", "báo cáo")
    appendix_title: list[str] = vi("appendix_title", "tên phụ lục",
                                   description="Tên Phụ lục (chữ in hoa), mỗi dòng một phần tử.")
    previous: PreviousRound | None = vi("previous", "kỳ trước", default=None,
                                        description="Hồ sơ kỳ trước, để so sánh với năm trước.")

    #: The previous round's dossier, read by the loader from `previous.file` (one level).
    #: One from the archive (`previous.dossier`) is handed to the renderer by the service.
    _previous_round: Dossier | None = PrivateAttr(default=None)

    def scheme_of(self, block: Block | int) -> Scheme:
        """Return the effective scheme of `block` (a block of this dossier, or its index):
        the dossier's, with the keys the block's own ``thang điểm`` gives replaced."""
        if isinstance(block, int):
            block = self.blocks[block]
        return effective_scheme(self.scheme, block.scheme)

    @property
    def previous_round(self) -> Dossier | None:
        """Return the previous round's validated dossier, when the loader read one."""
        return self._previous_round

    _split_lines = field_validator("appendix_title", mode="before")(
        classmethod(lambda cls, v: _lines(v))
    )
