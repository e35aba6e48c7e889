"""Thread replies on an idea's message become comments, and the count on the message follows."""

from tests.conftest import export_of
from tests.test_voting import posted_idea, settle


async def test_thread_reply_is_stored_and_counted(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    response = await slack.reply("U7", channel, ts, "We tried this in 2019 <b>and</b> it worked", ts="1700000099.000001")
    assert response.status == 200

    rows = list(core.db.query("SELECT idea_id, user_id, text, created_at FROM comments"))
    assert [(r["idea_id"], r["user_id"], r["text"]) for r in rows] == [(1, "U7", "We tried this in 2019 <b>and</b> it worked")]
    assert rows[0]["created_at"]
    assert export_of(db_path)["ideas"][0]["comments"] == 1

    update = (await settle(core, fake_slack))[-1]
    assert "1 comment" in update.text()


async def test_redelivered_reply_is_stored_once(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "once", ts="1700000099.000001", event_id="EvSAME")
    await slack.reply("U7", channel, ts, "once", ts="1700000099.000001", event_id="EvSAME", retry=1)
    await slack.reply("U7", channel, ts, "once", ts="1700000099.000001", event_id="EvOTHER")  # same message, new id
    assert export_of(db_path)["ideas"][0]["comments"] == 1


async def test_messages_that_are_not_thread_replies_to_ideas_are_ignored(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.event({"type": "message", "channel": channel, "user": "U7", "text": "top-level", "ts": "1700000100.1"})
    await slack.reply("U7", channel, "1600000000.000001", "reply to another thread")
    await slack.event({"type": "message", "subtype": "message_changed", "channel": channel, "ts": "1700000100.2",
                       "message": {"text": "edit", "thread_ts": ts, "user": "U7"}})
    await slack.event({"type": "message", "subtype": "bot_message", "bot_id": "B9", "channel": channel,
                       "text": "bot says", "ts": "1700000100.3", "thread_ts": ts})
    assert export_of(db_path)["ideas"][0]["comments"] == 0


async def test_hero_show_lists_the_comments(slack, fake_slack):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "Love it", ts="1700000099.000001")
    shown = await (await slack.command("/hero", "show 1")).json()
    text = str(shown)
    assert "Love it" in text and "<@U7>" in text and "#1" in text
