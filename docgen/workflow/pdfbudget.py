"""Budgets for reading a PDF that came from outside (the signed decision).

A PDF's size says little about the work of reading it: 33 KB can be 100 pages sharing
one 5 MB content stream (text extraction: half a minute per page), 2 KB a page tree
whose nodes are reached twice (2^40 pages), 1 MB a Flate stream of 1 GB. Before docgen
stores or reads an uploaded PDF, :func:`check_pdf` walks its structure with budgets:

========================  ============================================================
``MAX_PAGES``             pages in the page tree, each node reached once (no cycles,
                          no node shared by two parents)
``MAX_OBJECTS``           objects in the cross-reference table
``MAX_INFLATED``          bytes of all streams once decompressed (each stream is
                          inflated in slices, never more than the budget left)
``MAX_PAGE_CONTENT``      bytes of one page's content (its streams and the form
                          XObjects of its resources, counted on every page using them)
``MAX_CONTENT``           bytes of content of all pages together
``SECONDS``               time for the whole check
========================  ============================================================

Any budget passed: :class:`~docgen.workflow.errors.UnsupportedError` (HTTP 422) naming
the budget, the limit and what to do. :func:`text_deadline` bounds the text extraction
of the version diff in time as well (:mod:`docgen.workflow.textdiff`).
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from docgen.workflow.errors import UnsupportedError

MB = 1024 * 1024
#: Pages of an uploaded PDF (a signed decision has a handful).
MAX_PAGES = 500
#: Objects in its cross-reference table (docgen's own PDFs: a few hundred).
MAX_OBJECTS = 100_000
#: Decompressed bytes of all its streams (fonts, images, contents).
MAX_INFLATED = 200 * MB
#: Decompressed content (drawing operators) of one page, shared streams counted per use.
MAX_PAGE_CONTENT = 2 * MB
#: Decompressed content of all pages together.
MAX_CONTENT = 16 * MB
#: Seconds the whole check may take.
SECONDS = 10.0
#: Seconds the text of one PDF may take to extract for a diff.
TEXT_SECONDS = 20.0
#: Depth of nested page-tree nodes and form XObjects followed.
MAX_DEPTH = 32

_IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
_LINEAR = {"/ASCIIHexDecode": ASCIIHexDecode, "/AHx": ASCIIHexDecode,
           "/ASCII85Decode": ASCII85Decode, "/A85": ASCII85Decode}
_EXPANDING = {"/LZWDecode": LZWDecode, "/LZW": LZWDecode,
              "/RunLengthDecode": RunLengthDecode, "/RL": RunLengthDecode}
_FLATE = {"/FlateDecode", "/Fl"}
_FIX = "hãy xuất lại tệp PDF từ phần mềm ký (in ra PDF) rồi tải lên lại"


@dataclass(frozen=True)
class PdfBudget:
    """The limits of one check (the module's constants unless a test says otherwise)."""

    pages: int = MAX_PAGES
    objects: int = MAX_OBJECTS
    inflated: int = MAX_INFLATED
    page_content: int = MAX_PAGE_CONTENT
    content: int = MAX_CONTENT
    seconds: float = SECONDS


class _OverBudget(Exception):
    pass


def check_pdf(data: bytes, budget: PdfBudget | None = None, *,
              what: str = "Tệp tải lên") -> None:
    """Refuse (UnsupportedError, Vietnamese) a PDF over any budget or unreadable."""
    budget = budget or PdfBudget()
    if not data.startswith(b"%PDF-"):
        raise UnsupportedError(f"{what} không phải PDF (phải bắt đầu bằng %PDF-).")
    try:
        _Walk(PdfReader(io.BytesIO(data), strict=False), budget).run()
    except _OverBudget as exc:
        raise UnsupportedError(f"{what} vượt giới hạn kiểm tra: {exc}; {_FIX}.") from None
    except (RecursionError, MemoryError):
        raise UnsupportedError(f"{what} có cấu trúc lồng nhau quá sâu; {_FIX}.") from None
    except Exception as exc:  # pypdf raises many kinds on malformed input
        raise UnsupportedError(f"Không đọc được {what[0].lower()}{what[1:]} "
                               f"({type(exc).__name__}); {_FIX}.") from None


class _Walk:
    def __init__(self, reader: PdfReader, budget: PdfBudget):
        self.reader = reader
        self.budget = budget
        self.deadline = time.monotonic() + budget.seconds
        self.inflated = 0
        self.sizes: dict[tuple[int, int], int] = {}
        self.content = 0
        self.pages = 0

    def run(self) -> None:
        self._count_objects()
        self._inflate_all()
        self._walk_pages()

    def _clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise _OverBudget(f"việc kiểm tra cần hơn {self.budget.seconds:g} giây")

    # -- objects and streams ---------------------------------------------------------

    def _references(self) -> list[IndirectObject]:
        refs = [IndirectObject(number, generation, self.reader)
                for generation, table in self.reader.xref.items() for number in table]
        refs += [IndirectObject(number, 0, self.reader) for number in self.reader.xref_objStm]
        return refs

    def _count_objects(self) -> None:
        count = sum(len(t) for t in self.reader.xref.values()) + len(self.reader.xref_objStm)
        if count > self.budget.objects:
            raise _OverBudget(f"có {count} đối tượng (tối đa {self.budget.objects})")

    def _inflate_all(self) -> None:
        for ref in self._references():
            self._clock()
            obj = ref.get_object()
            if isinstance(obj, StreamObject):
                self._size(ref, obj)

    def _size(self, ref: IndirectObject | None, obj: StreamObject) -> int:
        """Decompressed size of a stream, charged once to the inflate budget."""
        key = (ref.idnum, ref.generation) if ref is not None else (-id(obj), 0)
        if key not in self.sizes:
            left = self.budget.inflated - self.inflated
            size = _decoded_size(obj, left)
            if size > left:
                raise _OverBudget(f"dữ liệu giải nén vượt {self.budget.inflated // MB} MB")
            self.inflated += size
            self.sizes[key] = size
        return self.sizes[key]

    # -- the page tree ---------------------------------------------------------------

    def _walk_pages(self) -> None:
        root = self.reader.trailer["/Root"].get_object()
        seen: set[tuple[int, int]] = set()
        stack: list[tuple[Any, Any, int]] = [(root.get("/Pages"), None, 0)]
        while stack:
            self._clock()
            ref, resources, depth = stack.pop()
            if isinstance(ref, IndirectObject):
                key = (ref.idnum, ref.generation)
                if key in seen:
                    raise _OverBudget("cây trang có một nút xuất hiện hai lần (vòng lặp hoặc "
                                      "nút dùng chung)")
                seen.add(key)
            node = ref.get_object() if ref is not None else None
            if not isinstance(node, DictionaryObject) or depth > MAX_DEPTH:
                raise _OverBudget("cây trang không hợp lệ")
            resources = node.get("/Resources", resources)
            kids = node.get("/Kids")
            if kids is not None or node.get("/Type") == "/Pages":
                kids = kids.get_object() if kids is not None else []
                if not isinstance(kids, ArrayObject):
                    raise _OverBudget("cây trang không hợp lệ")
                stack.extend((kid, resources, depth + 1) for kid in reversed(kids))
                continue
            self.pages += 1
            if self.pages > self.budget.pages:
                raise _OverBudget(f"có hơn {self.budget.pages} trang")
            self._page(node, resources)

    def _page(self, page: DictionaryObject, resources: Any) -> None:
        cost = self._streams(page.get("/Contents")) + self._forms(resources, set(), 0)
        if cost > self.budget.page_content:
            raise _OverBudget(f"trang {self.pages} có {cost // 1024} KB lệnh vẽ "
                              f"(tối đa {self.budget.page_content // 1024} KB một trang)")
        self.content += cost
        if self.content > self.budget.content:
            raise _OverBudget(f"các trang có hơn {self.budget.content // MB} MB lệnh vẽ "
                              "(tính cả nội dung dùng chung trên mỗi trang dùng nó)")

    def _streams(self, contents: Any) -> int:
        ref = contents if isinstance(contents, IndirectObject) else None
        obj = contents.get_object() if contents is not None else None
        if isinstance(obj, StreamObject):
            return self._size(ref, obj)
        if isinstance(obj, ArrayObject):
            return sum(self._streams(item) for item in obj)
        return 0

    def _forms(self, resources: Any, path: set[tuple[int, int]], depth: int) -> int:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject) or depth > MAX_DEPTH:
            return 0
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            return 0
        cost = 0
        for value in xobjects.values():
            ref = value if isinstance(value, IndirectObject) else None
            form = value.get_object()
            if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
                continue
            key = (ref.idnum, ref.generation) if ref is not None else (-id(form), 0)
            if key in path:
                raise _OverBudget("một hình vẽ (form XObject) chứa chính nó")
            cost += self._size(ref, form)
            cost += self._forms(form.get("/Resources"), path | {key}, depth + 1)
            if cost > self.budget.page_content:
                break
        return cost


