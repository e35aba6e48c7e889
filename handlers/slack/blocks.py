"""Block Kit rendering of the core's neutral replies.

Limits honoured here (Slack's): section text 3,000 chars, 50 blocks a message,
button text 75, plain-text input 3,000, modal title 24.
"""

from __future__ import annotations

import json

from bot.policy import is_closed
from bot.policy import DUPLICATE_FROM
from bot.replies import (
    CHALLENGE_LABEL, CHOICES, MARK_DUPLICATE, STATUS_BADGES, FieldErrors, IdeaCard, IdeaDetail,
    IdeaForm, IdeaList, IdeaRef, Notice, Person, Story, Strong, choices_for, counts, idea_badges,
)
from bot.model import Idea, shorten

VOTE_ACTION = "idea_vote"
IDEA_FORM = "idea_form"
SECTION_LIMIT = 3000


def escape(text: str) -> str:
    """Slack mrkdwn control characters: user text must not become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": shorten(text, SECTION_LIMIT)}}


def context(*parts: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(p for p in parts if p)}]}


def author_of(idea: Idea) -> str:
    return "anonymous" if idea.anonymous or not idea.author_id else f"<@{idea.author_id}>"


def idea_heading(idea: Idea) -> str:
    return f"*#{idea.id} · {escape(idea.display_title)}*"


def idea_summary_line(idea: Idea, decision: Story | None = None) -> str:
    line = f"{idea_heading(idea)}\n{idea_badges(idea)}"
    return line + (f"\n{story_mrkdwn(decision)}" if decision else "")


def parts_mrkdwn(parts) -> str:
    """The core's worded parts as mrkdwn: people as mentions, ideas as links (or bold), strong as bold, all typed
    text escaped."""
    def part(p) -> str:
        if isinstance(p, Person):
            return f"<@{p.user_id}>"
        if isinstance(p, IdeaRef):
            label = escape(f"#{p.idea_id} {p.title}")
            return f"<{p.link}|{label}>" if p.link else f"*{label}*"
        return f"*{escape(p.text)}*" if isinstance(p, Strong) else escape(p)
    return "".join(part(p) for p in parts)


def story_mrkdwn(story: Story) -> str:
    return parts_mrkdwn(story.parts)


def notice_message(reply: Notice) -> dict:
    text = escape(reply.text) + (f" <{reply.link}|View it>" if reply.link else "")
    return {"text": text, "blocks": [section(text)]}


def idea_card_message(reply: IdeaCard) -> dict:
    idea = reply.idea
    body = f"{idea_heading(idea)}\n{escape(idea.body)}" if idea.body else idea_heading(idea)
    blocks = [
        section(body),
        context(f"by {author_of(idea)}", STATUS_BADGES[idea.status], counts(idea),
                f"🎯 {escape(idea.mission_goal)}" if idea.mission_goal else "",
                f"duplicate of #{idea.duplicate_of}" if idea.duplicate_of else ""),
    ]
    if not is_closed(idea.status):
        blocks.append({"type": "actions", "block_id": f"idea_{idea.id}", "elements": [vote_button(idea)]})
    return {"text": f"Idea #{idea.id}: {escape(idea.display_title)}", "blocks": blocks}


def vote_button(idea: Idea) -> dict:
    return {
        "type": "button",
        "action_id": VOTE_ACTION,
        "text": {"type": "plain_text", "text": f"👍 Vote ({idea.votes})", "emoji": True},
        "value": str(idea.id),
    }


def idea_list_message(reply: IdeaList) -> dict:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.ideas:
        blocks.append(section(escape(reply.empty)))
    blocks += [section(idea_summary_line(idea, reply.decisions.get(idea.id))) for idea in reply.ideas[:45]]
    return {"text": escape(reply.heading), "blocks": blocks}


def idea_detail_message(reply: IdeaDetail) -> dict:
    idea = reply.idea
    card = idea_card_message(IdeaCard(idea))["blocks"][:2]
    extra = [f"posted {idea.created_at:%Y-%m-%d}"]
    if reply.link:
        extra.append(f"<{reply.link}|open the thread>")
    blocks = [*card, context(*extra)]
    if reply.decision:
        blocks.insert(1, section(story_mrkdwn(reply.decision)))
    for comment in reply.comments[-40:]:
        blocks.append(context(f"<@{comment.user_id}>: {escape(shorten(comment.text, 500))}"))
    return {"text": f"Idea #{idea.id}: {escape(idea.display_title)}", "blocks": blocks}


# --- the idea modal -------------------------------------------------------------------

def _text_input(block_id: str, label: str, placeholder: str, multiline: bool = True, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
            "max_length": 1000,
            "placeholder": {"type": "plain_text", "text": placeholder},
        },
    }


def idea_modal(form: IdeaForm, metadata: dict, anonymous: bool = False) -> dict:
    """The problem-solving frame: problem → root cause → solution → impact, plus goal and anonymity."""
    blocks = [
        _text_input("problem", "The customer problem", "What goes wrong for customers?"),
        _text_input("root_cause", "Root cause", "Why does it happen? (optional)", optional=True),
        _text_input("solution", "Proposed solution", "What should we change? The first line becomes the title."),
        _text_input("impact", "Expected customer impact", "What gets better for customers, and how much?"),
    ]
    if form.goals:
        options = [{"text": {"type": "plain_text", "text": shorten(g, 75)}, "value": g[:150]} for g in form.goals[:100]]
        blocks.append({
            "type": "input", "block_id": "mission_goal", "optional": True,
            "label": {"type": "plain_text", "text": "Mission goal it serves"},
            "element": {"type": "static_select", "action_id": "value", "options": options,
                        "placeholder": {"type": "plain_text", "text": "Pick a goal"}},
        })
    if form.problems:
        blocks.append(problem_select(form.problems))
    if form.challenges:
        blocks.append(challenge_select(form))
    anon_option = {"text": {"type": "plain_text", "text": "Post anonymously"}, "value": "anonymous"}
    checkbox = {"type": "checkboxes", "action_id": "value", "options": [anon_option]}
    if anonymous:
        checkbox["initial_options"] = [anon_option]
    blocks.append({"type": "input", "block_id": "anonymous", "optional": True,
                   "label": {"type": "plain_text", "text": "Anonymity"}, "element": checkbox})
    return {
        "type": "modal",
        "callback_id": IDEA_FORM,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": {"type": "plain_text", "text": "Share an idea"},
        "submit": {"type": "plain_text", "text": "Post idea"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def problem_select(problems: tuple) -> dict:
    """The /idea form's optional select: which open problem the idea solves."""
    options = [{"text": {"type": "plain_text", "text": shorten(f"{p.ref} · {p.display_title}", 75)}, "value": str(p.id)}
               for p in problems[:100]]
    return {"type": "input", "block_id": "problem_id", "optional": True,
            "label": {"type": "plain_text", "text": "Customer problem it solves"},
            "element": {"type": "static_select", "action_id": "value", "options": options,
                        "placeholder": {"type": "plain_text", "text": "Pick a logged problem"}}}


