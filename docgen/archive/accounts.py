"""The archive's records about people: agencies, users' sign-in facts, sessions, throttling.

A mixin of :class:`docgen.archive.store.Archive` (it uses the archive's transactions and
audit), kept apart so that the store stays about dossiers and versions. Changes to
agencies and to users are audited in the same transaction; sessions and failure counts
are not (a sign-in is audited by the workflow, once).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from docgen.archive.errors import ConflictError, NotFoundError
from docgen.archive.records import Actor, as_utc, hash_token
from docgen.archive.schema import Agency, ApiToken, SignInFailures, SignInSession, User

#: The facts of an agency besides its code, in the order forms and listings show them.
AGENCY_FIELDS = ("name", "parent", "issuer", "place", "abbreviation", "authority",
                 "authority_name")


class AccountStore:
    """Agencies, user accounts, browser sessions and failed sign-ins (mixed into Archive)."""

    # Provided by Archive.
    def _reading(self) -> AbstractContextManager[Session]: ...  # pragma: no cover
    def _writing(self) -> AbstractContextManager[Session]: ...  # pragma: no cover
    def _audit(self, session: Session, actor: Actor, action: str, object_type: str,
               object_id: int | None, **detail: Any) -> None: ...  # pragma: no cover

    # -- agencies -------------------------------------------------------------------------

    def add_agency(self, actor: Actor, code: str, facts: dict[str, str], *,
                   at: datetime) -> Agency:
        """Create an agency; refuse a code already used."""
        with self._writing() as session:
            if session.get(Agency, code) is not None:
                raise ConflictError(f"Đã có cơ quan mã {code!r}.")
            agency = Agency(code=code, created_at=at, updated_at=at,
                            **{name: facts.get(name, "") for name in AGENCY_FIELDS})
            session.add(agency)
            session.flush()
            self._audit(session, actor, "agency_add", "agency", None, code=code,
                        **{name: getattr(agency, name) for name in AGENCY_FIELDS})
        return agency

    def update_agency(self, actor: Actor, code: str, facts: dict[str, str], *,
                      at: datetime) -> Agency:
        """Change an agency's facts (its code never changes)."""
        with self._writing() as session:
            agency = require_agency(session, code)
            before = {name: getattr(agency, name) for name in AGENCY_FIELDS}
            for name in AGENCY_FIELDS:
                setattr(agency, name, facts.get(name, ""))
            agency.updated_at = at
            changed = {name: [before[name], getattr(agency, name)] for name in AGENCY_FIELDS
                       if before[name] != getattr(agency, name)}
            self._audit(session, actor, "agency_update", "agency", None, code=code,
                        changed=changed)
        return agency

    def get_agency(self, code: str) -> Agency:
        with self._reading() as session:
            return require_agency(session, code)

    def list_agencies(self) -> list[Agency]:
        with self._reading() as session:
            return list(session.scalars(select(Agency).order_by(Agency.code)))

    # -- users ----------------------------------------------------------------------------

    def get_user(self, user_id: int, agency: str | None = None) -> User:
        """Return a user (of `agency`, when given: another agency's is not found)."""
        with self._reading() as session:
            user = session.get(User, user_id)
        if user is None or (agency is not None and user.agency != agency):
            raise NotFoundError(f"Không tìm thấy người dùng số {user_id}.")
        return user

    def user_by_username(self, username: str) -> User | None:
        with self._reading() as session:
            return session.scalars(select(User).where(User.username == username)).first()

    def set_user_active(self, actor: Actor, user_id: int, active: bool, *,
                        agency: str | None = None) -> User:
        """Enable or disable a user; disabling ends their sessions and stops their tokens."""
        with self._writing() as session:
            user = _user(session, user_id, agency)
            if not active and user.active and user.role == ADMIN_ROLE:
                _require_another_admin(session, user.id)
            user.active = active
            if not active:
                session.execute(delete(SignInSession).where(SignInSession.user_id == user.id))
            self._audit(session, actor, "user_enable" if active else "user_deactivate", "user",
                        user.id, role=user.role, user_agency=user.agency)
        return user

    def set_password(self, actor: Actor, user_id: int, password_hash: str, *, at: datetime,
                     username: str | None = None, agency: str | None = None,
                     keep_session: str | None = None) -> User:
        """Store a new password hash (and a user name if the user has none yet); end every
        session of the user except `keep_session` (the SHA-256 of the caller's own)."""
        with self._writing() as session:
            user = _user(session, user_id, agency)
            if username is not None and username != user.username:
                if user.username is not None:
                    raise ConflictError(f"Người dùng số {user.id} đã có tên đăng nhập "
                                        f"{user.username!r}; không đổi được.")
                require_free_username(session, username)
                user.username = username
            user.password_hash, user.password_changed_at = password_hash, at
            ending = delete(SignInSession).where(SignInSession.user_id == user.id)
            if keep_session is not None:
                ending = ending.where(SignInSession.id_sha256 != keep_session)
            session.execute(ending)
            self._audit(session, actor, "password_set", "user", user.id,
                        user_agency=user.agency, by_self=actor.user_id == user.id)
        return user

    def rotate_token(self, actor: Actor, user_id: int, *, at: datetime,
                     agency: str | None = None) -> tuple[User, str]:
        """Revoke every API token of the user and issue one new token (shown once)."""
        token = secrets.token_urlsafe(32)
        with self._writing() as session:
            user = _user(session, user_id, agency)
            session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
            session.add(ApiToken(user_id=user.id, token_sha256=hash_token(token), created_at=at))
            self._audit(session, actor, "token_rotate", "user", user.id, user_agency=user.agency)
        return user, token

    # -- sessions -------------------------------------------------------------------------

    def open_session(self, user_id: int, *, at: datetime, replaces: str | None = None
                     ) -> tuple[str, str]:
        """Start a session for the user; return its random id and CSRF token.

        The session named by `replaces` (the SHA-256 of the id the browser had) is ended
        in the same transaction: signing in always yields a new id.
        """
        raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._writing() as session:
            if replaces is not None:
                session.execute(delete(SignInSession)
                                .where(SignInSession.id_sha256 == replaces))
            session.add(SignInSession(id_sha256=hash_token(raw), user_id=user_id, csrf=csrf,
                                      created_at=at, last_seen_at=at))
        return raw, csrf

    def find_session(self, raw: str, *, at: datetime, idle: timedelta, lifetime: timedelta
                     ) -> tuple[User, str] | None:
        """Return the active user of a live session and its CSRF token, or None.

        An expired session is deleted; a live one has its last use moved forward (at most
        once a minute, so that reading pages does not write on every request).
        """
        digest = hash_token(raw)
        with self._reading() as session:
            row = session.execute(select(SignInSession, User)
                                  .join(User, User.id == SignInSession.user_id)
                                  .where(SignInSession.id_sha256 == digest)).first()
        if row is None:
            return None
        found, user = row
        created, seen = as_utc(found.created_at), as_utc(found.last_seen_at)
        if not user.active or at - seen > idle or at - created > lifetime:
            self.close_session(digest)
            return None
        if at - seen > timedelta(minutes=1):
            with self._writing() as session:
                item = session.get(SignInSession, digest)
                if item is not None:
                    item.last_seen_at = at
        return user, found.csrf

    def close_session(self, digest: str) -> None:
        """End the session whose id has SHA-256 `digest` (nothing if there is none)."""
        with self._writing() as session:
            session.execute(delete(SignInSession).where(SignInSession.id_sha256 == digest))

    # -- failed sign-ins ------------------------------------------------------------------

    def sign_in_failures(self, keys: Sequence[str], *, since: datetime
                         ) -> dict[str, tuple[int, datetime]]:
        """Return, for each key with failures after `since`, their number and the last one."""
        with self._reading() as session:
            rows = session.scalars(select(SignInFailures).where(SignInFailures.key.in_(keys)))
            return {r.key: (r.failures, as_utc(r.last_at)) for r in rows
                    if as_utc(r.last_at) > since}

    def add_sign_in_failure(self, keys: Sequence[str], *, at: datetime,
                            since: datetime) -> None:
        """Count one failure under each key; counts older than `since` start again."""
        with self._writing() as session:
            for key in keys:
                row = session.get(SignInFailures, key)
                if row is None:
                    session.add(SignInFailures(key=key, failures=1, first_at=at, last_at=at))
                elif as_utc(row.last_at) <= since:
                    row.failures, row.first_at, row.last_at = 1, at, at
                else:
                    row.failures, row.last_at = row.failures + 1, at

    def clear_sign_in_failures(self, key: str) -> None:
        with self._writing() as session:
            session.execute(delete(SignInFailures).where(SignInFailures.key == key))


