"""Posting new ideas and problems until they land: each saved item waits in the outbox, is posted by
the request that saved it, and when that fails is retried with backoff (never before a Retry-After),
also after a restart. A post carries its claim key (Slack: message metadata; Teams: a hidden element
of the card, read back through Microsoft Graph); an attempt after one that may have posted (it was
cut short, or its answer never came) first looks for a post with that key, so a crash between posting
and recording does not post twice. When the platform cannot say whether it is there, the item is not
posted blindly: it waits and is checked again with the same backoff, and the poster is told once why
it is late. The poster is told when it finally appears.
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from bot.cards import problem_card
from bot.chat import Chat
from bot.core import Core
from bot.model import Origin
from bot.replies import IdeaCard, Notice, Reply
from bot.sending import HOLD, backoff, describe, retry_after_of
from storage import ideas as idea_store
from storage import outbox as store
from storage import problems as problem_store
from storage.db import write

log = logging.getLogger(__name__)

# Slack's errors that may come after part of the work was done (https://api.slack.com/methods/chat.postMessage)
UNSURE_ERRORS = frozenset({"internal_error", "fatal_error", "request_timeout", "service_unavailable"})
UNCHECKED = "cannot check for an earlier post"  # the start of the error kept while the platform cannot tell


class CannotCheck(Exception):
    """The platform could not say whether an earlier attempt posted the item."""

WHERE = {"idea": ("ideas", "ideas channel"), "problem": ("problems", "problems channel")}


def channel_for(core: Core, kind: str, platform: str, origin: Origin | None) -> str | None:
    configured = core.config.channel(platform, WHERE[kind][0])
    if kind == "problem":
        configured = configured or core.config.channel(platform, "ideas")
    return configured or (origin.channel_id if origin else None)


def save(db: Database, core: Core, kind: str, item_id: int, origin: Origin) -> store.Pending:
    """Inside the transaction that saves a new item: its outbox entry with the first attempt taken, for the
    request that saved it to make (`post_taken`) without another transaction."""
    now = core.now()
    return store.add(db, kind, item_id, origin.platform, channel_for(core, kind, origin.platform, origin), origin,
                     now, now + HOLD)


def _item(core: Core, kind: str, item_id: int):
    if kind == "idea":
        return idea_store.get_idea(core.db, item_id)
    return problem_store.get_problem(core.db, item_id)


def _card(core: Core, kind: str, item) -> Reply | None:
    if item is None:
        return None
    return IdeaCard(item) if kind == "idea" else problem_card(core, item)


def _name(kind: str, item_id: int, item) -> str:
    return f"Idea #{item_id}" if kind == "idea" else f"Problem {item.ref if item else item_id}"


async def deliver(core: Core, kind: str, item_id: int) -> Notice | None:
    """One attempt at posting the item, if one is due. The note for the poster on a first attempt."""
    now = core.now()
    async with write(core.db) as db:
        pending = store.take(db, kind, item_id, now, now + HOLD)
    if pending is None:
        return None
    return await post_taken(core, pending, _item(core, kind, item_id))


async def post_taken(core: Core, pending: store.Pending, item) -> Notice | None:
    """Post the item of a taken attempt (`take`, or `save` for the first) and record where it landed; on failure,
    back off for the retries. The note for the poster on a first attempt."""
    kind, item_id, now = pending.kind, pending.item_id, core.now()
    chat = core.chat(pending.platform)
    card, name = _card(core, kind, item), _name(kind, item_id, item)
    channel = pending.channel_id or channel_for(core, kind, pending.platform, pending.poster)
    if item is None or chat is None or channel is None:
        async with write(core.db) as db:  # nothing to post, or nowhere: keep it, try again later
            store.failed(db, kind, item_id, "nowhere to post" if item else "gone", now + backoff(pending.attempts),
                         maybe_posted=pending.maybe_posted)  # this attempt posted nothing
        log.warning("%s has nowhere to be posted on %s yet", name, pending.platform)
        return None
    try:
        message_id = await _post_once(chat, channel, card, pending)
    except CannotCheck as unchecked:
        await _wait_for_check(core, pending, name, unchecked.__cause__)
        return None
    except Exception as error:  # a platform or network error: back off, try again
        wait = backoff(pending.attempts, retry_after_of(error))
        async with write(core.db) as db:
            store.failed(db, kind, item_id, describe(error), core.now() + wait, maybe_posted=not refused(error))
        log.warning("posting %s failed (%s); attempt %d, next in %ss", name, describe(error), pending.attempts,
                    int(wait.total_seconds()))
        if kind == "idea" and pending.attempts == 1 and item.anonymous and pending.poster:
            await _remember_author(core, item, pending.poster, posted=False)
        if pending.attempts == 1:
            return Notice(f"{name} is saved, but it could not be posted to the {WHERE[kind][1]} yet. It will be "
                          "tried again, and you will be told here when it appears.")
        return None
    async with write(core.db) as db:
        _record(db, kind, item_id, channel, message_id)
        store.done(db, kind, item_id)
    link = await _link(chat, channel, message_id)
    if kind == "idea" and item.anonymous and pending.poster:
        await _remember_author(core, item, pending.poster, posted=True)
    if pending.attempts > 1 and pending.poster:
        await _tell_poster(chat, pending.poster, Notice(f"{name} is posted now, after a delay.", link=link))
    return Notice(f"{name} is posted.", link=link)


def refused(error: Exception) -> bool:
    """A failure that surely posted nothing: the platform answered with a refusal (4xx but a timeout, or Slack's
    `ok: false`). A 5xx, a timeout or a lost connection may hide a post that landed."""
    if getattr(error, "nothing_sent", False):
        return True
    if describe(error) in UNSURE_ERRORS:
        return False
    status = getattr(error, "status", None)
    if status is None:
        status = getattr(getattr(error, "response", None), "status_code", None)
    return isinstance(status, int) and 400 <= status < 500 and status != 408 or status == 200


async def _post_once(chat: Chat, channel: str, card: Reply, pending: store.Pending) -> str:
    find = getattr(chat, "find_claimed", None)
    if pending.attempts > 1 and pending.maybe_posted and find is not None:
        try:
            found = await find(channel, pending.claim, pending.created_at)
        except Exception as error:  # the platform cannot tell: never post blindly
            raise CannotCheck() from error
        if found:
            log.info("%s %s was already posted by an earlier attempt; recording it", pending.kind, pending.item_id)
            return found
    post = getattr(chat, "post_claimed", None)
    return await post(channel, card, pending.claim) if post else await chat.post(channel, card)


async def _wait_for_check(core: Core, pending: store.Pending, name: str, error: BaseException | None) -> None:
    """Keep the item, check again after the backoff; the poster hears once why it is late."""
    known = error if isinstance(error, Exception) else Exception()
    wait = backoff(pending.attempts, retry_after_of(known))
    async with write(core.db) as db:
        store.failed(db, pending.kind, pending.item_id, f"{UNCHECKED}: {describe(known)}", core.now() + wait)
    log.warning("%s may already be posted but that cannot be checked now; attempt %d, next check in %ss",
                name, pending.attempts, int(wait.total_seconds()))
    chat = core.chat(pending.platform)
    if pending.poster and chat is not None and not (pending.error or "").startswith(UNCHECKED):
        where = WHERE[pending.kind][1]
        await _tell_poster(chat, pending.poster, Notice(
            f"{name} is saved. An earlier attempt to post it to the {where} may have gone through without being "
            "confirmed, and that cannot be checked right now, so it is not posted again yet (that could show it "
            "twice). It will be checked again, and you will be told here when it appears."))


def _record(db, kind: str, item_id: int, channel: str, message_id: str) -> None:
    if kind == "idea":
        idea_store.set_idea_message(db, item_id, channel, message_id)
    else:
        problem_store.set_problem_message(db, item_id, channel, message_id)


async def _link(chat: Chat, channel: str, message_id: str) -> str | None:
    try:
        return await chat.link(channel, message_id)
    except Exception:
        return None


async def _remember_author(core: Core, idea, poster: Origin, posted: bool) -> None:
    from bot.review import remember_anonymous_author

    fresh = idea_store.get_idea(core.db, idea.id) or idea
    await remember_anonymous_author(core, fresh, poster, posted=posted)


async def _tell_poster(chat: Chat, poster: Origin, note: Notice) -> None:
    try:
        await chat.send_direct(poster.user_id, note)
    except Exception:
        log.warning("could not tell a poster that their post appeared")


async def deliver_due(core: Core) -> int:
    """The scheduler's part: every item whose next attempt is due. Returns how many were posted."""
    posted = 0
    for kind, item_id in store.due(core.db, core.now()):
        note = await deliver(core, kind, item_id)
        posted += bool(note and note.text.endswith("is posted."))
    return posted

