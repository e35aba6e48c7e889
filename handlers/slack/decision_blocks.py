"""Block Kit for decisions: review requests, decision forms (modals), stories, wins, the queue, App Home."""

from __future__ import annotations

import json
import re

from bot.replies import (
    ANSWER, ANSWER_LABEL, DECIDED_BY, STATUS_BADGES, AnswerForm, AuthorQuestion, DecisionForm, HomeView, Person,
    ReviewRequest, Story, Strong, WaitingList, WinList, WinStory, age_text, counts, idea_badges, review_heading,
)
from bot.model import RISKS, Idea, shorten
from bot.words import plural
from handlers.slack.blocks import (
    author_of, context, decision_buttons, escape, idea_heading, idea_summary_line, parts_mrkdwn, section,
)

FORM_CALLBACKS = {kind: f"decision_{kind}" for kind in ("approve", "pilot", "decline", "needs_info", "outcome")}
MAX_INPUT = 3000


def actions(idea: Idea) -> list[dict]:
    buttons = decision_buttons(idea)
    return [{"type": "actions", "block_id": f"decide_{idea.id}", "elements": buttons}] if buttons else []


def goal_of(idea: Idea) -> str:
    return f"🎯 {escape(idea.mission_goal)}" if idea.mission_goal else ""


def story_message(reply: Story) -> dict:
    text = "".join(_part(p) for p in reply.parts)
    if reply.link:
        text += f" <{reply.link}|View it>"
    return {"text": shorten(text, 3000), "blocks": [section(text)]}


def _part(part) -> str:
    if isinstance(part, Person):
        return f"<@{part.user_id}>"
    if isinstance(part, Strong):
        return f"*{escape(part.text)}*"
    return escape(part)


def review_request_message(reply: ReviewRequest) -> dict:
    idea = reply.idea
    body = f"{idea_heading(idea)}\n{escape(idea.body)}" if idea.body else idea_heading(idea)
    extra = [f"<{reply.link}|open the idea>" if reply.link else ""]
    if decided := reply.decided:
        extra.append(f"{DECIDED_BY[decided.action]} <@{decided.by_user}>")
    blocks = [
        section(f"{review_heading(idea.status)}\n{body}"),
        context(f"by {author_of(idea)}", STATUS_BADGES[idea.status], counts(idea), goal_of(idea), *extra),
        *actions(idea),
    ]
    return {"text": f"Idea #{idea.id} needs your decision: {escape(idea.display_title)}", "blocks": blocks}


def win_story_message(reply: WinStory) -> dict:
    idea = reply.idea
    lines = [f"🏆 *A win!* #{idea.id} · {escape(idea.display_title)}", escape(shorten(reply.outcome, 1500)),
             *map(escape, reply.facts())]
    blocks = [section("\n".join(lines)), context(*map(parts_mrkdwn, reply.credits()))]
    return {"text": f"A win: #{idea.id} {escape(idea.display_title)}", "blocks": blocks}


def win_list_message(reply: WinList) -> dict:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.wins:
        blocks.append(section(escape(reply.empty)))
    for idea, at in reply.wins[:45]:
        blocks.append(section(f"🏆 {idea_heading(idea)}\nimplemented {at:%Y-%m-%d} · idea by {author_of(idea)} · "
                              f"👍 {plural(idea.votes, 'supporter')}"))
    return {"text": escape(reply.heading), "blocks": blocks}


def waiting_blocks(reply: WaitingList, limit: int) -> list[dict]:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.items:
        blocks.append(section(escape(reply.empty)))
    for idea, age in reply.items[:limit]:
        blocks.append(section(f"{idea_summary_line(idea)} · waiting {age_text(age)}"))
        blocks += actions(idea)
    return blocks


def waiting_list_message(reply: WaitingList) -> dict:
    return {"text": escape(reply.heading), "blocks": waiting_blocks(reply, limit=24)}


def home_view(home: HomeView) -> dict:
    """The App Home tab (at most 100 blocks)."""
    return {"type": "home", "blocks": home_blocks(home, waiting=20, ideas=20)[:100]}


def home_message(home: HomeView) -> dict:
    """`/hero home` answered only for the person: the App Home's page, within a message's 50 blocks."""
    return {"text": "Your ideas", "blocks": home_blocks(home, waiting=8, ideas=10)[:50]}


def home_blocks(home: HomeView, waiting: int, ideas: int) -> list[dict]:
    blocks = [section(home.greeting), {"type": "divider"}] if home.greeting else []
    if home.waiting is not None:
        blocks += waiting_blocks(home.waiting, limit=waiting) + [{"type": "divider"}]
    for n, (heading, listed, empty) in enumerate(home.lists()):
        blocks += [{"type": "divider"}] if n else []
        blocks.append(section(f"*{heading}*"))
        blocks += [section(idea_summary_line(i, home.decisions.get(i.id))) for i in listed[:ideas]] or [section(empty)]
    return blocks


# --- the decision forms ----------------------------------------------------------------------

def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def _input(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "optional": optional, "label": _plain(label),
             "element": {"action_id": "value", **element}}
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text(block_id: str, label: str, placeholder: str = "", multiline: bool = True, optional: bool = False,
          hint: str | None = None) -> dict:
    element = {"type": "plain_text_input", "multiline": multiline, "max_length": MAX_INPUT}
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return _input(block_id, label, element, optional, hint)


