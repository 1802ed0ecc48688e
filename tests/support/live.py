"""A live service (uvicorn on loopback) over a fresh archive, and dossiers in every state."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from extract import SON_LA
from pki import kit, leader_signed
from pypdf import PdfWriter
from service import Clock, LiveServer, add_users, bearer, database, prepare_archive

from docgen.archive.schema import User
from docgen.interfaces.http import Settings, create_app
from docgen.workflow.service import Workflow

AGENCY, OTHER_AGENCY = "ubnd-son-la", "ubnd-phu-yen"
SON_LA_TEXT = SON_LA.read_bytes()
YAML = {"Content-Type": "application/yaml"}


def blank_pdf() -> bytes:
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    return buffer.getvalue()


def csrf_of(html: str) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(client: httpx.Client, username: str, password: str) -> None:
    """Sign `client` in on the sign-in page, as a browser does."""
    form = client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"csrf_token": csrf_of(form.text),
                                               "username": username, "password": password})
    assert response.status_code == 303, response.text


@dataclass
class Service:
    """The running service, its workflow (for set-up) and a token per role and agency."""

    url: str
    workflow: Workflow
    tokens: dict[str, str]
    strangers: dict[str, str]
    data_dir: Path

    def client(self, role: str | None = None, *, stranger: bool = False) -> httpx.Client:
        headers = {}
        if role is not None:
            headers = bearer((self.strangers if stranger else self.tokens)[role])
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def user(self, role: str) -> User:
        found = self.workflow.archive.user_for_token(self.tokens[role])
        assert found is not None
        return found

    def signed_decision(self, dossier_id: int) -> bytes:
        """Return the issued decision's PDF signed by the test leader."""
        final = self.workflow.archive.latest_version(dossier_id, "quyet_dinh", "final")
        assert final is not None
        return leader_signed(self.workflow.archive.read_file(final, "pdf")[1])

    def dossier_in(self, state: str) -> int:
        """Create a dossier of the main agency and bring it to `state` (DOCX-only renders)."""
        wf = self.workflow
        dossier = wf.create(self.user("chuyen_vien"), SON_LA_TEXT, "son-la.yaml")
        if state == "new":
            return dossier.id
        wf.render(self.user("chuyen_vien"), dossier.id, formats=["docx"])
        if state in ("signed", "archived"):  # a signature needs the issued PDF
            wf = Workflow(wf.archive, today=wf.today, issue_formats=("docx", "pdf"),
                          signing=wf.signing)
        steps = [("submitted", lambda: wf.submit(self.user("chuyen_vien"), dossier.id)),
                 ("approved", lambda: wf.approve(self.user("lanh_dao"), dossier.id)),
                 ("issued", lambda: wf.issue(self.user("van_thu"), dossier.id)),
                 ("signed", lambda: wf.upload_signed(self.user("van_thu"), dossier.id,
                                                     self.signed_decision(dossier.id))),
                 ("archived", lambda: wf.archive_dossier(self.user("luu_tru"), dossier.id))]
        for name, step in steps:
            if state == "draft":
                break
            step()
            if name == state:
                break
        return dossier.id


def start_service(data_dir: Path, db_kind: str = "sqlite", **options: object
                  ) -> Iterator[Service]:
    """Run a service on a fresh database of `db_kind` until the generator is closed."""
    with database(db_kind) as db:
        settings = Settings(data_dir=data_dir, database_url=db.url, database_schema=db.schema,
                            today=Clock(date(2025, 12, 16)), issue_formats=("docx",),
                            signing_trust_dir=kit().trust_dir, **options)  # type: ignore[arg-type]
        prepare_archive(data_dir, db.url, db.schema)
        app = create_app(settings)
        workflow = app.state.workflow
        tokens = add_users(workflow.archive, AGENCY)
        strangers = add_users(workflow.archive, OTHER_AGENCY)
        with LiveServer(app) as server:
            yield Service(server.url, workflow, tokens, strangers, data_dir)