def challenge_select(form: IdeaForm) -> dict:
    """The /idea form's optional Challenge field: the open challenge the idea answers."""
    options = [{"text": {"type": "plain_text", "text": shorten(f"{c.ref} · {c.display_question}", 75)},
                "value": str(c.id)} for c in form.challenges[:100]]
    element = {"type": "static_select", "action_id": "value", "options": options,
               "placeholder": {"type": "plain_text", "text": "Pick an open challenge"}}
    chosen = [o for o in options if o["value"] == str(form.challenge_id)]
    if chosen:
        element["initial_option"] = chosen[0]
    return {"type": "input", "block_id": "challenge_id", "optional": True,
            "label": {"type": "plain_text", "text": CHALLENGE_LABEL}, "element": element}


def field_errors(reply: FieldErrors) -> dict:
    """A `view_submission` answer that shows the errors next to their fields."""
    return {"response_action": "errors", "errors": dict(reply.errors)}


# --- decision buttons: one contract for review messages, reminders and the App Home ------------

DECISION_ACTIONS = {f"decide_{c.name}": c.label for c in CHOICES.values()}  # action_id -> label; value: idea number
DECISION_ACTIONS["mark_duplicate"] = MARK_DUPLICATE  # asks for the original (handlers/slack/problems.py)


def decision_buttons(idea: Idea) -> list[dict]:
    """The buttons that still make sense for the idea's status (none once it is closed)."""
    styles = {"decide_approve": "primary", "decide_decline": "danger"}
    buttons = []
    action_ids = [f"decide_{c.name}" for c in choices_for(idea.status)]
    action_ids += ["mark_duplicate"] if idea.status in DUPLICATE_FROM else []
    for action_id in action_ids:
        button = {"type": "button", "action_id": action_id, "value": str(idea.id),
                  "text": {"type": "plain_text", "text": DECISION_ACTIONS[action_id]}}
        if action_id in styles:
            button["style"] = styles[action_id]
        buttons.append(button)
    return buttons
