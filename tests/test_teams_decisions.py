import json
"""Decisions on Teams through signed activities: review cards, card forms, refusals, field errors, the race."""

import asyncio
from datetime import date, timedelta

import pytest

from bot.config import Config
from storage import decisions as decided
from tests.conftest import CONFIG, export_of
from tests.teams_decision_steps import (
    MANAGERS, decide, in_review, inputs, is_personal_chat_of, open_form, personal, posted as posted_idea, review_card_of, submit, titles,
)
from tests.teams_requests import IDEAS_CHANNEL, aad

TOMORROW = (date.today() + timedelta(days=1)).isoformat()
CHAMPION = "6f1c2a9e-0000-4000-8000-00000000a001"  # an AAD object id the bot has never seen


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": [aad(m) for m in MANAGERS],
                                                 "it_champions": ["U0IT1", aad("U0IT2"), CHAMPION]}})


def idea_of(db_path, number=1):
    return next(i for i in export_of(db_path)["ideas"] if i["id"] == number)


def statuses(db_path):
    return [(a["from_status"], a["to_status"], a["actor"], a["action"]) for a in export_of(db_path)["audit"]]


async def test_managers_get_review_cards_in_their_personal_chat(teams, fake_teams, db_path):
    await teams.installed("U0MGR1")  # one manager has the app already; the other is reached by opening a chat
    await in_review(teams, fake_teams)
    for manager in MANAGERS:
        conversation, _, card = await review_card_of(fake_teams, manager)
        assert titles(card) == ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]
        assert all(a["type"] == "Action.Execute" for a in card["actions"][:5])
        text = str(card)
        assert "Self-service refunds under 20 EUR" in text and "3 votes" in text and "Person U1" in text
        assert "teams.microsoft.com/l/message" in text
    assert [c.body["members"] for c in fake_teams.calls_to("create_conversation")
            if any(aad(m) in str(c.body) for m in MANAGERS)] == [[{"id": aad("U0MGR2")}]]
    assert statuses(db_path) == [("open", "in_review", "herobot", "threshold")]


