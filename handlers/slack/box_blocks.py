"""Block Kit for the empowerment box: the box, its matches, the forms, uses, exceptions, follow-ups, stories
and champions. Every typed word is escaped; the button titles are the core's (bot.replies)."""

from __future__ import annotations

import json

from bot.box_model import BoxAction, BoxUse, limit_text, number_text
from bot.replies import (
    ADD_TO_BOX, ALLOW_ONCE, ANSWERS, ASK_EXCEPTION, BOX_FIELDS, DECLINE, I_USED_THIS, POST_AS_IDEA, SHARE_STORY,
    USE_FIELDS, BoxActionCard, BoxForm, BoxList, BoxOffer, BoxStory, ChampionList, ExceptionRequest, FollowUp,
    NoMatch, OverLimit, UseForm, UseLogged, uses_text,
)
from bot.model import shorten
from handlers.slack.blocks import context, escape, section
from handlers.slack.problem_blocks import button

BOX_FORM = "box_form"
USE_FORM = "box_use_form"
USED_ACTION = "box_used"
STORY_ACTION = "box_story"
ASK_EXCEPTION_ACTION = "box_ask_exception"
ALLOW_ACTION = "box_allow"
DECLINE_ACTION = "box_decline"
ANSWER_ACTIONS = {f"box_{key}": key for key in ANSWERS}  # action_id -> outcome
ADD_FROM_PILOT_ACTION = "box_add_from_pilot"
POST_IDEA_ACTION = "box_post_idea"
MAX_ENTRIES = 20  # two blocks each, under a message's 50


def heading(action: BoxAction) -> str:
    return f"*{action.ref} · {escape(shorten(action.action, 200))}*"


def details(action: BoxAction) -> str:
    return (f"{heading(action)}\n*For which customers:* {escape(shorten(action.customers, 800))}\n"
            f"*Limit:* {escape(limit_text(action))}\n*Steps:* {escape(shorten(action.steps, 1500))}")


def box_list_message(reply: BoxList) -> dict:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.entries:
        blocks.append(section("The box is empty. Managers add to it with `/hero box add`."))
    for entry in reply.entries[:MAX_ENTRIES]:
        action, stats = entry.action, entry.stats
        block = section(details(action))
        block["accessory"] = button(USED_ACTION, I_USED_THIS, str(action.id), "primary")
        blocks.append(block)
        blocks.append(context(f"{uses_text(stats.uses)} this month", stats.rate_text,
                              f"expected: {escape(shorten(action.expected_outcome, 300))}"))
    if len(reply.entries) > MAX_ENTRIES:
        blocks.append(context(f"and {len(reply.entries) - MAX_ENTRIES} more: try `/hero can <words>`"))
    return {"text": escape(reply.heading), "blocks": blocks}


def no_match_message(reply: NoMatch) -> dict:
    return {"text": escape(reply.text), "blocks": [
        section(escape(reply.text)),
        {"type": "actions", "elements": [button(POST_IDEA_ACTION, POST_AS_IDEA, reply.words[:2000])]}]}


def box_action_card_message(reply: BoxActionCard) -> dict:
    action = reply.action
    return {"text": f"{escape(reply.headline)}: {action.ref} {escape(shorten(action.action, 200))}", "blocks": [
        section(f"*{escape(reply.headline)}*\n{details(action)}"),
        context(f"owner <@{action.owner}>", f"expected: {escape(shorten(action.expected_outcome, 300))}",
                "retired" if not action.active else f"`/hero can` finds it · `/hero used {action.ref}` logs a use")]}


def box_form_message(reply: BoxForm) -> dict:
    """Forms open as modals (handlers.slack.box); this is what a reply channel shows instead."""
    return {"text": "Open the box form with `/hero box add` or `/hero box edit <ref>`.",
            "blocks": [section("Open the box form with `/hero box add` or `/hero box edit <ref>`.")]}


def use_form_message(reply: UseForm) -> dict:
    return {"text": f"Click {I_USED_THIS} on {reply.action.ref}.", "blocks": [section(details(reply.action))]}


def _use_line(use: BoxUse) -> str:
    return escape(shorten(use.note, 1500)) if use.note else "_no note_"


def use_logged_message(reply: UseLogged) -> dict:
    blocks = [section(escape(reply.text))]
    if not reply.use.story:
        blocks.append({"type": "actions", "elements": [button(STORY_ACTION, SHARE_STORY, str(reply.use.id))]})
    return {"text": escape(reply.text), "blocks": blocks}


def over_limit_message(reply: OverLimit) -> dict:
    text = f"Not logged: {escape(reply.text)} The owner of {reply.action.ref} is <@{reply.action.owner}>."
    return {"text": text, "blocks": [
        section(text), {"type": "actions", "elements": [button(ASK_EXCEPTION_ACTION, ASK_EXCEPTION, str(reply.use_id))]}]}