def _filters(obj: StreamObject) -> list[str]:
    filters = obj.get("/Filter")
    if filters is None:
        return []
    filters = filters.get_object()
    return [str(f) for f in filters] if isinstance(filters, ArrayObject) else [str(filters)]


def _decoded_size(obj: StreamObject, limit: int) -> int:
    """The size of `obj` once decoded (image codecs are not decoded: their input counts);
    anything over `limit` stops the decoding and returns limit + 1."""
    data: bytes = obj._data  # the raw, still encoded bytes
    filters = _filters(obj)
    for index, name in enumerate(filters):
        if name in _IMAGE_CODECS:
            break
        if name in _FLATE:
            last = all(f in _IMAGE_CODECS for f in filters[index + 1:])
            if last:
                return _inflated_size(data, limit)
            data = _inflate(data, limit)
        elif name in _LINEAR:
            data = _LINEAR[name].decode(data)
        elif name in _EXPANDING:
            data = _EXPANDING[name].decode(data, obj.get("/DecodeParms"))
        if len(data) > limit:
            return limit + 1
    return len(data)


def _inflated_size(data: bytes, limit: int) -> int:
    """Count what `data` inflates to, slice by slice, stopping past `limit`."""
    inflater = zlib.decompressobj()
    total = 0
    try:
        chunk = inflater.decompress(data, MB)
        total += len(chunk)
        while inflater.unconsumed_tail and total <= limit:
            chunk = inflater.decompress(inflater.unconsumed_tail, MB)
            total += len(chunk)
    except zlib.error:
        pass  # a damaged stream: what came out before the damage counts
    return min(total, limit + 1)


def _inflate(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        return b""
    return out


def text_deadline(seconds: float = TEXT_SECONDS, *, what: str = "Tệp PDF"
                  ) -> Callable[..., None]:
    """A pypdf ``visitor_operand_before`` that stops text extraction after `seconds`."""
    deadline = time.monotonic() + seconds

    def visit(*_args: Any) -> None:
        if time.monotonic() > deadline:
            raise UnsupportedError(f"{what} cần hơn {seconds:g} giây để đọc chữ; không so sánh "
                                   "được văn bản của tệp này.")
    return visit
