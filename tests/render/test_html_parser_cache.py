"""WeasyPrint's HTML parser builds each scanning pattern once (docgen.render.pdf)."""

from __future__ import annotations

import re

import tinyhtml5
from tinyhtml5 import inputstream

from docgen.render import pdf


def test_patterns_are_kept_under_the_characters_they_are_looked_up_by() -> None:
    assert isinstance(inputstream.characters_until_regex, pdf._ScanPatterns)
    html = "<p class='a'>Sở Văn hóa &amp; Thể thao</p>" * 50
    tinyhtml5.parse(html)
    kept = dict(inputstream.characters_until_regex)
    tinyhtml5.parse(html)
    assert inputstream.characters_until_regex == kept  # nothing built again
    assert kept and not any(isinstance(chars, re.Pattern) for chars, _ in kept)


def test_the_patterns_match_what_tinyhtml5_would_build() -> None:
    patterns = pdf._ScanPatterns()
    assert patterns[(("<", "\u0000"), False)].pattern == "[^\\x3c\\x00]+"
    assert patterns[(frozenset(" "), True)].pattern == "[\\x20]+"
    stream = inputstream.HTMLUnicodeInputStream("abc<d")
    assert stream.chars_until(("<", "\u0000")) == "abc"


def test_a_parsed_document_is_the_same_tree() -> None:
    html = '<table><tr><td class="c3">1</td><td>Xã Chiềng Mường 1</td></tr></table>'
    tree = tinyhtml5.parse(html)
    cells = [td.text for td in tree.iter("{http://www.w3.org/1999/xhtml}td")]
    assert cells == ["1", "Xã Chiềng Mường 1"]
