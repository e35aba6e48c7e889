"""Block Kit for problems, similar-item offers, hot spots, search results and their modals."""

from __future__ import annotations

import json

from bot.replies import (
    PROBLEM_BADGES, START_CHALLENGE, HotspotList, ProblemCard, ProblemForm, SearchResults, SimilarFound,
    hotspot_figures, problem_badges, reporters_text, self_service_note,
)
from bot.model import CONTACT_CHANNELS, FREQUENCIES, Idea, Problem, ProblemStatus, shorten
from handlers.slack.blocks import _text_input, context, escape, idea_summary_line, parts_mrkdwn, section

ME_TOO_ACTION = "problem_me_too"
SIMILAR_VOTE_ACTION = "similar_vote"
SIMILAR_ME_TOO_ACTION = "similar_me_too"
POST_ANYWAY_ACTION = "post_anyway"
MARK_DUPLICATE_ACTION = "mark_duplicate"
PROBLEM_FORM = "problem_form"
DUPLICATE_FORM = "duplicate_form"
START_CHALLENGE_ACTION = "start_challenge"  # answered by handlers/slack/challenges.py


def problem_heading(problem: Problem) -> str:
    return f"*{problem.ref} · {escape(problem.display_title)}*"


def problem_summary_line(problem: Problem) -> str:
    return f"{problem_heading(problem)}\n{problem_badges(problem)}"


def button(action_id: str, text: str, value: str, style: str | None = None) -> dict:
    found = {"type": "button", "action_id": action_id, "value": value,
             "text": {"type": "plain_text", "text": shorten(text, 75), "emoji": True}}
    if style:
        found["style"] = style
    return found


def problem_card_message(reply: ProblemCard) -> dict:
    problem = reply.problem
    first, _, rest = problem.text.partition("\n")
    body = problem_heading(problem) + (f"\n{escape(rest.strip())}" if rest.strip() and first.strip() else "")
    blocks = [
        section(body),
        context(f"reported by <@{problem.reporter_id}>", PROBLEM_BADGES[problem.status],
                reporters_text(problem.reporters),
                f"duplicate of P{problem.duplicate_of}" if problem.duplicate_of else ""),
    ]
    if reply.ideas:
        lines = [f"• #{i.id} {escape(i.display_title)} ({i.status.label})" for i in reply.ideas[:20]]
        blocks.append(section("*Ideas addressing it*\n" + "\n".join(lines)))
    if problem.status == ProblemStatus.OPEN:
        blocks.append({"type": "actions", "block_id": f"problem_{problem.id}", "elements": [
            button(ME_TOO_ACTION, f"🙋 Me too ({problem.reporters})", str(problem.id))]})
    return {"text": f"Problem {problem.ref}: {escape(problem.display_title)}", "blocks": blocks}


def similar_found_message(reply: SimilarFound) -> dict:
    noun = "ideas" if reply.kind == "idea" else "problems"
    blocks = [section(f"*Similar {noun} are already open.* Is yours one of them? Nothing is posted until you choose.")]
    for idea in reply.ideas:
        block = section(idea_summary_line(idea))
        block["accessory"] = button(SIMILAR_VOTE_ACTION, f"👍 Vote for #{idea.id}", f"{idea.id}:{reply.token}")
        blocks.append(block)
    for problem in reply.problems:
        block = section(problem_summary_line(problem))
        block["accessory"] = button(SIMILAR_ME_TOO_ACTION, f"🙋 Me too on {problem.ref}", f"{problem.id}:{reply.token}")
        blocks.append(block)
    blocks.append({"type": "actions", "block_id": "similar_choice", "elements": [
        button(POST_ANYWAY_ACTION, "Post mine anyway", reply.token, style="primary")]})
    return {"text": f"Similar {noun} are already open: vote for one, or post yours anyway.", "blocks": blocks}


def hotspot_list_message(reply: HotspotList) -> dict:
    blocks = [section(f"*{escape(reply.heading)}*")]
    if not reply.hotspots:
        blocks.append(section(escape(reply.empty)))
    for spot in reply.hotspots[:45]:
        line = f"{problem_heading(spot.problem)}\n{escape(hotspot_figures(spot))}"
        if spot.self_service:
            line += "\n" + parts_mrkdwn(self_service_note(reply.threshold))
        block = section(line)
        if reply.starts_challenges and spot.problem.status == ProblemStatus.OPEN:
            block["accessory"] = button(START_CHALLENGE_ACTION, f"🚩 {START_CHALLENGE}", str(spot.problem.id))
        blocks.append(block)
    return {"text": escape(reply.heading), "blocks": blocks}


def search_results_message(reply: SearchResults) -> dict:
    heading = f"Search: {escape(shorten(reply.words, 100))}"
    blocks = [section(f"*{heading}*")]
    if not reply.items:
        blocks.append(section("Nothing found. Try fewer or other words."))
    for item in reply.items[:45]:
        blocks.append(section(idea_summary_line(item) if isinstance(item, Idea) else problem_summary_line(item)))
    return {"text": heading, "blocks": blocks}


def _select(block_id: str, label: str, options: dict[str, str], optional: bool) -> dict:
    return {
        "type": "input", "block_id": block_id, "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "static_select", "action_id": "value",
                    "placeholder": {"type": "plain_text", "text": "Choose"},
                    "options": [{"text": {"type": "plain_text", "text": text}, "value": value}
                                for value, text in options.items()]},
    }


def problem_modal(form: ProblemForm, metadata: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": PROBLEM_FORM,
        "private_metadata": json.dumps(metadata)[:3000],
        "title": {"type": "plain_text", "text": "Log a customer problem"},
        "submit": {"type": "plain_text", "text": "Log problem"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _text_input("tried", "What the customer tried to do", "e.g. reset their password in the app"),
            _text_input("went_wrong", "What went wrong", "e.g. the reset e-mail never arrived"),
            _select("contact_channel", "How they reached us", CONTACT_CHANNELS, optional=False),
            _select("frequency", "How often you see it", FREQUENCIES, optional=True),
        ],
    }


def duplicate_modal(ref: str, metadata: dict) -> dict:
    label = f"problem {ref}" if ref.upper().startswith("P") else f"idea #{ref}"
    return {
        "type": "modal",
        "callback_id": DUPLICATE_FORM,
        "private_metadata": json.dumps({**metadata, "ref": ref})[:3000],
        "title": {"type": "plain_text", "text": "Mark duplicate"},
        "submit": {"type": "plain_text", "text": "Mark duplicate"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{
            "type": "input", "block_id": "original",
            "label": {"type": "plain_text", "text": shorten(f"Which one is {label} a duplicate of?", 2000)},
            "element": {"type": "plain_text_input", "action_id": "value", "max_length": 20,
                        "placeholder": {"type": "plain_text", "text": "its number, e.g. 7 (or P7 for a problem)"}},
        }],
    }
