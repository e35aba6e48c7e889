"""Adaptive Cards (1.5) for the empowerment box. The words are the core's (bot.replies); people's text
stays in TextRuns."""

from __future__ import annotations

from collections.abc import Mapping

from bot.box_model import BoxAction, BoxUse, limit_text, number_text
from bot.replies import (
    ADD_TO_BOX, ALLOW_ONCE, ANSWERS, ASK_EXCEPTION, BOX_FIELDS, DECLINE, I_USED_THIS, POST_AS_IDEA, SHARE_STORY,
    USE_FIELDS, BoxActionCard, BoxForm, BoxList, BoxOffer, BoxStory, ChampionList, ExceptionRequest, FollowUp,
    NoMatch, OverLimit, UseForm, UseLogged, uses_text,
)
from bot.model import shorten
from handlers.teams.cards import Names, card, error_line, execute, message, name_of, runs, teams_words, text_block

BOX_FORM_VERB = "box_form"
USE_FORM_VERB = "box_use_form"
USED_VERB = "box_used"
STORY_VERB = "box_story"
ASK_EXCEPTION_VERB = "box_ask_exception"
ALLOW_VERB = "box_allow"
DECLINE_VERB = "box_decline"
ANSWER_VERB = "box_answer"
ADD_FROM_PILOT_VERB = "box_add_from_pilot"
POST_IDEA_VERB = "box_post_idea"
MAX_ENTRIES = 25


def title(action: BoxAction) -> tuple[str, dict]:
    return f"{action.ref} · {shorten(action.action, 200)}", {"weight": "Bolder"}


def details(action: BoxAction) -> list[dict]:
    return [runs(title(action)),
            runs(("For which customers: ", {"weight": "Bolder"}), shorten(action.customers, 800)),
            runs(("Limit: ", {"weight": "Bolder"}), limit_text(action)),
            runs(("Steps: ", {"weight": "Bolder"}), shorten(action.steps, 1500))]


def used_button(action: BoxAction) -> dict:
    return execute(I_USED_THIS, USED_VERB, {"action": action.id}, style="positive")


def box_list_activity(reply: BoxList, names: Names) -> dict:
    body = [runs((reply.heading, {"weight": "Bolder", "size": "Medium"}))]
    if not reply.entries:
        body.append(text_block("The box is empty. Managers add to it with `hero box add`."))
    for entry in reply.entries[:MAX_ENTRIES]:
        stats = entry.stats
        body += details(entry.action)
        body.append(runs(f"{uses_text(stats.uses)} this month · {stats.rate_text} · "
                         f"expected: {shorten(entry.action.expected_outcome, 300)}", subtle=True))
        body.append({"type": "ActionSet", "actions": [used_button(entry.action)]})
    return message(card(body), reply.heading)


def no_match_activity(reply: NoMatch, names: Names) -> dict:
    return message(card([runs(reply.text)], [execute(POST_AS_IDEA, POST_IDEA_VERB, {"words": reply.words[:2000]})]),
                   "Nothing in the box matches")


def box_action_card_activity(reply: BoxActionCard, names: Names) -> dict:
    action = reply.action
    body = [text_block(reply.headline, bold=True)] + details(action)
    body.append(runs(f"owner {name_of(action.owner, names)} · expected: {shorten(action.expected_outcome, 300)}",
                     subtle=True))
    return message(card(body, [used_button(action)] if action.active else []), f"{reply.headline}: {action.ref}")


def box_form(form: BoxForm, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None) -> dict:
    """Action, For which customers, Limit, Steps, Expected outcome (verb `box_form`)."""
    values = values if values is not None else {key: getattr(form.draft, key) for key, *_ in BOX_FIELDS}
    errors = errors or {}
    heading = f"Edit {form.action.ref}" if form.action else "Add to the box"
    body = [text_block(heading, bold=True, size="Medium")]
    for key, label, placeholder, required in BOX_FIELDS:
        field = {"type": "Input.Text", "id": key, "label": label, "placeholder": placeholder,
                 "isMultiline": key not in ("action", "limit"), "maxLength": 200 if key == "limit" else 3000,
                 "isRequired": required}
        if required:
            field["errorMessage"] = f"{label} is needed."
        if values.get(key):
            field["value"] = values[key]
        body += [field] + error_line(errors.get(key))
    data = {"ref": form.action.id if form.action else 0, "idea": form.idea_id or 0}  # "action" is a field
    return card(body, [execute("Save" if form.action else "Add", BOX_FORM_VERB, data, style="positive")])


def box_form_activity(reply: BoxForm, names: Names) -> dict:
    return message(box_form(reply), "The empowerment box form")


