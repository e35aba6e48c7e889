"""Problems on Teams: `problem`, its form, Me too, similar items before posting (ideas and problems),
hero hotspots|search|link|duplicate|unduplicate, Mark duplicate, export."""

from datetime import timedelta

import pytest

from bot.config import Config
from storage.db import write
from tests.conftest import CONFIG, export_of
from tests.teams_requests import IDEAS_CHANNEL, aad

PROBLEMS_CHANNEL = "19:problems@thread.tacv2"
PERSONAL = "a:personal-29:{}"


@pytest.fixture
def config():
    """Managers on Teams are AAD object ids (test people are aad-U…)."""
    return Config.from_dict({**CONFIG, "teams": {**CONFIG["teams"], "problems_channel": PROBLEMS_CHANNEL},
                             "roles": {"managers": ["U0MGR1", aad("U0MGR1")]}})


def titles(card: dict) -> list[str]:
    found = []
    for block in card.get("body", []):
        if block.get("type") == "ActionSet":
            found += [a["title"] for a in block["actions"]]
    return found + [a["title"] for a in card.get("actions", [])]


def verb_data(card: dict, title_part: str) -> tuple[str, dict]:
    actions = list(card.get("actions", []))
    for block in card.get("body", []):
        actions += block.get("actions", []) if block.get("type") == "ActionSet" else []
    action = next(a for a in actions if title_part in a["title"])
    return action["verb"], action.get("data", {})


def problem_of(db_path, number=1):
    return next(p for p in export_of(db_path)["problems"] if p["id"] == number)


async def logged(teams, fake, text, user="U1") -> str:
    """Log a problem with `problem <text>`; returns the activity id of its card in the problems channel."""
    before = len(fake.calls_to("send", PROBLEMS_CHANNEL))
    assert (await teams.message(f"problem {text}", user=user)).status == 200
    card = (await fake.wait_for("send", count=before + 1, where=lambda c: c.conversation == PROBLEMS_CHANNEL))[-1]
    await fake.wait_for("send", where=lambda c: "is posted" in c.text() and c.conversation == PERSONAL.format(user))
    return card.activity_id


async def offered(fake, words: str, user="U2"):
    """The similar-items card sent to `user`'s personal chat."""
    return (await fake.wait_for("send", where=lambda c: c.conversation == PERSONAL.format(user)
                                and c.card() is not None and words in c.text()))[-1]


async def test_problem_is_posted_with_me_too_which_refreshes_the_card(teams, fake_teams, db_path):
    message_id = await logged(teams, fake_teams, "Customers cannot reset their password from the app")
    card = fake_teams.calls_to("send", PROBLEMS_CHANNEL)[0].card()
    assert card["version"] == "1.5" and "P1 · Customers cannot reset their password" in str(card)
    assert "reported by Person U1" in str(card) and titles(card) == ["🙋 Me too (1)"]
    assert card["actions"][0]["type"] == "Action.Execute"

    response, answer = await teams.click("me_too", {"problem": 1}, user="U2", conversation=PROBLEMS_CHANNEL,
                                         message_id=message_id)
    assert response.status == 200 and titles(answer["value"]) == ["🙋 Me too (2)"]
    assert "you are counted on problem P1" in str(answer["value"])
    _, answer = await teams.click("me_too", {"problem": 1}, user="U2", message_id=message_id)
    assert "already counted" in str(answer["value"]) and titles(answer["value"]) == ["🙋 Me too (2)"]
    update = (await fake_teams.wait_for("update", where=lambda c: "Me too (2)" in c.text()))[-1]  # everyone's copy
    assert update.conversation == PROBLEMS_CHANNEL and update.activity_id == message_id

    problem = problem_of(db_path)
    assert problem["platform"] == "teams" and problem["reporter"] == aad("U1") and problem["reporters"] == 2
    assert problem["teams"] == {"conversation_id": PROBLEMS_CHANNEL, "activity_id": message_id}
    assert problem["slack"] is None


async def test_bad_problem_text_is_refused_and_nothing_is_stored(teams, fake_teams, db_path):
    await teams.message("problem " + "x" * 4001, channel=None)
    note = (await fake_teams.wait_for("send", where=lambda c: "the limit is 4,000" in c.text()))[0]
    assert note.conversation == PERSONAL.format("U1") and export_of(db_path)["problems"] == []
    _, answer = await teams.click("me_too", {"problem": 9})
    assert answer["value"] == "There is no problem P9."