async def test_approve_form_shows_field_errors_next_to_the_fields_and_then_tells_everyone(teams, fake_teams, db_path,
                                                                                        core):
    await teams.installed("U0IT2")  # a champion the bot has seen: offered by name
    message_id = await in_review(teams, fake_teams)
    form = (await open_form(teams, fake_teams, "approve"))["value"]
    fields = inputs(form)
    assert {k: f["label"] for k, f in fields.items()} == {
        "risk": "Risk level", "mitigation": "Mitigation", "tech_support": "Technology", "champion": "IT champion",
        "champion_other": "Or another IT champion (their Microsoft Entra object id)"}
    assert [c["value"] for c in fields["champion"]["choices"]] == [aad("U0IT2"), CHAMPION]  # not the Slack id
    assert [c["title"] for c in fields["champion"]["choices"]] == ["Person U0IT2", CHAMPION]
    assert [c["value"] for c in fields["risk"]["choices"]] == ["low", "medium", "high"]
    assert titles(form) == ["Approve", "Back"]
    back = next(a for a in form["actions"] if a["title"] == "Back")
    conversation, activity_id, _ = await review_card_of(fake_teams, "U0MGR1")
    _, answer = await teams.click(back["verb"], back["data"], user="U0MGR1", conversation=conversation,
                                  message_id=activity_id)
    assert titles(answer["value"]) == ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]

    answer = await submit(teams, fake_teams, form, {})
    body = answer["value"]["body"]
    risk_at = next(i for i, b in enumerate(body) if b.get("id") == "risk")
    assert body[risk_at + 1]["text"] == "Pick a risk level: low, medium or high."  # right under its field
    assert body[risk_at + 1]["color"] == "Attention"
    answer = await submit(teams, fake_teams, form, {"risk": "medium", "mitigation": " "})
    assert "A medium risk needs a mitigation" in str(answer["value"])
    assert inputs(answer["value"])["risk"]["value"] == "medium"  # the answers are kept
    answer = await submit(teams, fake_teams, form, {"risk": "low", "tech_support": "true"})
    assert "Pick the IT champion" in str(answer["value"])
    assert idea_of(db_path)["status"] == "in_review" and len(statuses(db_path)) == 1

    answer = await submit(teams, fake_teams, form, {"risk": "high", "mitigation": "Cap at 20 EUR, weekly review",
                                                    "tech_support": "true", "champion": aad("U0IT2"),
                                                    "champion_other": CHAMPION})
    card = answer["value"]  # the review card again, with the new status and the buttons that fit
    assert "approved" in str(card) and titles(card) == ["Mark implemented"]
    idea = idea_of(db_path)
    assert idea["status"] == "approved" and idea["champion"] == CHAMPION  # typed in: wins over the list
    assert {k: idea["decision"][k] for k in ("action", "by", "risk", "note")} == {
        "action": "approve", "by": aad("U0MGR1"), "risk": "high", "note": "Cap at 20 EUR, weekly review"}

    told = await fake_teams.wait_for("send", where=lambda c: c.conversation == personal("U1") and "approved" in c.text())
    assert "Person U0MGR1" in told[0].text()
    champion = await fake_teams.wait_for("send", where=lambda c: "IT champion" in c.text()
                                         and c.conversation == f"a:personal-{CHAMPION}")
    assert "Self-service refunds" in champion[0].text()
    thread = f"{IDEAS_CHANNEL};messageid={message_id}"
    await fake_teams.wait_for("send", where=lambda c: c.conversation == thread and "Approved by" in c.text())
    await core.background.drain(timeout=30)
    channel_card = [c for c in fake_teams.calls_to("update", IDEAS_CHANNEL) if c.activity_id == message_id][-1]
    assert "approved" in channel_card.text()
    reviews = {c.conversation: c for c in fake_teams.calls_to("update") if c.conversation != IDEAS_CHANNEL}
    assert len(reviews) == 2  # both managers' review cards (PUT activity)
    assert all(titles(c.card()) == ["Mark implemented"] for c in reviews.values())


async def test_someone_else_is_refused_and_nothing_changes(teams, fake_teams, db_path):
    await in_review(teams, fake_teams)
    for choice in ("approve", "pilot", "decline", "needs_info", "implemented", "close_pilot"):
        response, answer = await teams.click("decide", {"idea": 1, "choice": choice}, user="U5",
                                             conversation=personal("U5"))
        assert response.status == 200 and answer["type"] == "application/vnd.microsoft.activity.message"
        assert "Only a manager of idea #1" in answer["value"], choice
    # a forged submission is refused by the core too
    _, answer = await teams.click("decision_form", {"idea": 1, "kind": "decline", "reason": "no"}, user="U5",
                                  conversation=personal("U5"))
    assert "Only a manager of idea #1" in str(answer["value"])
    _, answer = await teams.click("decide", {"idea": 42, "choice": "approve"}, user="U0MGR1",
                                  conversation=personal("U0MGR1"))
    assert "no idea #42" in answer["value"]
    _, answer = await teams.click("decide", {"idea": 1, "choice": "merge"}, user="U0MGR1",
                                  conversation=personal("U0MGR1"))
    assert "no longer in use" in answer["value"]
    assert idea_of(db_path)["status"] == "in_review" and len(statuses(db_path)) == 1


