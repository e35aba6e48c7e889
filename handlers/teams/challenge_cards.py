"""Adaptive Cards (1.5) for challenges: the challenge card, the list, the halfway reminder, the summary, the form.

People's words (the question, idea titles) stay in TextRuns; the buttons carry Slack's words.
"""

from __future__ import annotations

from bot.replies import (
    ADD_IDEA, LABELS, ChallengeCard, ChallengeForm, ChallengeHalfway, ChallengeList, ChallengeSummary, idea_line,
    ideas_text, people_text, reporters_text, status_line, trend_text,
)
from bot.model import shorten
from handlers.teams.cards import Names, card, error_line, execute, message, name_of, runs, text_block

ADD_IDEA_VERB = "challenge_add_idea"
CHALLENGE_FORM_VERB = "challenge_form"
MAX_LISTED = 20


def title(reply: ChallengeCard, size: str | None = "Medium") -> dict:
    style = {"weight": "Bolder", **({"size": size} if size else {})}
    return runs((f"🚩 {reply.challenge.ref} · {reply.challenge.display_question}", style))


def _ideas(heading: str, ideas) -> list[dict]:
    return [text_block(heading, bold=True)] + [runs(f"• {idea_line(i)}") for i in ideas]


def challenge_card(reply: ChallengeCard, names: Names, note: str | None = None) -> dict:
    challenge = reply.challenge
    body = [title(reply)]
    if len(challenge.question) > len(challenge.display_question):
        body.append(runs(shorten(challenge.question, 2500)))
    meta = [f"started by {name_of(challenge.created_by, names)}", status_line(reply)]
    if challenge.goal:
        meta.append(f"🎯 {challenge.goal}")
    body.append(runs(" · ".join(meta), subtle=True))
    if reply.problem:
        spot = reply.problem
        body.append(runs("Customer problem ", (f"{spot.problem.ref} · {spot.problem.display_title}", {"weight": "Bolder"}),
                         f"\n{reporters_text(spot.problem.reporters)} · last 30 days: "
                         f"{trend_text(spot.reporters, spot.previous)}"))
    if reply.advanced:
        body += _ideas("Advanced to review", reply.advanced)
    elif reply.top:
        body += _ideas("Most voted so far", reply.top)
    elif challenge.is_open:
        body.append(runs("No ideas yet: be the first."))
    if note:
        body.append(text_block(note, subtle=True))
    actions = [execute(f"💡 {ADD_IDEA}", ADD_IDEA_VERB, {"challenge": challenge.id}, style="positive")]
    return card(body, actions if challenge.is_open else [])


def challenge_card_activity(reply: ChallengeCard, names: Names) -> dict:
    return message(challenge_card(reply, names), f"Challenge {reply.challenge.ref}: {reply.challenge.display_question}")


def challenge_list_activity(reply: ChallengeList, names: Names) -> dict:
    body = [text_block("Open challenges", bold=True)]
    if not reply.open:
        body.append(runs("No challenge is open right now."))
    for item in reply.open[:MAX_LISTED]:
        body += [title(item, None), runs(status_line(item), subtle=True)]
    body.append(text_block(f"Closed in the last {reply.days} days", bold=True))
    if not reply.closed:
        body.append(runs("None."))
    for item in reply.closed[:MAX_LISTED]:
        body += [title(item, None), runs(status_line(item), subtle=True)]
        body += [runs(f"• {idea_line(i)}") for i in item.advanced]
    return message(card(body), "Challenges")


def challenge_halfway_activity(reply: ChallengeHalfway, names: Names) -> dict:
    challenge = reply.challenge
    body = [text_block(f"⏳ **Halfway through challenge {challenge.ref}.** {ideas_text(challenge.ideas)} so far, "
                       f"{reply.time_left}.")]
    if reply.top:
        body += _ideas("Most voted", reply.top)
    body.append(text_block(f"Add yours with **{ADD_IDEA}** or `idea challenge {challenge.ref} <your idea>`."))
    return message(card(body), f"Halfway through challenge {challenge.ref}")


def challenge_summary_activity(reply: ChallengeSummary, names: Names) -> dict:
    challenge = reply.challenge
    people = people_text(reply.people)
    body = [runs((f"🏁 Challenge {challenge.ref} is closed: ", {"weight": "Bolder"}), challenge.display_question),
            runs(f"{ideas_text(challenge.ideas)} from {people}.")]
    if reply.named:
        body.append(runs("Thanks to " + ", ".join(name_of(u, names) for u in reply.named[:40]) + " for taking part."))
    if reply.advanced:
        body += _ideas("Advanced to review", reply.advanced)
    else:
        body.append(runs("No open idea was left to advance to review."))
    return message(card(body), f"Challenge {challenge.ref} is closed")


def _choices(field_id: str, options: list[tuple[str, str]], value: str) -> dict:
    field = {"type": "Input.ChoiceSet", "id": field_id, "label": LABELS[field_id], "style": "compact",
             "placeholder": "Choose (optional)", "choices": [{"title": shorten(t, 75), "value": v[:150]} for v, t in options]}
    if value:
        field["value"] = value
    return field


def challenge_form(form: ChallengeForm) -> dict:
    """The Slack modal's fields as a card, submitted with Action.Execute (verb `challenge_form`)."""
    errors = form.errors
    question = {"type": "Input.Text", "id": "question", "label": LABELS["question"], "placeholder": "How might we …",
                "maxLength": 300, "isRequired": True, "errorMessage": "Ask the question ideas should answer."}
    if form.value("question"):
        question["value"] = form.value("question")[:300]
    body = [text_block("Start a challenge", bold=True, size="Medium"), question] + error_line(errors.get("question"))
    if form.problems:
        options = [(str(p.id), f"{p.ref} · {p.display_title}") for p in form.problems[:100]]
        body += [_choices("problem_id", options, form.value("problem_id"))] + error_line(errors.get("problem_id"))
    if form.goals:
        body += [_choices("goal", [(g, g) for g in form.goals[:100]], form.value("goal"))]
    else:
        body += [{"type": "Input.Text", "id": "goal", "label": LABELS["goal"], "maxLength": 300,
                  **({"value": form.value("goal")} if form.value("goal") else {})}]
    body += error_line(errors.get("goal"))
    ends = {"type": "Input.Date", "id": "ends_on", "label": LABELS["ends_on"], "isRequired": True,
            "errorMessage": "Pick the day the challenge ends."}
    if form.value("ends_on"):
        ends["value"] = form.value("ends_on")
    body += [ends] + error_line(errors.get("ends_on"))
    body += [{"type": "Input.Number", "id": "advance", "label": LABELS["advance"], "min": 1, "isRequired": True,
              "value": int(form.value("advance")) if form.value("advance").isdigit() else 3,
              "errorMessage": "How many of the most voted ideas go to review at the end."}]
    body += error_line(errors.get("advance"))
    return card(body, [execute("Start", CHALLENGE_FORM_VERB, style="positive")])


def challenge_form_activity(reply: ChallengeForm, names: Names) -> dict:
    return message(challenge_form(reply), "Start a challenge")


def people_of_challenge_card(reply: ChallengeCard) -> set[str]:
    return {reply.challenge.created_by}


def people_of_challenge_summary(reply: ChallengeSummary) -> set[str]:
    return set(reply.named)
