"""Duplicates stopped at the door (similar items offered before posting) and merged by managers."""

import json
import logging

from storage.db import write
from tests.conftest import export_of
from tests.test_problems import log_problem


async def idea_posted(slack, fake, text, user="U1"):
    before = len(fake.calls_to("chat.postMessage"))
    await slack.command("/idea", text, user=user)
    post = (await fake.wait_for("chat.postMessage", count=before + 1))[-1]
    return post


def buttons(body):
    found = []
    for block in body["blocks"]:
        found += [block["accessory"]] if "accessory" in block else block.get("elements", [])
    return [b for b in found if b.get("type") == "button"]


async def test_similar_ideas_are_offered_and_nothing_is_posted_until_the_poster_chooses(slack, fake_slack, db_path):
    await idea_posted(slack, fake_slack, "Offer a callback when the phone queue is long")
    await idea_posted(slack, fake_slack, "Print shipping labels at the counter")
    response = await slack.command("/idea", "Callback offer when the phone queue gets long", user="U2")
    body = await response.json()
    assert body["response_type"] == "ephemeral" and "Similar ideas" in body["text"]
    labels = [b["text"]["text"] for b in buttons(body)]
    assert labels == ["👍 Vote for #1", "Post mine anyway"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 and len(export_of(db_path)["ideas"]) == 2

    anyway = buttons(body)[-1]["value"]
    assert (await slack.click("post_anyway", anyway, user="U3")).status == 200  # not the poster
    note = (await fake_slack.wait_for("note", where=lambda c: "no longer waiting" in c.args["text"]))[0]
    assert note.args["response_type"] == "ephemeral"
    await slack.click("post_anyway", anyway, user="U2")
    post = (await fake_slack.wait_for("chat.postMessage", count=3))[-1]
    assert "Callback offer when the phone queue gets long" in post.text() and "<@U2>" in post.text()
    await slack.click("post_anyway", anyway, user="U2")  # a second click posts nothing more
    await fake_slack.wait_for("note", count=2, where=lambda c: "no longer waiting" in c.args["text"])
    assert len(export_of(db_path)["ideas"]) == 3


async def test_vote_instead_votes_for_the_similar_idea_and_drops_the_draft(slack, fake_slack, db_path, core):
    await idea_posted(slack, fake_slack, "Self-service refunds for orders under 20 EUR")
    body = await (await slack.command("/idea", "anon Refunds under 20 EUR as self-service", user="USECRET")).json()
    vote, anyway = buttons(body)
    assert vote["text"]["text"] == "👍 Vote for #1"
    with write(core.db) as db:
        held = db.execute("SELECT * FROM pending_posts").fetchall()
    assert "USECRET" not in json.dumps(held)  # the held anonymous draft does not name its poster
    await slack.click("similar_vote", vote["value"], user="USECRET")
    await slack.click("similar_vote", vote["value"], user="USECRET")  # a second click keeps the vote
    data = export_of(db_path)
    assert len(data["ideas"]) == 1 and data["ideas"][0]["voters"] == ["USECRET"]
    await slack.click("post_anyway", anyway["value"], user="USECRET")
    await fake_slack.wait_for("note", where=lambda c: "no longer waiting" in c.args["text"])
    assert len(export_of(db_path)["ideas"]) == 1


async def test_similar_problems_offer_me_too(slack, fake_slack, db_path):
    await log_problem(slack, fake_slack, "Password reset email never arrives")
    body = await (await slack.command("/problem", "The password reset email does not arrive", user="U2")).json()
    me_too, anyway = buttons(body)
    assert "Me too" in me_too["text"]["text"] and anyway["text"]["text"] == "Post mine anyway"
    await slack.click("similar_me_too", me_too["value"], user="U2")
    problem = export_of(db_path)["problems"]
    assert len(problem) == 1 and problem[0]["reporters"] == 2


async def test_form_submissions_are_checked_too(slack, fake_slack, db_path):
    await idea_posted(slack, fake_slack, "Callback slot when waits pass five minutes")
    await slack.command("/idea", "")
    view = (await fake_slack.wait_for("views.open"))[0].args["view"]
    response = await slack.submit_view(view, {"problem": "Long waits", "solution": "Callback slot when waits pass five minutes",
                                              "impact": "Fewer hang-ups"}, user="U2")
    assert await response.text() == ""
    offer = (await fake_slack.wait_for("note", where=lambda c: "Similar ideas" in c.args["text"]))[0]
    assert "Post mine anyway" in json.dumps(offer.args)
    assert len(export_of(db_path)["ideas"]) == 1


async def hero(slack, text, user="U0MGR1"):
    return (await (await slack.command("/hero", text, user=user)).json())["text"]


async def test_manager_marks_an_idea_duplicate_votes_move_once_and_undo_restores(slack, fake_slack, db_path):
    await idea_posted(slack, fake_slack, "Chat widget on the invoice page")
    await slack.command("/idea", "Chat button next to invoices", user="U2")  # similar: held
    body = await (await slack.command("/idea", "Chat button next to invoices", user="U2")).json()
    await slack.click("post_anyway", buttons(body)[-1]["value"], user="U2")
    await fake_slack.wait_for("chat.postMessage", count=2)
    for user, idea in (("U3", "1"), ("U4", "1"), ("U3", "2"), ("U5", "2")):
        await slack.click("idea_vote", idea, user=user)

    assert "Only a manager" in await hero(slack, "duplicate 2 1", user="U3")
    assert "itself" in await hero(slack, "duplicate 2 2")
    assert "no idea #9" in await hero(slack, "duplicate 2 9")
    assert "only be a duplicate of an idea" in await hero(slack, "duplicate 2 P1")
    assert "now a duplicate of #1" in await hero(slack, "duplicate 2 1")
    data = export_of(db_path)["ideas"]
    assert sorted(data[0]["voters"]) == ["U3", "U4", "U5"] and data[0]["votes"] == 3
    assert data[1]["status"] == "duplicate" and data[1]["duplicate_of"] == 1 and data[1]["votes"] == 2
    assert "#2 is one of #1's own duplicates" in await hero(slack, "duplicate 1 2")
    assert "already a duplicate" in await hero(slack, "duplicate 2 1")
    update = await fake_slack.wait_for("chat.update", where=lambda c: "duplicate of #1" in c.text(), timeout=8)
    assert "Vote (" not in update[-1].text()  # closed: no Vote button

    await slack.click("idea_vote", "1", user="U5")  # U5's own vote on the original, on top of the moved one
    assert "no longer a duplicate" in await hero(slack, "unduplicate 2")
    data = export_of(db_path)["ideas"]
    assert sorted(data[0]["voters"]) == ["U3", "U4", "U5"] and sorted(data[1]["voters"]) == ["U3", "U5"]
    assert data[1]["status"] == "open" and data[1]["duplicate_of"] is None
    assert "not marked a duplicate" in await hero(slack, "unduplicate 2")


async def test_problem_duplicates_move_reporters_and_undo(slack, fake_slack, db_path):
    await log_problem(slack, fake_slack, "Cannot download invoices")
    await log_problem(slack, fake_slack, "Delivery slots disappear at checkout", user="U2")
    await slack.click("problem_me_too", "2", user="U1")
    await slack.click("problem_me_too", "2", user="U3")
    assert "now a duplicate of P1" in await hero(slack, "duplicate P2 P1")
    problems = export_of(db_path)["problems"]
    assert problems[0]["reporters"] == 3 and problems[1]["status"] == "duplicate" and problems[1]["duplicate_of"] == 1
    await slack.click("problem_me_too", "2", user="U4")
    note = await fake_slack.wait_for("note", where=lambda c: "duplicate of P1" in c.args["text"])
    assert note
    assert "no longer a duplicate" in await hero(slack, "unduplicate P2")
    problems = export_of(db_path)["problems"]
    assert problems[0]["reporters"] == 1 and problems[1]["reporters"] == 3 and problems[1]["status"] == "open"


async def test_mark_duplicate_button_opens_a_modal_for_the_original(slack, fake_slack, db_path):
    await idea_posted(slack, fake_slack, "Loyalty points visible in the app")
    await slack.command("/idea", "Refund by bank transfer", user="U2")
    await fake_slack.wait_for("chat.postMessage", count=2)
    await slack.click("mark_duplicate", "2", user="U0MGR1")
    view = (await fake_slack.wait_for("views.open"))[0].args["view"]
    assert view["callback_id"] == "duplicate_form"
    body = await (await slack.submit_view(view, {"original": "2"}, user="U0MGR1")).json()
    assert body["response_action"] == "errors" and "itself" in body["errors"]["original"]
    response = await slack.submit_view(view, {"original": "#1"}, user="U0MGR1")
    assert await response.text() == ""
    assert export_of(db_path)["ideas"][1]["duplicate_of"] == 1


async def test_bad_duplicate_commands_get_usage(slack):
    assert "Use `/hero duplicate" in await hero(slack, "duplicate 1")
    assert "Use `/hero unduplicate" in await hero(slack, "unduplicate")


async def test_anonymous_idea_held_then_posted_stays_anonymous(slack, fake_slack, db_path, caplog):
    caplog.set_level(logging.INFO)
    await idea_posted(slack, fake_slack, "Waive late fees under 5 EUR")
    body = await (await slack.command("/idea", "anon Waive late fees below 5 EUR", user="USECRET")).json()
    await slack.click("post_anyway", buttons(body)[-1]["value"], user="USECRET")
    post = (await fake_slack.wait_for("chat.postMessage", count=2))[-1]
    assert "anonymous" in post.text() and "USECRET" not in post.text()
    assert "USECRET" not in json.dumps(export_of(db_path)) and "USECRET" not in caplog.text
