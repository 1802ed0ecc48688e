"""Password hashes, with argon2id through argon2-cffi (the only module that imports it).

Why argon2-cffi: Argon2id won the Password Hashing Competition and is what OWASP
recommends first; argon2-cffi is the maintained binding to its reference C code (used by
pwdlib and passlib themselves), with sane defaults (RFC 9106 "low memory" profile) and a
``check_needs_rehash`` that lets stored hashes follow stronger parameters later. Hashes
are self-describing strings (``$argon2id$v=19$m=…``): algorithm, parameters and salt
travel with the hash, so nothing else needs storing.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()

#: Compared against when a user name does not exist, so that an unknown name takes as
#: long to refuse as a wrong password (no user enumeration by timing).
_DUMMY = _HASHER.hash("docgen: no such user")

#: Shortest password accepted.
MIN_LENGTH = 10
#: Longest password accepted (argon2 takes any length; this bounds the work per request).
MAX_LENGTH = 200


def hash_password(password: str) -> str:
    """Return the argon2id hash of `password` (a fresh random salt each time)."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Return whether `password` matches the `stored` hash (None: compare with a dummy)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Return what is wrong with a new password (Vietnamese), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"mật khẩu cần ít nhất {MIN_LENGTH} ký tự (nhận được {len(password)})"
    if len(password) > MAX_LENGTH:
        return f"mật khẩu tối đa {MAX_LENGTH} ký tự"
    if password.strip() != password:
        return "mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng"
    return None
