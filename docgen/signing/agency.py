"""The agency's signature (ô 8 / ô 14), applied by the văn thư after the leader's.

* On the Quyết định: a new signature field holding the agency's seal image (a red,
  transparent PNG at the seal's real size) whose right third covers the left third of the
  leader's field (ND30 Phụ lục I II.8.a: the seal overlaps about one third of the
  signature on its left), centred on it vertically.
* On each attached file (Báo cáo, Phụ lục): the pre-placed field at the top-right of page
  1, no image, two lines — the số và ký hiệu and the signing time in ISO 8601 with
  +07:00 — in Times New Roman 10 pt (Liberation Serif, metric-compatible, when Times New
  Roman is not installed), black (II.8.b).

The key is in a PKCS#12 file or on a PKCS#11 token. The signing time shown is the time
put in the signature (PAdES); an RFC 3161 time-stamp is added when a server is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from docgen.errors import InputError, Problem
from docgen.signing.fields import AGENCY_FIELD, LEADER_FIELD
from docgen.signing.places import FONT_DIR, MM
from docgen.signing.policy import AgencyKey
from docgen.signing.runner import outside_event_loop
from docgen.signing.writer import open_writer

#: Field of the agency's seal on the Quyết định (the attached files use AGENCY_FIELD).
SEAL_FIELD = "DauCoQuan"

#: Where Times New Roman is found on a Linux machine that has it, before the fallback.
TIMES_NEW_ROMAN = (Path("/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf"),
                   Path("/usr/share/fonts/truetype/msttcorefonts/times.ttf"))
FALLBACK_FONT = FONT_DIR / "LiberationSerif-Regular.ttf"


class AgencySigningError(InputError):
    """Raised when the agency's key or seal cannot be used (a message per problem)."""


@dataclass(frozen=True)
class Seal:
    """The agency's seal image and its real size."""

    png: bytes
    width_mm: float
    height_mm: float


def read_seal(png: bytes, source: str = "ảnh dấu") -> Seal:
    """Return the seal in `png`, checked: a PNG with transparency and a resolution (so that
    its real size is known). Raises :class:`InputError` otherwise."""
    from PIL import Image, UnidentifiedImageError

    where = "ảnh dấu của cơ quan"
    try:
        image = Image.open(BytesIO(png))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputError([Problem(source, where, "một tệp PNG", "không đọc được ảnh")]) from exc
    problems = []
    if image.format != "PNG":
        problems.append(Problem(source, where, "ảnh PNG", f"ảnh {image.format}"))
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        problems.append(Problem(source, where, "ảnh có nền trong suốt (kênh alpha)",
                                f"ảnh {image.mode} không trong suốt"))
    dpi = image.info.get("dpi")
    if not dpi or not dpi[0] or not dpi[1]:
        problems.append(Problem(source, where, "ảnh ghi độ phân giải (DPI) để biết kích thước "
                                "thật của con dấu", "không có DPI"))
    if problems:
        raise InputError(problems)
    width, height = (image.width / float(dpi[0]) * 25.4, image.height / float(dpi[1]) * 25.4)
    if not (10 <= width <= 80 and 10 <= height <= 80):
        raise InputError([Problem(source, where, "kích thước thật của dấu từ 10 đến 80 mm",
                                  f"{width:.0f} × {height:.0f} mm")])
    return Seal(png, round(width, 1), round(height, 1))


@dataclass(frozen=True)
class AgencySigner:
    """An open signer and what it says about its certificate."""

    signer: Any  #: a pyHanko Signer
    subject: dict[str, Any]
    serial: str
    issuer: str


def _describe(signer: Any) -> AgencySigner:
    cert = signer.signing_cert
    return AgencySigner(signer, cert.subject.native, format(cert.serial_number, "X"),
                        cert.issuer.human_friendly)


@contextmanager
def open_agency_signer(key: AgencyKey) -> Iterator[AgencySigner]:
    """Open the agency's key (the PKCS#11 token when a module is set, else the PKCS#12
    file) for the duration of the block."""
    where = "cấu hình khóa ký số của cơ quan"
    if key.pkcs11_module is not None:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        try:
            session = pkcs11.open_pkcs11_session(
                str(key.pkcs11_module), token_criteria=TokenCriteria(label=key.pkcs11_token_label),
                user_pin=key.pkcs11_pin)
        except Exception as exc:  # noqa: BLE001 - the module's own errors, in English
            raise AgencySigningError([Problem(where, "PKCS#11", "thẻ/token có nhãn "
                                              f"{key.pkcs11_token_label!r} mở được bằng mã PIN",
                                              "không mở được phiên làm việc với token")]) from exc
        try:
            try:
                signer = pkcs11.PKCS11Signer(session, key_label=key.pkcs11_key_label,
                                             cert_label=key.pkcs11_key_label)
                if signer.signing_cert.public_key.algorithm == "ec":
                    # Tokens (SoftHSM2 among them) often offer only raw CKM_ECDSA: the
                    # digest is computed here and the token signs it.
                    signer = pkcs11.PKCS11Signer(session, key_label=key.pkcs11_key_label,
                                                 signing_cert=signer.signing_cert,
                                                 use_raw_mechanism=True)
                described = _describe(signer)
            except Exception as exc:  # noqa: BLE001
                raise AgencySigningError([Problem(where, "PKCS#11", "khóa và chứng thư có nhãn "
                                                  f"{key.pkcs11_key_label!r} trong token",
                                                  "không tìm thấy")]) from exc
            yield described
        finally:
            session.close()
        return
    if key.pkcs12_file is None:
        raise AgencySigningError([Problem(where, "khóa", "tệp PKCS#12 hoặc token PKCS#11 của "
                                          "cơ quan trong cấu hình dịch vụ", "chưa cấu hình")])
    try:
        data = Path(key.pkcs12_file).read_bytes()
        password = key.pkcs12_password.encode() if key.pkcs12_password is not None else None
        signer = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=password)
        described = _describe(signer)
    except Exception as exc:  # noqa: BLE001 - unreadable file, wrong password
        raise AgencySigningError([Problem(str(key.pkcs12_file), "PKCS#12", "tệp PKCS#12 đọc "
                                          "được bằng mật khẩu đã cấu hình",
                                          "không mở được")]) from exc
    yield described


