"""Fixtures of the end-to-end tests; helpers live in tests/support/extract.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract import SON_LA, run_cli


@pytest.fixture(scope="session")
def son_la_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the Sơn La 2025 dossier once through the CLI; return the output folder."""
    out = tmp_path_factory.mktemp("son-la")
    done = run_cli("render", SON_LA, "-o", out)
    assert done.returncode == 0, done.stderr
    return out
