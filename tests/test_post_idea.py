"""Posting ideas: `/idea <text>`, `/idea anon`, the modal, and what bad input gets."""

import json
import logging

from tests.conftest import export_of


async def post_idea(slack, fake, text, user="U1", count=1):
    response = await slack.command("/idea", text, user=user)
    assert response.status == 200
    posts = await fake.wait_for("chat.postMessage", count=count)
    return response, posts[-1]


async def test_idea_is_stored_posted_and_confirmed_with_a_link(slack, fake_slack, db_path):
    response, post = await post_idea(slack, fake_slack, "Offer a callback when the queue is long\nCustomers hang up after 5 minutes.")

    assert post.args["channel"] == "C0IDEAS"
    shown = post.text()
    for expected in ("#1", "Offer a callback when the queue is long", "Customers hang up after 5 minutes.",
                     "<@U1>", "0 votes", "0 comments"):
        assert expected in shown
    button = post.args["blocks"][-1]["elements"][0]
    assert "Vote" in button["text"]["text"] and button["value"] == "1"

    confirmation = await response.json()  # the post was quick: the command's own answer confirms it
    assert confirmation["response_type"] == "ephemeral" and "Idea #1 is posted" in confirmation["text"]
    assert f"https://example.slack.com/archives/C0IDEAS/p{post.answer['ts'].replace('.', '')}" in confirmation["text"]
    assert fake_slack.calls_to("response_url") == [] and fake_slack.calls_to("chat.postEphemeral") == []

    idea = export_of(db_path)["ideas"][0]
    assert idea["text"] == "Offer a callback when the queue is long\nCustomers hang up after 5 minutes."
    assert idea["title"] == "Offer a callback when the queue is long"
    assert idea["status"] == "open" and idea["author"] == "U1" and idea["anonymous"] is False
    assert idea["slack"] == {"channel": "C0IDEAS", "ts": post.answer["ts"]}


async def test_a_slow_post_is_confirmed_through_the_response_url(slack, fake_slack):
    fake_slack.slow("chat.postMessage", seconds=2.5)  # past the 2 s the answer waits for, within Slack's 3 s
    response = await slack.command("/idea", "Offer a callback when the queue is long")
    assert response.status == 200 and await response.text() == ""
    confirmation = (await fake_slack.wait_for("response_url", timeout=5))[0]
    assert "Idea #1 is posted" in confirmation.args["text"] and "/archives/C0IDEAS/p" in confirmation.args["text"]


async def test_long_title_is_cut_for_display_but_stored_whole(slack, fake_slack, db_path):
    title = "A" * 150
    _, post = await post_idea(slack, fake_slack, title)
    assert "A" * 79 + "…" in post.text() and "A" * 81 not in post.text()
    assert export_of(db_path)["ideas"][0]["title"] == title


async def test_anonymous_idea_never_shows_its_author(slack, fake_slack, db_path, caplog):
    caplog.set_level(logging.INFO)
    _, post = await post_idea(slack, fake_slack, "anon Let agents waive fees under 10 EUR", user="USECRET")
    await fake_slack.wait_for("note")

    assert "anonymous" in post.text() and "USECRET" not in post.text()
    idea = export_of(db_path)["ideas"][0]
    assert idea["anonymous"] is True and idea["author"] is None
    assert idea["text"] == "Let agents waive fees under 10 EUR"
    assert "USECRET" not in json.dumps(export_of(db_path))
    assert "USECRET" not in caplog.text


async def test_anonymous_author_still_finds_their_idea(slack, fake_slack):
    await post_idea(slack, fake_slack, "anon Quiet idea", user="USECRET")
    mine = await slack.command("/hero", "mine", user="USECRET")
    others = await slack.command("/hero", "mine", user="UOTHER")
    assert "Quiet idea" in await mine.text()
    assert "Quiet idea" not in await others.text()


