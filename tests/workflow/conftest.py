"""A workflow over a fresh embedded archive, with a fixed date and one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from service import Clock, prepare_archive, users_of

from docgen.archive.schema import User
from docgen.archive.store import Archive
from docgen.workflow.service import Workflow

ISSUE_DAY = date(2025, 12, 16)


@pytest.fixture
def clock() -> Clock:
    return Clock(ISSUE_DAY)


@pytest.fixture
def wf(tmp_path: Path, clock: Clock) -> Iterator[Workflow]:
    prepare_archive(tmp_path / "data")
    archive = Archive(tmp_path / "data")
    yield Workflow(archive, today=clock, issue_formats=("docx",))
    archive.close()


@pytest.fixture
def staff(wf: Workflow) -> dict[str, User]:
    return users_of(wf.archive, "ubnd-son-la")