def _option(value: str, label: str) -> dict:
    return {"text": _plain(label), "value": value}


def _risk() -> dict:
    return _input("risk", "Risk level", {"type": "static_select", "placeholder": _plain("Pick a risk level"),
                                         "options": [_option(r, r.capitalize()) for r in RISKS]})


SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


def _form_blocks(form: DecisionForm) -> tuple[str, str, list[dict]]:
    """(title, submit label, blocks); titles stay under Slack's 24 characters."""
    idea = form.idea
    about = section(f"{idea_heading(idea)}\n{idea_badges(idea)}")
    if form.kind == "approve":
        tech = _option("tech", "Needs technology support")
        champion = {"type": "users_select", "placeholder": _plain("Pick an IT champion")}
        initial = next((c for c in (form.champion, *form.champions) if c and SLACK_USER.fullmatch(c)), None)
        if initial:  # [roles] it_champions may hold Teams ids too, which Slack refuses here
            champion["initial_user"] = initial
        return "Approve", "Approve", [
            about, _risk(),
            _text("mitigation", "Mitigation", "How will you keep the risk in check?", optional=True,
                  hint="Required for medium and high risk."),
            _input("tech_support", "Technology", {"type": "checkboxes", "options": [tech]}, optional=True),
            _input("champion", "IT champion", champion, optional=True, hint="Used when technology support is needed."),
        ]
    if form.kind == "pilot":
        return "Pilot", "Start pilot", [
            about,
            _text("hypothesis", "Hypothesis", "If we …, then … because …"),
            _text("metric", "Success metric", "e.g. repeat calls per 100 orders", multiline=False),
            _text("baseline", "Baseline value", "a number, e.g. 12", multiline=False, optional=True),
            _text("target", "Target value", "a number, e.g. 8", multiline=False),
            _input("ends_on", "End date", {"type": "datepicker"}),
            _risk(),
            _text("mitigation", "Mitigation", "How will you keep the risk in check?", optional=True),
        ]
    if form.kind == "decline":
        return "Decline", "Decline", [about, _text("reason", "Reason", "The author will see this.")]
    if form.kind == "needs_info":
        return "Needs info", "Ask", [about, _text("question", "Your question",
                                                  "Posted in the idea's thread and sent to the author.")]
    blocks = [about]
    if form.experiment:
        experiment = form.experiment
        baseline = f", baseline {experiment.baseline:g}" if experiment.baseline is not None else ""
        blocks.append(section(f"🧪 *{escape(experiment.metric)}*: target {experiment.target:g}{baseline}, "
                              f"ends {experiment.ends_on}"))
        blocks.append(_text("result", "Measured result", "a number", multiline=False))
        choices = [_option("implemented", "It worked: roll it out (implemented)"),
                   _option("declined", "It missed its target: close as declined")]
        verdict = {"type": "radio_buttons", "options": choices}
        chosen = next((c for c in choices if c["value"] == form.verdict), None)
        if chosen:
            verdict["initial_option"] = chosen
        blocks.append(_input("verdict", "Verdict", verdict))
        blocks.append(_text("outcome", "What changed, or what we learned", "A few lines for the story."))
    else:
        blocks.append(_text("outcome", "What changed", "What is different for customers now? A few lines."))
    return "Mark implemented", "Save", blocks


def decision_modal(form: DecisionForm, metadata: dict) -> dict:
    """The modal for a decision; `private_metadata` carries the idea number and where to answer."""
    title, submit, blocks = _form_blocks(form)
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACKS[form.kind],
        "private_metadata": json.dumps({"idea": form.idea.id, **metadata})[:3000],
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


# --- an anonymous author's private answer: the Answer button and its one-field modal ----------

ANSWER_ACTION = "answer_author_question"
ANSWER_FORM = "author_answer_form"


def answer_button(idea_id: int) -> dict:
    return {"type": "button", "action_id": ANSWER_ACTION, "value": str(idea_id), "style": "primary",
            "text": {"type": "plain_text", "text": ANSWER}}


def author_question_message(reply: AuthorQuestion) -> dict:
    rendered = story_message(reply.message)
    actions = {"type": "actions", "block_id": f"answer_{reply.idea.id}", "elements": [answer_button(reply.idea.id)]}
    return {**rendered, "blocks": [*rendered["blocks"], actions]}


def answer_modal(form: AnswerForm) -> dict:
    return {
        "type": "modal",
        "callback_id": ANSWER_FORM,
        "private_metadata": json.dumps({"idea": form.idea.id}),
        "title": {"type": "plain_text", "text": "Answer privately"},
        "submit": {"type": "plain_text", "text": "Send answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": shorten(
                f"*#{form.idea.id} · {escape(form.idea.display_title)}*\nYour answer is posted in the idea's "
                "thread as \u201cThe author answered: \u2026\u201d, without your name.", 3000)}},
            {"type": "input", "block_id": "answer", "label": {"type": "plain_text", "text": ANSWER_LABEL},
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000}},
        ],
    }
