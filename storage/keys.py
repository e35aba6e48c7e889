"""The secret that lets the bot recognise and reach anonymous authors, kept outside the database.

`author_key` is HMAC-SHA256(secret, "platform:user"): the file alone cannot tell whose it is.
The way back to an author (their direct conversation with the bot) is sealed with AES-256-GCM
under a key derived from the same secret (HKDF-SHA256), with a fresh random nonce each time,
so two ideas of one person never share a stored value and a copied value cannot be moved to
another idea (the idea id is authenticated data). AES-GCM comes from `cryptography`, the
maintained library that MSAL already depends on; the stdlib has no authenticated cipher.

The secret comes from `HEROBOT_SECRET_KEY`, else from a key file created 0600 on first start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
import tomllib
import weakref
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlite_utils import Database

SEALED = "v1:"  # prefix of a sealed value
MIN_SECRET_BYTES = 16

_attached: weakref.WeakKeyDictionary[Database, tuple[bytes, bytes]] = weakref.WeakKeyDictionary()


class SecretError(Exception):
    """No usable secret: unreadable key file, or a HEROBOT_SECRET_KEY too short to be one."""


def parse_secret(value: str) -> bytes:
    """64 hex digits are 32 bytes; anything else is taken as its UTF-8 bytes."""
    value = value.strip()
    try:
        secret = bytes.fromhex(value) if len(value) == 64 else value.encode()
    except ValueError:
        secret = value.encode()
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(f"HEROBOT_SECRET_KEY must hold at least {MIN_SECRET_BYTES} bytes (e.g. 64 hex digits)")
    return secret


def load_secret(env_value: str | None, key_file: str | Path, db_path: str | Path | None = None) -> bytes:
    """The secret from the environment, else from `key_file`, which is created (0600) when missing.

    A database from before the secret moved out still holds its old secret: a new key file then
    takes that secret, so existing anonymous authors keep finding their ideas (migration m008
    deletes it from the database)."""
    if env_value:
        return parse_secret(env_value)
    path = Path(key_file)
    if not path.exists():
        legacy = _legacy_secret(db_path)
        _create_key_file(path, legacy.hex() if legacy else secrets.token_hex(32))
    try:
        return parse_secret(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as error:
        raise SecretError(f"cannot read the key file {path}: {error}") from error


def key_file_path(config_path: str | Path, configured: str | None) -> Path:
    """`[storage] key_file` (relative to the config file's folder), else herobot.key beside the config."""
    return Path(config_path).parent / (configured or "herobot.key")


def secret_from_environment(db_path: str | Path, env: Mapping[str, str] = os.environ) -> bytes:
    """The secret `herobot` runs with, for callers that open the database without one: HEROBOT_SECRET_KEY,
    else the key file that the config HEROBOT_CONFIG names (or herobot.key beside ./herobot.toml)."""
    config_path = env.get("HEROBOT_CONFIG") or "./herobot.toml"
    return load_secret(env.get("HEROBOT_SECRET_KEY") or None,
                       key_file_path(config_path, _configured_key_file(config_path)), db_path)


def _configured_key_file(config_path: str | Path) -> str | None:
    """`[storage] key_file`, read leniently: `herobot` itself reads the config strictly before it opens anything."""
    try:
        table = tomllib.loads(Path(config_path).read_text(encoding="utf-8")).get("storage", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    value = table.get("key_file") if isinstance(table, dict) else None
    return value if isinstance(value, str) and value else None


def _create_key_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first: use theirs
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")


def _legacy_secret(db_path: str | Path | None) -> bytes | None:
    if not db_path or str(db_path) == ":memory:" or not Path(db_path).exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'author_key_secret'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return bytes.fromhex(row[0]) if row else None


def attach(db: Database, secret: bytes) -> None:
    """Give this connection the secret (kept in memory only) and the sealing key derived from it."""
    seal_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=b"herobot author reach path").derive(secret)
    _attached[db] = (secret, seal_key)


def _keys(db: Database) -> tuple[bytes, bytes]:
    try:
        return _attached[db]
    except KeyError:
        raise SecretError("the database was opened without the secret key (storage.db.open_database)") from None


def derived_key(db: Database, purpose: bytes) -> bytes:
    """A key for one purpose (e.g. signing the dashboard's links), derived from the secret."""
    return hmac.new(_keys(db)[0], purpose, hashlib.sha256).digest()


def same_secret(db: Database, secret: bytes) -> bool:
    return hmac.compare_digest(_keys(db)[0], secret)


def author_key(db: Database, platform: str, user_id: str) -> str:
    return hmac.new(_keys(db)[0], f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()


def seal(db: Database, idea_id: int, value: str) -> str:
    """An idea's reach path, sealed to that idea."""
    return seal_text(db, f"idea:{idea_id}", value)


def unseal(db: Database, idea_id: int, value: str | None) -> str | None:
    """The stored reach path in clear; None when there is none or it does not open with this secret."""
    if value and not value.startswith(SEALED):
        return value  # written before m008 sealed it (m008 seals them all)
    return unseal_text(db, f"idea:{idea_id}", value)


def seal_text(db: Database, context: str, value: str) -> str:
    """`value` encrypted and authenticated, bound to `context` (it opens nowhere else)."""
    nonce = os.urandom(12)
    sealed = AESGCM(_keys(db)[1]).encrypt(nonce, value.encode(), context.encode())
    return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal_text(db: Database, context: str, value: str | None) -> str | None:
    if not value or not value.startswith(SEALED):
        return None
    try:
        raw = base64.urlsafe_b64decode(value[len(SEALED):])
        return AESGCM(_keys(db)[1]).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (InvalidTag, ValueError):
        return None
