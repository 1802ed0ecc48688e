"""The staff pages on a phone's width (390 px): nothing wider than the screen.

A page wider than the window makes the whole page slide sideways under the thumb; wide
tables scroll in their own box instead. The editor's nested fieldsets were the case that
overflowed (a fieldset's minimum width is its content's unless told otherwise).
"""

from __future__ import annotations

import pytest
from staff import Person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: Every element whose right edge passes the window, outside the scrolling table boxes.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('.scroll')) continue;
    const right = e.getBoundingClientRect().right;
    if (right > width + 1) out.push(e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(right));
  }
  return {page: document.documentElement.scrollWidth, width: width, out: out.slice(0, 5)};
}"""


def test_the_pages_fit_a_phone(person: Person) -> None:
    me, page, workflow = person, person.page, person.site.workflow
    workflow.add_agency(None, "ubnd-son-la", {"name": "Ủy ban nhân dân tỉnh Sơn La",
                                              "issuer": "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA",
                                              "place": "Sơn La", "abbreviation": "UBND",
                                              "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
                                              "authority_name": "Chủ tịch Ủy ban nhân dân tỉnh"})
    for role, username in (("chuyen_vien", "soan"), ("quan_tri", "quantri")):
        workflow.add_user(None, name=f"Người {role}", role=role, agency="ubnd-son-la",
                          username=username, password=f"mat-khau-{role}-2025")
    page.set_viewport_size(PHONE)
    for username, role, paths in (("soan", "chuyen_vien", ["/ho-so", "/ho-so/moi",
                                                            "/doi-mat-khau"]),
                                  ("quantri", "quan_tri", ["/quan-tri"])):
        me.sign_in(username, f"mat-khau-{role}-2025")
        for path in paths:
            me.go(path)
            me.shot("dien-thoai" + path.replace("/", "-"))
            found = page.evaluate(OVERFLOW)
            assert found["page"] <= found["width"] == PHONE["width"], (path, found)
            assert found["out"] == [], (path, found)
        me.sign_out()
