"""Every role against every endpoint; nobody deletes or overwrites a version.

Each case prepares a dossier in the state the endpoint needs (so an allowed role
succeeds), then calls the endpoint as the role. The expected statuses are the table below.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from live import AGENCY, OTHER_AGENCY, SON_LA_TEXT, YAML, Service, blank_pdf
from pki import seal_png
from service import ROLES

from docgen.archive.passwords import hash_password
from docgen.archive.store import Actor
from docgen.render.templates import SHIPPED

#: endpoint             chuyen_vien lanh_dao van_thu luu_tru quan_tri
#: (upload_signed: the văn thư may, but a blank PDF over a DOCX-only issue has no issued PDF
#: to verify against: 409; agency_sign: allowed, but the agency has no seal yet: 409; the
#: signature checks are tests/signing's)
MATRIX = """
list_dossiers           200         200      200     200     403
create_dossier          201         403      403     403     403
get_dossier             200         200      200     200     403
update_dossier          200         403      403     403     403
get_content             200         200      200     200     403
results_workbook        200         200      200     200     403
warnings                200         200      200     200     403
render                  201         403      403     403     403
submit                  200         403      403     403     403
approve                 403         200      403     403     403
send_back               403         200      403     403     403
issue                   403         403      200     403     403
upload_signed           403         403      409     403     403
agency_sign             403         403      409     403     403
metadata_xml            200         200      200     200     403
agency_seal             403         403      200     403     403
archive                 403         403      403     200     403
documents               200         200      200     200     403
versions                200         200      200     200     403
audit                   200         200      200     200     403
get_version             200         200      200     200     403
download                200         200      200     200     403
diff                    200         200      200     200     403
list_users              403         403      403     403     200
add_user                403         403      403     403     201
deactivate_user         403         403      403     403     200
enable_user             403         403      403     403     200
get_user                403         403      403     403     200
reset_password          403         403      403     403     200
rotate_token            403         403      403     403     200
verify                  403         403      403     200     200
me                      200         200      200     200     200
my_agency               200         200      200     200     200
change_password         200         200      200     200     200
list_agencies           403         403      403     403     200
add_agency              403         403      403     403     201
get_agency              403         403      403     403     200
update_agency           403         403      403     403     200
preview                 200         403      403     403     403
preview_text            200         403      403     403     403
report_audit            200         200      200     200     403
get_job                 200         200      200     200     403
cancel_job              200         403      403     403     403
list_templates          200         200      200     200     200
upload_templates        403         403      201     403     201
choose_templates        403         403      200     403     200
template_file           200         200      200     200     200
agency_templates        404         404      404     404     200
upload_agency_templates 403         403      404     403     201
choose_agency_templates 403         403      404     403     200
agency_template_file    404         404      404     404     200
"""
EXPECTED = {line.split()[0]: dict(zip(ROLES, map(int, line.split()[1:]), strict=True))
            for line in MATRIX.strip().splitlines()}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {d}: a dossier id, {v}: a version id of it, {u}: another user's id,
    # {j}: a (finished) render job of the chuyên viên on the dossier
    state: str  # the state the dossier must be in for the call to succeed
    body: Callable[[], dict[str, object]] = dict
    #: Done before the call, as the test's operator, with the service and the caller's role.
    prepare: Callable[[Service, str], None] | None = None


OLD_PASSWORD, NEW_PASSWORD = "mật khẩu cũ 2025", "mật khẩu mới 2026"
_counter = itertools.count(1)


def _own_password(service: Service, role: str) -> None:
    """Give the caller a known password, which the call then changes."""
    user = service.user(role)
    service.workflow.archive.set_password(Actor("test", "-"), user.id,
                                          hash_password(OLD_PASSWORD), at=datetime.now(UTC),
                                          username=user.username or f"u{user.id}")


def _new_agency() -> dict[str, object]:
    return {"json": {"code": f"co-quan-{next(_counter)}", "name": "Sở Nội vụ tỉnh Sơn La"}}


def _yaml() -> dict[str, object]:
    return {"content": SON_LA_TEXT, "headers": YAML}


def _pdf() -> dict[str, object]:
    return {"content": blank_pdf(), "headers": {"Content-Type": "application/pdf"}}


PHU_LUC = (SHIPPED / "bao_cao" / "phu_luc.docx").read_bytes()


def _template_set() -> dict[str, object]:
    """A set of one checked template (the shipped Phụ lục)."""
    return {"files": [("files", ("phu_luc.docx", PHU_LUC, "application/octet-stream"))]}


def _has_set(agency: str) -> Callable[[Service, str], None]:
    """Make sure `agency` has a template set version 1."""
    def prepare(service: Service, _role: str) -> None:
        archive = service.workflow.archive
        if not archive.list_template_sets(agency)[0]:
            archive.add_template_set(Actor.of(service.user("van_thu")), agency,
                                     {"phu_luc.docx": PHU_LUC})
    return prepare


ENDPOINTS = {
    "list_dossiers": Endpoint("GET", "/dossiers", "draft"),
    "create_dossier": Endpoint("POST", "/dossiers", "draft", _yaml),
    "get_dossier": Endpoint("GET", "/dossiers/{d}", "draft"),
    "update_dossier": Endpoint("PUT", "/dossiers/{d}", "draft", _yaml),
    "get_content": Endpoint("GET", "/dossiers/{d}/content", "draft"),
    "results_workbook": Endpoint("GET", "/dossiers/{d}/results.xlsx", "draft"),
    "warnings": Endpoint("GET", "/dossiers/{d}/warnings", "draft"),
    "render": Endpoint("POST", "/dossiers/{d}/render?format=docx&kind=quyet_dinh", "draft"),
    "submit": Endpoint("POST", "/dossiers/{d}/submit", "draft"),
    "approve": Endpoint("POST", "/dossiers/{d}/approve", "submitted"),
    "send_back": Endpoint("POST", "/dossiers/{d}/send-back", "submitted",
                          lambda: {"json": {"reason": "Bổ sung số liệu"}}),
    "issue": Endpoint("POST", "/dossiers/{d}/issue", "approved"),
    "upload_signed": Endpoint("POST", "/dossiers/{d}/signed", "issued", _pdf),
    "archive": Endpoint("POST", "/dossiers/{d}/archive", "signed"),
    "metadata_xml": Endpoint("GET", "/versions/{v}/metadata.xml", "draft"),
    "agency_sign": Endpoint("POST", "/dossiers/{d}/agency-signature", "signed"),
    "agency_seal": Endpoint("PUT", "/me/agency/seal", "draft", lambda: {
        "content": seal_png(), "headers": {"Content-Type": "image/png"}}),
    "documents": Endpoint("GET", "/dossiers/{d}/documents", "draft"),
    "versions": Endpoint("GET", "/dossiers/{d}/documents/quyet_dinh/versions", "draft"),
    "audit": Endpoint("GET", "/dossiers/{d}/audit", "draft"),
    "get_version": Endpoint("GET", "/versions/{v}", "draft"),
    "download": Endpoint("GET", "/versions/{v}/files/docx", "draft"),
    "diff": Endpoint("GET", "/versions/{v}/diff/{v}", "draft"),
    "list_users": Endpoint("GET", "/users", "draft"),
    "add_user": Endpoint("POST", "/users", "draft",
                         lambda: {"json": {"name": "Trần Thị Mới", "role": "chuyen_vien"}}),
    "deactivate_user": Endpoint("POST", "/users/{u}/deactivate", "draft"),
    "enable_user": Endpoint("POST", "/users/{u}/enable", "draft"),
    "get_user": Endpoint("GET", "/users/{u}", "draft"),
    "reset_password": Endpoint("POST", "/users/{u}/password", "draft", lambda: {"json": {
        "password": "mật khẩu đặt lại", "username": f"tam-{next(_counter)}"}}),
    "rotate_token": Endpoint("POST", "/users/{u}/token", "draft"),
    "verify": Endpoint("POST", "/archive/verify", "draft"),
    "me": Endpoint("GET", "/me", "draft"),
    "my_agency": Endpoint("GET", "/me/agency", "draft"),
    "change_password": Endpoint("POST", "/me/password", "draft", lambda: {"json": {
        "current": OLD_PASSWORD, "new": NEW_PASSWORD}}, prepare=_own_password),
    "list_agencies": Endpoint("GET", "/agencies", "draft"),
    "add_agency": Endpoint("POST", "/agencies", "draft", _new_agency),
    "get_agency": Endpoint("GET", f"/agencies/{AGENCY}", "draft"),
    "update_agency": Endpoint("PUT", f"/agencies/{OTHER_AGENCY}", "draft", lambda: {"json": {
        "name": "Ủy ban nhân dân huyện Phù Yên"}}),
    "preview": Endpoint("POST", "/dossiers/{d}/preview?format=docx&kind=quyet_dinh", "draft"),
    "preview_text": Endpoint("POST", "/dossiers/preview?format=docx&kind=quyet_dinh", "draft",
                             _yaml),
    "report_audit": Endpoint("POST", "/dossiers/{d}/report-audit", "draft", lambda: {
        "content": "Tổng số phiếu thu về là 1.000/1.043 phiếu, đạt 95,88%.".encode(),
        "headers": {"Content-Type": "text/plain"}}),
    "get_job": Endpoint("GET", "/jobs/{j}", "draft"),
    "cancel_job": Endpoint("POST", "/jobs/{j}/cancel", "draft"),
    "list_templates": Endpoint("GET", "/me/agency/templates", "draft"),
    "upload_templates": Endpoint("POST", "/me/agency/templates", "draft", _template_set),
    "choose_templates": Endpoint("PUT", "/me/agency/templates/active", "draft",
                                 lambda: {"json": {"version": None}}),
    "template_file": Endpoint("GET", "/me/agency/templates/1/phu_luc.docx", "draft",
                              prepare=_has_set(AGENCY)),
    "agency_templates": Endpoint("GET", f"/agencies/{OTHER_AGENCY}/templates", "draft"),
    "upload_agency_templates": Endpoint("POST", f"/agencies/{OTHER_AGENCY}/templates", "draft",
                                        _template_set),
    "choose_agency_templates": Endpoint("PUT", f"/agencies/{OTHER_AGENCY}/templates/active",
                                        "draft", lambda: {"json": {"version": None}}),
    "agency_template_file": Endpoint("GET", f"/agencies/{OTHER_AGENCY}/templates/1/phu_luc.docx",
                                     "draft", prepare=_has_set(OTHER_AGENCY)),
}

#: Endpoints that name a dossier or a version (another agency's must be invisible). Users
#: are not among them: the quản trị administers the users of every agency.
SCOPED = [name for name, e in ENDPOINTS.items()
          if any(k in e.path for k in ("{d}", "{v}", "{j}"))]


_shared: dict[tuple[str, str], int] = {}


def _dossier(service: Service, state: str, fresh: bool) -> int:
    """Return a dossier in `state`: a new one when the call may change it, else a shared one."""
    if fresh:
        return service.dossier_in(state)
    key = (service.url, state)
    if key not in _shared:
        _shared[key] = service.dossier_in(state)
    return _shared[key]


def _spare_user(service: Service) -> int:
    """Return a fresh user of the main agency, that a call may deactivate."""
    user, _ = service.workflow.archive.add_user(Actor("test", "-"), name="Người dùng tạm",
                                                agency=AGENCY, role="chuyen_vien")
    return user.id


def _job(service: Service, dossier_id: int) -> int:
    """Return a render job of the chuyên viên on the dossier, finished (it holds no place
    under the limits)."""
    archive = service.workflow.archive
    job = archive.create_job(action="render", dossier_id=dossier_id,
                             user_id=service.user("chuyen_vien").id, agency=AGENCY,
                             params={"formats": ["docx"], "kinds": ["quyet_dinh"]})
    archive.finish_job(job.id, "cancelled", code="cancelled", message="Đã hủy theo yêu cầu.")
    return job.id


def _call(service: Service, name: str, role: str | None, *, stranger: bool = False
          ) -> tuple[int, dict[str, object]]:
    endpoint = ENDPOINTS[name]
    changes = endpoint.method != "GET" and role is not None and not stranger \
        and EXPECTED[name][role] < 400
    dossier_id = _dossier(service, endpoint.state, fresh=changes)
    versions, _ = service.workflow.archive.list_versions(dossier_id, "quyet_dinh", limit=1,
                                                         offset=0)
    path = endpoint.path.format(d=dossier_id, v=versions[0].version.id if versions else 0,
                                u=_spare_user(service) if "{u}" in endpoint.path else 0,
                                j=_job(service, dossier_id) if "{j}" in endpoint.path else 0)
    if endpoint.prepare is not None and role is not None:
        endpoint.prepare(service, role)
    with service.client(role, stranger=stranger) as client:
        response = client.request(endpoint.method, path, **endpoint.body())
    body = response.json() if response.headers["content-type"] == "application/json" else {}
    return response.status_code, body


def test_the_table_covers_every_route_of_the_service(service: Service) -> None:
    with service.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    covered = {(e.method, e.path.split("?")[0].replace("{d}", "{dossier_id}")
                .replace("/{v}/diff/{v}", "/{version_id}/diff/{other_id}")
                .replace("{v}", "{version_id}").replace("files/docx", "files/{format}")
                .replace("documents/quyet_dinh", "documents/{kind}").replace("{u}", "{user_id}")
                .replace("{j}", "{job_id}")
                .replace("/templates/1/phu_luc.docx", "/templates/{version}/{name}")
                .replace(f"/agencies/{AGENCY}", "/agencies/{code}")
                .replace(f"/agencies/{OTHER_AGENCY}", "/agencies/{code}"))
               for e in ENDPOINTS.values()}
    assert routes - {("GET", "/health")} == covered
    assert set(EXPECTED) == set(ENDPOINTS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_role_gets_the_expected_status(service: Service, name: str, role: str) -> None:
    status, body = _call(service, name, role)
    assert status == EXPECTED[name][role], body
    if status == 403:
        assert body["code"] == "forbidden" and "không được phép" in str(body["message"])


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_without_a_token_every_endpoint_answers_401(service: Service, name: str) -> None:
    status, body = _call(service, name, None)
    assert (status, body["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("name", SCOPED)
def test_another_agency_cannot_see_a_dossier_even_with_the_right_role(service: Service,
                                                                      name: str) -> None:
    role = next(r for r in ROLES if EXPECTED[name][r] != 403)
    status, body = _call(service, name, role, stranger=True)
    assert (status, body["code"]) == (404, "not_found")


def test_another_agency_lists_none_of_the_dossiers(service: Service) -> None:
    service.dossier_in("draft")
    with service.client("lanh_dao", stranger=True) as client:
        page = client.get("/dossiers").json()
    assert (page["items"], page["total"]) == ([], 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), [
    ("DELETE", "/versions/{v}"), ("PUT", "/versions/{v}"), ("PATCH", "/versions/{v}"),
    ("POST", "/versions/{v}"), ("DELETE", "/versions/{v}/files/pdf"),
    ("PUT", "/versions/{v}/files/pdf"), ("DELETE", "/dossiers/{d}"),
    ("DELETE", "/dossiers/{d}/documents/quyet_dinh/versions"),
])
def test_no_role_can_delete_or_overwrite_a_version(service: Service, role: str, method: str,
                                                   path: str) -> None:
    dossier_id = _dossier(service, "issued", fresh=False)
    records, _ = service.workflow.archive.list_versions(dossier_id, "quyet_dinh", limit=10,
                                                        offset=0)
    before = [(r.version.id, [(f.format, f.sha256) for f in r.files]) for r in records]
    with service.client(role) as client:
        response = client.request(method, path.format(d=dossier_id, v=records[0].version.id),
                                  content=b"%PDF-overwrite")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    after, _ = service.workflow.archive.list_versions(dossier_id, "quyet_dinh", limit=10,
                                                      offset=0)
    assert [(r.version.id, [(f.format, f.sha256) for f in r.files]) for r in after] == before


def test_a_quan_tri_of_another_agency_manages_the_users_of_every_agency(service: Service) -> None:
    spare = _spare_user(service)
    with service.client("quan_tri", stranger=True) as client:
        shown = client.get(f"/users/{spare}")
        disabled = client.post(f"/users/{spare}/deactivate")
        listed = client.get("/users", params={"agency": AGENCY})
    assert (shown.status_code, shown.json()["agency"]) == (200, AGENCY)
    assert (disabled.status_code, disabled.json()["active"]) == (200, False)
    assert {u["agency"] for u in listed.json()} == {AGENCY}
    assert spare in {u["id"] for u in listed.json()}
