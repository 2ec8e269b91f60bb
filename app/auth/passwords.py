"""Passwords: hashed with Argon2id (argon2-cffi, its RFC 9106 low-memory profile), checked in
the same time whether or not the user exists, rehashed when the parameters change, and held to
a simple rule (`password_problem`). No web framework."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core import clock
from app.models import User

MIN_LENGTH = 12
MAX_LENGTH = 200
"""Argon2 takes any length; the cap only keeps a request from hashing megabytes."""
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123123123123",
        "111111111111",
        "000000000000",
        "password1234",
        "password12345",
        "password123456",
        "passwordpassword",
        "qwertyuiopasdf",
        "qwertyuiop123",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "abcdefghijkl",
        "abc123abc123",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "administrator",
        "fieldroute123",
        "fieldroute1234",
    }
)
"""Common passwords of 12 or more characters, as they appear in breach lists (shorter ones are
refused by the length rule already)."""

_hasher = PasswordHasher()


def password_problem(password: str, *, email: str) -> str | None:
    """Why `password` is refused, or None. The rule: 12 to 200 characters, not one character
    repeated, not a common password, and not containing the part of the e-mail before the @."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters, please (a few words make a good one)"
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if len(set(lowered)) == 1:
        return "not one character repeated"
    if lowered in COMMON:
        return "this is one of the most common passwords; choose another"
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return "not your e-mail address or part of it"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()


def clear_password(user: User) -> None:
    user.password_hash = None
    user.password_changed_at = clock.now()


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """Whether `password` is `user`'s. Unknown users and users without a password take one
    Argon2 verification too, so the answer's timing does not tell whether the e-mail exists.
    A hash made with older parameters is replaced on success (the caller commits)."""
    stored = user.password_hash if user is not None else None
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if user is None or stored is None:
        return False
    if _hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return True
