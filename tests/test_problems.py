"""Customer problems: `/problem`, its form, Me too, the problems channel, linking ideas, export."""

import json

from tests.conftest import export_of


def select(value):
    return {"type": "static_select", "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}


async def log_problem(slack, fake, text, user="U1"):
    before = len(fake.calls_to("chat.postMessage"))
    response = await slack.command("/problem", text, user=user)
    assert response.status == 200
    post = (await fake.wait_for("chat.postMessage", count=before + 1))[-1]
    await fake.wait_for("note", where=lambda c: "is posted" in c.args.get("text", ""), count=before + 1)
    return post


def problem_of(db_path, number=1):
    return next(p for p in export_of(db_path)["problems"] if p["id"] == number)


async def test_problem_is_stored_posted_with_me_too_and_exported(slack, fake_slack, db_path):
    post = await log_problem(slack, fake_slack, "Customers cannot reset their password from the app")
    assert post.args["channel"] == "C0IDEAS"  # no problems_channel configured: the ideas channel
    shown = post.text()
    assert "P1" in shown and "cannot reset their password" in shown and "<@U1>" in shown
    button = post.args["blocks"][-1]["elements"][0]
    assert "Me too" in button["text"]["text"] and button["value"] == "1"

    problem = problem_of(db_path)
    assert problem["text"] == "Customers cannot reset their password from the app"
    assert problem["reporter"] == "U1" and problem["reporters"] == 1 and problem["status"] == "open"
    assert problem["duplicate_of"] is None and problem["ideas"] == []
    assert problem["slack"] == {"channel": "C0IDEAS", "ts": post.answer["ts"]}
    assert problem["channel_mix"] == {"unknown": 1} and problem["created_at"].endswith("Z")


async def test_me_too_counts_each_reporter_once(slack, fake_slack, db_path):
    post = await log_problem(slack, fake_slack, "Invoice PDF is blank")
    ts = post.answer["ts"]
    for user in ("U2", "U2", "U3", "U1"):
        assert (await slack.click("problem_me_too", "1", user=user, message_ts=ts)).status == 200
    assert problem_of(db_path)["reporters"] == 3
    notes = await fake_slack.wait_for("note", count=5)
    texts = [n.args["text"] for n in notes]
    assert any("already counted" in t for t in texts) and any("you are counted" in t for t in texts)
    update = (await fake_slack.wait_for("chat.update", where=lambda c: "Me too (3)" in c.text(), timeout=8))[-1]
    assert update.args["ts"] == ts


async def test_problems_channel_is_used_when_configured(aiohttp_client, settings, fake_slack):
    from bot.config import Config
    from handlers.web import create_app
    from tests.conftest import CONFIG
    from tests.slack_requests import Slack

    config = Config.from_dict({**CONFIG, "slack": {**CONFIG["slack"], "problems_channel": "C0PROBS"},
                               "problems": {"self_service_threshold": 2}})
    assert config.self_service_threshold == 2
    client = await aiohttp_client(create_app(settings, config))
    await Slack(client, fake_slack).command("/problem", "Card declined abroad")
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    assert post.args["channel"] == "C0PROBS"
    await client.close()


async def test_problem_form_asks_the_four_questions_and_posts(slack, fake_slack, db_path):
    await slack.command("/problem", "  ")
    view = (await fake_slack.wait_for("views.open"))[0].args["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert set(blocks) == {"tried", "went_wrong", "contact_channel", "frequency"}
    channels = [o["value"] for o in blocks["contact_channel"]["element"]["options"]]
    assert channels == ["phone", "email", "chat", "in_person", "other"]
    response = await slack.submit_view(view, {"tried": "Change the delivery address", "went_wrong": "The form times out",
                                              "contact_channel": select("phone"), "frequency": select("daily")})
    assert response.status == 200 and await response.text() == ""
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    assert "Change the delivery address" in post.text() and "The form times out" in post.text()
    problem = problem_of(db_path)
    assert problem["channel_mix"] == {"phone": 1}
    assert "Tried to: Change the delivery address" in problem["text"]


async def test_bad_problems_are_refused_and_nothing_stored(slack, fake_slack, db_path):
    response = await slack.command("/problem", "x" * 4001)
    assert "4,000" in (await response.json())["text"]
    await slack.command("/problem", "")
    view = (await fake_slack.wait_for("views.open"))[0].args["view"]
    body = await (await slack.submit_view(view, {"tried": "x", "went_wrong": "   ",
                                                 "contact_channel": select("carrier pigeon")})).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"went_wrong", "contact_channel"}
    assert export_of(db_path)["problems"] == []
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_idea_form_links_an_open_problem_and_the_problem_shows_it(slack, fake_slack, db_path):
    await log_problem(slack, fake_slack, "Parcel tracking page is always out of date")
    await slack.command("/idea", "")
    view = (await fake_slack.wait_for("views.open"))[0].args["view"]
    select_block = next(b for b in view["blocks"] if b["block_id"] == "problem_id")
    assert select_block["element"]["options"][0]["value"] == "1" and "P1" in json.dumps(select_block)
    await slack.submit_view(view, {"problem": "Tracking is stale", "solution": "Push carrier scans every hour",
                                   "impact": "Fewer where-is-my-parcel calls", "problem_id": select("1")})
    await fake_slack.wait_for("chat.postMessage", count=2)
    data = export_of(db_path)
    assert data["ideas"][0]["problem_ids"] == [1] and data["ideas"][0]["duplicate_of"] is None
    assert data["problems"][0]["ideas"] == [1]
    update = await fake_slack.wait_for("chat.update", where=lambda c: "Ideas addressing it" in c.text(), timeout=8)
    assert "Push carrier scans every hour" in update[-1].text()


async def test_hero_link_by_author_or_manager_only(slack, fake_slack, db_path):
    await log_problem(slack, fake_slack, "Refund status unknown")
    await slack.command("/idea", "Send refund status by SMS", user="U5")
    await fake_slack.wait_for("chat.postMessage", count=2)
    refused = await (await slack.command("/hero", "link 1 P1", user="U9")).json()
    assert "Only the author" in refused["text"]
    for text, expected in (("link 1 P42", "no problem P42"), ("link 1", "Use `/hero link"),
                           ("link banana P1", "not an idea or problem number")):
        assert expected in (await (await slack.command("/hero", text, user="U5")).json())["text"]
    assert export_of(db_path)["problems"][0]["ideas"] == []
    ok = await (await slack.command("/hero", "link 1 P1", user="U5")).json()
    assert "now addresses problem P1" in ok["text"]
    again = await (await slack.command("/hero", "link #1 1", user="U0MGR1")).json()
    assert "already linked" in again["text"]
    assert export_of(db_path)["problems"][0]["ideas"] == [1]
