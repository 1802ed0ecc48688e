"""The agency's seal image as the văn thư sees it on the pages (the form is on the list).

The seal is needed before "Ký số của cơ quan"; showing it at its real size lets the văn
thư see at a glance that the right image, at the right resolution, was uploaded. The
image is inlined as a data: address, which the pages' Content-Security-Policy allows, so
no extra route serves agency files.
"""

from __future__ import annotations

import base64
from typing import Any

from docgen.archive.schema import User
from docgen.workflow.service import Workflow

#: Largest seal image accepted from the page (a 36 mm seal at 600 DPI is well under this).
MAX_SEAL_BYTES = 2 * 1024 * 1024


def seal_view(workflow: Workflow, user: User) -> dict[str, Any] | None:
    """The seal of the user's agency: size in mm (Vietnamese decimals), when, image; or None."""
    found = workflow.archive.agency_seal(user.agency)
    if found is None:
        return None
    row, png = found
    return {"width": f"{row.width_mm:.1f}".replace(".", ","),
            "height": f"{row.height_mm:.1f}".replace(".", ","),
            # at its real size on screen: CSS pixels are 1/96 inch (an inline style would be
            # refused by the Content-Security-Policy, so the size goes in the attributes)
            "width_px": round(row.width_mm / 25.4 * 96),
            "height_px": round(row.height_mm / 25.4 * 96),
            "updated_at": row.updated_at,
            "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii")}
