"""Adaptive Card (1.5) rendering of the core's neutral replies, for Teams.

User text always goes into `TextRun`s, which Teams does not read as markdown, so
nobody's idea can turn into links or formatting. Cards stay under Teams' message
size (about 80 KB, counted as Teams counts it: UTF-16): long lists lose their tail first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from bot.policy import is_closed
from bot.replies import (
    CHALLENGE_LABEL, STATUS_BADGES, FieldErrors, IdeaCard, IdeaDetail, IdeaForm, IdeaList, IdeaRef, Notice, Person,
    Strong, counts, idea_badges,
)
from bot.model import Idea, shorten

CARD = "application/vnd.microsoft.card.adaptive"
MAX_CARD_BYTES = 80_000
VOTE_VERB = "vote"
IDEA_FORM_VERB = "idea_form"
Names = Mapping[str, str]


# --- building blocks -----------------------------------------------------------------

def card(body: list[dict], actions: list[dict] | None = None) -> dict:
    """A whole card, trimmed from the end of its body until it fits in a Teams message."""
    document = {"type": "AdaptiveCard", "version": "1.5", "body": body}
    if actions:
        document["actions"] = actions
    while size_of(document) > MAX_CARD_BYTES and len(document["body"]) > 2:
        document["body"] = document["body"][:-2] + [text_block("… (shortened to fit in Teams)", subtle=True)]
    return document


def size_of(document: dict) -> int:
    """Bytes as Teams measures a message: UTF-16, two bytes for most characters, four beyond the BMP."""
    return len(json.dumps(document, ensure_ascii=False).encode("utf-16-le"))


def text_block(text: str, subtle: bool = False, bold: bool = False, size: str | None = None) -> dict:
    """Text the bot wrote (may use markdown)."""
    block = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if bold:
        block["weight"] = "Bolder"
    if size:
        block["size"] = size
    return block


def runs(*parts: str | tuple[str, dict], subtle: bool = False) -> dict:
    """Text that may hold what people typed: never read as markdown."""
    inlines = []
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, {})
        if text:
            inlines.append({"type": "TextRun", "text": text, **({"isSubtle": True} if subtle else {}), **style})
    return {"type": "RichTextBlock", "inlines": inlines or [{"type": "TextRun", "text": " "}]}


def execute(title: str, verb: str, data: dict | None = None, style: str | None = None) -> dict:
    action = {"type": "Action.Execute", "title": title, "verb": verb}
    if data is not None:
        action["data"] = data
    if style:
        action["style"] = style
    return action


def message(document: dict, summary: str) -> dict:
    """Activity fields for a message carrying one card; `summary` shows in notifications."""
    return {"type": "message", "summary": summary, "attachments": [{"contentType": CARD, "content": document}]}


def teams_words(text: str) -> str:
    """The core's notes speak Slack's markup: `/idea` is `idea` on Teams and `*bold*` is `**bold**`."""
    text = re.sub(r"(?<![\w/<])/(idea|hero|problem)\b", r"\1", text)
    return re.sub(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", r"**\1**", text)


# --- the core's replies --------------------------------------------------------------------

def name_of(user_id: str | None, names: Names) -> str:
    return names.get(user_id or "", "a colleague")


def author_of(idea: Idea, names: Names) -> str:
    return "anonymous" if idea.anonymous or not idea.author_id else name_of(idea.author_id, names)


def idea_lines(idea: Idea, names: Names) -> list[dict]:
    meta = [f"by {author_of(idea, names)}", STATUS_BADGES[idea.status], counts(idea)]
    if idea.mission_goal:
        meta.append(f"🎯 {idea.mission_goal}")
    blocks = [runs((f"#{idea.id} · {idea.display_title}", {"weight": "Bolder", "size": "Medium"}))]
    if idea.body:
        blocks.append(runs(idea.body))
    blocks.append(runs(" · ".join(meta), subtle=True))
    return blocks


def parts_runs(parts, names: Names, limit: int | None = None, subtle: bool = False) -> dict:
    """The core's worded parts as text runs: people by their Teams name and ideas in bold (a link when there is
    one), strong in bold, typed text never read as markdown; cut after `limit` characters."""
    shown: list[str | tuple[str, dict]] = []
    left = limit if limit is not None else float("inf")
    for part in parts:
        if isinstance(part, Person):
            text, style = name_of(part.user_id, names), {"weight": "Bolder"}
        elif isinstance(part, IdeaRef):
            text, style = f"#{part.idea_id} {part.title}", {"weight": "Bolder"}
            if part.link:
                style = {**style, "selectAction": {"type": "Action.OpenUrl", "url": part.link}}
        elif isinstance(part, Strong):
            text, style = part.text, {"weight": "Bolder"}
        else:
            text, style = part, {}
        if left <= 0:
            break
        text = shorten(text, left) if len(text) > left else text
        left -= len(text)
        shown.append((text, style))
    return runs(*shown, subtle=subtle)


def story_runs(story, names: Names) -> dict:
    return parts_runs(story.parts, names)


def vote_action(idea: Idea) -> dict:
    return execute(f"👍 Vote ({idea.votes})", VOTE_VERB, {"idea": idea.id})


def notice_activity(reply: Notice, names: Names) -> dict:
    text = teams_words(reply.text) + (f" [View it]({reply.link})" if reply.link else "")
    return {"type": "message", "text": text, "textFormat": "markdown"}


def idea_card(idea: Idea, names: Names, note: str | None = None) -> dict:
    """The idea's public card; `note` adds a line only the person who clicked sees."""
    body = idea_lines(idea, names)
    if note:
        body.append(text_block(teams_words(note), subtle=True))
    return card(body, [] if is_closed(idea.status) else [vote_action(idea)])


