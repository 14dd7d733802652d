"""Who may use the print desk: the password, the session key, CSRF tokens.

- The server listens on 127.0.0.1 unless told otherwise; on any other address it will not start
  without a password (`fieldprint serve --set-password`), hashed with Argon2id (argon2-cffi)
  in WORKSPACE/.fieldprint/password, and then serves logged-in sessions only.
- Sessions are Starlette's signed cookies (itsdangerous) with a random key kept in
  WORKSPACE/.fieldprint/secret: HttpOnly, SameSite=Lax (set by the middleware).
- Every form posts the session's CSRF token (a hidden field, or the X-CSRF-Token header htmx
  sends); a request without it changes nothing.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..output import write_bytes

_hasher = PasswordHasher()
MIN_PASSWORD = 8


def is_local(host: str) -> bool:
    """Whether `host` is a loopback address (127.0.0.0/8, ::1) or 'localhost'."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secret_key(private: Path) -> str:
    """The session-signing key of this workspace, made on first use (readable by the owner only)."""
    path = private / "secret"
    if path.is_file():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def password_file(private: Path) -> Path:
    """Where the workspace's password hash is kept."""
    return private / "password"


def set_password(private: Path, password: str) -> None:
    """Store the Argon2id hash of `password` (never the password)."""
    write_bytes(password_file(private), _hasher.hash(password).encode())
    os.chmod(password_file(private), 0o600)


def password_hash(private: Path) -> str | None:
    """The stored password hash (argon2), or None when no password is set."""
    path = password_file(private)
    return path.read_text().strip() if path.is_file() else None


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the `stored` hash (False when either is empty or the hash is
    broken)."""
    if not stored or not password:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def csrf_token(session: dict) -> str:
    """The session's CSRF token, made when first needed."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict, sent: str | None) -> bool:
    """Whether the form's token `sent` is the session's (compared in constant time)."""
    token = session.get("csrf")
    return bool(token and sent and hmac.compare_digest(str(token), str(sent)))
