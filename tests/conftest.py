"""Suite-wide set-up: the shared helpers in tests/support/, and the --update-golden option."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/expected/ from the current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# Property-based tests run the same examples on every machine: derandomised, no example
# database written to disk, no timing deadline on a shared CI machine.
from hypothesis import settings  # noqa: E402

settings.register_profile("docgen", derandomize=True, database=None, deadline=None,
                          max_examples=150, print_blob=False)
settings.load_profile("docgen")
