"""Adaptive Cards (1.5) for problems, similar-item offers, hot spots, search results and their forms.

The words are Slack's (Me too, Vote, Post mine anyway, Mark duplicate); people's text stays in TextRuns.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.model import (
    CONTACT_CHANNELS, FREQUENCIES, Idea, Problem, ProblemStatus, shorten,
)
from bot.replies import (
    PROBLEM_BADGES, START_CHALLENGE, HotspotList, ProblemCard, ProblemForm, SearchResults, SimilarFound,
    hotspot_figures, idea_badges, problem_badges, reporters_text, self_service_note,
)
from handlers.teams.cards import (
    Names, card, error_line, execute, message, name_of, parts_runs, runs, teams_words, text_block,
)

ME_TOO_VERB = "me_too"
SIMILAR_VOTE_VERB = "similar_vote"
SIMILAR_ME_TOO_VERB = "similar_me_too"
POST_ANYWAY_VERB = "post_anyway"
PROBLEM_FORM_VERB = "problem_form"
DUPLICATE_FORM_VERB = "duplicate_form"
START_CHALLENGE_VERB = "start_challenge"  # answered by handlers/teams/challenges.py
MAX_LISTED = 45


def problem_title(problem: Problem) -> tuple[str, dict]:
    return f"{problem.ref} · {problem.display_title}", {"weight": "Bolder"}


def problem_summary(problem: Problem) -> dict:
    return runs(problem_title(problem), f"\n{problem_badges(problem)}")


def idea_summary(idea: Idea) -> dict:
    return runs((f"#{idea.id} · {idea.display_title}", {"weight": "Bolder"}),
                f"\n{idea_badges(idea)}")


def me_too_action(problem: Problem) -> dict:
    return execute(f"🙋 Me too ({problem.reporters})", ME_TOO_VERB, {"problem": problem.id})


def problem_card(reply: ProblemCard, names: Names, note: str | None = None) -> dict:
    """The problem's public card; `note` adds a line only the person who clicked sees."""
    problem = reply.problem
    first, _, rest = problem.text.partition("\n")
    body = [runs((f"{problem.ref} · {problem.display_title}", {"weight": "Bolder", "size": "Medium"}))]
    if rest.strip() and first.strip():
        body.append(runs(shorten(rest.strip(), 3000)))
    meta = [f"reported by {name_of(problem.reporter_id, names)}", PROBLEM_BADGES[problem.status],
            reporters_text(problem.reporters)]
    if problem.duplicate_of:
        meta.append(f"duplicate of P{problem.duplicate_of}")
    body.append(runs(" · ".join(meta), subtle=True))
    if reply.ideas:
        body.append(text_block("Ideas addressing it", bold=True))
        body += [runs(f"#{i.id} {i.display_title} ({i.status.label})") for i in reply.ideas[:20]]
    if note:
        body.append(text_block(teams_words(note), subtle=True))
    return card(body, [me_too_action(problem)] if problem.status == ProblemStatus.OPEN else [])


def problem_card_activity(reply: ProblemCard, names: Names) -> dict:
    return message(problem_card(reply, names), f"Problem {reply.problem.ref}: {reply.problem.display_title}")


def similar_card(reply: SimilarFound) -> dict:
    noun = "ideas" if reply.kind == "idea" else "problems"
    body = [text_block(f"**Similar {noun} are already open.** Is yours one of them? Nothing is posted until you choose.")]
    for idea in reply.ideas:
        body += [idea_summary(idea), {"type": "ActionSet", "actions": [
            execute(f"👍 Vote for #{idea.id}", SIMILAR_VOTE_VERB, {"idea": idea.id, "token": reply.token})]}]
    for problem in reply.problems:
        body += [problem_summary(problem), {"type": "ActionSet", "actions": [
            execute(f"🙋 Me too on {problem.ref}", SIMILAR_ME_TOO_VERB, {"problem": problem.id, "token": reply.token})]}]
    return card(body, [execute("Post mine anyway", POST_ANYWAY_VERB, {"token": reply.token}, style="positive")])


def similar_found_activity(reply: SimilarFound, names: Names) -> dict:
    noun = "ideas" if reply.kind == "idea" else "problems"
    return message(similar_card(reply), f"Similar {noun} are already open: vote for one, or post yours anyway.")