def use_form(form: UseForm, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None) -> dict:
    values, errors = values or {}, errors or {}
    action = form.action
    body = [text_block(f"I used {action.ref}", bold=True, size="Medium")] + details(action)

    def text_input(key: str, label: str, placeholder: str, multiline: bool, required: bool, max_length: int) -> None:
        nonlocal body
        field = {"type": "Input.Text", "id": key, "label": label, "placeholder": placeholder, "isMultiline": multiline,
                 "maxLength": max_length, "isRequired": required}
        if required:
            field["errorMessage"] = f"{label} is needed."
        if values.get(key):
            field["value"] = values[key]
        body += [field] + error_line(errors.get(key))

    if action.needs_amount:
        text_input("amount", f"{USE_FIELDS['amount']} ({shorten(action.unit, 40)})", f"at most {limit_text(action)}",
                   False, True, 30)
    if action.per_customer_period:
        text_input("customer", USE_FIELDS["customer"], "e.g. the account number", False, True, 100)
    text_input("situation", USE_FIELDS["situation"], "What happened to the customer?", True, False, 3000)
    text_input("did", USE_FIELDS["did"], "What did you do for them?", True, True, 3000)
    body.append({"type": "Input.Toggle", "id": "story", "label": "Story", "title": SHARE_STORY, "valueOn": "story", "valueOff": "",
                 "value": "story" if values.get("story") == "story" else ""})
    for key in errors.keys() - {"amount", "customer", "situation", "did"}:
        body += error_line(errors[key])
    return card(body, [execute("Log it", USE_FORM_VERB, {"action": action.id}, style="positive")])


def use_form_activity(reply: UseForm, names: Names) -> dict:
    return message(use_form(reply), f"I used {reply.action.ref}")


def _note(use: BoxUse) -> dict:
    return runs(shorten(use.note, 1500) if use.note else "no note")


def use_logged_activity(reply: UseLogged, names: Names) -> dict:
    actions = [] if reply.use.story else [execute(SHARE_STORY, STORY_VERB, {"use": reply.use.id})]
    return message(card([runs(reply.text)], actions), f"{reply.action.ref}: logged")


def over_limit_activity(reply: OverLimit, names: Names) -> dict:
    body = [runs(f"Not logged: {reply.text}"),
            runs(f"The owner of {reply.action.ref} is {name_of(reply.action.owner, names)}.")]
    return message(card(body, [execute(ASK_EXCEPTION, ASK_EXCEPTION_VERB, {"use": reply.use_id})]),
                   f"{reply.action.ref}: above the limit")


def people_of_over_limit(reply: OverLimit) -> set[str]:
    return {reply.action.owner}


def exception_request_activity(reply: ExceptionRequest, names: Names) -> dict:
    use, action = reply.use, reply.action
    amount = f" {number_text(use.amount)} {action.unit}" if use.amount is not None else ""
    body = [runs(f"{name_of(use.user_id, names)} asks for an exception to ", title(action),
                 f" (limit {limit_text(action)}):{amount}"), _note(use)]
    actions = []
    if reply.answered:
        body.append(text_block("✅ Allowed once" if reply.answered == "allowed" else "⛔ Declined", subtle=True))
    else:
        actions = [execute(ALLOW_ONCE, ALLOW_VERB, {"use": use.id}, style="positive"),
                   execute(DECLINE, DECLINE_VERB, {"use": use.id}, style="destructive")]
    return message(card(body, actions), f"An exception to {action.ref} is asked for")


def people_of_exception_request(reply: ExceptionRequest) -> set[str]:
    return {reply.use.user_id}


def follow_up_activity(reply: FollowUp, names: Names) -> dict:
    use, action = reply.use, reply.action
    ask = "Did it work? (asking once more)" if reply.again else "Did it work?"
    body = [text_block(ask, bold=True), runs("You used ", title(action), f" on {use.created_at:%d %b}:"), _note(use),
            runs(f"expected: {shorten(action.expected_outcome, 300)}", subtle=True)]
    actions = []
    if reply.answered:
        body.append(text_block(f"Recorded: {ANSWERS[reply.answered]}", subtle=True))
    else:
        actions = [execute(label, ANSWER_VERB, {"use": use.id, "answer": key}) for key, label in ANSWERS.items()]
    return message(card(body, actions), f"{ask} ({action.ref})")


def box_story_activity(reply: BoxStory, names: Names) -> dict:
    use, action = reply.use, reply.action
    body = [text_block("📣 Empowered to help", bold=True),
            runs(f"{name_of(use.user_id, names)} used ", title(action)), _note(use),
            runs(f"It worked · expected: {shorten(action.expected_outcome, 300)}", subtle=True)]
    return message(card(body), f"A story from the empowerment box ({action.ref})")


def people_of_box_story(reply: BoxStory) -> set[str]:
    return {reply.use.user_id}


def champion_list_activity(reply: ChampionList, names: Names) -> dict:
    body = [text_block(reply.heading, bold=True)]
    if not reply.champions:
        body.append(runs(reply.empty))
    for champion in reply.champions[:10]:
        worked = f"{uses_text(champion.worked)} that worked"
        body.append(runs((f"🏅 {name_of(champion.user_id, names)}", {"weight": "Bolder"}), f" — {worked}"))
        body += [runs("• ", title(action), f": {shorten(use.note, 300)}") for action, use in champion.stories]
    return message(card(body), reply.heading)


def people_of_champion_list(reply: ChampionList) -> set[str]:
    return {c.user_id for c in reply.champions}


def people_of_box_action_card(reply: BoxActionCard) -> set[str]:
    return {reply.action.owner}


def box_offer_activity(reply: BoxOffer, names: Names) -> dict:
    body = [text_block(teams_words(reply.text)), text_block("The practice is proven: make it everyday freedom?")]
    return message(card(body, [execute(ADD_TO_BOX, ADD_FROM_PILOT_VERB, {"idea": reply.idea_id}, style="positive")]),
                   "Add the proven practice to the box")
