"""Agencies and accounts in the workflow: who may manage them, what a valid one is,
signing in (with throttling) and browser sessions.

A mixin of :class:`docgen.workflow.service.Workflow`: the same permission table
(:mod:`docgen.workflow.roles`) governs these actions, for the API, the pages and nobody
else. The quản trị manages agencies and the users of every agency; everyone manages
their own password.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from docgen.archive.accounts import AGENCY_FIELDS
from docgen.archive.errors import NotFoundError
from docgen.archive.passwords import hash_password, password_problem, verify_password
from docgen.archive.records import Actor, hash_token
from docgen.archive.schema import Agency, User
from docgen.archive.store import Archive
from docgen.errors import InputError, Problem
from docgen.workflow.errors import ForbiddenError, ThrottledError, UnauthorizedError
from docgen.workflow.roles import Role

#: An agency code: lower-case letters, digits and hyphens, e.g. ``ubnd-son-la``.
AGENCY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")
#: A user name: lower-case letters, digits, dot, hyphen, underscore.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
#: The abbreviation of an issuing body in a ký hiệu (as the dossier's ``viết tắt``).
ABBREVIATION = re.compile(r"^[A-ZĐ][A-ZĐa-z0-9Đđ-]*$")

#: Vietnamese names of the agency fields, for messages and forms.
AGENCY_FIELD_NAMES = {
    "code": "mã cơ quan", "name": "tên đầy đủ", "parent": "cơ quan chủ quản",
    "issuer": "cơ quan ban hành", "place": "địa danh", "abbreviation": "viết tắt",
    "authority": "thẩm quyền", "authority_name": "tên thẩm quyền",
}
_ISSUER_FIELDS = ("issuer", "place", "abbreviation", "authority", "authority_name")
_LIMITS = {"name": 300, "parent": 600, "issuer": 600, "place": 100, "abbreviation": 30,
           "authority": 300, "authority_name": 300}


@dataclass(frozen=True)
class SignInPolicy:
    """How many failed sign-ins lock a user name or a client out, and for how long;
    how long a session lives."""

    user_failures: int = 5
    client_failures: int = 20
    lock: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(hours=8)
    lifetime: timedelta = timedelta(hours=12)


def normalise_username(username: str) -> str:
    """User names are compared without surrounding blanks and case-insensitively."""
    return username.strip().lower()


def lines(text: str) -> list[str]:
    """Split a multi-line agency fact into its non-empty lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class AccountsWorkflow:
    """Agencies, users, passwords, sign-in and sessions (mixed into Workflow)."""

    archive: Archive
    now: Callable[[], datetime]
    policy: SignInPolicy
    today: Callable[[], date]

    @staticmethod
    def allow(user: User, action: str) -> None: ...  # pragma: no cover  (Workflow's)

    # -- agencies -------------------------------------------------------------------------

    def agencies(self, user: User) -> list[Agency]:
        self.allow(user, "manage_agencies")
        return self.archive.list_agencies()

    def agency(self, user: User, code: str) -> Agency:
        self.allow(user, "manage_agencies")
        return self.archive.get_agency(code)

    def add_agency(self, user: User | None, code: str, facts: dict[str, str]) -> Agency:
        """Create an agency (`user` None: the operator at the command line)."""
        actor = self._actor(user, "manage_agencies")
        code = code.strip()
        problems = check_agency(facts, code)
        if problems:
            raise InputError(problems)
        return self.archive.add_agency(actor, code, _clean(facts), at=self.now())

    def update_agency(self, user: User | None, code: str, facts: dict[str, str]) -> Agency:
        actor = self._actor(user, "manage_agencies")
        problems = check_agency(facts)
        if problems:
            raise InputError(problems)
        return self.archive.update_agency(actor, code, _clean(facts), at=self.now())

    def own_agency(self, user: User) -> Agency:
        """Return the user's own agency (everyone may see the facts they issue under)."""
        self.allow(user, "own_account")
        return self.archive.get_agency(user.agency)

    def issuer_block(self, user: User) -> dict[str, Any]:
        """Return the ``cơ quan`` block of a new dossier of the user's agency (Vietnamese
        keys, as the dossier file and the editor write it); empty facts are left out."""
        self.allow(user, "create")
        return issuer_block(self.archive.get_agency(user.agency))

    # -- users ----------------------------------------------------------------------------

    def add_user(self, user: User | None, *, name: str, role: str, agency: str | None = None,
                 username: str | None = None, password: str | None = None
                 ) -> tuple[User, str]:
        """Create a user (in `agency`, by default the administrator's own) with an API
        token; with a user name and a password, the person can also sign in."""
        actor = self._actor(user, "manage_users")
        agency = agency or (user.agency if user is not None else None)
        problems = []
        if agency is None:
            problems.append(Problem("người dùng", "cơ quan", "mã một cơ quan đã có"))
        if not name.strip() or len(name) > 200:
            problems.append(Problem("người dùng", "họ tên", "từ 1 đến 200 ký tự", repr(name)))
        if username is not None:
            username = normalise_username(username)
            problems += _username_problems(username)
        if password is not None:
            if username is None:
                problems.append(Problem("người dùng", "tên đăng nhập",
                                        "một tên đăng nhập khi đặt mật khẩu"))
            problem = password_problem(password)
            if problem:
                problems.append(Problem("người dùng", "mật khẩu", problem))
        if problems:
            raise InputError(problems)
        assert agency is not None
        return self.archive.add_user(actor, name=name.strip(), agency=agency,
                                     role=Role(role).value, username=username,
                                     password_hash=hash_password(password) if password else None)

    def users(self, user: User, agency: str | None = None) -> list[User]:
        self.allow(user, "manage_users")
        return self.archive.list_users(agency)

    def get_user(self, user: User, user_id: int) -> User:
        self.allow(user, "manage_users")
        return self.archive.get_user(user_id)

    def deactivate_user(self, user: User | None, user_id: int) -> User:
        """Disable a user: tokens and sessions stop at once; the account and its history stay."""
        actor = self._actor(user, "manage_users")
        if user is not None and user.id == user_id:
            raise ForbiddenError("Không thể tự khóa tài khoản của mình.")
        return self.archive.set_user_active(actor, user_id, False)

    def enable_user(self, user: User | None, user_id: int) -> User:
        return self.archive.set_user_active(self._actor(user, "manage_users"), user_id, True)

    def reset_password(self, user: User | None, user_id: int, password: str,
                       username: str | None = None) -> User:
        """Set a user's password (a quản trị, or the operator); every session of the user
        ends. A user without a user name gets `username`."""
        actor = self._actor(user, "manage_users")
        problems = []
        if username is not None:
            username = normalise_username(username)
            problems += _username_problems(username)
        problem = password_problem(password)
        if problem:
            problems.append(Problem("người dùng", "mật khẩu", problem))
        if problems:
            raise InputError(problems)
        target = self.archive.get_user(user_id)
        if target.username is None and username is None:
            raise InputError([Problem("người dùng", "tên đăng nhập",
                                      "một tên đăng nhập (người dùng này chưa có)")])
        return self.archive.set_password(actor, user_id, hash_password(password),
                                         at=self.now(), username=username)

    def change_password(self, user: User, current: str, new: str,
                        keep_session: str | None = None) -> User:
        """Change one's own password, given the current one; the caller's own session
        (`keep_session`, its raw id) stays, every other session ends."""
        self.allow(user, "own_account")
        if not verify_password(user.password_hash, current):
            raise InputError([Problem("đổi mật khẩu", "mật khẩu hiện tại", "mật khẩu đúng",
                                      "mật khẩu không khớp")])
        problem = password_problem(new)
        if problem:
            raise InputError([Problem("đổi mật khẩu", "mật khẩu mới", problem)])
        return self.archive.set_password(
            Actor.of(user), user.id, hash_password(new), at=self.now(),
            keep_session=hash_token(keep_session) if keep_session else None)

    def rotate_token(self, user: User | None, user_id: int) -> tuple[User, str]:
        """Revoke the user's API tokens and issue a new one (shown once): one's own
        (everyone), or anyone's (quản trị, operator)."""
        if user is not None and user.id == user_id:
            actor = self._actor(user, "own_account")
        else:
            actor = self._actor(user, "manage_users")
        return self.archive.rotate_token(actor, user_id, at=self.now())

    # -- signing in -----------------------------------------------------------------------

    def sign_in(self, username: str, password: str, client: str) -> User:
        """Return the user if the name and password are right and the account is active.

        Failures are counted per user name and per client (address), in the archive, so
        the count holds across requests, processes and restarts; past the policy's
        limits, sign-ins are refused (even with the right password) until the lock time
        after the last failure has passed. Unknown names cost as much as wrong passwords.
        """
        at = self.now()
        name = normalise_username(username)
        keys = [f"user:{name}"[:300], f"client:{client}"[:300]]
        since = at - self.policy.lock
        counts = self.archive.sign_in_failures(keys, since=since)
        limits = dict(zip(keys, (self.policy.user_failures, self.policy.client_failures),
                          strict=True))
        locked = [last for key, (failures, last) in counts.items() if failures >= limits[key]]
        if locked:
            wait = (max(locked) + self.policy.lock - at).total_seconds()
            raise ThrottledError(f"Đăng nhập sai quá nhiều lần; hãy thử lại sau "
                                 f"{max(1, math.ceil(wait / 60))} phút.", retry_after=int(wait))
        user = self.archive.user_by_username(name) if name else None
        if not verify_password(user.password_hash if user else None, password):
            self.archive.add_sign_in_failure(keys, at=at, since=since)
            self.archive.record(Actor(name[:200] or "-", user.agency if user else "-",
                                      user.id if user else None),
                                "sign_in_failed", "user", user.id if user else None,
                                client=client)
            raise UnauthorizedError("Tên đăng nhập hoặc mật khẩu không đúng.")
        assert user is not None
        if not user.active:
            raise UnauthorizedError("Tài khoản này đã bị khóa; hãy liên hệ quản trị.")
        self.archive.clear_sign_in_failures(keys[0])
        self.archive.record(Actor.of(user), "sign_in", "user", user.id, client=client)
        return user

    def open_session(self, user: User, replaces: str | None = None) -> tuple[str, str]:
        """Start a browser session; end the one whose raw id is `replaces`. Return the new
        session's raw id and CSRF token."""
        return self.archive.open_session(user.id, at=self.now(),
                                         replaces=hash_token(replaces) if replaces else None)

    def session_user(self, raw: str) -> tuple[User, str] | None:
        """Return the user of a live session and its CSRF token, or None."""
        return self.archive.find_session(raw, at=self.now(), idle=self.policy.idle,
                                         lifetime=self.policy.lifetime)

    def close_session(self, user: User | None, raw: str) -> None:
        self.archive.close_session(hash_token(raw))
        if user is not None:
            self.archive.record(Actor.of(user), "sign_out", "user", user.id)

    # -- helpers --------------------------------------------------------------------------

    def _actor(self, user: User | None, action: str) -> Actor:
        """Return who acts: the user (checked against `action`), or the operator."""
        if user is None:
            return Actor("dòng lệnh", "-")
        self.allow(user, action)
        return Actor.of(user)


