"""Fixtures of the spreadsheet tests: the Thanh Hóa scheme the corpus is written for."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.model.dossier import Scheme
from docgen.model.loader import load_dossier

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    """tham_dinh 70 + xhh 30, eight lĩnh vực adding to tham_dinh, four bands."""
    return load_dossier(ROOT / "fixtures" / "thanh-hoa-2024.yaml").scheme