async def test_problem_alone_sends_the_form_with_the_slack_fields(teams, fake_teams, db_path):
    await teams.message("problem")
    form = (await fake_teams.wait_for("send", where=lambda c: "Log a customer problem" in c.text()))[0]
    assert form.conversation == PERSONAL.format("U1")
    inputs = {i["id"]: i["label"] for i in form.card()["body"] if i["type"].startswith("Input.")}
    assert inputs == {"tried": "What the customer tried to do", "went_wrong": "What went wrong",
                      "contact_channel": "How they reached us", "frequency": "How often you see it"}
    assert titles(form.card()) == ["Log problem"]

    _, answer = await teams.click("problem_form", {"tried": "Pay by card", "went_wrong": " ", "contact_channel": "fax"},
                                  conversation=form.conversation)
    shown = str(answer["value"])
    assert "Say what went wrong" in shown and "Pick one of the listed contact channels." in shown and "Pay by card" in shown
    assert export_of(db_path)["problems"] == []

    _, answer = await teams.click("problem_form", {"tried": "Pay by card online", "went_wrong": "3-D Secure page times out",
                                                   "contact_channel": "phone", "frequency": "daily"},
                                  conversation=form.conversation)
    assert "is saved" in str(answer["value"])
    await fake_teams.wait_for("send", where=lambda c: c.conversation == PROBLEMS_CHANNEL)
    problem = problem_of(db_path)
    assert "3-D Secure page times out" in problem["text"] and problem["channel_mix"] == {"phone": 1}


async def test_similar_problems_are_offered_before_posting(teams, fake_teams, db_path):
    await logged(teams, fake_teams, "Parcel lockers refuse the pickup code")
    await teams.message("problem The parcel locker refuses my pickup code", user="U2")
    offer = await offered(fake_teams, "Similar problems")
    assert titles(offer.card()) == ["🙋 Me too on P1", "Post mine anyway"]
    assert len(fake_teams.calls_to("send", PROBLEMS_CHANNEL)) == 1 and len(export_of(db_path)["problems"]) == 1

    verb, data = verb_data(offer.card(), "Me too on P1")
    _, answer = await teams.click(verb, data, user="U2", conversation=offer.conversation, message_id=offer.activity_id)
    assert "your draft was not posted" in str(answer["value"]).lower() and titles(answer["value"]) == []
    assert problem_of(db_path)["reporters"] == 2 and len(export_of(db_path)["problems"]) == 1

    await teams.message("problem Pickup code refused by the parcel locker", user="U3")
    offer = await offered(fake_teams, "Similar problems", user="U3")
    verb, data = verb_data(offer.card(), "Post mine anyway")
    _, answer = await teams.click(verb, data, user="U2", conversation=offer.conversation)  # not the poster
    assert "no longer waiting" in answer["value"]
    _, answer = await teams.click(verb, data, user="U3", conversation=offer.conversation)
    assert "Posting yours now" in str(answer["value"])
    await fake_teams.wait_for("send", count=2, where=lambda c: c.conversation == PROBLEMS_CHANNEL)
    assert problem_of(db_path, 2)["reporter"] == aad("U3")


async def test_similar_ideas_are_offered_in_the_command_and_the_form(teams, fake_teams, db_path):
    await teams.message("idea Offer a callback when the phone queue is long")
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    await teams.message("idea Callback offer when the phone queue gets long", user="U2")
    offer = await offered(fake_teams, "Similar ideas")
    assert titles(offer.card()) == ["👍 Vote for #1", "Post mine anyway"]
    verb, data = verb_data(offer.card(), "Vote for #1")
    _, answer = await teams.click(verb, data, user="U2", conversation=offer.conversation)
    assert "You voted for #1; your draft was not posted." in str(answer["value"])
    assert export_of(db_path)["ideas"][0]["voters"] == [aad("U2")] and len(export_of(db_path)["ideas"]) == 1

    _, answer = await teams.click("idea_form", {"problem": "Long phone queues",
                                                "solution": "Callback offer when the phone queue is long"},
                                  user="U3", conversation=PERSONAL.format("U3"))
    assert titles(answer["value"]) == ["👍 Vote for #1", "Post mine anyway"]  # the form became the choice
    verb, data = verb_data(answer["value"], "Post mine anyway")
    await teams.click(verb, data, user="U3", conversation=PERSONAL.format("U3"))
    await fake_teams.wait_for("send", count=2, where=lambda c: c.conversation == IDEAS_CHANNEL)
    assert len(export_of(db_path)["ideas"]) == 2


