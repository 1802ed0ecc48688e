"""A writer that dies half-way leaves nothing half-written visible."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from service import OPERATOR, Database
from versions import KINDS, make_dossier, new_version

from docgen.archive.blobs import BlobStore
from docgen.archive.store import Actor, Archive

#: Stores three versions, but the process is killed (SIGKILL) at the moment of COMMIT:
#: the blobs are on disk and the rows were sent to the database, uncommitted.
KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy.orm import Session
    from versions import KINDS, new_version
    from docgen.archive.store import Actor, Archive

    archive = Archive({data!r}, {url!r}, schema={schema!r})
    def die(self):
        os.kill(os.getpid(), signal.SIGKILL)
    Session.commit = die
    archive.store_versions(Actor("writer", "son-la", {user_id}), {dossier_id},
                           [new_version(kind, kind.encode()) for kind in KINDS],
                           allowed=["draft"], action="render")
""")


def test_a_writer_killed_before_commit_leaves_no_version_and_a_clean_archive(
        archive: Archive, db: Database, tmp_path: Path) -> None:
    user, _ = archive.add_user(OPERATOR, name="Chuyên viên", agency="son-la", role="chuyen_vien")
    dossier_id = make_dossier(archive, Actor.of(user))
    script = KILLED_WRITER.format(data=str(archive.data_dir),
                                  url=db.url, schema=db.schema, user_id=user.id,
                                  dossier_id=dossier_id)
    support = str(Path(__file__).parents[1] / "support")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": support})
    assert done.returncode == -signal.SIGKILL, done.stderr
    written = set(BlobStore(archive.data_dir / "blobs").names())
    # The killed writer had put its 6 files (3 DOCX + 3 PDF) into the blob folder...
    assert len(written) == 1 + 6
    # ...but no version, file row or audit line of it is visible.
    for kind in KINDS:
        assert archive.list_versions(dossier_id, kind, limit=10, offset=0) == ([], 0)
    entries, _ = archive.audit_entries(dossier_id=dossier_id, limit=10, offset=0)
    assert [e.action for e in entries] == ["dossier_create"]
    report = archive.verify()
    assert report.clean and report.checked == 1
    assert len(report.unreferenced) == 6
    # The dossier is not left locked: the next writer stores its versions.
    stored = archive.store_versions(Actor.of(user), dossier_id, [new_version("quyet_dinh", b"ok")],
                                    allowed=["draft"], action="render")
    assert stored[0].version.seq == 1


def test_a_failure_between_blobs_rolls_back_the_whole_render(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    user, _ = archive.add_user(OPERATOR, name="Chuyên viên", agency="son-la", role="chuyen_vien")
    actor = Actor.of(user)
    dossier_id = make_dossier(archive, actor)
    real_put, calls = archive.blobs.put, []

    def failing_put(data: bytes) -> str:
        calls.append(data)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real_put(data)

    monkeypatch.setattr(archive.blobs, "put", failing_put)
    with pytest.raises(OSError, match="No space"):
        archive.store_versions(actor, dossier_id, [new_version(k, b"x") for k in KINDS],
                               allowed=["draft"], action="render")
    assert all(archive.list_versions(dossier_id, k, limit=10, offset=0)[1] == 0 for k in KINDS)
    assert archive.verify().clean
