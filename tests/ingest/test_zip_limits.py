"""Zip bombs are refused before openpyxl, within a small, fixed amount of memory."""

from __future__ import annotations

import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.ingest.limits import MAX_UNPACKED_BYTES, check_zip

HERE = Path(__file__).parent
BAD = HERE / "bad"


def _inflated_at_least(path: Path, member: str, bound: int) -> int:
    """Inflate `member` of `path` up to `bound` bytes (never more); return how many came out."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    with path.open("rb") as handle:
        handle.seek(info.header_offset + 30 + len(member))
        inflater, produced = zlib.decompressobj(-15), 0
        data = handle.read(info.compress_size)
        chunk = inflater.decompress(data, 2**20)
        produced += len(chunk)
        while inflater.unconsumed_tail and produced < bound:
            produced += len(inflater.decompress(inflater.unconsumed_tail, 2**20))
    return produced


@pytest.mark.parametrize("name", ["zip-bomb-declared.xlsx", "zip-bomb-lying.xlsx"])
def test_the_bombs_really_inflate_far_beyond_the_limit(name: str) -> None:
    assert _inflated_at_least(BAD / name, "xl/worksheets/sheet1.xml",
                              2 * MAX_UNPACKED_BYTES) >= 2 * MAX_UNPACKED_BYTES


def test_the_lying_bomb_declares_a_small_size() -> None:
    with zipfile.ZipFile(BAD / "zip-bomb-lying.xlsx") as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 2000


@pytest.mark.parametrize("name", ["zip-bomb-declared.xlsx", "zip-bomb-lying.xlsx",
                                  "zip-bomb-ratio.xlsx"])
def test_a_bomb_is_refused_within_a_few_megabytes(name: str) -> None:
    tracemalloc.start()
    try:
        with (BAD / name).open("rb") as handle, pytest.raises(InputError) as caught:
            check_zip(handle, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bom giải nén" in str(caught.value)
    assert peak < 4 * 2**20, f"peak {peak} bytes"


def test_a_real_workbook_passes(tmp_path: Path) -> None:
    with (HERE.parents[1] / "fixtures" / "thanh-hoa-2024-diem.xlsx").open("rb") as handle:
        check_zip(handle, "fixture")  # no exception