async def test_the_idea_form_offers_open_problems_and_links_the_idea(teams, fake_teams, db_path):
    await logged(teams, fake_teams, "Invoice PDF is blank")
    await teams.message("idea", user="U2")
    form = (await fake_teams.wait_for("send", where=lambda c: "Share an idea" in c.text()))[0]
    [select] = [i for i in form.card()["body"] if i["id" if "id" in i else "type"] == "problem_id"]
    assert select["label"] == "Customer problem it solves" and select["choices"][0] == {"title": "P1 · Invoice PDF is blank",
                                                                                        "value": "1"}
    await teams.click("idea_form", {"problem": "Blank invoices", "solution": "Render invoices server-side",
                                    "problem_id": "1"}, user="U2", conversation=form.conversation)
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    assert export_of(db_path)["ideas"][0]["problem_ids"] == [1] and problem_of(db_path)["ideas"] == [1]
    await fake_teams.wait_for("update", where=lambda c: c.conversation == PROBLEMS_CHANNEL and "Ideas addressing it" in c.text())


def backdate(core, problem_id, users, days):
    stamp = (core.now() - timedelta(days=days)).isoformat()
    with write(core.db) as db:
        for user in users:
            db.execute("INSERT INTO problem_reports (problem_id, user_id, origin_id, contact_channel, created_at) "
                       "VALUES (?, ?, ?, 'phone', ?)", [problem_id, user, problem_id, stamp])


async def test_hero_hotspots_and_search(teams, fake_teams, core):
    await logged(teams, fake_teams, "Parcel lockers refuse the pickup code")
    await logged(teams, fake_teams, "Gift cards cannot be combined", user="U2")
    backdate(core, 1, ["U3", "U4", "U5", "U6"], days=3)
    backdate(core, 2, ["U3", "U4", "U5"], days=45)
    await teams.message("hero hotspots", channel=None)
    spots = (await fake_teams.wait_for("send", where=lambda c: "Hot spots" in c.text()))[0]
    text = spots.text()
    assert spots.conversation == PERSONAL.format("U1") and text.index("P1") < text.index("P2")
    assert "5 reporters" in text and "▲ +5" in text and "▼ -2" in text and text.count("self-service candidate") == 1
    await teams.message("hero hotspots fortnight", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "hero hotspots month" in c.text() and "/hero" not in c.text())

    await teams.message("hero search pickup code", channel=None)
    found = (await fake_teams.wait_for("send", where=lambda c: "Search: pickup code" in c.text()))[0]
    assert "P1 · Parcel lockers refuse the pickup code" in found.text() and "Gift cards" not in found.text()
    await teams.message('hero search "*', channel=None)
    await fake_teams.wait_for("send", where=lambda c: "Give me some words to look for" in c.text())


async def test_hero_link_duplicate_and_unduplicate(teams, fake_teams, db_path):
    await logged(teams, fake_teams, "Invoice PDF is blank")
    await logged(teams, fake_teams, "The invoice download is empty", user="U2")
    await teams.message("idea Render invoices on the server")
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    await teams.message("hero link 1 P1", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "#1 now addresses problem P1" in c.text())

    await teams.message("hero duplicate P2 P1", user="U2", channel=None)  # not a manager
    await fake_teams.wait_for("send", where=lambda c: "Only a manager" in c.text())
    await teams.message("hero duplicate P2 P1", user="U0MGR1", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "P2 is now a duplicate of P1" in c.text())
    assert problem_of(db_path, 2)["status"] == "duplicate" and problem_of(db_path)["reporters"] == 2
    await fake_teams.wait_for("update", where=lambda c: "duplicate of P1" in c.text())  # P2's card says so
    await teams.message("hero unduplicate P2", user="U0MGR1", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "P2 is no longer a duplicate of P1" in c.text())
    assert problem_of(db_path, 2)["status"] == "open" and problem_of(db_path)["reporters"] == 1


async def test_mark_duplicate_button_asks_for_the_original(teams, fake_teams, db_path):
    for text in ("Offer a callback when the queue is long", "Print shipping labels at the counter"):
        await teams.message(f"idea {text}")
    await fake_teams.wait_for("send", count=2, where=lambda c: c.conversation == IDEAS_CHANNEL)
    manager = PERSONAL.format("U0MGR1")
    _, form = await teams.click("mark_duplicate", {"idea": 2}, user="U0MGR1", conversation=manager)
    [field] = [b for b in form["value"]["body"] if b["type"] == "Input.Text"]
    assert field["label"] == "Which one is idea #2 a duplicate of?" and titles(form["value"]) == ["Mark duplicate"]
    _, again = await teams.click("duplicate_form", {"ref": "2", "original": "2"}, user="U0MGR1", conversation=manager)
    assert "#2 cannot be a duplicate of itself." in str(again["value"])
    _, done = await teams.click("duplicate_form", {"ref": "2", "original": "1"}, user="U0MGR1", conversation=manager)
    assert "#2 is now a duplicate of #1" in str(done["value"])
    assert export_of(db_path)["ideas"][1]["duplicate_of"] == 1
