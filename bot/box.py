"""The empowerment box, the staff's side: find what you may do (`/hero can`), use it within its limit, ask for an
exception, answer the follow-up, share the story. The rules live here once; adapters parse payloads and render
the replies. The managers' side (the box form) is bot.box_actions."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from bot.box_model import PERIOD_DAYS, BoxAction, BoxUse, limit_text, number_text
from bot.replies import (
    ANSWERS, BoxEntry, BoxList, BoxOffer, BoxStory, ExceptionRequest, FollowUp, NoMatch, OverLimit, UseForm,
    UseLogged,
)
from bot.chat import Chat
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.errors import Refused
from bot.events import Decided, Implemented
from bot.model import MAX_TEXT, Actor, Origin
from bot.replies import Notice
from storage import box as store
from storage.db import write

log = logging.getLogger(__name__)

MONTH = timedelta(days=30)
MAX_FIELD = 3000
MAX_AMOUNT = 1e12


# --- refs, numbers, people -------------------------------------------------------------------

def parse_ref(word: str) -> int:
    """`B12` (or `b12`) → 12."""
    text = (word or "").strip()
    if not text:
        raise Refused("Which action? Give its ref, e.g. `B1` (see `/hero box`).")
    if len(text) < 2 or text[0] not in "Bb" or not text[1:].isdigit() or len(text) > 13:
        raise Refused(f"“{text[:40]}” is not an action of the box: refs look like `B1` (see `/hero box`).")
    return int(text[1:])


def number(text: str) -> float | None:
    """A finite number typed by a person (`25`, `12.5`, `1,000`), or None."""
    cleaned = (text or "").strip().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) < MAX_AMOUNT else None


def is_manager(core: Core, actor: Actor) -> bool:
    return actor.user_id in core.config.managers


def manager_only(core: Core, actor: Actor, what: str) -> None:
    if not is_manager(core, actor):
        raise Refused(f"Only managers ([roles] managers) can {what} the box.")


def get_action(core: Core, ref: str | int, db=None) -> BoxAction:
    action_id = ref if isinstance(ref, int) else parse_ref(ref)
    action = store.get_action(db or core.db, action_id)
    if action is None:
        raise Refused(f"There is no action B{action_id} in the box (see `/hero box`).")
    return action


def announce(core: Core, platform: str, kind: str, reply, name: str) -> None:
    chat = core.chat(platform)
    channel = core.config.channel(platform, kind) or core.config.channel(platform, "ideas")
    if chat is None or channel is None:
        log.info("%s: nowhere to post on %s", name, platform)
        return

    async def post() -> None:
        try:
            await chat.post(channel, reply)
        except Exception:
            log.exception("%s failed", name)

    core.background.spawn(post(), name=name)


# --- finding what you can do -----------------------------------------------------------------

def box_list(core: Core, limit: int = 40) -> BoxList:
    since = core.now() - MONTH
    entries = tuple(BoxEntry(a, store.stats(core.db, a.id, since)) for a in store.actions(core.db, limit=limit))
    return BoxList(entries)


def can(core: Core, words: str) -> BoxList | NoMatch:
    words = " ".join(words.split())[:300]
    if not words:
        raise Refused("Say what you would like to do, e.g. `/hero can I waive a late fee`.")
    found = store.matching(core.db, words)
    if not found:
        return NoMatch(f"Nothing in the box matches “{words}”. Ask your manager, or post it as an idea.",
                       words=words)
    since = core.now() - MONTH
    return BoxList(tuple(BoxEntry(a, store.stats(core.db, a.id, since)) for a in found), words)


# --- using an action ---------------------------------------------------------------------------

def use_form(core: Core, ref: str | int) -> UseForm:
    action = get_action(core, ref)
    _usable(action)
    return UseForm(action)


def _usable(action: BoxAction) -> None:
    if not action.active:
        raise Refused(f"{action.ref} is retired: it can no longer be used.")


def _amount(action: BoxAction, raw: str) -> tuple[float | None, str | None]:
    raw = (raw or "").strip()
    if not raw:
        return None, ("Enter the amount, e.g. 12.50." if action.needs_amount else None)
    value = number(raw)
    if value is None:
        return None, f"“{raw[:40]}” is not a number. Enter the amount, e.g. 12.50."
    if value < 0:
        return None, "The amount cannot be negative."
    return value, None


def use_errors(action: BoxAction, values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    _, amount_error = _amount(action, _text(values, "amount"))
    if amount_error:
        errors["amount"] = amount_error
    if action.per_customer_period and not _text(values, "customer"):
        errors["customer"] = "Give the customer's reference: the limit counts per customer."
    if not (_text(values, "situation") or _text(values, "did")):
        errors["did"] = "Say what you did."
    if len(_note(values)) > MAX_TEXT:
        errors["did"] = f"Keep it under {MAX_TEXT:,} characters."
    return errors


def _text(values: dict, key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""


def _note(values: dict) -> str:
    situation, did = _text(values, "situation"), _text(values, "did")
    if situation and did:
        return f"Situation: {situation}\nWhat I did: {did}"
    return situation or did


async def submit_use(core: Core, origin: Origin, ref: str | int, values: dict) -> UseLogged | OverLimit:
    """I used this (the form): bad fields raise FormInvalid; above the limit, OverLimit; else the use is logged."""
    action = get_action(core, ref)
    _usable(action)
    errors = use_errors(action, values)
    if errors:
        raise FormInvalid(errors)
    amount, _ = _amount(action, _text(values, "amount"))
    story = values.get("story") in (True, "true", "story")
    return await _log(core, origin, action.id, amount, _note(values), _text(values, "customer") or None, story)


async def used_command(core: Core, origin: Origin, args: list[str]) -> UseLogged | OverLimit:
    """`/hero used <ref> [amount] [text]`; a per-customer action takes the customer's reference as its first word."""
    if not args:
        raise Refused("Use `/hero used <ref> [amount] [what happened]`, e.g. `/hero used B1 12.50 waived the fee`.")
    action = get_action(core, args[0])
    _usable(action)
    rest = args[1:]
    raw_amount = ""
    if rest and (action.needs_amount or (_looks_numeric(rest[0]) and not action.per_customer_period)):
        raw_amount, rest = rest[0], rest[1:]
    amount, error = _amount(action, raw_amount)
    if error:
        raise Refused(f"{error} Use `/hero used {action.ref} <amount> [what happened]`.")
    customer = None
    if action.per_customer_period:
        if not rest:
            raise Refused(f"{action.ref} is limited per customer: give the customer's reference first, "
                          f"e.g. `/hero used {action.ref} ACC-1234 waived the fee`.")
        customer, rest = rest[0], rest[1:]
    note = " ".join(rest)
    if len(note) > MAX_TEXT:
        raise Refused(f"Keep what happened under {MAX_TEXT:,} characters.")
    return await _log(core, origin, action.id, amount, note, customer, False)