async def test_decline_then_an_old_button_and_the_same_form_again_are_refused(teams, fake_teams, db_path):
    await in_review(teams, fake_teams)
    form = (await open_form(teams, fake_teams, "decline", manager="U0MGR2"))["value"]
    assert "Say why" in str((await submit(teams, fake_teams, form, {"reason": "  "}, manager="U0MGR2"))["value"])
    await submit(teams, fake_teams, form, {"reason": "Refunds need finance sign-off **now**"}, manager="U0MGR2")
    assert idea_of(db_path)["status"] == "declined"
    told = await fake_teams.wait_for("send", where=lambda c: c.conversation == personal("U1") and "declined" in c.text())
    runs = [r for b in told[0].card()["body"] if b["type"] == "RichTextBlock" for r in b["inlines"]]
    assert {"type": "TextRun", "text": "Refunds need finance sign-off **now**"} in runs  # never read as markdown

    _, answer = await teams.click("decide", {"idea": 1, "choice": "approve"}, user="U0MGR1",
                                  conversation=personal("U0MGR1"))
    assert "already declined" in answer["value"]
    again = await submit(teams, fake_teams, form, {"reason": "again"}, manager="U0MGR2")
    assert "already declined" in str(again["value"]) and titles(again["value"]) == []
    assert idea_of(db_path)["decision"]["reason"] == "Refunds need finance sign-off **now**"
    assert [s[1] for s in statuses(db_path)] == ["in_review", "declined"]


async def test_two_managers_deciding_at_once_exactly_one_wins(teams, fake_teams, db_path):
    await in_review(teams, fake_teams)
    approve = (await open_form(teams, fake_teams, "approve", manager="U0MGR1"))["value"]
    decline = (await open_form(teams, fake_teams, "decline", manager="U0MGR2"))["value"]
    for _ in range(3):  # both race on each round; later rounds find the idea decided
        answers = await asyncio.gather(
            submit(teams, fake_teams, approve, {"risk": "low"}, manager="U0MGR1"),
            submit(teams, fake_teams, decline, {"reason": "Not now"}, manager="U0MGR2"),
        )
    idea = idea_of(db_path)
    assert idea["status"] in ("approved", "declined")
    decided = [s for s in statuses(db_path) if s[0] == "in_review"]
    assert len(decided) == 1 and decided[0][1] == idea["status"]
    assert any("Nothing changed" in str(a["value"]) for a in answers)  # the loser is told, on its card


async def test_pilot_fields_are_checked_and_the_pilot_closes_as_declined(teams, fake_teams, db_path):
    message_id = await in_review(teams, fake_teams)
    form = (await open_form(teams, fake_teams, "pilot"))["value"]
    assert inputs(form)["ends_on"]["type"] == "Input.Date"
    bad = {"hypothesis": "Fewer calls", "metric": "calls per 100 orders", "baseline": "twelve", "target": "about 8",
           "ends_on": (date.today() - timedelta(days=1)).isoformat()}
    text = str((await submit(teams, fake_teams, form, bad))["value"])
    for error in ("Enter a number", "Enter the target as a number", "The end date is in the past", "Pick a risk"):
        assert error in text
    await submit(teams, fake_teams, form, {**bad, "baseline": "12", "target": "8", "ends_on": TOMORROW, "risk": "low"})
    assert idea_of(db_path)["status"] == "piloting" and idea_of(db_path)["experiment"]["target"] == 8.0
    thread = f"{IDEAS_CHANNEL};messageid={message_id}"
    line = await fake_teams.wait_for("send", where=lambda c: c.conversation == thread and "Pilot started" in c.text())
    assert "calls per 100 orders" in line[0].text() and TOMORROW in line[0].text()

    _, _, card = await review_card_of(fake_teams, "U0MGR1")
    form = (await open_form(teams, fake_teams, "close_pilot"))["value"]
    assert inputs(form)["verdict"]["value"] == "declined"
    answer = await submit(teams, fake_teams, form, {"verdict": "declined", "result": "eleven", "outcome": "x"})
    assert "Enter the measured result as a number" in str(answer["value"])
    await submit(teams, fake_teams, form, {"verdict": "declined", "result": "11", "outcome": "Customers still call"})
    idea = idea_of(db_path)
    assert idea["status"] == "declined" and idea["experiment"]["result"] == 11.0
    assert export_of(db_path)["audit"][-1]["action"] == "close_pilot"
    assert fake_teams.calls_to("send", "19:wins@thread.tacv2") == []


