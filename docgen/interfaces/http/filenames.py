"""Download file names: Vietnamese for people, with an ASCII fallback for old clients.

``Content-Disposition: attachment; filename="ascii"; filename*=UTF-8''percent-encoded``
(RFC 6266 with RFC 5987/8187 encoding): browsers that know ``filename*`` use the
Vietnamese name, the others the ASCII one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[^A-Za-z0-9 ._()-]+')
_SEPARATORS = re.compile(r'[\\/:*?"<>|\r\n\t]+')


def ascii_fallback(name: str) -> str:
    """Return `name` without diacritics and with only safe ASCII characters.

    >>> ascii_fallback("Quyết định số 1/QĐ-UBND.pdf")
    'Quyet dinh so 1-QD-UBND.pdf'
    """
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _UNSAFE.sub("_", _SEPARATORS.sub("-", stripped)).strip() or "tep"


def content_disposition(name: str) -> str:
    """Return the Content-Disposition value for downloading a file called `name`.

    >>> content_disposition("Phụ lục.pdf")
    'attachment; filename="Phu luc.pdf"; filename*=UTF-8\\'\\'Ph%E1%BB%A5%20l%E1%BB%A5c.pdf'
    """
    clean = _SEPARATORS.sub("-", unicodedata.normalize("NFC", name))
    return (f'attachment; filename="{ascii_fallback(clean)}"; '
            f"filename*=UTF-8''{quote(clean, safe='')}")
