"""The Teams home (`hero home`, and the page sent when the app is added to a personal chat): the counterpart
of the Slack App Home, built from the same use case (bot.overview.home_of) and reply (HomeView)."""

import json

import pytest

from bot.config import Config
from tests.conftest import CONFIG
from tests.teams_decision_steps import MANAGERS, in_review, is_personal_chat_of, submit
from tests.teams_requests import aad

TITLE = "Self-service refunds under 20 EUR"


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": [aad(m) for m in MANAGERS]}})


def is_home_page_of(call, user: str) -> bool:
    return is_personal_chat_of(call.conversation, user) and call.body.get("summary") == "Your ideas"


async def home_of(teams, fake_teams, user: str):
    """`hero home` typed in the person's personal chat; the page the bot answers with."""
    before = len([c for c in fake_teams.calls_to("send") if is_home_page_of(c, user)])
    await teams.message("hero home", user=user, channel=None)
    return (await fake_teams.wait_for("send", count=before + 1, where=lambda c: is_home_page_of(c, user)))[-1]


def body_text(page) -> str:
    """The card's body as JSON text: its headings, then what is under them, in order."""
    return json.dumps(page.card()["body"], ensure_ascii=False)


def action_titles(card: dict) -> list[list[str]]:
    return [[a["title"] for a in block["actions"]] for block in card["body"] if block["type"] == "ActionSet"]


async def test_hero_home_shows_your_ideas_your_votes_and_for_managers_what_waits_with_its_buttons(teams, fake_teams):
    message_id = await in_review(teams, fake_teams, TITLE)  # posted by U1, liked into review
    await teams.reaction(True, message_id, user="U7")

    manager = await home_of(teams, fake_teams, "U0MGR1")
    assert "Waiting for your decision" in manager.text() and TITLE in manager.text()
    assert action_titles(manager.card()) == [["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]]
    assert "You have not posted an idea yet. Try `idea <text>`." in manager.text()

    author = await home_of(teams, fake_teams, "U1")
    assert "Waiting for your decision" not in author.text() and action_titles(author.card()) == []
    mine = body_text(author).split("Your ideas")[1].split("Ideas you voted for")[0]
    assert TITLE in mine and "in review" in mine

    voter = await home_of(teams, fake_teams, "U7")
    assert TITLE in body_text(voter).split("Ideas you voted for")[1]

    # the buttons on the home page decide like the review card's
    _, answer = await teams.click("decide", {"idea": 1, "choice": "approve"}, user="U0MGR1",
                                  conversation=manager.conversation, message_id=manager.activity_id)
    await submit(teams, fake_teams, answer["value"], {"risk": "low"})
    after = await home_of(teams, fake_teams, "U1")
    assert "approved" in body_text(after) and "Approved" in body_text(after)  # the status, and the decision in words
    assert "Nothing is waiting for your decision." in (await home_of(teams, fake_teams, "U0MGR1")).text()


async def test_adding_the_app_to_a_personal_chat_sends_the_home_page_with_a_welcome(teams, fake_teams):
    assert (await teams.installed("U5")).status == 200
    page = (await fake_teams.wait_for("send"))[0]
    assert page.conversation == "a:personal-29:U5" and page.card() is not None
    assert "share ideas" in page.text() and "Your ideas" in page.text() and "Ideas you voted for" in page.text()
    assert "hero help" in page.text() and "/hero" not in page.text()  # Teams' words: no slash
