"""Shared fixtures of the signing tests: one PKI and one issued Sơn La 2025 package per
session (key generation and rendering are the slow parts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pki import Pki, kit

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"


@pytest.fixture(scope="session")
def pki() -> Pki:
    return kit()


@pytest.fixture(scope="session")
def final_dossier():
    model = load_dossier(FIXTURE)
    decision = model.decision.model_copy(update={"number": 1234, "date": "2025-12-16"})
    return model.model_copy(update={"decision": decision})


@pytest.fixture(scope="session")
def issued(final_dossier) -> dict[str, bytes]:
    """The issued PDFs of the Sơn La 2025 package (number 1234, 16/12/2025)."""
    return {d.kind: d.data for d in render_package(final_dossier, formats=["pdf"])}
