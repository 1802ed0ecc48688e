"""`docgen db status|upgrade` show each migration's description: in Vietnamese, all of them."""

from __future__ import annotations

import re

from alembic.script import ScriptDirectory

from docgen.archive.database import MIGRATIONS, _describe

_VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]")


def test_every_migration_is_described_in_vietnamese() -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    revisions = list(script.walk_revisions())
    assert len(revisions) >= 6
    for rev in revisions:
        text = _describe(rev.module)
        assert _VIETNAMESE.search(text.lower()), (rev.revision, text)
        assert not re.search(r"\b(What|Render jobs|Initial|the|and)\b", text), (rev.revision, text)