async def test_text_over_4000_characters_is_refused_and_nothing_stored(slack, fake_slack, db_path):
    response = await slack.command("/idea", "x" * 4001)
    body = await response.json()
    assert body["response_type"] == "ephemeral" and "4,000" in body["text"]
    assert export_of(db_path)["ideas"] == []
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_exactly_4000_characters_is_accepted(slack, fake_slack, db_path):
    await post_idea(slack, fake_slack, "y" * 4000)
    assert len(export_of(db_path)["ideas"][0]["text"]) == 4000


async def test_empty_idea_opens_the_problem_solving_form(slack, fake_slack):
    response = await slack.command("/idea", "   ")
    assert response.status == 200
    view = (await fake_slack.wait_for("views.open"))[0].args
    assert view["trigger_id"] == "1337.42.abcd"
    blocks = {b["block_id"]: b for b in view["view"]["blocks"]}
    assert set(blocks) == {"problem", "root_cause", "solution", "impact", "mission_goal", "anonymous"}
    assert blocks["root_cause"]["optional"] and blocks["mission_goal"]["optional"]
    goals = [o["value"] for o in blocks["mission_goal"]["element"]["options"]]
    assert goals == ["Resolve on first contact", "Shorter waits"]


async def open_form(slack, fake, text=""):
    await slack.command("/idea", text)
    return (await fake.wait_for("views.open"))[-1].args["view"]


async def test_form_submission_posts_the_framed_idea(slack, fake_slack, db_path):
    view = await open_form(slack, fake_slack)
    response = await slack.submit_view(view, {
        "problem": "Customers wait 20 minutes on hold", "root_cause": "Peaks at 9am",
        "solution": "Offer a callback slot\nwhen waits pass 5 minutes", "impact": "Fewer abandoned calls",
        "mission_goal": "Shorter waits", "anonymous": False,
    })
    assert response.status == 200 and await response.text() == ""
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    assert "Offer a callback slot" in post.text() and "Shorter waits" in post.text()
    idea = export_of(db_path)["ideas"][0]
    assert idea["title"] == "Offer a callback slot"
    assert idea["mission_goal"] == "Shorter waits"
    for part in ("Customers wait 20 minutes on hold", "Peaks at 9am", "when waits pass 5 minutes", "Fewer abandoned calls"):
        assert part in idea["text"]
    confirmation = (await fake_slack.wait_for("note"))[-1]
    assert "Idea #1 is posted" in confirmation.args["text"]


async def test_form_anonymous_checkbox_hides_the_author(slack, fake_slack, db_path):
    view = await open_form(slack, fake_slack, "anon")
    anonymous_block = next(b for b in view["blocks"] if b["block_id"] == "anonymous")
    assert anonymous_block["element"]["initial_options"][0]["value"] == "anonymous"
    await slack.submit_view(view, {"problem": "p", "solution": "s", "impact": "i", "anonymous": True}, user="USECRET")
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    assert "USECRET" not in post.text()
    assert export_of(db_path)["ideas"][0]["author"] is None


async def test_form_with_missing_fields_comes_back_with_field_errors(slack, fake_slack, db_path):
    view = await open_form(slack, fake_slack)
    response = await slack.submit_view(view, {"problem": "  ", "solution": "", "impact": "x"})
    body = await response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"problem", "solution"}
    assert export_of(db_path)["ideas"] == []


async def test_form_with_unknown_goal_or_too_much_text_is_refused(slack, fake_slack, db_path):
    view = await open_form(slack, fake_slack)
    response = await slack.submit_view(view, {"problem": "p" * 1000, "solution": "s" * 1000, "impact": "i" * 1000,
                                              "root_cause": "r" * 1000, "mission_goal": "World domination"})
    body = await response.json()
    assert set(body["errors"]) == {"mission_goal", "solution"}
    assert "4,000" in body["errors"]["solution"]
    assert export_of(db_path)["ideas"] == []


async def test_posting_failure_tells_the_poster_and_keeps_the_idea(slack, fake_slack, db_path):
    fake_slack.fail("chat.postMessage", error="not_in_channel")
    await slack.command("/idea", "Idea while the bot is not in the channel")
    note = (await fake_slack.wait_for("note"))[0]
    assert "saved" in note.args["text"] and "could not be posted" in note.args["text"]
    assert export_of(db_path)["ideas"][0]["slack"] is None
