"""Several processes taking numbers from one register at once never share or skip one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from service import OPERATOR, Database
from versions import make_dossier

from docgen.archive.store import Actor, Archive

TAKER = textwrap.dedent("""
    import sys
    from datetime import date
    from docgen.archive.store import Actor, Archive

    archive = Archive({data!r}, {url!r}, schema={schema!r})
    actor = Actor("van thu", "son-la", {user_id})
    for dossier_id in {ids!r}:
        archive.allocate_number(actor, dossier_id, allowed=["approved"],
                                issue_date=date(2025, 12, 16), register="R")
""")


def test_four_processes_taking_twenty_numbers_get_one_to_twenty(archive: Archive, db: Database,
                                                                 tmp_path: Path) -> None:
    user, _ = archive.add_user(OPERATOR, name="Văn thư", agency="son-la", role="van_thu")
    actor = Actor.of(user)
    ids = [make_dossier(archive, actor) for _ in range(20)]
    for dossier_id in ids:
        archive.transition(actor, dossier_id, allowed=["draft"], to="approved", action="test")
    processes = [
        subprocess.Popen([sys.executable, "-c", TAKER.format(
            data=str(archive.data_dir), url=db.url, schema=db.schema, user_id=user.id,
            ids=ids[i::4])], env=dict(os.environ), stderr=subprocess.PIPE, text=True)
        for i in range(4)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    numbers = sorted(archive.get_dossier(i).number for i in ids)
    assert numbers == list(range(1, 21))
