"""The decision buttons at the core (bot.decision_actions): a neutral request in, a note and the view to show
after the action out, the same for every platform."""

from __future__ import annotations

import pytest

from bot.decision_actions import DecisionRequest, back_to_review, open_decision, remind_me_tomorrow, submit_decision
from bot.duplicates import mark_duplicate, may_mark_duplicate
from bot.errors import SAVE_FAILED, Refused
from bot.model import Actor, Status
from bot.replies import DecisionForm, FieldErrors, Notice, ReviewRequest
from bot.submissions import checked
from tests.test_events import AUTHOR, MANAGER, chat, core, posted_idea  # noqa: F401 (fixtures)

BOSS, STAFF = Actor("slack", MANAGER), Actor("slack", AUTHOR)


async def test_a_click_opens_the_form_for_a_manager_and_refuses_others_privately(core, chat):
    idea_id = await posted_idea(core, chat)
    opened = open_decision(core, DecisionRequest(BOSS, f"#{idea_id}", "decline"))
    assert isinstance(opened.view, DecisionForm) and opened.view.kind == "decline" and opened.note is None
    refused = open_decision(core, DecisionRequest(STAFF, str(idea_id), "decline"))
    assert refused.view is None and refused.note == Notice(f"Only a manager of idea #{idea_id} can decide on it. "
                                                           "Nothing changed.")
    gone = open_decision(core, DecisionRequest(BOSS, str(idea_id), "no_such_button"))
    assert gone.note == Notice("This button is no longer in use.")
    result = open_decision(core, DecisionRequest(BOSS, str(idea_id), "close_pilot"))
    assert "Only approved ideas and pilots" in result.note.text  # record result: not before a pilot


async def test_a_submission_returns_field_errors_with_the_form_then_the_review_card_after_it(core, chat):
    idea_id = await posted_idea(core, chat)
    missing = await submit_decision(core, DecisionRequest(BOSS, str(idea_id), "decline", {"reason": " "}))
    assert isinstance(missing.view, DecisionForm) and set(missing.errors) == {"reason"} and missing.note is None
    done = await submit_decision(core, DecisionRequest(BOSS, str(idea_id), "decline", {"reason": "<!channel> 🚀"}))
    assert done.note.text.startswith(f"Idea #{idea_id} is declined.") and not done.errors
    assert isinstance(done.view, ReviewRequest) and done.view.idea.status == Status.DECLINED
    assert done.view.decision.action == "decline" and done.view.link  # who decided, and the way to the idea
    again = await submit_decision(core, DecisionRequest(BOSS, str(idea_id), "approve", {"risk": "low"}))
    assert "already declined" in again.note.text and isinstance(again.view, ReviewRequest)  # where it is now
    stranger = await submit_decision(core, DecisionRequest(STAFF, str(idea_id), "approve", {"risk": "low"}))
    assert stranger.view is None and "Only a manager" in stranger.note.text
    assert (await back_to_review(core, DecisionRequest(BOSS, str(idea_id)))).view.idea.id == idea_id
    assert (await back_to_review(core, DecisionRequest(STAFF, str(idea_id)))).view is None
    old_form = await submit_decision(core, DecisionRequest(BOSS, str(idea_id), "merge", {}))
    assert "no longer in use" in old_form.note.text and SAVE_FAILED.startswith("Sorry")


async def test_remind_tomorrow_and_mark_duplicate_answer_with_a_note_or_a_field_error(core, chat):
    first = await posted_idea(core, chat)
    second = await posted_idea(core, chat, "Refunds under 20 EUR with no manager", voters=())
    reminded = await remind_me_tomorrow(core, DecisionRequest(BOSS, str(first)))
    assert reminded.note.text.startswith(f"I'll remind you about #{first} on ")
    assert "Only the managers" in (await remind_me_tomorrow(core, DecisionRequest(STAFF, str(first)))).note.text
    may_mark_duplicate(core, BOSS, str(second))  # the form opens
    with pytest.raises(Refused, match="Only a manager"):
        may_mark_duplicate(core, STAFF, str(second))
    wrong = await checked(mark_duplicate(core, BOSS, str(second), str(second)), "original")
    assert wrong == FieldErrors({"original": f"#{second} cannot be a duplicate of itself."})
    merged = await checked(mark_duplicate(core, BOSS, str(second), str(first)), "original")
    assert merged.text.startswith(f"#{second} is now a duplicate of #{first}")