def _looks_numeric(word: str) -> bool:
    return bool(word) and (word[0].isdigit() or (word[0] in "-+." and len(word) > 1 and word[1:2].isdigit()))


async def _log(core: Core, origin: Origin, action_id: int, amount: float | None, note: str, customer: str | None,
               story: bool) -> UseLogged | OverLimit:
    """Check the limit and store the use in one transaction: two uses at once cannot both slip under it."""
    now = core.now()
    async with write(core.db) as db:
        action = get_action(core, action_id, db)
        _usable(action)
        key = store.customer_key(db, action.id, customer) if customer else None
        over = _over_limit(db, action, amount, key, now)
        state = "over_limit" if over else "used"
        use_id = store.insert_use(db, action.id, origin.platform, origin.user_id, amount, note, key, story, state, now)
    if over:
        return OverLimit(action, use_id, over)
    use = store.get_use(core.db, use_id)
    return UseLogged(action, use, f"Logged: you used {action.ref} “{action.action}”"
                     + (f" for {number_text(amount)} {action.unit}" if amount is not None and action.needs_amount else "")
                     + f". In {core.config.box_follow_up_days} working days I will ask you whether it worked.")


def _over_limit(db, action: BoxAction, amount: float | None, customer: str | None, now: datetime) -> str | None:
    if action.limit is None:
        return None
    period = action.per_customer_period
    if period:
        used = store.customer_uses_since(db, action.id, customer or "", now - timedelta(days=PERIOD_DAYS[period]))
        if used + 1 > action.limit:
            return (f"This customer already had {action.ref} {used} time{'s' if used != 1 else ''} this {period}: "
                    f"the limit is {limit_text(action)}.")
        return None
    if amount is not None and amount > action.limit:
        return f"{number_text(amount)} is above {action.ref}'s limit of {limit_text(action)}."
    return None


# --- stories, exceptions, follow-ups --------------------------------------------------------------

def _own_use(core: Core, actor: Actor, use_id: int, db=None) -> BoxUse:
    use = store.get_use(db or core.db, use_id)
    if use is None or use.user_id != actor.user_id:
        raise Refused("That use is not yours, or it no longer exists.")
    return use