def exception_request_message(reply: ExceptionRequest) -> dict:
    use, action = reply.use, reply.action
    amount = f" {number_text(use.amount)} {escape(action.unit)}" if use.amount is not None else ""
    text = (f"<@{use.user_id}> asks for an exception to {heading(action)} (limit {escape(limit_text(action))}):"
            f"{amount}\n{_use_line(use)}")
    blocks = [section(text)]
    if reply.answered:
        blocks.append(context("✅ Allowed once" if reply.answered == "allowed" else "⛔ Declined"))
    else:
        blocks.append({"type": "actions", "elements": [button(ALLOW_ACTION, ALLOW_ONCE, str(use.id), "primary"),
                                                       button(DECLINE_ACTION, DECLINE, str(use.id), "danger")]})
    return {"text": f"An exception to {action.ref} is asked for", "blocks": blocks}


def follow_up_message(reply: FollowUp) -> dict:
    use, action = reply.use, reply.action
    ask = "Did it work? (asking once more)" if reply.again else "Did it work?"
    text = f"*{ask}* You used {heading(action)} on {use.created_at:%d %b}: {_use_line(use)}"
    blocks = [section(text), context(f"expected: {escape(shorten(action.expected_outcome, 300))}")]
    if reply.answered:
        blocks.append(context(f"Recorded: {ANSWERS[reply.answered]}"))
    else:
        blocks.append({"type": "actions", "elements": [button(action_id, ANSWERS[key], str(use.id))
                                                       for action_id, key in ANSWER_ACTIONS.items()]})
    return {"text": f"{ask} ({action.ref})", "blocks": blocks}


def box_story_message(reply: BoxStory) -> dict:
    use, action = reply.use, reply.action
    text = f"📣 *Empowered to help:* <@{use.user_id}> used {heading(action)}\n{_use_line(use)}"
    return {"text": f"A story from the empowerment box ({action.ref})", "blocks": [
        section(text), context(f"It worked · expected: {escape(shorten(action.expected_outcome, 300))}")]}


def champion_list_message(reply: ChampionList) -> dict:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.champions:
        blocks.append(section(escape(reply.empty)))
    for champion in reply.champions[:10]:
        lines = [f"🏅 <@{champion.user_id}> — {uses_text(champion.worked)} that worked"]
        lines += [f"• {heading(action)}: {escape(shorten(use.note, 300))}" for action, use in champion.stories]
        blocks.append(section("\n".join(lines)))
    return {"text": escape(reply.heading), "blocks": blocks}


def box_offer_message(reply: BoxOffer) -> dict:
    text = f"{escape(reply.text)} The practice is proven: make it everyday freedom?"
    return {"text": text, "blocks": [
        section(text), {"type": "actions", "elements": [button(ADD_FROM_PILOT_ACTION, ADD_TO_BOX, str(reply.idea_id))]}]}


# --- modals --------------------------------------------------------------------------------------

def _input(block_id: str, label: str, placeholder: str, value: str = "", optional: bool = False,
           multiline: bool = True, max_length: int = 3000) -> dict:
    element = {"type": "plain_text_input", "action_id": "value", "multiline": multiline, "max_length": max_length,
               "placeholder": {"type": "plain_text", "text": shorten(placeholder, 150)}}
    if value:
        element["initial_value"] = value[:max_length]
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element}


def box_modal(form: BoxForm, metadata: dict) -> dict:
    """Action, For which customers, Limit, Steps, Expected outcome; prefilled when editing or from a pilot."""
    blocks = [_input(key, label, placeholder, getattr(form.draft, key), optional=not required,
                     multiline=key not in ("limit", "action"), max_length=200 if key == "limit" else 3000)
              for key, label, placeholder, required in BOX_FIELDS]
    title = f"Edit {form.action.ref}" if form.action else "Add to the box"
    meta = {**metadata, "action": form.action.id if form.action else None, "idea": form.idea_id}
    return {"type": "modal", "callback_id": BOX_FORM, "private_metadata": json.dumps(meta)[:3000],
            "title": {"type": "plain_text", "text": title[:24]},
            "submit": {"type": "plain_text", "text": "Save" if form.action else "Add"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


def use_modal(form: UseForm, metadata: dict) -> dict:
    action = form.action
    blocks = [section(details(action))]
    if action.needs_amount:
        blocks.append(_input("amount", f"{USE_FIELDS['amount']} ({shorten(action.unit, 40)})",
                             f"at most {limit_text(action)}", multiline=False, max_length=30))
    if action.per_customer_period:
        blocks.append(_input("customer", USE_FIELDS["customer"], "e.g. the account number", multiline=False,
                             max_length=100))
    blocks.append(_input("situation", USE_FIELDS["situation"], "What happened to the customer?", optional=True))
    blocks.append(_input("did", USE_FIELDS["did"], "What did you do for them?"))
    option = {"text": {"type": "plain_text", "text": SHARE_STORY}, "value": "story"}
    blocks.append({"type": "input", "block_id": "story", "optional": True,
                   "label": {"type": "plain_text", "text": "Story"},
                   "element": {"type": "checkboxes", "action_id": "value", "options": [option]}})
    return {"type": "modal", "callback_id": USE_FORM,
            "private_metadata": json.dumps({**metadata, "action": action.id})[:3000],
            "title": {"type": "plain_text", "text": f"I used {action.ref}"[:24]},
            "submit": {"type": "plain_text", "text": "Log it"},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}
