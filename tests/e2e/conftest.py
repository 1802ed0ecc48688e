"""Fixtures of the end-to-end tests; helpers live in tests/support/extract.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract import SON_LA, render_with_cli


@pytest.fixture(scope="session")
def son_la_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the Sơn La 2025 dossier once through the CLI; return the output folder."""
    return render_with_cli(SON_LA, tmp_path_factory.mktemp("son-la"))
