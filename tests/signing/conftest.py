"""Shared fixtures of the signing tests: one PKI and one issued Sơn La 2025 package per
session (key generation and rendering are the slow parts)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pki import Pki, make_pki  # noqa: E402

from docgen.model.loader import load_dossier  # noqa: E402
from docgen.pipeline import render_package  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def final_dossier():
    model = load_dossier(FIXTURE)
    decision = model.decision.model_copy(update={"number": 1234, "date": "2025-12-16"})
    return model.model_copy(update={"decision": decision})


@pytest.fixture(scope="session")
def issued(final_dossier) -> dict[str, bytes]:
    """The issued PDFs of the Sơn La 2025 package (number 1234, 16/12/2025)."""
    return {d.kind: d.data for d in render_package(final_dossier, formats=["pdf"])}