def check_agency(facts: dict[str, str], code: str | None = None) -> list[Problem]:
    """Return every problem of an agency's facts (all at once, each naming its field)."""
    source = "cơ quan"
    problems = []
    if code is not None and not AGENCY_CODE.match(code):
        problems.append(Problem(source, AGENCY_FIELD_NAMES["code"],
                                "chữ thường không dấu, số và dấu gạch ngang, ví dụ ubnd-son-la",
                                repr(code)))
    unknown = sorted(set(facts) - set(AGENCY_FIELDS))
    if unknown:
        problems.append(Problem(source, ", ".join(unknown), "chỉ các thông tin: "
                                + ", ".join(AGENCY_FIELD_NAMES[f] for f in AGENCY_FIELDS)))
    values = {name: (facts.get(name) or "").strip() for name in AGENCY_FIELDS}
    if not values["name"]:
        problems.append(Problem(source, AGENCY_FIELD_NAMES["name"], "tên đầy đủ của cơ quan"))
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            problems.append(Problem(source, AGENCY_FIELD_NAMES[name], f"tối đa {limit} ký tự",
                                    f"{len(values[name])} ký tự"))
    for name in ("parent", "issuer"):
        if len(lines(values[name])) > 3:
            problems.append(Problem(source, AGENCY_FIELD_NAMES[name], "tối đa 3 dòng",
                                    f"{len(lines(values[name]))} dòng"))
    given = [name for name in _ISSUER_FIELDS if values[name]]
    if given and len(given) < len(_ISSUER_FIELDS):
        for name in _ISSUER_FIELDS:
            if not values[name]:
                problems.append(Problem(source, AGENCY_FIELD_NAMES[name],
                                        "điền đủ thông tin ban hành (cơ quan ban hành, địa danh, "
                                        "viết tắt, thẩm quyền, tên thẩm quyền) hoặc bỏ trống cả"))
    if values["abbreviation"] and not ABBREVIATION.match(values["abbreviation"]):
        problems.append(Problem(source, AGENCY_FIELD_NAMES["abbreviation"],
                                "chữ viết tắt bắt đầu bằng chữ in hoa, ví dụ UBND hoặc SNV",
                                repr(values["abbreviation"])))
    return problems


def _clean(facts: dict[str, str]) -> dict[str, str]:
    """Strip each fact; multi-line ones keep one line per line."""
    out = {}
    for name in AGENCY_FIELDS:
        value = (facts.get(name) or "").strip()
        out[name] = "\n".join(lines(value)) if name in ("parent", "issuer") else value
    return out


def issuer_block(agency: Agency) -> dict[str, Any]:
    """Return the dossier's ``cơ quan`` block filled from an agency's facts."""
    block: dict[str, Any] = {
        "cơ quan chủ quản": lines(agency.parent),
        "cơ quan ban hành": lines(agency.issuer),
        "địa danh": agency.place,
        "viết tắt": agency.abbreviation,
        "thẩm quyền": agency.authority,
        "tên thẩm quyền": agency.authority_name,
    }
    return {key: value for key, value in block.items() if value}


def _username_problems(username: str) -> list[Problem]:
    if USERNAME.match(username):
        return []
    return [Problem("người dùng", "tên đăng nhập",
                    "chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới (2–100 ký tự)",
                    repr(username))]


__all__ = ["AGENCY_FIELD_NAMES", "AccountsWorkflow", "NotFoundError", "SignInPolicy",
           "check_agency", "issuer_block", "normalise_username"]