async def test_hero_commands_for_managers(teams, fake_teams, db_path):
    await posted_idea(teams, fake_teams)
    await teams.message("hero review 1", user="U5", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "Only a manager" in c.text())
    await teams.message("hero review #1", user="U0MGR2", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "is in review" in c.text())
    assert statuses(db_path) == [("open", "in_review", aad("U0MGR2"), "review")]
    await review_card_of(fake_teams, "U0MGR1")

    await teams.message("hero queue", user="U0MGR1", channel=None)
    queue = (await fake_teams.wait_for("send", where=lambda c: "Waiting for your decision" in c.text()))[0]
    sets = [b for b in queue.card()["body"] if b["type"] == "ActionSet"]
    assert [a["title"] for a in sets[0]["actions"]] == ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]
    assert "waiting" in queue.text() and "Self-service refunds" in queue.text()
    await teams.message("hero queue", user="U5", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "Nothing is waiting" in c.text())

    response, answer = await teams.click("decide", {"idea": 1, "choice": "approve"}, user="U0MGR1",
                                         conversation=queue.conversation, message_id=queue.activity_id)
    await submit(teams, fake_teams, answer["value"], {"risk": "low"})
    assert idea_of(db_path)["status"] == "approved"

    await teams.message("hero done 1", user="U5", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "Only a manager of idea #1 (or its IT champion)" in c.text())
    await teams.message("hero done 1", user="U0MGR2")  # in a channel: the form comes to the personal chat
    form = (await fake_teams.wait_for("send", where=lambda c: c.card() and "Mark implemented" in c.text()
                                      and "decision_form" in c.text()))[0]
    assert form.conversation == personal("U0MGR2") or form.conversation == f"a:personal-{aad('U0MGR2')}"
    await submit(teams, fake_teams, form.card(), {"outcome": "Refunds take 2 minutes"}, manager="U0MGR2")
    assert idea_of(db_path)["status"] == "implemented"
    win = (await fake_teams.wait_for("send", where=lambda c: c.conversation == "19:wins@thread.tacv2"))[0]
    assert "Refunds take 2 minutes" in win.text() and "A win!" in win.text()

    await teams.message("hero wins all", channel=None)
    wins = (await fake_teams.wait_for("send", where=lambda c: "Wins of all time" in c.text()))[0]
    assert "Self-service refunds" in wins.text() and "3 supporters" not in wins.text()  # no votes: 0 supporters
    await teams.message("hero wins year", channel=None)
    await fake_teams.wait_for("send", where=lambda c: "hero wins month" in c.text())