async def share_story(core: Core, actor: Actor, use_id: int):
    async with write(core.db) as db:
        use = _own_use(core, actor, use_id, db)
        if use.state not in ("used", "allowed"):
            raise Refused("Only a use that was logged can be shared.")
        store.set_story(db, use_id)
        post = store.claim_story_post(db, use_id, core.now())
    if post:
        _post_story(core, use_id)
        return _notice("Thanks for sharing: your story is posted in the wins channel.")
    return _notice("Thanks: if it works, your story will be posted in the wins channel, naming you.")


def _notice(text: str) -> Notice:
    return Notice(text)


def _post_story(core: Core, use_id: int) -> None:
    use = store.get_use(core.db, use_id)
    action = store.get_action(core.db, use.action_id)
    announce(core, use.platform, "wins", BoxStory(action, use), f"box story {use_id}")


async def ask_exception(core: Core, actor: Actor, use_id: int):
    """Ask for an exception: the refused use goes to the action's owner, with Allow once / Decline."""
    async with write(core.db) as db:
        use = _own_use(core, actor, use_id, db)
        if use.state != "over_limit":
            raise Refused("You have already asked for this exception." if use.state == "asked"
                          else "That use needs no exception.")
        store.set_state(db, use_id, "over_limit", "asked", core.now())
    action = store.get_action(core.db, use.action_id)
    request = ExceptionRequest(action, store.get_use(core.db, use_id))
    chat = _chat_reaching(core, use.platform, action.owner)
    if chat is None:
        log.warning("the owner of %s cannot be reached on any platform", action.ref)
    else:
        core.background.spawn(_send_direct(chat, action.owner, request), name=f"exception {use_id}")
    return _notice(f"Asked the owner of {action.ref} for an exception; you will hear back here.")


def _chat_reaching(core: Core, platform: str, user_id: str) -> Chat | None:
    """The chat that reaches `user_id` (`[roles]` mixes Slack and Teams ids), else `platform`'s own."""
    first = core.chat(platform)
    if first is not None and first.reaches(user_id):
        return first
    return next((c for c in core.chats.values() if c.reaches(user_id)), first)


async def _send_direct(chat: Chat, user_id: str, reply) -> None:
    try:
        await chat.send_direct(user_id, reply)
    except Exception:
        log.exception("a direct message about the box failed")


async def decide_exception(core: Core, actor: Actor, use_id: int, allow: bool) -> ExceptionRequest:
    """Allow once / Decline, by the action's owner (or another manager); the person is told."""
    async with write(core.db) as db:
        use = store.get_use(db, use_id)
        if use is None:
            raise Refused("That request no longer exists.")
        action = store.get_action(db, use.action_id)
        if actor.user_id != action.owner and not is_manager(core, actor):
            raise Refused(f"Only the owner of {action.ref} or a manager can answer this request.")
        if use.state != "asked":
            raise Refused(f"This request was already answered: {use.state}.")
        store.set_state(db, use_id, "asked", "allowed" if allow else "declined", core.now())
    use = store.get_use(core.db, use_id)
    word = "allowed once" if allow else "declined"
    tail = " It counts as a use; I will ask you later whether it worked." if allow else " Nothing was logged."
    chat = _chat_reaching(core, use.platform, use.user_id)
    if chat is not None:
        core.background.spawn(_send_direct(chat, use.user_id, _notice(
            f"Your exception for {action.ref} “{action.action}” was {word}.{tail}")), name=f"exception answer {use_id}")
    return ExceptionRequest(action, use, use.state)


async def answer_follow_up(core: Core, actor: Actor, use_id: int, outcome: str) -> FollowUp:
    if outcome not in ANSWERS:
        raise Refused("That answer is not one of the buttons.")
    now = core.now()
    async with write(core.db) as db:
        use = _own_use(core, actor, use_id, db)
        if use.state not in ("used", "allowed"):
            raise Refused("That use was not logged.")
        store.set_outcome(db, use_id, outcome, now)
        post = store.claim_story_post(db, use_id, now)
    if post:
        _post_story(core, use_id)
    use = store.get_use(core.db, use_id)
    return FollowUp(store.get_action(core.db, use.action_id), use, answered=outcome)


# --- pilot → box -----------------------------------------------------------------------------

def offer_after_outcome(core: Core, actor: Actor, idea_id: int, note: str, event: Decided):
    """After a pilot is closed with its target met (rolled out, with a result): offer Add to the box (managers)."""
    if isinstance(event, Implemented) and event.result is not None and is_manager(core, actor):
        return BoxOffer(note, idea_id=idea_id)
    return _notice(note)