class _AtTime(signers.PdfSigner):
    """A PdfSigner that signs at a given time (the time its appearance shows)."""

    def __init__(self, *args: Any, when: datetime, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._when
        return session


def _field_rect(pdf: bytes, name: str) -> tuple[int, tuple[float, float, float, float]]:
    reader = PdfFileReader(BytesIO(pdf))
    kids = reader.root["/Pages"]["/Kids"]
    pages = [kids.raw_get(i).idnum for i in range(len(kids))]
    for field_name, _value, ref in fields.enumerate_sig_fields(reader):
        if field_name == name:
            widget = ref.get_object()
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            return pages.index(widget.raw_get("/P").idnum), (x1, y1, x2, y2)
    raise AgencySigningError([Problem("quyet_dinh.pdf", "ô chữ ký", f"trường {name}",
                                      "không có")])


def _sign(pdf: bytes, agency: AgencySigner, field: str, style: Any, when: datetime,
          tsa_url: str | None, new_field: fields.SigFieldSpec | None = None,
          text: dict[str, str] | None = None) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES)
    stamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    pdf_signer = _AtTime(meta, agency.signer, timestamper=stamper, stamp_style=style,
                         new_field_spec=new_field, when=when)
    writer = open_writer(pdf)
    return outside_event_loop(
        lambda: pdf_signer.sign_pdf(writer, appearance_text_params=text).getvalue())


def sign_decision(pdf: bytes, agency: AgencySigner, seal: Seal, *, when: datetime,
                  tsa_url: str | None = None) -> bytes:
    """Return the leader-signed decision `pdf` with the agency's seal signature added."""
    page, (x1, y1, x2, y2) = _field_rect(pdf, LEADER_FIELD)
    width, height = seal.width_mm * MM, seal.height_mm * MM
    right = x1 + (x2 - x1) / 3  # the seal covers the left third of the leader's signature
    middle = (y1 + y2) / 2
    box = (round(right - width), round(middle - height / 2), round(right),
           round(middle + height / 2))
    from PIL import Image

    image = PdfImage(Image.open(BytesIO(seal.png)), name="DauCoQuan")
    style = StaticStampStyle(background=image, background_opacity=1.0, border_width=0)
    return _sign(pdf, agency, SEAL_FIELD, style, when, tsa_url,
                 new_field=fields.SigFieldSpec(SEAL_FIELD, on_page=page, box=box))


class _ScaledWidths(GlyphAccumulator):
    """A glyph accumulator that works in PDF glyph space (1/1000 em) whatever the font's
    units per em.

    pyHanko 0.38 writes a TrueType font's advance widths (/W) and the shaper's advances
    (TJ) in the font's own units, as if there were 1000 per em; Liberation Serif and Times
    New Roman have 2048, and viewers set every glyph about twice as wide as it is. Here
    HarfBuzz shapes at 1000 units per em and the widths are scaled to match.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._font_units = self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:  # the cache is what /W is written from
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * 1000 / self._font_units))
        return self._glyphs[glyph_id]


class _FontFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        # In memory: pyHanko never closes the handle it is given.
        handle = BytesIO(Path(self.font_file).read_bytes())
        return _ScaledWidths(writer=writer, font_handle=handle, font_size=self.font_size,
                             obj_stream=obj_stream)


def attachment_font() -> Path:
    """Return Times New Roman when installed, else the bundled Liberation Serif."""
    return next((path for path in TIMES_NEW_ROMAN if path.is_file()), FALLBACK_FONT)


def sign_attachment(pdf: bytes, agency: AgencySigner, *, code: str, when: datetime,
                    tsa_url: str | None = None) -> bytes:
    """Return the attached file `pdf` signed by the agency in its top-right field, showing
    `code` (số và ký hiệu) and the signing time `when` (ISO 8601, its own offset)."""
    font = _FontFactory(str(attachment_font()), font_size=10)
    # 10 pt exactly: no scaling to the box, no margins but a hair; in the box's top-right.
    tight = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MAX,
                                       y_align=layout.AxisAlignment.ALIGN_MAX,
                                       margins=layout.Margins.uniform(1),
                                       inner_content_scaling=layout.InnerScaling.NO_SCALING)
    style = TextStampStyle(stamp_text="%(code)s\n%(time)s", border_width=0,
                           inner_content_layout=tight,
                           text_box_style=TextBoxStyle(font=font, font_size=10, leading=12,
                                                       box_layout_rule=tight))
    return _sign(pdf, agency, AGENCY_FIELD, style, when, tsa_url,
                 text={"code": code, "time": when.isoformat()})


def describe(agency: AgencySigner, when: datetime, tsa_url: str | None) -> dict[str, Any]:
    """Return what is stored about the agency's signature with the version."""
    return {"role": "agency", "signer": agency.subject.get("common_name"),
            "organisation": agency.subject.get("organization_name"), "serial": agency.serial,
            "issuer": agency.issuer, "signing_time": when.isoformat(),
            "time_source": "timestamp" if tsa_url else "signer", "checks": [],
            "untrusted_accepted": False, "accepted": True}
