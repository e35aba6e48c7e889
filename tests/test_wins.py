"""From a decision to a celebrated win: Mark implemented, /hero done, pilots, anonymity, wins, queue, App Home."""

import json
from datetime import date, timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.config import Config
from storage import decisions as decided
from tests.conftest import CONFIG, export_of
from tests.decision_steps import MANAGERS, in_review, note_saying, open_form, posts_to, submit
from tests.test_voting import idea_of

TOMORROW = (date.today() + timedelta(days=1)).isoformat()
PILOT = {"hypothesis": "Fewer repeat calls", "metric": "repeat calls per 100", "baseline": "12", "target": "8",
         "ends_on": TOMORROW, "risk": "medium"}


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": list(MANAGERS), "it_champions": ["U0IT1"]}})


async def approved(slack, fake, **values):
    await in_review(slack, fake)
    view = await open_form(slack, fake, "decide_approve")
    await submit(slack, view, {"risk": "low", **values})


async def piloting(slack, fake):
    await in_review(slack, fake)
    await submit(slack, await open_form(slack, fake, "decide_pilot"), PILOT)


async def second_idea(slack, fake, text):
    await slack.command("/idea", text)
    await note_saying(fake, "Idea #2 is posted")


async def test_mark_implemented_announces_the_win_crediting_its_people(slack, fake_slack, db_path):
    await approved(slack, fake_slack, tech_support=["tech"], champion="U0IT1")
    view = await open_form(slack, fake_slack, "decide_implemented")
    assert view["title"]["text"] == "Mark implemented"
    assert set((await (await submit(slack, view, {"outcome": " "})).json())["errors"]) == {"outcome"}
    await submit(slack, view, {"outcome": "Refunds under 20 EUR now take 2 minutes instead of 2 days"})
    idea = idea_of(db_path)
    assert idea["status"] == "implemented"
    assert idea["outcome"] == "Refunds under 20 EUR now take 2 minutes instead of 2 days"
    win = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0WINS"))[0].text()
    for part in ("2 minutes instead of 2 days", "<@U1>", "3 supporters", "<@U0MGR1>", "<@U0IT1>", "#1"):
        assert part in win, part
    assert [a["to_status"] for a in export_of(db_path)["audit"]] == ["in_review", "approved", "implemented"]
    await slack.click("decide_implemented", "1", user="U0MGR1")
    assert "already implemented" in await note_saying(fake_slack, "already implemented")


async def test_hero_done_opens_the_outcome_form_for_managers_only(slack, fake_slack, db_path):
    await approved(slack, fake_slack)
    refused = await (await slack.command("/hero", "done 1", user="U5")).json()
    assert "Only a manager" in refused["text"]
    before = len(fake_slack.calls_to("views.open"))
    response = await slack.command("/hero", "done 1", user="U0MGR2")
    assert response.status == 200 and await response.text() == ""
    call = (await fake_slack.wait_for("views.open", count=before + 1))[-1]
    assert call.args["trigger_id"] == "1337.42.abcd"
    view = call.args["view"]
    assert json.loads(view["private_metadata"])["idea"] == 1
    await submit(slack, view, {"outcome": "Shipped"}, user="U0MGR2")
    assert idea_of(db_path)["status"] == "implemented"
    assert "not an idea number" in (await (await slack.command("/hero", "done x", user="U0MGR2")).json())["text"]


async def test_a_pilot_records_its_result_against_the_target(slack, fake_slack, db_path):
    await piloting(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_implemented")
    body = await (await submit(slack, view, {"outcome": "Rolled out", "result": "seven", "verdict": "implemented"})).json()
    assert set(body["errors"]) == {"result"}
    await submit(slack, view, {"outcome": "Rolled out to all queues", "result": "7.5", "verdict": "implemented"})
    idea = idea_of(db_path)
    assert idea["status"] == "implemented" and idea["experiment"]["result"] == 7.5
    win = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0WINS"))[0].text()
    assert "repeat calls per 100: 7.5 against a target of 8" in win


async def test_a_pilot_that_missed_its_target_is_closed_as_declined_with_its_learning(slack, fake_slack, db_path):
    await piloting(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_close_pilot")
    verdict = next(b for b in view["blocks"] if b.get("block_id") == "verdict")
    assert verdict["element"]["initial_option"]["value"] == "declined"
    await submit(slack, view, {"outcome": "Customers still call to confirm", "result": "11", "verdict": "declined"})
    idea = idea_of(db_path)
    assert idea["status"] == "declined" and idea["experiment"]["result"] == 11.0
    assert idea["outcome"] == "Customers still call to confirm"
    assert idea["decision"]["action"] == "decline" and "Customers still call to confirm" in idea["decision"]["reason"]
    assert export_of(db_path)["audit"][-1]["action"] == "close_pilot"
    assert posts_to(fake_slack, "C0WINS") == []


async def test_an_anonymous_author_is_told_without_anyone_learning_who(slack, fake_slack, db_path, core):
    await slack.command("/idea", "anon Print return labels at the counter", user="USECRET")
    post = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0IDEAS"))[0]
    hello = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "USECRET"))[0]
    assert "anonymous idea" in hello.text()
    author_id, sealed = core.db.execute("SELECT author_id, author_channel FROM ideas").fetchone()
    assert author_id is None and "USECRET" not in sealed  # the file alone does not say where, so who
    # the fake answers with the user id; Slack answers with a D… conversation id
    assert decided.extras(core.db, 1)["author_channel"] == "USECRET"
    for voter in ("U2", "U3", "U4"):
        await slack.reaction(True, voter, "C0IDEAS", post.answer["ts"])
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] in MANAGERS, count=2)
    await submit(slack, await open_form(slack, fake_slack, "decide_needs_info"), {"question": "Which counters?"})
    told = await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "USECRET", count=3)
    assert "is in review" in told[1].text() and "Which counters?" in told[-1].text()
    await answer_privately(slack, fake_slack, post.answer["ts"], "The two at the entrance")
    await submit(slack, await open_form(slack, fake_slack, "decide_approve"), {"risk": "low"})
    await submit(slack, await open_form(slack, fake_slack, "decide_implemented"), {"outcome": "Labels print in 10 s"})
    win = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0WINS"))[0].text()
    assert "anonymous" in win
    everything_but_dms = [c.text() for c in fake_slack.calls if c.args.get("channel") != "USECRET"]
    assert not any("USECRET" in text for text in everything_but_dms)
    exported = json.dumps(export_of(db_path)["audit"]) + json.dumps(idea_of(db_path) | {"comments": None})
    assert "USECRET" not in exported
    assert export_of(db_path)["audit"][2]["actor"] == "author"


