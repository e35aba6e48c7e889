"""Exactly-once delivery of scheduled messages: claim the period, send, record the message.

A claim is taken in a BEGIN IMMEDIATE transaction, so of two processes only one wins it.
A claim holds for `HOLD`; a send is abandoned after `TIMEOUT` (shorter), so a live sender
always finishes or gives up before anyone else may take over. A claim whose send failed
or never completed (the process died) is retried with backoff once its hold runs out, and
logged. The one case that can repeat a message: the process dies after the platform
accepted it and before the message id was recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.chat import Chat
from bot.core import Core
from storage import sends as store
from storage.db import write
from storage.sends import SendKey

log = logging.getLogger(__name__)

HOLD = timedelta(minutes=3)
TIMEOUT = 120.0  # seconds; below HOLD
MAX_BACKOFF = timedelta(hours=1)

# What a delivery returns: (channel id, message id), or None when there was no one to send to.
Delivery = Callable[[Chat], Awaitable[tuple[str, str] | None]]


@dataclass(frozen=True)
class Send:
    key: SendKey
    platform: str
    deliver: Delivery


async def deliver_all(core: Core, sends: list[Send]) -> list[SendKey]:
    """Claim and deliver each send that is not done or held elsewhere; returns the keys delivered."""
    done = []
    for send in sends:
        chat = core.chat(send.platform)
        if chat is None:
            continue
        now = core.now()
        async with write(core.db) as db:
            claim = store.claim(db, send.key, now, now + HOLD)
        if claim is None:
            continue
        if claim.attempt > 1:
            log.warning("%s was claimed at %s but never completed (%s); retrying, attempt %d",
                        send.key, claim.claimed_at.isoformat(), claim.error or "the process stopped", claim.attempt)
        try:
            where = await asyncio.wait_for(send.deliver(chat), TIMEOUT)
        except Exception as error:  # a platform or network error: back off and try again later
            wait = backoff(claim.attempt, retry_after_of(error))
            async with write(core.db) as db:
                store.failed(db, send.key, describe(error), core.now() + wait)
            log.warning("%s failed (%s); next attempt in %ss", send.key, describe(error), int(wait.total_seconds()))
            continue
        channel_id, message_id = where or ("", "")
        async with write(core.db) as db:
            store.complete(db, send.key, channel_id, message_id, core.now())
        done.append(send.key)
        log.info("%s sent", send.key)
    return done


def reaches(core: Core, platform: str, user_id: str) -> bool:
    """Whether `user_id` is someone on `platform`: a Slack manager gets no Teams reminders, and the reverse."""
    chat = core.chat(platform)
    return chat is not None and chat.reaches(user_id)


def backoff(attempt: int, retry_after: float | None = None) -> timedelta:
    """1, 2, 4 … minutes, at most an hour; never sooner than the platform's Retry-After."""
    wait = min(timedelta(minutes=2 ** (attempt - 1)), MAX_BACKOFF)
    if retry_after:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


def retry_after_of(error: Exception) -> float | None:
    """The Retry-After a rate-limited platform call carried, if any (read without knowing the SDK)."""
    headers = getattr(getattr(error, "response", None), "headers", None)
    if not hasattr(headers, "get"):
        return None
    value = headers.get("Retry-After", headers.get("retry-after"))
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def describe(error: Exception) -> str:
    """The platform's error code or the exception type: never the message, which may quote a request."""
    data = getattr(getattr(error, "response", None), "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return type(error).__name__
