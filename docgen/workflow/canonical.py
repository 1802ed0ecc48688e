"""The canonical JSON of a validated dossier: what the archive keeps as its content.

Keys sorted, no insignificant white space, UTF-8 without escapes, English field names,
numbers as the exact decimal strings pydantic writes. The same dossier always gives the
same bytes (and so the same SHA-256), and the bytes read back into the same dossier.
"""

from __future__ import annotations

import json
from decimal import Decimal

from docgen.model.dossier import Dossier
from docgen.model.loader import load_data


def canonical_json(dossier: Dossier) -> bytes:
    """Return the canonical JSON bytes of `dossier`."""
    return json.dumps(dossier.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def load_canonical(data: bytes, source: str = "archive") -> Dossier:
    """Read canonical JSON bytes back into a validated :class:`Dossier`."""
    return load_data(json.loads(data.decode("utf-8"), parse_float=Decimal), source)
