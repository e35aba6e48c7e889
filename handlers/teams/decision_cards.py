"""Adaptive Cards for decisions: review cards, the decision forms, stories, wins and the queue.

Buttons are `Action.Execute` with the Slack words (`DECIDE_VERB`, data: idea and choice);
a form is submitted with `FORM_VERB` (data: idea and form kind, plus its inputs). People's
words stay in TextRuns; people show by their Teams name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.policy import DUPLICATE_FROM
from bot.replies import (
    ANSWER, ANSWER_LABEL, DECIDED_BY, MARK_DUPLICATE, AnswerForm, AuthorQuestion, DecisionForm, HomeView, Person,
    ReviewRequest, Story, Strong, WaitingList, WinList, WinStory, age_text, choices_for, idea_badges,
    review_heading,
)
from bot.model import RISKS, Idea, shorten
from bot.words import plural
from handlers.teams.cards import (
    Names, author_of, authors_of, card, error_line, execute, idea_lines, message, name_of, parts_runs,
    people_in_story, runs, story_runs, teams_words, text_block,
)

DECIDE_VERB = "decide"
MARK_DUPLICATE_VERB = "mark_duplicate"  # answered by handlers/teams/problems.py
FORM_VERB = "decision_form"
REVIEW_VERB = "review_card"  # "Back" on a form: the review card again
MAX_INPUT = 3000
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_STYLES = {"approve": "positive", "decline": "destructive"}


def decision_actions(idea: Idea) -> list[dict]:
    """The decision buttons that still make sense for the idea's status, and Mark duplicate while undecided."""
    actions = [execute(c.label, DECIDE_VERB, {"idea": idea.id, "choice": c.name}, style=_STYLES.get(c.name))
               for c in choices_for(idea.status)]
    if idea.status in DUPLICATE_FROM:
        actions.append(execute(MARK_DUPLICATE, MARK_DUPLICATE_VERB, {"idea": idea.id}))
    return actions


def record_result_action(idea: Idea) -> dict:
    """A pilot check-in's button: the outcome form, as Mark implemented opens it."""
    return execute("Record result", DECIDE_VERB, {"idea": idea.id, "choice": "implemented"}, style="positive")


def link_actions(link: str | None, title: str = "View it") -> list[dict]:
    return [{"type": "Action.OpenUrl", "title": title, "url": link}] if link else []


def story_activity(reply: Story, names: Names) -> dict:
    summary = "".join(p if isinstance(p, str) else p.text if isinstance(p, Strong) else name_of(p.user_id, names)
                      for p in reply.parts)
    return message(card([story_runs(reply, names)], link_actions(reply.link)), shorten(summary, 200))


def review_card(reply: ReviewRequest, names: Names, note: str | None = None) -> dict:
    idea = reply.idea
    body = [text_block(review_heading(idea.status), bold=True)] + idea_lines(idea, names)
    if decided := reply.decided:
        body.append(runs(f"{DECIDED_BY[decided.action]} ", (name_of(decided.by_user, names), {"weight": "Bolder"}),
                         subtle=True))
    if note:
        body.append(text_block(teams_words(note), subtle=True))
    return card(body, decision_actions(idea) + link_actions(reply.link, "Open the idea"))


def review_request_activity(reply: ReviewRequest, names: Names) -> dict:
    return message(review_card(reply, names), f"Idea #{reply.idea.id} needs your decision: {reply.idea.display_title}")


def win_story_activity(reply: WinStory, names: Names) -> dict:
    idea = reply.idea
    credits = [part for n, credit in enumerate(reply.credits()) for part in ((" · ",) if n else ()) + credit]
    body = [runs((f"🏆 A win! #{idea.id} · {idea.display_title}", {"weight": "Bolder", "size": "Medium"})),
            runs(shorten(reply.outcome, 1500)), *(runs(fact) for fact in reply.facts()),
            parts_runs(credits, names, subtle=True)]
    return message(card(body), f"A win: #{idea.id} {idea.display_title}")


def _summary(idea: Idea, names: Names, extra: str) -> dict:
    return runs((f"#{idea.id} · {idea.display_title}", {"weight": "Bolder"}),
                f"\n{idea_badges(idea)} · by {author_of(idea, names)}{extra}")


def win_list_activity(reply: WinList, names: Names) -> dict:
    body = [text_block(reply.heading, bold=True)]
    if not reply.wins:
        body.append(runs(reply.empty))
    for idea, at in reply.wins[:45]:
        body.append(_summary(idea, names, f" · implemented {at:%Y-%m-%d} · 👍 {plural(idea.votes, 'supporter')}"))
    return message(card(body), reply.heading)


