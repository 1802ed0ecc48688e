"""The stages import downward only, and each third-party renderer sits behind one module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "docgen"

#: Layers from the bottom up; a module may import only from its own layer or lower ones.
LAYERS = [
    {"errors", "rounding", "formatting", "atomic", "resources", "bounds"},
    {"ingest"},  # spreadsheet cells, below the model that turns them into units
    {"model"},
    {"compute"},
    {"context", "claims", "audit"},  # claims, audit: what a sheet or a text states, against compute
    {"render"},
    {"signing"},  # finished PDF bytes: signature fields, verification, the agency signature
    {"pipeline"},
    {"archive"},
    {"workflow"},
    {"interfaces"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}

#: Third-party packages that only the named modules (or, ending in "/", one package) may import.
CONFINED = {"docxtpl": ("render/docx.py",), "weasyprint": ("render/pdf.py",),
            "typer": ("interfaces/cli/",),
            "openpyxl": ("ingest/xlsx.py", "render/xlsx.py"),  # reading; writing
            "sqlalchemy": ("archive/",), "alembic": ("archive/",),
            "fastapi": ("interfaces/http/",), "starlette": ("interfaces/http/",),
            "uvicorn": ("interfaces/http/guard.py",),
            "matplotlib": ("render/charts.py",),
            "argon2": ("archive/passwords.py",),
            "dramatiq": ("workflow/broker.py",),
            # reading Word and PDF files: the renderer's fast path, the text diff of versions,
            # the page count of a version, and the audit of a report written by hand
            "docx": ("render/docx.py", "workflow/textdiff.py", "audit/reading.py"),
            "pypdf": ("workflow/textdiff.py", "workflow/provenance.py", "audit/reading.py",
                      "workflow/pdfbudget.py",  # ... the budgets of an uploaded PDF
                      "signing/places.py"),  # text positions: where the signer signs
            "pyhanko": ("signing/",)}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _stage(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_downward(path: Path) -> None:
    stage = _stage(path)
    if stage == "__init__":
        return
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "docgen" or len(parts) < 2:
            continue
        assert RANK[parts[1]] <= RANK[stage], f"{path.name} ({stage}) imports {name}"


@pytest.mark.parametrize(("library", "owner"), sorted(CONFINED.items()))
def test_third_party_renderers_stay_in_their_module(library: str, owner: tuple[str, ...]) -> None:
    users = {p.relative_to(PACKAGE).as_posix() for p in MODULES
             if any(n.split(".")[0] == library for n in _imports(p))}
    packages = tuple(o for o in owner if o.endswith("/"))
    modules = {o for o in owner if not o.endswith("/")}
    assert users, f"nothing imports {library}"
    assert {u for u in users if not u.startswith(packages)} == modules
