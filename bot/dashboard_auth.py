"""Signing in to the dashboard from chat: a one-time link (signed, 10 minutes, claimed once in the database)
that turns into a signed session cookie (8 hours).

The signing key never lives in the database: it is derived from `HEROBOT_SECRET_KEY` when that is set,
else it is a random key made once per process (links and sessions then end with the process).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import Core
from storage import dashboard as store
from storage import keys
from storage.db import write

LINK_LIFE = timedelta(minutes=10)
SESSION_LIFE = timedelta(hours=8)
COOKIE = "herobot_dashboard"


class SignInRefused(Exception):
    """The link or session is forged, expired or used; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    platform: str
    user_id: str


def _key(core: Core) -> bytes:
    """Derived from the server's secret (HEROBOT_SECRET_KEY or the key file), never stored in the database."""
    return keys.derived_key(core.db, b"herobot dashboard v1")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, purpose: str, fields: list[str]) -> str:
    body = _b64("\n".join([purpose, *fields]).encode())
    mac = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def _open(key: bytes, purpose: str, token: str, now: datetime) -> list[str]:
    """The signed fields after the purpose and expiry; refuses forged, malformed and expired tokens."""
    body, dot, mac = (token or "").partition(".")
    if not dot or len(token) > 2000:
        raise SignInRefused("This link is not valid.")
    try:
        expected = hmac.new(key, body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise SignInRefused("This link is not valid.")
        got_purpose, expires, *fields = _unb64(body).decode().split("\n")
        expires_at = datetime.fromtimestamp(int(expires), now.tzinfo)
    except (ValueError, UnicodeDecodeError) as error:
        raise SignInRefused("This link is not valid.") from error
    if got_purpose != purpose:
        raise SignInRefused("This link is not valid.")
    if now >= expires_at:
        raise SignInRefused("This link has expired." if purpose == "login" else "Your session has ended.")
    return fields


def login_link(core: Core, platform: str, user_id: str) -> str:
    """A sign-in link for one person, valid for 10 minutes and one use."""
    expires = int((core.now() + LINK_LIFE).timestamp())
    token = _sign(_key(core), "login", [str(expires), platform, user_id, secrets.token_urlsafe(12)])
    return f"{core.config.web_base_url}/dashboard/login?token={token}"


def sign_in(core: Core, token: str) -> tuple[Identity, str]:
    """Check and claim a sign-in link: (who, a session cookie value). Refused when forged, expired or used."""
    now = core.now()
    platform, user_id, nonce = _fields(_open(_key(core), "login", token, now), 3)
    with write(core.db) as db:
        store.forget_logins_before(db.conn, now - 2 * LINK_LIFE)
        if not store.claim_login(db.conn, nonce, now):
            raise SignInRefused("This link has been used already.")
    expires = int((now + SESSION_LIFE).timestamp())
    return Identity(platform, user_id), _sign(_key(core), "session", [str(expires), platform, user_id])


def session_of(core: Core, cookie: str | None) -> Identity | None:
    """Who a session cookie belongs to; None when it is missing, forged or expired."""
    if not cookie:
        return None
    try:
        platform, user_id = _fields(_open(_key(core), "session", cookie, core.now()), 2)
    except SignInRefused:
        return None
    return Identity(platform, user_id)


def secure_cookie(core: Core) -> bool:
    return core.config.web_base_url.startswith("https://")


def _fields(fields: list[str], count: int) -> list[str]:
    if len(fields) != count or not all(fields):
        raise SignInRefused("This link is not valid.")
    return fields