def waiting_body(reply: WaitingList, names: Names, limit: int) -> list[dict]:
    body = [text_block(reply.heading, bold=True)]
    if not reply.items:
        body.append(runs(reply.empty))
    for idea, age in reply.items[:limit]:
        body.append(_summary(idea, names, f" · waiting {age_text(age)}"))
        if actions := decision_actions(idea):
            body.append({"type": "ActionSet", "actions": actions})
    return body


def waiting_list_activity(reply: WaitingList, names: Names) -> dict:
    return message(card(waiting_body(reply, names, limit=24)), reply.heading)


def home_view_activity(home: HomeView, names: Names) -> dict:
    """A person's own page, as the Slack App Home shows it: what waits for them, their ideas, their votes."""
    body = [text_block(teams_words(home.greeting))] if home.greeting else []
    body += waiting_body(home.waiting, names, limit=20) if home.waiting is not None else []
    for heading, ideas, empty in home.lists():
        body.append(text_block(heading, bold=True))
        for idea in ideas[:20]:
            body.append(_summary(idea, names, ""))
            if decision := home.decisions.get(idea.id):
                body.append(story_runs(decision, names))
        body += [] if ideas else [runs(teams_words(empty))]
    return message(card(body), "Your ideas")


def decision_form_activity(reply: DecisionForm, names: Names) -> dict:
    return message(decision_form(reply, names), f"{_TITLES[reply.kind][0]}: #{reply.idea.id} {reply.idea.display_title}")


# --- the decision forms ---------------------------------------------------------------------

_TITLES = {"approve": ("Approve", "Approve"), "pilot": ("Pilot", "Start pilot"), "decline": ("Decline", "Decline"),
           "needs_info": ("Needs info", "Ask"), "outcome": ("Mark implemented", "Save")}


def offered_champions(form: DecisionForm, names: Names) -> list[str]:
    """The configured IT champions who are on Teams: seen by the bot, or shaped like an AAD object id."""
    return [c for c in form.champions if c in names or _GUID.match(c)]


def decision_form(form: DecisionForm, names: Names, values: Mapping[str, str] | None = None,
                  errors: Mapping[str, str] | None = None) -> dict:
    """The form for a decision as a card, its answers kept and each error under its field."""
    values, errors = values or {}, errors or {}
    idea = form.idea
    title, submit = _TITLES[form.kind]
    body = [text_block(title, bold=True, size="Medium"),
            runs((f"#{idea.id} · {idea.display_title}", {"weight": "Bolder"}),
                 f"\n{idea_badges(idea)}", subtle=False)]
    shown: set[str] = set()

    def add(field: dict, error_key: str | None = None) -> None:
        key = field["id"]
        if values.get(key):
            field["value"] = values[key]
        body.append(field)
        shown.add(error_key or key)
        body.extend(error_line(errors.get(error_key or key)))

    for field in _fields(form, names, values):
        if "id" in field:
            add(field, "champion" if field["id"] == "champion_other" else None)
        else:
            body.append(field)
    for key in errors.keys() - shown:  # an error about no field in particular (a failed save)
        body.extend(error_line(errors[key]))
    data = {"idea": idea.id, "kind": form.kind}
    return card(body, [execute(submit, FORM_VERB, data, style="positive"),
                       execute("Back", REVIEW_VERB, {"idea": idea.id})])


def _text(key: str, label: str, placeholder: str, multiline: bool = True, required: bool = False) -> dict:
    field = {"type": "Input.Text", "id": key, "label": label, "placeholder": placeholder,
             "isMultiline": multiline, "maxLength": MAX_INPUT}
    if required:
        field.update(isRequired=True, errorMessage=f"{label} is needed.")
    return field


def _choice(key: str, label: str, choices: list[tuple[str, str]], expanded: bool = False,
            placeholder: str | None = None) -> dict:
    field = {"type": "Input.ChoiceSet", "id": key, "label": label, "style": "expanded" if expanded else "compact",
             "choices": [{"title": shorten(title, 75), "value": value} for value, title in choices]}
    if placeholder:
        field["placeholder"] = placeholder
    return field


def _risk() -> dict:
    return _choice("risk", "Risk level", [(r, r.capitalize()) for r in RISKS], placeholder="Pick a risk level")


