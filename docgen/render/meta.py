"""Document metadata that renderers stamp into files instead of the clock's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata written into DOCX core properties and PDF info.

    `created` comes from the dossier, never from ``datetime.now()``: the same dossier must
    give the same bytes, since the archive hashes them. None (a draft without a day) means
    the files carry no creation or modification date at all.
    """

    title: str
    author: str
    created: datetime | None
    language: str = "vi-VN"
    #: The decision's number and date as cited ("Quyết định số 15/QĐ-UBND ngày …").
    subject: str = ""
