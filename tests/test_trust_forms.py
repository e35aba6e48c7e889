"""Issue 11, point 8: manager-only forms open only for managers; anyone else gets a private refusal, no form."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.conftest import CONFIG, export_of
from tests.teams_decision_steps import MANAGERS
from tests.teams_decision_steps import in_review as teams_in_review
from tests.teams_requests import aad
from tests.test_voting import posted_idea

CHOICES = ("approve", "pilot", "decline", "needs_info")


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": ["U0MGR1", *(aad(m) for m in MANAGERS)],
                                                 "it_champions": ["U0IT1"]}})


async def test_slack_a_non_manager_gets_no_form_for_any_decision_duplicate_or_outcome_button(slack, fake_slack,
                                                                                          db_path):
    await posted_idea(slack, fake_slack)
    before = export_of(db_path)
    buttons = [(f"decide_{c}", "1") for c in CHOICES] + [("decide_implemented", "1"), ("decide_close_pilot", "1"),
                                                              ("mark_duplicate", "1")]
    for number, (action_id, value) in enumerate(buttons, 1):
        response = await slack.click(action_id, value, user="U0NOBODY")
        assert response.status == 200
        refusal = (await fake_slack.wait_for("note", count=number + 1))[-1]  # after "Idea #1 is posted"
        assert "Only a manager" in refusal.args["text"], action_id
    assert fake_slack.calls_to("views.open") == []
    assert export_of(db_path) == before
    await slack.click("mark_duplicate", "1", user="U0MGR1")  # a manager does get the form
    await fake_slack.wait_for("views.open")


async def test_teams_a_non_manager_gets_no_card_form_and_no_review_card(teams, fake_teams, db_path):
    await teams_in_review(teams, fake_teams)
    before = export_of(db_path)
    clicks = [("decide", {"idea": 1, "choice": c}) for c in (*CHOICES, "implemented", "close_pilot")]
    clicks += [("mark_duplicate", {"idea": 1}), ("review_card", {"idea": 1}),
               ("decision_form", {"idea": 1, "kind": "decline", "reason": "no"})]
    for verb, data in clicks:
        response, answer = await teams.click(verb, data, user="U0NOBODY", conversation="a:personal-29:U0NOBODY")
        assert response.status == 200
        assert answer["type"] == "application/vnd.microsoft.activity.message", (verb, answer)
        assert "Only a manager" in str(answer["value"]), verb
    assert export_of(db_path) == before
    response, answer = await teams.click("mark_duplicate", {"idea": 1}, user=MANAGERS[0])
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
