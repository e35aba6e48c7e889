"""Inbound authentication: the Bot Framework JWT on every request to POST /api/messages.

The Agents SDK's `JwtTokenValidator` hard-codes where signing keys come from
(login.botframework.com), checks the issuer only on opt-in, never compares the
token's `serviceUrl` claim with the activity, and fetches keys with blocking
urllib in a thread. So this module does what the Bot Framework's authentication
spec asks, with PyJWT (the SDK's own JWT library) over the app's aiohttp session:

- the OpenID metadata document (configurable: MICROSOFT_OPENID_METADATA_URL) names
  the issuer and the JWKS; keys are cached and re-read at most once a minute when a
  token names a key we do not know;
- RS256 only; `iss` is the metadata's issuer; `aud` is the bot's app id; `exp`/`nbf`
  with 5 minutes of clock skew; the key's `endorsements` include the channel id;
- the `serviceUrl` claim equals the activity's serviceUrl.
"""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp
import jwt

log = logging.getLogger(__name__)

LEEWAY = 300  # seconds of clock skew the Bot Framework allows
KEYS_TTL = 24 * 3600
REFETCH_AFTER = 60  # an unknown key id re-reads the key set at most this often


class Unauthorized(Exception):
    """The request does not carry a valid Bot Framework token. The message is for logs, never for the caller."""


class BotFrameworkAuth:
    def __init__(self, session: aiohttp.ClientSession, app_id: str, openid_url: str):
        self.session = session
        self.app_id = app_id
        self.openid_url = openid_url
        self._issuer: str | None = None
        self._keys: dict[str, dict] = {}
        self._parsed: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def check(self, header: str | None, service_url: str | None, channel_id: str | None) -> dict:
        """The verified claims of the request's bearer token; raises Unauthorized."""
        token = bearer(header)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as error:
            raise Unauthorized(f"malformed token ({type(error).__name__})") from error
        key = await self._key(kid)
        try:
            claims = jwt.decode(
                token, self._parsed[kid].key, algorithms=["RS256"], audience=self.app_id, issuer=self._issuer,
                leeway=LEEWAY, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"token rejected ({type(error).__name__})") from error
        endorsements = key.get("endorsements")
        if endorsements is not None and channel_id not in endorsements:
            raise Unauthorized("the signing key is not endorsed for this channel")
        if not same_url(claims.get("serviceUrl") or claims.get("serviceurl"), service_url):
            raise Unauthorized("the token's serviceUrl does not match the activity")
        return claims

    async def _key(self, kid: str | None) -> dict:
        if not kid:
            raise Unauthorized("the token names no signing key")
        stale = time.monotonic() - self._fetched_at > KEYS_TTL
        if stale or (kid not in self._keys and time.monotonic() - self._fetched_at > REFETCH_AFTER):
            await self._refresh()
        if kid not in self._keys:
            raise Unauthorized("unknown signing key")
        return self._keys[kid]

    async def _refresh(self) -> None:
        async with self._lock:
            try:
                async with self.session.get(self.openid_url) as response:
                    response.raise_for_status()
                    metadata = await response.json(content_type=None)
                issuer = metadata["issuer"]
                async with self.session.get(metadata["jwks_uri"]) as response:
                    response.raise_for_status()
                    keys = (await response.json(content_type=None))["keys"]
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, TypeError, ValueError) as error:
                log.warning("could not read the Bot Framework signing keys: %s", type(error).__name__)
                if not self._keys:
                    raise Unauthorized("no signing keys available") from error
                return
            self._issuer = issuer
            found = {k["kid"]: k for k in keys if isinstance(k, dict) and k.get("kid") and k.get("kty") == "RSA"}
            try:
                self._parsed = {kid: jwt.PyJWK(k) for kid, k in found.items()}
            except jwt.PyJWTError as error:
                log.warning("the Bot Framework key set is unreadable: %s", type(error).__name__)
                return
            self._keys = found
            self._fetched_at = time.monotonic()


def bearer(header: str | None) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise Unauthorized("missing or malformed Authorization header")
    return token.strip()


def same_url(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.rstrip("/").lower() == b.rstrip("/").lower()
