"""Where docgen's shipped files are: templates, fonts and the demo fixtures.

The one place that locates them. In an installed package (a wheel) they live inside the
``docgen`` package (``docgen/templates/``, ``docgen/fixtures/``, ``docgen/render/fonts/``;
``pyproject.toml``/``setup.py`` map the repository's top-level ``templates/`` and
``fixtures/`` there without moving them); from a checkout (including an editable install)
the top-level folders are used. They are read through :mod:`importlib.resources`, so the
answer does not depend on the current directory. docgen needs real files (WeasyPrint and
fontTools open them by path), so a package installed as a zip is not supported.

A settings override (``templates_dir``, ``fonts_dir``; see
:mod:`docgen.interfaces.configuration`) is installed with :func:`use` by the interfaces,
once at start-up; ``$DOCGEN_TEMPLATES`` is still honoured for the templates.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_overrides: dict[str, Path] = {}


def _shipped(name: str, *inside: str) -> Path:
    """The folder `name` inside the installed package, else the checkout's top-level one."""
    package = Path(str(resources.files("docgen")))
    installed = package.joinpath(*inside, name)
    if installed.is_dir():
        return installed
    return package.parent / name


def use(*, templates: Path | None = None, fonts: Path | None = None) -> None:
    """Make `templates` and `fonts` (when given) the folders docgen reads from now on."""
    for key, value in (("templates", templates), ("fonts", fonts)):
        if value is not None:
            _overrides[key] = Path(value)
        else:
            _overrides.pop(key, None)


def templates_dir() -> Path:
    """The templates folder: an override, ``$DOCGEN_TEMPLATES``, else the shipped one."""
    if "templates" in _overrides:
        return _overrides["templates"]
    override = os.environ.get("DOCGEN_TEMPLATES")
    return Path(override) if override else _shipped("templates")


def shipped_templates_dir() -> Path:
    """The templates that ship with docgen (what ``docgen templates copy`` writes, and
    what an agency's set falls back to for a document it lacks)."""
    return _shipped("templates")


def fonts_dir() -> Path:
    """The configured fonts folder (the agency's Times New Roman or a Liberation Serif
    copy; see :func:`docgen.formatting.glyphs.typeface`), else the bundled one."""
    if "fonts" in _overrides:
        return _overrides["fonts"]
    return bundled_fonts_dir()


def bundled_fonts_dir() -> Path:
    """The folder of the bundled Liberation Serif faces."""
    return Path(str(resources.files("docgen"))) / "render" / "fonts"


def fixtures_dir() -> Path:
    """The folder of the sample dossiers (``docgen demo`` renders one of them)."""
    return _shipped("fixtures")


def demo_dossier() -> Path:
    """The dossier ``docgen demo`` renders: Sơn La 2025."""
    return fixtures_dir() / "son-la-2025.yaml"