def idea_card_activity(reply: IdeaCard, names: Names) -> dict:
    return message(idea_card(reply.idea, names), f"Idea #{reply.idea.id}: {reply.idea.display_title}")


def idea_list_activity(reply: IdeaList, names: Names) -> dict:
    body = [text_block(reply.heading, bold=True)]
    if not reply.ideas:
        body.append(runs(reply.empty))
    for idea in reply.ideas[:45]:
        body.append(runs((f"#{idea.id} · {idea.display_title}", {"weight": "Bolder"}),
                         f"\n{idea_badges(idea)}"))
        if decision := reply.decisions.get(idea.id):
            body.append(story_runs(decision, names))
    return message(card(body), reply.heading)


def idea_detail_activity(reply: IdeaDetail, names: Names) -> dict:
    idea = reply.idea
    body = idea_lines(idea, names) + [text_block(f"posted {idea.created_at:%Y-%m-%d}", subtle=True)]
    if reply.decision:
        body.append(story_runs(reply.decision, names))
    for comment in reply.comments[-40:]:
        body.append(runs((f"{name_of(comment.user_id, names)}: ", {"weight": "Bolder"}), shorten(comment.text, 500)))
    actions = [{"type": "Action.OpenUrl", "title": "Open the thread", "url": reply.link}] if reply.link else None
    return message(card(body, actions), f"Idea #{idea.id}: {idea.display_title}")


# --- the idea form -----------------------------------------------------------------------

FORM_FIELDS = (  # id, label, placeholder, required
    ("problem", "The customer problem", "What goes wrong for customers?", True),
    ("root_cause", "Root cause", "Why does it happen? (optional)", False),
    ("solution", "Proposed solution", "What should we change? The first line becomes the title.", True),
    ("impact", "Expected customer impact", "What gets better for customers, and how much?", False),
)


