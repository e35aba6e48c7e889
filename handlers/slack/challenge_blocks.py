"""Block Kit for challenges: the challenge message, the list, the halfway reminder, the summary, the form."""

from __future__ import annotations

import json

from bot.replies import (
    ADD_IDEA, LABELS, ChallengeCard, ChallengeForm, ChallengeHalfway, ChallengeList, ChallengeSummary, idea_line,
    ideas_text, people_text, reporters_text, status_line, trend_text,
)
from bot.model import shorten
from handlers.slack.blocks import context, escape, section
from handlers.slack.problem_blocks import button

ADD_IDEA_ACTION = "challenge_add_idea"
CHALLENGE_FORM = "challenge_form"
MAX_LISTED = 20


def heading(card: ChallengeCard) -> str:
    return f"*🚩 {card.challenge.ref} · {escape(card.challenge.display_question)}*"


def _ideas(title: str, ideas) -> str:
    return f"*{title}*\n" + "\n".join(f"• {escape(idea_line(i))}" for i in ideas)


def challenge_card_message(reply: ChallengeCard) -> dict:
    challenge = reply.challenge
    text = heading(reply)
    if len(challenge.question) > len(challenge.display_question):
        text += f"\n{escape(shorten(challenge.question, 2500))}"
    blocks = [section(text), context(f"started by <@{challenge.created_by}>", status_line(reply),
                                     f"🎯 {escape(challenge.goal)}" if challenge.goal else "")]
    if reply.problem:
        spot = reply.problem
        blocks.append(section(f"Customer problem *{spot.problem.ref} · {escape(spot.problem.display_title)}*\n"
                              f"{reporters_text(spot.problem.reporters)} · last 30 days: "
                              f"{trend_text(spot.reporters, spot.previous)}"))
    if reply.advanced:
        blocks.append(section(_ideas("Advanced to review", reply.advanced)))
    elif reply.top:
        blocks.append(section(_ideas("Most voted so far", reply.top)))
    elif challenge.is_open:
        blocks.append(section("No ideas yet: be the first."))
    if challenge.is_open:
        blocks.append({"type": "actions", "block_id": f"challenge_{challenge.id}", "elements": [
            button(ADD_IDEA_ACTION, f"💡 {ADD_IDEA}", str(challenge.id), style="primary")]})
    return {"text": f"Challenge {challenge.ref}: {escape(challenge.display_question)}", "blocks": blocks}


def challenge_list_message(reply: ChallengeList) -> dict:
    blocks = [section("*Open challenges*")]
    if not reply.open:
        blocks.append(section("No challenge is open right now."))
    for card in reply.open[:MAX_LISTED]:
        blocks.append(section(f"{heading(card)}\n{status_line(card)}"))
    blocks.append(section(f"*Closed in the last {reply.days} days*"))
    if not reply.closed:
        blocks.append(section("None."))
    for card in reply.closed[:MAX_LISTED]:
        outcome = "\n" + "\n".join(f"• {escape(idea_line(i))}" for i in card.advanced) if card.advanced else ""
        blocks.append(section(f"{heading(card)}\n{status_line(card)}{outcome}"))
    return {"text": "Challenges", "blocks": blocks}


def challenge_halfway_message(reply: ChallengeHalfway) -> dict:
    challenge = reply.challenge
    text = (f"⏳ *Halfway through challenge {challenge.ref}.* {ideas_text(challenge.ideas)} so far, "
            f"{reply.time_left}.")
    if reply.top:
        text += "\n" + _ideas("Most voted", reply.top)
    text += f"\nAdd yours with *{ADD_IDEA}* or `/idea challenge {challenge.ref} <your idea>`."
    return {"text": f"Halfway through challenge {challenge.ref}", "blocks": [section(text)]}


def challenge_summary_message(reply: ChallengeSummary) -> dict:
    challenge = reply.challenge
    people = people_text(reply.people)
    lines = [f"🏁 *Challenge {challenge.ref} is closed:* {escape(challenge.display_question)}",
             f"{ideas_text(challenge.ideas)} from {people}."]
    if reply.named:
        lines.append("Thanks to " + ", ".join(f"<@{u}>" for u in reply.named[:40]) + " for taking part.")
    if reply.advanced:
        lines.append(_ideas("Advanced to review", reply.advanced))
    else:
        lines.append("No open idea was left to advance to review.")
    return {"text": f"Challenge {challenge.ref} is closed", "blocks": [section("\n".join(lines))]}


def challenge_form_message(reply: ChallengeForm) -> dict:  # only when a form cannot be opened (no trigger)
    text = "Start a challenge with `/hero challenge` or a hot spot's *Start a challenge* button."
    return {"text": text, "blocks": [section(text)]}


def _input(block_id: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "optional": optional,
             "label": {"type": "plain_text", "text": LABELS[block_id]}, "element": {**element, "action_id": "value"}}
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _select(options: list[tuple[str, str]], chosen: str, placeholder: str) -> dict:
    items = [{"text": {"type": "plain_text", "text": shorten(text, 75)}, "value": value[:150]} for value, text in options]
    element = {"type": "static_select", "options": items[:100], "placeholder": {"type": "plain_text", "text": placeholder}}
    initial = [o for o in items if o["value"] == chosen]
    if initial:
        element["initial_option"] = initial[0]
    return element


def challenge_modal(form: ChallengeForm, metadata: dict) -> dict:
    question = {"type": "plain_text_input", "max_length": 300,
                "placeholder": {"type": "plain_text", "text": "How might we …"}}
    if form.value("question"):
        question["initial_value"] = form.value("question")[:300]
    blocks = [_input("question", question)]
    if form.problems:
        options = [(str(p.id), f"{p.ref} · {p.display_title}") for p in form.problems]
        blocks.append(_input("problem_id", _select(options, form.value("problem_id"), "Pick an open problem"), True))
    if form.goals:
        blocks.append(_input("goal", _select([(g, g) for g in form.goals], form.value("goal"), "Pick a goal"), True))
    else:
        blocks.append(_input("goal", {"type": "plain_text_input", "max_length": 300}, True))
    date = {"type": "datepicker", "placeholder": {"type": "plain_text", "text": "Tomorrow or later"}}
    if form.value("ends_on"):
        date["initial_date"] = form.value("ends_on")
    blocks.append(_input("ends_on", date))
    blocks.append(_input("advance", {"type": "plain_text_input", "max_length": 2, "initial_value": form.value("advance")},
                         hint="How many of the most voted ideas go to review at the end"))
    return {
        "type": "modal",
        "callback_id": CHALLENGE_FORM,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": {"type": "plain_text", "text": "Start a challenge"},
        "submit": {"type": "plain_text", "text": "Start"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }
