"""The empowerment box, the managers' side: the box form (Action, For which customers, Limit, Steps, Expected
outcome) and its checks, add, edit (the earlier text kept), retire, and the form prefilled from a proven pilot."""

from __future__ import annotations

import re

from bot.box import MAX_FIELD, announce, get_action, manager_only, number
from bot.box_model import BoxDraft, number_text
from bot.replies import BOX_FIELDS, BoxActionCard, BoxForm
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.errors import Refused
from bot.model import Actor, Origin
from storage import box as store
from storage import decisions as decided
from storage import ideas as idea_store
from storage.db import write

_LIMIT = re.compile(r"^([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$", re.DOTALL)  # "25 GBP", "25GBP", "1,000 points"


def parse_limit(text: str) -> tuple[float | None, str, str | None]:
    """(number, unit, error) from "25 GBP" or "1 per customer per year"; empty text is no limit."""
    text = (text or "").strip()
    if not text:
        return None, "", None
    found = _LIMIT.match(text)
    first, unit = (found.group(1), found.group(2)) if found else (text, "")
    value = number(first)
    if value is None:
        return None, "", "Start the limit with a number, e.g. 25 GBP, or leave it empty."
    if value < 0:
        return None, "", "The limit cannot be negative."
    if not unit.strip():
        return None, "", "Say the limit's unit after the number, e.g. 25 GBP or 1 per customer per year."
    return value, " ".join(unit.split())[:200], None


def draft_errors(draft: BoxDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label, _, required in BOX_FIELDS:
        value = getattr(draft, key).strip()
        if required and not value:
            errors[key] = f"{label} is needed." if key != "action" else "Say what staff may do."
        elif len(value) > MAX_FIELD:
            errors[key] = f"{label} is {len(value):,} characters long; the limit is {MAX_FIELD:,}."
    _, _, limit_error = parse_limit(draft.limit)
    if limit_error:
        errors["limit"] = limit_error
    return errors


def draft_of(values: dict) -> BoxDraft:
    def text(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else ""
    return BoxDraft(*(text(key) for key, *_ in BOX_FIELDS))


def open_add(core: Core, actor: Actor) -> BoxForm:
    manager_only(core, actor, "add to")
    return BoxForm()


def open_edit(core: Core, actor: Actor, ref: str) -> BoxForm:
    manager_only(core, actor, "edit")
    action = get_action(core, ref)
    if not action.active:
        raise Refused(f"{action.ref} is retired; add a new action instead.")
    return BoxForm(action.draft(), action)


def open_from_pilot(core: Core, actor: Actor, idea_id: int) -> BoxForm:
    """Add to the box: the form prefilled from a proven pilot's idea and experiment."""
    manager_only(core, actor, "add to")
    idea = idea_store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    experiment = decided.experiment_of(core.db, idea_id)
    outcome = decided.extras(core.db, idea_id)["outcome"] or ""
    expected = ""
    if experiment is not None:
        expected = f"{experiment.metric}: {number_text(experiment.target)} or better"
    fields = idea.fields or {}
    draft = BoxDraft(action=idea.title[:MAX_FIELD], customers=(fields.get("problem") or "")[:MAX_FIELD], limit="",
                     steps="\n".join(p for p in (fields.get("solution") or idea.text, outcome) if p)[:MAX_FIELD],
                     expected_outcome=expected)
    return BoxForm(draft, idea_id=idea_id)


async def submit_form(core: Core, origin: Origin, values: dict, action_id: int | None = None,
                      idea_id: int | None = None) -> BoxActionCard:
    """Add a new action (action_id None) or change one; field errors raise FormInvalid, nothing stored."""
    actor = Actor(origin.platform, origin.user_id)
    manager_only(core, actor, "add to" if action_id is None else "edit")
    draft = draft_of(values)
    errors = draft_errors(draft)
    if errors:
        raise FormInvalid(errors)
    limit, unit, _ = parse_limit(draft.limit)
    now = core.now()
    async with write(core.db) as db:
        if action_id is None:
            new_id = store.insert_action(db, origin.platform, origin.user_id, draft, limit, unit, now, idea_id)
            headline = "New in the empowerment box"
        else:
            action = get_action(core, action_id, db)
            if not action.active:
                raise Refused(f"{action.ref} is retired; add a new action instead.")
            store.keep_version(db, action, "edit", origin.user_id, now)
            store.update_action(db, action_id, draft, limit, unit)
            new_id = action_id
            headline = "Changed in the empowerment box"
    action = store.get_action(core.db, new_id)
    card = BoxActionCard(action, headline)
    announce(core, action.platform, "ideas", card, f"announce {action.ref}")
    return card


async def retire(core: Core, actor: Actor, ref: str) -> BoxActionCard:
    manager_only(core, actor, "retire from")
    async with write(core.db) as db:
        action = get_action(core, ref, db)
        if not action.active:
            raise Refused(f"{action.ref} is already retired.")
        store.keep_version(db, action, "retire", actor.user_id, core.now())
        store.retire_action(db, action.id)
    return BoxActionCard(store.get_action(core.db, action.id), "Retired from the empowerment box")