async def test_an_anonymous_author_is_asked_answers_in_the_thread_and_is_told_without_anyone_learning_who(
        teams, fake_teams, db_path, core):
    await teams.message("idea anon Print return labels at the counter", user="USECRET", channel=None)
    post = (await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL))[0]
    hello = (await fake_teams.wait_for("send", where=lambda c: "anonymous idea" in c.text()))[0]
    assert is_personal_chat_of(hello.conversation, "USECRET")
    author_chat = hello.conversation
    author_id, sealed = core.db.execute("SELECT author_id, author_channel FROM ideas").fetchone()
    assert author_id is None and "USECRET" not in sealed  # the file alone does not say where, so who
    assert decided.extras(core.db, 1)["author_channel"] == author_chat  # the bot, with its key, does
    for voter in ("U2", "U3", "U4"):
        await teams.reaction(True, post.activity_id, user=voter)
    await decide(teams, fake_teams, "needs_info", {"question": "Which counters?"})
    assert idea_of(db_path)["status"] == "needs_info"
    thread = f"{IDEAS_CHANNEL};messageid={post.activity_id}"
    asked = (await fake_teams.wait_for("send", where=lambda c: c.conversation == thread and "asks" in c.text()))[0]
    assert "Which counters?" in asked.text()  # a reply to the card's activity
    told = await fake_teams.wait_for("send", where=lambda c: c.conversation == author_chat
                                     and "Which counters?" in c.text())
    answer = [a for a in told[0].card()["actions"] if a["type"] == "Action.Execute"]
    assert [a["title"] for a in answer] == ["Answer"]

    await teams.message("Any counter", user="U7", channel=IDEAS_CHANNEL, thread=post.activity_id, mention=False)
    await teams.message("+1", user="USECRET", channel=IDEAS_CHANNEL, thread=post.activity_id, mention=False)
    assert idea_of(db_path)["status"] == "needs_info"  # a thread reply by the author is only a comment
    _, refused = await teams.click(answer[0]["verb"], answer[0]["data"], user="U7", conversation=personal("U7"))
    assert "Only the author" in str(refused["value"])
    _, form = await teams.click(answer[0]["verb"], answer[0]["data"], user="USECRET", conversation=author_chat)
    fields = inputs(form["value"])
    assert [f["label"] for f in fields.values()] == ["Your answer"]
    send = [a for a in form["value"]["actions"] if a["type"] == "Action.Execute"][0]
    _, empty = await teams.click(send["verb"], {**send["data"], "answer": " "}, user="USECRET", conversation=author_chat)
    assert "Write your answer." in str(empty["value"])
    _, done = await teams.click(send["verb"], {**send["data"], "answer": "The two at the entrance"}, user="USECRET",
                                conversation=author_chat)
    assert "without your name" in str(done["value"])
    assert idea_of(db_path)["status"] == "in_review"
    line = (await fake_teams.wait_for("send", where=lambda c: c.conversation == thread
                                      and "The author answered" in c.text()))[0]
    assert "The author answered: The two at the entrance" in line.text() and "USECRET" not in line.text()
    await fake_teams.wait_for("send", where=lambda c: "answered your question" in c.text()
                              and c.conversation in (personal("U0MGR1"), f"a:personal-{aad('U0MGR1')}"))
    await decide(teams, fake_teams, "approve", {"risk": "low"})
    await decide(teams, fake_teams, "implemented", {"outcome": "Labels print in 10 s"})
    win = (await fake_teams.wait_for("send", where=lambda c: c.conversation == "19:wins@thread.tacv2"))[0]
    assert "stay anonymous" in win.text() and "Labels print in 10 s" in win.text()
    await core.background.drain(timeout=30)
    not_to_the_author = [c.text() for c in fake_teams.calls if c.conversation != author_chat
                         and c.body.get("members") != [{"id": "29:USECRET"}]]  # opening the author's own chat
    assert [t for t in not_to_the_author if "USECRET" in t] == []
    exported = export_of(db_path)
    assert "USECRET" not in str(exported["audit"]) + str(idea_of(db_path))
    assert exported["audit"][2]["actor"] == "author"


async def test_teams_typed_decisions(teams, fake_teams):
    await in_review(teams, fake_teams)
    await teams.message("hero pilot 1", channel=None, user="U0MGR1")
    form = (await fake_teams.wait_for("send", where=lambda c: c.conversation == "a:personal-29:U0MGR1"))[0]
    assert "hypothesis" in json.dumps(form.card())
    await teams.message("hero approve 1 low Reviewed by legal", channel=None, user="U0MGR1")
    await fake_teams.wait_for("send", where=lambda c: "Idea #1 is approved" in c.text())
    await teams.message("hero show 1", channel=None, user="U1")
    shown = (await fake_teams.wait_for("send", where=lambda c: "Risk: low. Mitigation: Reviewed by legal" in c.text()
                                       and c.conversation == "a:personal-29:U1"))[0]
    assert "✅ Approved" in shown.text()
