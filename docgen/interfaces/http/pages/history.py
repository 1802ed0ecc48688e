"""History you can read: every version with who, when, status and hash; a side-by-side
diff of two versions of one document; the audit trail, newest first, filtered."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.trail import detail_text, object_text
from docgen.interfaces.http.pages.view import PREFIX, render
from docgen.interfaces.http.session import PageUserDep
from docgen.render import DOCUMENTS
from docgen.workflow.errors import UnsupportedError

AUDIT_PAGE = 50
#: Entries of a dossier's trail the page filters (the newest; the API pages through all).
AUDIT_READ = 2000
#: The start lines of a unified diff's hunk header: ``@@ -29,6 +29,7 @@``.
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def side_by_side(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """Turn a unified diff into rows (left class, left text, right class, right text).

    Removed lines go left, added lines right, paired in the order they come; context
    lines appear on both sides; a hunk header (``@@ -29,6 +29,7 @@``, which means nothing
    to a clerk) becomes the line each side's part starts at.

    >>> side_by_side(["--- a", "+++ b", "@@ -1,2 +3,2 @@", " same", "-old", "+new"])
    [('head', 'Từ dòng 1', 'head', 'Từ dòng 3'), ('', 'same', '', 'same'), ('del', 'old', 'add', 'new')]
    """
    rows: list[tuple[str, str, str, str]] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        for i in range(max(len(removed), len(added))):
            left = removed[i] if i < len(removed) else None
            right = added[i] if i < len(added) else None
            rows.append(("del" if left is not None else "", left or "",
                         "add" if right is not None else "", right or ""))
        removed.clear()
        added.clear()

    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            flush()
            starts = _HUNK.match(line)
            left, right = starts.groups() if starts else ("?", "?")
            rows.append(("head", f"Từ dòng {left}", "head", f"Từ dòng {right}"))
        elif line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            rows.append(("", text, "", text))
    flush()
    return rows


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/phien-ban", "read")
def versions(request: Request, dossier_id: int, user: PageUserDep,
             workflow: WorkflowDep) -> Response:
    dossier = workflow.dossier(user, dossier_id)
    by_kind: list[tuple[str, list[Any]]] = []
    for kind in DOCUMENTS:
        items, _total = workflow.versions(user, dossier_id, kind, limit=100, offset=0)
        by_kind.append((kind, sorted(items, key=lambda r: -r.version.seq)))  # newest first
    names = {u.id: u.name for u in workflow.archive.list_users(user.agency)}
    return render(request, "versions.html", me=user, dossier=dossier, by_kind=by_kind,
                  names=names)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/so-sanh", "read")
def compare(request: Request, dossier_id: int, user: PageUserDep, workflow: WorkflowDep,
            a: int, b: int) -> Response:
    dossier = workflow.dossier(user, dossier_id)
    old, new = workflow.version(user, a), workflow.version(user, b)
    if old.dossier.id != dossier_id or new.dossier.id != dossier_id:
        raise UnsupportedError("Hai phiên bản phải thuộc hồ sơ này.")
    if old.document.kind != new.document.kind:
        raise UnsupportedError("Chỉ so sánh được hai phiên bản của cùng một văn bản "
                               f"({old.document.kind} và {new.document.kind} là hai văn bản "
                               "khác nhau).")
    result = workflow.diff(user, a, b)
    return render(request, "diff.html", me=user, dossier=dossier, old=old, new=new,
                  source=result.source, rows=side_by_side(result.lines),
                  identical=not result.lines)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/nhat-ky", "read")
def audit(request: Request, dossier_id: int, user: PageUserDep, workflow: WorkflowDep,
          nguoi: str = "", thao_tac: str = "", trang: int = 1) -> Response:
    dossier = workflow.dossier(user, dossier_id)
    _first, total = workflow.audit(user, dossier_id, limit=1, offset=0)
    entries, _total = workflow.audit(user, dossier_id, limit=AUDIT_READ,
                                     offset=max(total - AUDIT_READ, 0))  # the newest ones
    entries = sorted(entries, key=lambda e: e.id, reverse=True)  # newest first
    people = sorted({e.actor for e in entries})
    actions = sorted({e.action for e in entries})
    shown = [e for e in entries if (not nguoi or e.actor == nguoi)
             and (not thao_tac or e.action == thao_tac)]
    page_no = max(trang, 1)
    pages = max((len(shown) + AUDIT_PAGE - 1) // AUDIT_PAGE, 1)
    start = (page_no - 1) * AUDIT_PAGE
    rows = [{"at": e.at, "actor": e.actor, "action": e.action, "sha256": e.sha256,
             "object": object_text(e.object_type, e.object_id), "detail": detail_text(e.detail)}
            for e in shown[start:start + AUDIT_PAGE]]
    return render(request, "audit.html", me=user, dossier=dossier,
                  entries=rows, count=len(shown), people=people,
                  actions=actions, person=nguoi, action=thao_tac, page_no=page_no, pages=pages)