async def answer_privately(slack, fake_slack, ts: str, text: str) -> None:
    """The anonymous author USECRET answers the question: not in the thread, through the Answer button."""
    question = fake_slack.calls_to("chat.postMessage")[-1]
    assert question.args["channel"] == "USECRET"
    button = question.args["blocks"][-1]["elements"][0]
    assert button["text"]["text"] == "Answer" and button["action_id"] == "answer_author_question"
    await slack.reply("USECRET", "C0IDEAS", ts, "+1")  # a thread reply is only a comment: it would show who
    assert idea_of(db_path_of(slack))["status"] == "needs_info"
    await slack.click("answer_author_question", button["value"], user="U7", channel="D7")  # not the author
    refusal = await fake_slack.wait_for("note", where=lambda c: "Only the author" in c.args.get("text", ""))
    opened = len(fake_slack.calls_to("views.open"))
    assert refusal and opened == 1  # only the manager's Needs info form
    await slack.click(button["action_id"], button["value"], user="USECRET", channel="USECRET")
    form = (await fake_slack.wait_for("views.open", count=opened + 1))[-1].args["view"]
    inputs = [b for b in form["blocks"] if b["type"] == "input"]
    assert [b["label"]["text"] for b in inputs] == ["Your answer"]
    View(**form).validate_json()  # Slack's own limits
    for block in question.args["blocks"]:
        Block.parse(block).validate_json()
    empty = await slack.submit_view(form, {"answer": ""}, user="USECRET")
    assert (await empty.json())["errors"] == {"answer": "Write your answer."}
    assert (await slack.submit_view(form, {"answer": text}, user="USECRET")).status == 200
    assert idea_of(db_path_of(slack))["status"] == "in_review"
    line = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts
                                      and "The author answered" in c.text()))[0]
    assert f"The author answered: {text}" in line.text() and "USECRET" not in line.text()
    again = await slack.submit_view(form, {"answer": text}, user="USECRET")  # a second submission changes nothing
    assert "no question is waiting" in (await again.json())["errors"]["answer"]


def db_path_of(slack) -> str:
    from handlers.web import CORE
    return slack.client.app[CORE].db.execute("PRAGMA database_list").fetchone()[2]


async def test_wins_lists_celebrated_wins(slack, fake_slack, db_path):
    assert "No celebrated wins" in json.dumps(await (await slack.command("/hero", "wins")).json())
    await approved(slack, fake_slack)
    await submit(slack, await open_form(slack, fake_slack, "decide_implemented"), {"outcome": "Done"})
    for words in ("wins", "wins month", "wins all"):
        text = json.dumps(await (await slack.command("/hero", words)).json())
        assert "Self-service refunds" in text and "3 supporters" in text, words
    assert "month" in (await (await slack.command("/hero", "wins year")).json())["text"]


async def test_queue_shows_a_manager_what_waits_oldest_first(slack, fake_slack, db_path, core):
    await in_review(slack, fake_slack, "First idea")
    await second_idea(slack, fake_slack, "Second idea")
    await slack.command("/hero", "review 2", user="U0MGR1")
    core.db.conn.execute("DROP TRIGGER audit_no_update")  # age the first review by two days (test only)
    core.db.execute("UPDATE audit SET at = '2020-01-01T00:00:00+00:00' WHERE idea_id = 1")
    queue = await (await slack.command("/hero", "queue", user="U0MGR2")).json()
    text = json.dumps(queue)
    assert text.index("First idea") < text.index("Second idea") and "waiting" in text and "days" in text
    assert "decide_approve" in text  # with the buttons
    other = await (await slack.command("/hero", "queue", user="U5")).json()
    assert "Nothing is waiting" in other["text"] or "Nothing is waiting" in json.dumps(other)


async def test_app_home_shows_my_ideas_my_votes_and_a_managers_queue(slack, fake_slack, db_path):
    await in_review(slack, fake_slack)
    await second_idea(slack, fake_slack, "Another idea")
    await slack.click("idea_vote", "2", user="U1")
    assert (await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})).status == 200
    home = (await fake_slack.wait_for("views.publish"))[0].args
    assert home["user_id"] == "U1" and home["view"]["type"] == "home"
    text = json.dumps(home["view"])
    assert "Your ideas" in text and "Ideas you voted for" in text and "Another idea" in text
    assert "Waiting for your decision" not in text
    await slack.event({"type": "app_home_opened", "user": "U0MGR1", "channel": "D2", "tab": "home"})
    manager = json.dumps((await fake_slack.wait_for("views.publish", count=2))[1].args["view"])
    assert "Waiting for your decision" in manager and "decide_approve" in manager and "Needs info" in manager
    await slack.event({"type": "app_home_opened", "user": "U0MGR1", "channel": "D2", "tab": "messages"})
    assert len(fake_slack.calls_to("views.publish")) == 2
