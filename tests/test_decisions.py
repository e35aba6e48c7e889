import json
"""Manager decisions through signed Slack requests: review, the four decisions, refusals, the race."""

import asyncio
from datetime import date, timedelta

import pytest

from bot.config import Config
from tests.conftest import CONFIG, export_of
from tests.decision_steps import (
    MANAGERS, in_review, note_saying, open_form, submit, voted_in,
)
from tests.test_voting import idea_of, posted_idea, settle

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": list(MANAGERS), "it_champions": ["U0IT1", "U0IT2"]},
                             "routing": {"Shorter waits": ["U0MGR3"]}})


def statuses(db_path):
    return [(a["from_status"], a["to_status"], a["actor"], a["action"]) for a in export_of(db_path)["audit"]]


async def test_threshold_moves_the_idea_to_review_and_dms_its_managers(slack, fake_slack, db_path):
    channel, ts = await voted_in(slack, fake_slack, votes=2)
    assert idea_of(db_path)["status"] == "open"
    await slack.reaction(True, "U9", channel, ts)
    assert idea_of(db_path)["status"] == "in_review"
    dms = await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") in MANAGERS, count=2)
    for dm in dms:
        text = dm.text()
        assert "Self-service refunds under 20 EUR" in text and "3 votes" in text and "0 comments" in text
        assert "https://example.slack.com/archives/C0IDEAS" in text
        buttons = [e for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [b["text"]["text"] for b in buttons] == ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]
        assert {b["value"] for b in buttons} == {"1"}
    assert statuses(db_path) == [("open", "in_review", "herobot", "threshold")]
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts)
    await slack.reaction(True, "U10", channel, ts)  # more votes: no second review
    await asyncio.sleep(0.2)
    assert len(statuses(db_path)) == 1


async def test_routing_sends_a_goal_to_its_own_managers(slack, fake_slack, db_path):
    view = (await (await slack.command("/idea", "")).text(), await fake_slack.wait_for("views.open"))[1][0]
    await slack.submit_view(view.args["view"], {"problem": "Long holds", "solution": "Callbacks", "impact": "Less wait",
                                                "mission_goal": "Shorter waits"})
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    await fake_slack.wait_for("note")
    for voter in ("U2", "U3", "U4"):
        await slack.reaction(True, voter, post.args["channel"], post.answer["ts"])
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "U0MGR3")
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("channel") in MANAGERS]
    await slack.click("decide_decline", "1", user="U0MGR1")  # not this idea's manager
    assert "Only a manager of idea #1" in await note_saying(fake_slack, "Only a manager")
    assert len(fake_slack.calls_to("views.open")) == 1  # the /idea form only


async def test_hero_review_is_for_managers_only(slack, fake_slack, db_path):
    await posted_idea(slack, fake_slack)
    refused = await (await slack.command("/hero", "review 1", user="U5")).json()
    assert "Only a manager" in refused["text"] and refused["response_type"] == "ephemeral"
    assert idea_of(db_path)["status"] == "open"
    done = await (await slack.command("/hero", "review #1", user="U0MGR2")).json()
    assert "in review" in done["text"]
    assert statuses(db_path) == [("open", "in_review", "U0MGR2", "review")]
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") in MANAGERS, count=2)
    again = await (await slack.command("/hero", "review 1", user="U0MGR2")).json()
    assert "only open ideas" in again["text"]
    unknown = await (await slack.command("/hero", "review 99", user="U0MGR2")).json()
    assert "no idea #99" in unknown["text"]


async def test_someone_else_clicking_a_decision_button_is_refused(slack, fake_slack, db_path):
    await in_review(slack, fake_slack)
    for action in ("decide_approve", "decide_pilot", "decide_decline", "decide_needs_info", "decide_implemented"):
        assert (await slack.click(action, "1", user="U5")).status == 200
    notes = await fake_slack.wait_for("note", where=lambda c: "Only a manager" in c.args.get("text", ""),
                                      count=5)
    assert all(n.args["response_type"] == "ephemeral" for n in notes)
    assert fake_slack.calls_to("views.open") == []
    assert idea_of(db_path)["status"] == "in_review"