def require_agency(session: Session, code: str) -> Agency:
    agency = session.get(Agency, code)
    if agency is None:
        raise NotFoundError(f"Không có cơ quan mã {code!r}; hãy tạo trước "
                            "(docgen agency add, hoặc trang Quản trị › Cơ quan).")
    return agency


#: The role that administers the deployment (docgen.workflow.roles.Role.ADMIN's value; the
#: archive sits below the workflow and cannot import it).
ADMIN_ROLE = "quan_tri"


def _require_another_admin(session: Session, user_id: int) -> None:
    """Refuse to disable the deployment's last active quản trị: nobody could then manage
    users or agencies except from the server's command line."""
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == ADMIN_ROLE, User.active.is_(True), User.id != user_id))
    if not others:
        raise ConflictError("Đây là quản trị duy nhất còn hoạt động: không thể khóa. "
                            "Hãy thêm hoặc mở lại một quản trị khác trước.")


def _user(session: Session, user_id: int, agency: str | None) -> User:
    user = session.get(User, user_id)
    if user is None or (agency is not None and user.agency != agency):
        raise NotFoundError(f"Không tìm thấy người dùng số {user_id}.")
    return user


def require_free_username(session: Session, username: str) -> None:
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise ConflictError(f"Tên đăng nhập {username!r} đã có người dùng.")


def iter_agency_facts(agency: Agency) -> Iterator[tuple[str, str]]:
    """Yield (field, value) of an agency's facts, in AGENCY_FIELDS order."""
    for name in AGENCY_FIELDS:
        yield name, getattr(agency, name)