def _fields(form: DecisionForm, names: Names, values: Mapping[str, str]) -> list[dict]:
    mitigation = _text("mitigation", "Mitigation", "How will you keep the risk in check? (needed for medium and high)")
    if form.kind == "approve":
        offered = offered_champions(form, names)
        fields = [_risk(), mitigation,
                  {"type": "Input.Toggle", "id": "tech_support", "label": "Technology",
                   "title": "Needs technology support", "valueOn": "true", "valueOff": "false", "value": "false"}]
        if offered:
            champion = _choice("champion", "IT champion", [(c, name_of(c, names) if c in names else c)
                                                           for c in offered], placeholder="Pick an IT champion")
            if form.champion in offered and "champion" not in values:
                champion["value"] = form.champion
            fields.append(champion)
        fields.append(_text("champion_other", "Or another IT champion (their Microsoft Entra object id)",
                            "e.g. 6f1c2a9e-0000-4000-8000-00000000a001", multiline=False))
        return fields
    if form.kind == "pilot":
        return [_text("hypothesis", "Hypothesis", "If we …, then … because …", required=True),
                _text("metric", "Success metric", "e.g. repeat calls per 100 orders", multiline=False, required=True),
                _text("baseline", "Baseline value", "a number, e.g. 12 (optional)", multiline=False),
                _text("target", "Target value", "a number, e.g. 8", multiline=False, required=True),
                {"type": "Input.Date", "id": "ends_on", "label": "End date", "isRequired": True,
                 "errorMessage": "Pick the day the pilot ends."},
                _risk(), mitigation]
    if form.kind == "decline":
        return [_text("reason", "Reason", "The author will see this.", required=True)]
    if form.kind == "needs_info":
        return [_text("question", "Your question", "Posted in the idea's thread and sent to the author.",
                      required=True)]
    fields = []
    if form.experiment:
        experiment = form.experiment
        baseline = f", baseline {experiment.baseline:g}" if experiment.baseline is not None else ""
        fields.append(runs(f"🧪 {experiment.metric}: target {experiment.target:g}{baseline}, "
                           f"ends {experiment.ends_on}"))
        fields.append(_text("result", "Measured result", "a number", multiline=False, required=True))
        verdict = _choice("verdict", "Verdict", [("implemented", "It worked: roll it out (implemented)"),
                                                 ("declined", "It missed its target: close as declined")],
                          expanded=True)
        if form.verdict and "verdict" not in values:
            verdict["value"] = form.verdict
        fields.append(verdict)
        fields.append(_text("outcome", "What changed, or what we learned", "A few lines for the story.",
                            required=True))
    else:
        fields.append(_text("outcome", "What changed", "What is different for customers now? A few lines.",
                            required=True))
    return fields


# --- an anonymous author's private answer: the Answer button, and the card it turns into -----------

ANSWER_VERB = "answer_question"
ANSWER_FORM_VERB = "answer_form"


def answer_action(idea_id: int) -> dict:
    return execute(ANSWER, ANSWER_VERB, {"idea": idea_id}, style="positive")


def author_question_activity(reply: AuthorQuestion, names: Names) -> dict:
    rendered = story_activity(reply.message, names)
    document = rendered["attachments"][0]["content"]
    document["actions"] = [*document.get("actions", []), answer_action(reply.idea.id)]
    return rendered


def people_of_author_question(reply: AuthorQuestion) -> set[str]:
    return {part.user_id for part in reply.message.parts if isinstance(part, Person)}


def answer_form(form: AnswerForm) -> dict:
    field = {"type": "Input.Text", "id": "answer", "label": ANSWER_LABEL, "isMultiline": True, "maxLength": 3000,
             "isRequired": True, "errorMessage": "Write your answer."}
    if form.value:
        field["value"] = form.value
    body = [runs((f"#{form.idea.id} · {form.idea.display_title}", {"weight": "Bolder"})),
            text_block("Your answer is posted in the idea's thread as \u201cThe author answered: \u2026\u201d, "
                       "without your name.", subtle=True),
            field, *error_line(form.error)]
    return card(body, [execute("Send answer", ANSWER_FORM_VERB, {"idea": form.idea.id}, style="positive")])


def answer_form_activity(reply: AnswerForm, names: Names) -> dict:
    return message(answer_form(reply), f"Answer privately: #{reply.idea.id}")


# --- whose names these cards show (handlers/teams/render.py PEOPLE) ----------------------------

def people_of_review_request(reply: ReviewRequest) -> set[str]:
    return authors_of([reply.idea]) | ({reply.decided.by_user} if reply.decided else set())


def people_of_decision_form(reply: DecisionForm) -> set[str]:
    return authors_of([reply.idea]) | set(reply.champions)


def people_of_story(reply: Story) -> set[str]:
    return people_in_story(reply)


def people_of_win_story(reply: WinStory) -> set[str]:
    return {p for p in (reply.author, reply.decider, reply.champion) if p}


def people_of_win_list(reply: WinList) -> set[str]:
    return authors_of([idea for idea, _ in reply.wins])


def people_of_waiting_list(reply: WaitingList) -> set[str]:
    return authors_of([idea for idea, _ in reply.items])


def people_of_home_view(reply: HomeView) -> set[str]:
    waiting = [idea for idea, _ in reply.waiting.items] if reply.waiting else []
    return authors_of([*reply.mine, *reply.voted, *waiting]).union(
        *(people_in_story(s) for s in reply.decisions.values()))