async def test_approve_needs_a_risk_and_a_mitigation_and_tells_everyone(slack, fake_slack, db_path, core):
    channel, ts = await in_review(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_approve")
    champion = next(b for b in view["blocks"] if b.get("block_id") == "champion")
    assert champion["element"]["type"] == "users_select" and champion["element"]["initial_user"] == "U0IT1"

    body = await (await submit(slack, view, {})).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"risk"}
    body = await (await submit(slack, view, {"risk": "medium"})).json()
    assert set(body["errors"]) == {"mitigation"}
    body = await (await submit(slack, view, {"risk": "low", "tech_support": ["tech"]})).json()
    assert set(body["errors"]) == {"champion"}
    assert idea_of(db_path)["status"] == "in_review"

    response = await submit(slack, view, {"risk": "high", "mitigation": "Cap at 20 EUR, weekly review",
                                          "tech_support": ["tech"], "champion": "U0IT2"})
    assert response.status == 200 and await response.text() == ""
    idea = idea_of(db_path)
    assert idea["status"] == "approved" and idea["champion"] == "U0IT2"
    assert {k: idea["decision"][k] for k in ("action", "by", "risk", "note", "reason")} == {
        "action": "approve", "by": "U0MGR1", "risk": "high", "note": "Cap at 20 EUR, weekly review", "reason": None}
    assert idea["decision"]["at"].endswith("Z")

    champion_dm = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U0IT2"))[0]
    assert "IT champion" in champion_dm.text() and "Self-service refunds" in champion_dm.text()
    author_dm = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U1"
                                           and "is in review" not in c.text()))[0]
    assert "approved" in author_dm.text() and "<@U0MGR1>" in author_dm.text()
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts and "Approved" in c.text())
    card = [c for c in await settle(core, fake_slack) if c.args["ts"] == ts][-1]  # review updates may land later
    assert "approved" in card.text()
    review_updates = [c for c in fake_slack.calls_to("chat.update") if c.args["channel"] in MANAGERS]
    assert all("✅ Approved: mark it implemented" in c.text() and "Approved by <@U0MGR1>" in c.text()
               and "waiting for your decision" not in c.text() for c in review_updates)
    assert review_updates and all("Mark implemented" in c.text() and "Approve" not in
                                  [e["text"]["text"] for b in c.args["blocks"] if b["type"] == "actions"
                                   for e in b["elements"]] for c in review_updates)
    assert statuses(db_path)[-1] == ("in_review", "approved", "U0MGR1", "approve")


async def test_pilot_checks_its_fields_and_keeps_the_experiment(slack, fake_slack, db_path):
    channel, ts = await in_review(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_pilot")
    bad = {"hypothesis": "Fewer calls", "metric": "calls per 100 orders", "baseline": "twelve",
           "target": "about 8", "ends_on": (date.today() - timedelta(days=1)).isoformat()}
    body = await (await submit(slack, view, bad)).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"baseline", "target", "ends_on", "risk"}
    assert idea_of(db_path)["status"] == "in_review" and idea_of(db_path)["experiment"] is None

    good = {"hypothesis": "Fewer calls", "metric": "calls per 100 orders", "baseline": "12", "target": "8",
            "ends_on": TOMORROW, "risk": "low"}
    assert await (await submit(slack, view, good)).text() == ""
    idea = idea_of(db_path)
    assert idea["status"] == "piloting"
    assert idea["experiment"] == {"hypothesis": "Fewer calls", "metric": "calls per 100 orders", "baseline": 12.0,
                                  "target": 8.0, "ends_on": TOMORROW, "result": None}
    assert idea["decision"]["action"] == "pilot" and idea["decision"]["risk"] == "low"
    line = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts
                                      and "Pilot" in c.text()))[0]
    assert "calls per 100 orders" in line.text() and TOMORROW in line.text()


async def test_decline_needs_a_reason_the_author_sees_and_a_second_click_is_refused(slack, fake_slack, db_path):
    channel, ts = await in_review(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_decline", user="U0MGR2")
    body = await (await submit(slack, view, {"reason": "   "}, user="U0MGR2")).json()
    assert set(body["errors"]) == {"reason"}
    await submit(slack, view, {"reason": "Refunds need finance sign-off <@U5>"}, user="U0MGR2")
    assert idea_of(db_path)["status"] == "declined"
    assert idea_of(db_path)["decision"]["reason"] == "Refunds need finance sign-off <@U5>"
    author_dm = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U1"
                                           and "is in review" not in c.text()))[0]
    assert "Refunds need finance sign-off &lt;@U5&gt;" in author_dm.text()  # people's words never become mentions

    await slack.click("decide_approve", "1", user="U0MGR1")  # an old message's button
    assert "already declined" in await note_saying(fake_slack, "already declined")
    await submit(slack, view, {"reason": "again"}, user="U0MGR2")  # the same modal, submitted twice
    assert idea_of(db_path)["decision"]["reason"] == "Refunds need finance sign-off <@U5>"
    assert [s[1] for s in statuses(db_path)] == ["in_review", "declined"]


