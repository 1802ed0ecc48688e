"""The HTTP tests share one live service per module (embedded archive)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live import Service, start_service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One embedded-archive service shared by a module's tests."""
    yield from start_service(tmp_path_factory.mktemp("service"), max_body_bytes=2 * 1024 * 1024)