def hotspot_list_activity(reply: HotspotList, names: Names) -> dict:
    body = [text_block(reply.heading, bold=True)]
    if not reply.hotspots:
        body.append(runs(reply.empty))
    for spot in reply.hotspots[:MAX_LISTED]:
        body.append(runs(problem_title(spot.problem), f"\n{hotspot_figures(spot)}"))
        if spot.self_service:
            body.append({**parts_runs(self_service_note(reply.threshold), names), "spacing": "None"})
        if reply.starts_challenges and spot.problem.status == ProblemStatus.OPEN:
            body.append({"type": "ActionSet", "actions": [
                execute(f"🚩 {START_CHALLENGE}", START_CHALLENGE_VERB, {"problem": spot.problem.id})]})
    return message(card(body), reply.heading)


def search_results_activity(reply: SearchResults, names: Names) -> dict:
    heading = f"Search: {shorten(reply.words, 100)}"
    body = [runs((heading, {"weight": "Bolder"}))]
    if not reply.items:
        body.append(runs("Nothing found. Try fewer or other words."))
    for item in reply.items[:MAX_LISTED]:
        body.append(idea_summary(item) if isinstance(item, Idea) else problem_summary(item))
    return message(card(body), heading)


# --- forms -------------------------------------------------------------------------------

PROBLEM_FIELDS = (  # id, label, placeholder, required
    ("tried", "What the customer tried to do", "e.g. reset their password in the app", True),
    ("went_wrong", "What went wrong", "e.g. the reset e-mail never arrived", True),
)


def _choices(field_id: str, label: str, options: Mapping[str, str], value: str | None, required: bool) -> dict:
    field = {"type": "Input.ChoiceSet", "id": field_id, "label": label, "style": "compact", "isRequired": required,
             "placeholder": "Choose", "choices": [{"title": text, "value": key} for key, text in options.items()]}
    if required:
        field["errorMessage"] = f"{label} is needed."
    if value:
        field["value"] = value
    return field


def problem_form(form: ProblemForm, values: Mapping[str, str] | None = None,
                 errors: Mapping[str, str] | None = None) -> dict:
    """The Slack modal's fields as a card, submitted with Action.Execute (verb `problem_form`)."""
    values, errors = values or {}, errors or {}
    body = [text_block("Log a customer problem", bold=True, size="Medium")]
    for key, label, placeholder, required in PROBLEM_FIELDS:
        field = {"type": "Input.Text", "id": key, "label": label, "placeholder": placeholder, "isMultiline": True,
                 "maxLength": 1000, "isRequired": required}
        if required:
            field["errorMessage"] = f"{label} is needed."
        if values.get(key):
            field["value"] = values[key]
        body += [field] + error_line(errors.get(key))
    body += [_choices("contact_channel", "How they reached us", CONTACT_CHANNELS, values.get("contact_channel"), True)]
    body += error_line(errors.get("contact_channel"))
    body += [_choices("frequency", "How often you see it", FREQUENCIES, values.get("frequency"), False)]
    body += error_line(errors.get("frequency"))
    for key in errors.keys() - {"tried", "went_wrong", "contact_channel", "frequency"}:
        body += error_line(errors[key])
    return card(body, [execute("Log problem", PROBLEM_FORM_VERB, style="positive")])


def problem_form_activity(reply: ProblemForm, names: Names) -> dict:
    return message(problem_form(reply), "Log a customer problem")


def duplicate_form(ref: str, value: str = "", error: str | None = None) -> dict:
    """Mark duplicate: which item is this one a duplicate of (verb `duplicate_form`)."""
    label = f"problem {ref}" if ref.upper().startswith("P") else f"idea #{ref}"
    field = {"type": "Input.Text", "id": "original", "label": f"Which one is {label} a duplicate of?",
             "placeholder": "its number, e.g. 7 (or P7 for a problem)", "maxLength": 20, "isRequired": True,
             "errorMessage": "Give the number of the original."}
    if value:
        field["value"] = value
    body = [text_block("Mark duplicate", bold=True, size="Medium"), field] + error_line(error)
    return card(body, [execute("Mark duplicate", DUPLICATE_FORM_VERB, {"ref": ref}, style="positive")])


def problem_select(problems: tuple[Problem, ...], value: str | None = None) -> list[dict]:
    """The idea form's optional choice: which open problem the idea solves (as in the Slack modal)."""
    if not problems:
        return []
    choices = [{"title": shorten(f"{p.ref} · {p.display_title}", 75), "value": str(p.id)} for p in problems[:100]]
    field = {"type": "Input.ChoiceSet", "id": "problem_id", "label": "Customer problem it solves", "style": "compact",
             "placeholder": "Pick a logged problem", "choices": choices}
    if value:
        field["value"] = value
    return [field]


def people_of_problem_card(reply: ProblemCard) -> set[str]:
    return {reply.problem.reporter_id}