async def test_needs_info_asks_in_the_thread_and_the_authors_reply_returns_it_to_review(slack, fake_slack, db_path):
    channel, ts = await in_review(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_needs_info")
    assert set((await (await submit(slack, view, {})).json())["errors"]) == {"question"}
    await submit(slack, view, {"question": "Which refund reasons would qualify?"})
    assert idea_of(db_path)["status"] == "needs_info"
    question = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == ts
                                          and "asks" in c.text()))[0]
    assert "Which refund reasons would qualify?" in question.text()
    author_dm = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U1"
                                           and "is in review" not in c.text()))[0]
    assert "Which refund reasons would qualify?" in author_dm.text()

    await slack.reply("U7", channel, ts, "Not the author speaking")
    assert idea_of(db_path)["status"] == "needs_info"
    await slack.reply("U1", channel, ts, "Damaged goods and late deliveries")
    assert idea_of(db_path)["status"] == "in_review"
    assert statuses(db_path)[-1] == ("needs_info", "in_review", "U1", "answered")
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "U0MGR1"
                              and "answered your question" in c.text())


async def test_two_managers_deciding_at_once_exactly_one_wins(slack, fake_slack, db_path):
    await in_review(slack, fake_slack)
    approve = await open_form(slack, fake_slack, "decide_approve", user="U0MGR1")
    decline = await open_form(slack, fake_slack, "decide_decline", user="U0MGR2")
    for _ in range(3):  # both race on each round; later rounds find the idea decided
        answers = await asyncio.gather(
            submit(slack, approve, {"risk": "low"}, user="U0MGR1"),
            submit(slack, decline, {"reason": "Not now"}, user="U0MGR2"),
        )
        assert all(a.status == 200 for a in answers)
    idea = idea_of(db_path)
    assert idea["status"] in ("approved", "declined")
    decided = [s for s in statuses(db_path) if s[0] == "in_review"]
    assert len(decided) == 1 and decided[0][1] == idea["status"]
    assert "Nothing changed" in await note_saying(fake_slack, "Nothing changed")  # the loser is told


async def test_a_decision_on_an_unknown_idea_is_refused(slack, fake_slack):
    await slack.click("decide_approve", "42", user="U0MGR1")
    assert "no idea #42" in await note_saying(fake_slack, "#42")


async def test_review_message_marks_a_duplicate_through_its_button(slack, fake_slack, db_path, core):
    await posted_idea(slack, fake_slack, "Callback when the queue is long")
    await in_review(slack, fake_slack, "Ring people back at peak hours")  # idea #2: the same fix in other words
    review = next(c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("channel") == "U0MGR1")
    buttons = [e for b in review.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons][-1] == "Mark duplicate"

    await slack.click("mark_duplicate", "2", user="U0MGR1", channel="DMGR")
    view = (await fake_slack.wait_for("views.open"))[-1].args["view"]
    response = await submit(slack, view, {"original": "1"})
    assert response.status == 200
    ideas = export_of(db_path)["ideas"]
    assert ideas[1]["status"] == "duplicate" and ideas[1]["duplicate_of"] == 1
    assert ideas[0]["votes"] == 3  # the duplicate's supporters now count on the original


AWKWARD = "<!channel> “quoted” 🚀 " + "x" * 40


async def test_slack_typed_decisions_and_the_app_home_shows_them(slack, fake_slack, db_path, core):
    await in_review(slack, fake_slack)
    refused = await (await slack.command("/hero", "decline 1 nope", user="U5")).json()
    assert "Only a manager" in refused["text"]
    await slack.command("/hero", "pilot 1", user="U0MGR1")
    modal = (await fake_slack.wait_for("views.open"))[0].args["view"]
    assert "hypothesis" in json.dumps(modal)
    answer = await (await slack.command("/hero", f"Decline 1 {AWKWARD}", user="U0MGR1")).json()
    assert "Idea #1 is declined" in answer["text"]
    await core.background.drain()
    news = [c for c in fake_slack.calls_to("chat.postMessage") if "News of an idea you voted for" in c.text()]
    assert len(news) == 3 and len({c.args["channel"] for c in news}) == 3
    assert all("Reason: &lt;!channel&gt;" in c.text() and "<!channel>" not in c.text() for c in news)
    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    home = json.dumps((await fake_slack.wait_for("views.publish"))[0].args["view"], ensure_ascii=False)
    assert "⛔ Declined by <@U0MGR1>. Reason: &lt;!channel&gt; “quoted”" in home and "<!channel>" not in home
