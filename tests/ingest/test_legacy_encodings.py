"""TCVN3 and VNI text converts back to exactly the Unicode it was typed from."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from docgen.ingest.legacy import TCVN3, VNI, convert, detect

#: Every lower-case Vietnamese letter with its marks, and the plain ones.
VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
LETTERS = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | set("đ"))
CONSONANTS = "bcdghklmnpqrstvx"

words = st.lists(st.sampled_from(LETTERS + list(CONSONANTS)), min_size=1, max_size=8).map("".join)
texts = st.lists(words, min_size=1, max_size=6).map(" ".join)

TO_TCVN3 = {v: k for k, v in TCVN3.items()}
TO_VNI = {v: k for k, v in VNI.items()}


def test_the_tables_cover_every_vietnamese_letter() -> None:
    lower = set(LETTERS) - set("aeiouy")
    assert lower <= set(TCVN3.values())
    assert lower | {c.upper() for c in lower} <= set(VNI.values())
    assert len(set(TCVN3.values())) == len(TCVN3)  # no two codes for one letter


@given(texts)
def test_tcvn3_round_trip(text: str) -> None:
    typed = "".join(TO_TCVN3.get(c, c) for c in text)
    assert convert(typed, "TCVN3") == text


@given(texts, st.booleans())
def test_vni_round_trip(text: str, upper: bool) -> None:
    text = text.upper() if upper else text
    typed = "".join(TO_VNI.get(c, c) for c in text)
    assert convert(typed, "VNI") == text


@given(texts)
def test_unicode_text_is_never_taken_for_a_legacy_encoding(text: str) -> None:
    assert detect([text, "Huyện Lang Chánh"]) is None


def test_detection_of_real_names() -> None:
    assert detect(["Sè TT", "Tªn ®¬n vÞ", "HuyÖn Lang Ch¸nh"]) == "TCVN3"
    assert detect(["Teân ñôn vò", "Huyeän Möôøng Laùt"]) == "VNI"
    assert detect(["STT", "Don vi", "Tong diem"]) is None  # plain ASCII stays as it is