def idea_form(form: IdeaForm, values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
              anonymous: bool = False) -> dict:
    """The problem-solving frame as a card; submitted with Action.Execute (verb `idea_form`)."""
    values, errors = values or {}, errors or {}
    body = [text_block("Share an idea", bold=True, size="Medium")]
    for key, label, placeholder, required in FORM_FIELDS:
        field = {"type": "Input.Text", "id": key, "label": label, "placeholder": placeholder,
                 "isMultiline": True, "maxLength": 1000, "isRequired": required}
        if required:
            field["errorMessage"] = f"{label} is needed."
        if values.get(key):
            field["value"] = values[key]
        body += [field] + error_line(errors.get(key))
    if form.goals:
        choices = [{"title": shorten(g, 75), "value": g[:150]} for g in form.goals[:100]]
        field = {"type": "Input.ChoiceSet", "id": "mission_goal", "label": "Mission goal it serves",
                 "style": "compact", "placeholder": "Pick a goal", "choices": choices}
        if values.get("mission_goal"):
            field["value"] = values["mission_goal"]
        body += [field] + error_line(errors.get("mission_goal"))
    if form.problems:  # as in the Slack modal: the open problem the idea solves (optional)
        choices = [{"title": shorten(f"{p.ref} · {p.display_title}", 75), "value": str(p.id)} for p in form.problems[:100]]
        field = {"type": "Input.ChoiceSet", "id": "problem_id", "label": "Customer problem it solves",
                 "style": "compact", "placeholder": "Pick a logged problem", "choices": choices}
        if values.get("problem_id"):
            field["value"] = values["problem_id"]
        body += [field] + error_line(errors.get("problem_id"))
    if form.challenges:  # the open challenge the idea answers (optional; chosen already from Add an idea)
        body += challenge_select(form, values.get("challenge_id"))
    body += error_line(errors.get("challenge_id"))  # also when the chosen challenge has closed meanwhile
    anon = values.get("anonymous", "true" if anonymous else "false")
    body.append({"type": "Input.Toggle", "id": "anonymous", "label": "Anonymity", "title": "Post anonymously",
                 "valueOn": "true", "valueOff": "false", "value": "true" if anon == "true" else "false"})
    for key in errors.keys() - {f[0] for f in FORM_FIELDS} - {"mission_goal", "problem_id", "challenge_id"}:
        body += error_line(errors[key])
    return card(body, [execute("Post idea", IDEA_FORM_VERB, style="positive")])


def challenge_select(form: IdeaForm, value: str | None) -> list[dict]:
    choices = [{"title": shorten(f"{c.ref} · {c.display_question}", 75), "value": str(c.id)} for c in form.challenges[:100]]
    field = {"type": "Input.ChoiceSet", "id": "challenge_id", "label": CHALLENGE_LABEL, "style": "compact",
             "placeholder": "Pick an open challenge", "choices": choices}
    chosen = value or (str(form.challenge_id) if form.challenge_id else None)
    if chosen:
        field["value"] = chosen
    return [field]


def error_line(error: str | None) -> list[dict]:
    return [{**text_block(teams_words(error)), "color": "Attention", "spacing": "None"}] if error else []


def idea_form_activity(reply: IdeaForm, names: Names) -> dict:
    return message(idea_form(reply), "Share an idea")


def field_errors_activity(reply: FieldErrors, names: Names) -> dict:
    """Errors on their own, for a form that is no longer open (an open form shows them next to its fields)."""
    body = [text_block("Please fix:", bold=True)]
    for error in reply.errors.values():
        body += error_line(error)
    return message(card(body), "Please fix the form")


# --- whose names a card shows (handlers/teams/render.py PEOPLE) --------------------------------

def authors_of(ideas) -> set[str]:
    """The named authors of ideas (an anonymous author's id is never looked up)."""
    return {i.author_id for i in ideas if i.author_id and not i.anonymous}


def people_in_story(story) -> set[str]:
    return {p.user_id for p in story.parts if isinstance(p, Person)} if story else set()


def people_of_idea_card(reply: IdeaCard) -> set[str]:
    return authors_of([reply.idea])


def people_of_idea_list(reply: IdeaList) -> set[str]:
    return authors_of(reply.ideas).union(*(people_in_story(s) for s in reply.decisions.values()))


def people_of_idea_detail(reply: IdeaDetail) -> set[str]:
    return authors_of([reply.idea]) | {c.user_id for c in reply.comments} | people_in_story(reply.decision)
